package io.pggit.core;

import io.pggit.core.model.Checkout;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkout (issue 15): the plan from HEAD's tree to a branch's, applied in one transaction with
 * HEAD moved, the live catalog then exactly the branch's tree; refused with uncommitted changes,
 * drift or data loss; a failure midway changes nothing; the SQL front's honest refusal.
 */
class CheckoutTest {

    private static final String HOSTILE = "app.\"Zähler \"\"X\"\" Mixed\"";

    /** A database with app.meter committed on main, and branch feature at HEAD. */
    private static TestDb base(String name) {
        TestDb db = TestDb.withPggit(name);
        db.exec("CREATE SCHEMA app",
                "CREATE TABLE app.meter (id int PRIMARY KEY, serial varchar(20) DEFAULT 'x', note text)",
                "CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 1'",
                "SELECT pggit.commit('base')",
                "SELECT pggit.create_branch('feature')");
        return db;
    }

    private static String state(TestDb db) {
        return String.join("\n", db.column("SELECT 'head ' || branch FROM pggit.head")) + "\n"
                + String.join("\n", db.column("SELECT object_key || ' ' || hash || ' ' || classid || ' ' || objid FROM pggit.object_map ORDER BY 1")) + "\n"
                + String.join("\n", db.freshCapture()) + "\n"
                + db.value("SELECT count(*) || ' journal rows, ' || (SELECT count(*) FROM pggit.commit) || ' commits' FROM pggit.journal");
    }

    private static void assertLiveIsHead(TestDb db) {
        assertEquals(db.headTree(), db.freshCaptureTree(), "the live catalog is HEAD's tree");
        assertEquals(List.of(), db.pggit().drift(), "no drift");
        assertEquals(List.of(), db.pggit().status(), "nothing uncommitted");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.journal"), "the applied DDL's journal rows are consumed");
        assertEquals(List.of(), db.pggit().fsck(), "the index is HEAD's tree");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.accepted_state"), "nothing accepted outside the history");
    }

    @Test
    void checkingOutBackAndForthGivesEachBranchsTreeExactlyWithoutCommits() {
        TestDb db = base("checkout_roundtrip");
        Pggit pggit = db.pggit();
        String mainTree = db.headTree();

        Checkout same = pggit.checkout("feature", true, false);
        assertEquals(List.of(), same.plan(), "a branch at HEAD: nothing to do");
        assertTrue(same.applied());
        assertEquals("feature", db.value("SELECT branch FROM pggit.head"));

        db.exec("ALTER TABLE app.meter ALTER COLUMN serial TYPE text, ALTER COLUMN serial SET DEFAULT 'y'",
                "ALTER TABLE app.meter ADD COLUMN read_at timestamptz",
                "CREATE INDEX meter_read_idx ON app.meter (read_at)",
                "CREATE TABLE " + HOSTILE + " (\"Wert ü\" numeric, \"MixedCase\" int REFERENCES app.meter)",
                "COMMENT ON TABLE " + HOSTILE + " IS 'it''s hostile'",
                "CREATE OR REPLACE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 2'",
                "CREATE VIEW app.v AS SELECT id, read_at FROM app.meter");
        String f1 = pggit.commit("f1").orElseThrow();
        String featureTree = db.headTree();
        long commits = Long.parseLong(db.value("SELECT count(*) FROM pggit.commit"));

        Checkout plan = pggit.checkout("main", false, false);
        assertFalse(plan.applied());
        assertEquals(List.of(), plan.refusals(), plan.toString());
        assertEquals(List.of(), plan.dataLoss(), "no rows, no values: nothing lost");
        assertTrue(plan.planScript().contains("DROP TABLE " + HOSTILE + ";"), plan.planScript());
        assertTrue(plan.planScript().contains("ALTER TABLE app.meter ALTER COLUMN \"serial\" TYPE character varying(20);"), plan.planScript());
        assertTrue(plan.planScript().contains("ALTER TABLE app.meter ALTER COLUMN \"serial\" SET DEFAULT 'x'::character varying;"), plan.planScript());
        assertEquals("feature", db.value("SELECT branch FROM pggit.head"), "a plan only moves nothing");
        assertEquals(featureTree, db.freshCaptureTree(), "a plan only changes nothing");

        Checkout back = pggit.checkout("main", true, false);
        assertTrue(back.applied());
        assertEquals(pggit.resolve("main"), back.head().orElseThrow());
        assertEquals("main", db.value("SELECT branch FROM pggit.head"));
        assertEquals(mainTree, db.freshCaptureTree(), "the live catalog is main's tree:\n" + back.planScript());
        assertLiveIsHead(db);
        assertEquals(commits, Long.parseLong(db.value("SELECT count(*) FROM pggit.commit")), "a checkout writes no commit");

        Checkout again = pggit.checkout("feature", true, false);
        assertTrue(again.applied());
        assertEquals(f1, again.head().orElseThrow());
        assertEquals(featureTree, db.freshCaptureTree(), "the live catalog is feature's tree:\n" + again.planScript());
        assertLiveIsHead(db);
        assertEquals("it's hostile", db.value("SELECT obj_description(to_regclass('" + HOSTILE.replace("'", "''") + "'), 'pg_class')"));

        // commits go on the checked-out branch
        db.exec("CREATE TABLE app.after (a int)");
        String f2 = pggit.commit("f2").orElseThrow();
        assertEquals(f2, pggit.resolve("feature"));
        assertEquals(List.of(f1), db.column("SELECT unnest(parents) FROM pggit.commit WHERE id = '" + f2 + "'"));
    }

    @Test
    void uncommittedChangesAndDriftRefuseItAndChangeNothing() throws SQLException {
        TestDb db = base("checkout_refused");
        Pggit pggit = db.pggit();
        pggit.checkout("feature", true, false);
        db.exec("CREATE TABLE app.extra (a int)", "SELECT pggit.commit('extra')");
        db.exec("CREATE TABLE app.pending (a int)");
        String before = state(db);
        PggitException refused = assertThrows(PggitException.class, () -> pggit.checkout("main", true, false));
        assertTrue(refused.getMessage().contains("1 uncommitted change(s) (A table:app.pending)"), refused.getMessage());
        assertTrue(refused.getMessage().contains("commit them first"), refused.getMessage());
        assertEquals(before, state(db), "nothing changed");
        Checkout planOnly = pggit.checkout("main", false, false);
        assertEquals(1, planOnly.refusals().size(), planOnly.refusals().toString());
        assertTrue(planOnly.plan().contains("DROP TABLE app.extra;"), planOnly.plan().toString());
        db.exec("DROP TABLE app.pending", "SELECT pggit.commit('no pending')");

        // drift: DDL no event trigger saw
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TABLE app.sneaky (a int)");
        }
        PggitException drifted = assertThrows(PggitException.class, () -> pggit.checkout("main", true, false));
        assertTrue(drifted.getMessage().contains("drifted from HEAD in 1 object(s) (A table:app.sneaky)"), drifted.getMessage());
        assertEquals("feature", db.value("SELECT branch FROM pggit.head"));
        assertEquals("1", db.value("SELECT count(*) FROM pg_class WHERE relname = 'extra'"));

        PggitException unknown = assertThrows(PggitException.class, () -> pggit.checkout("nope", false, false));
        assertTrue(unknown.getMessage().contains("no branch \"nope\""), unknown.getMessage());
    }

    @Test
    void aPlanThatWouldLoseDataIsRefusedUnlessAllowed() {
        TestDb db = base("checkout_loss");
        Pggit pggit = db.pggit();
        pggit.checkout("feature", true, false);
        db.exec("CREATE TABLE app.extra (a int)", "ALTER TABLE app.meter ADD COLUMN kind text",
                "ALTER TABLE app.meter ALTER COLUMN serial TYPE varchar(40)", "SELECT pggit.commit('extra')",
                "INSERT INTO app.extra VALUES (1), (2)", "INSERT INTO app.meter VALUES (1, 'abc', NULL, 'k')",
                // rows a policy would hide are counted: row_security = off, as the owner
                "ALTER TABLE app.extra ENABLE ROW LEVEL SECURITY", "CREATE POLICY none ON app.extra USING (false)",
                "SELECT pggit.commit('policy')");
        Checkout plan = pggit.checkout("main", false, false);
        assertEquals(List.of("column \"kind\" of app.meter is dropped: 1 non-null value",
                        "column \"serial\" of app.meter changes type from character varying(40) to character varying(20): 1 non-null value",
                        "table app.extra is dropped: 2 rows"),
                plan.dataLoss().stream().sorted().toList());
        String before = state(db);
        PggitException refused = assertThrows(PggitException.class, () -> pggit.checkout("main", true, false));
        assertTrue(refused.getMessage().contains("would lose data") && refused.getMessage().contains("allowDataLoss"), refused.getMessage());
        assertEquals(before, state(db), "nothing changed");

        Checkout done = pggit.checkout("main", true, true);
        assertTrue(done.applied());
        assertEquals(3, done.dataLoss().size());
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE relname = 'extra'"));
        assertEquals("abc", db.value("SELECT serial FROM app.meter"));
        assertLiveIsHead(db);
    }

    @Test
    void aStepThatFailsMidwayLeavesTheCatalogHeadAndIndexAsTheyWere() {
        TestDb db = base("checkout_midway");
        Pggit pggit = db.pggit();
        db.exec("ALTER TABLE app.meter ALTER COLUMN note SET NOT NULL", "SELECT pggit.commit('note required')");
        pggit.checkout("feature", true, false);   // feature is at base: note may be null
        db.exec("CREATE TABLE app.extra (a int)", "SELECT pggit.commit('extra')", "INSERT INTO app.meter VALUES (1, 'a', NULL)");
        String before = state(db);
        PggitException failed = assertThrows(PggitException.class, () -> pggit.checkout("main", true, false));
        assertTrue(failed.getMessage().contains("failed at step") && failed.getMessage().contains("SET NOT NULL")
                && failed.getMessage().contains("Nothing was changed"), failed.getMessage());
        assertEquals(before, state(db), "the catalog (app.extra was dropped by an earlier step), HEAD, the index and the journal as they were");
        assertLiveIsHead(db);
    }

    @Test
    void insideTheCallersTransactionItWorksUnderASavepointAndTheCallerCommits() throws SQLException {
        TestDb db = base("checkout_savepoint");
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            PggitSession s = Pggit.on(c);
            assertTrue(s.checkout("feature", true, false).applied());
            assertThrows(PggitException.class, () -> s.checkout("nope", true, false));
            try (Statement st = c.createStatement()) {   // the refusal rolled back to its savepoint: the transaction goes on
                st.execute("CREATE TABLE app.extra (a int)");
            }
            assertTrue(s.commit("extra").isPresent());
            assertEquals("main", db.value("SELECT branch FROM pggit.head"), "not committed yet");
            c.commit();
        }
        assertEquals("feature", db.value("SELECT branch FROM pggit.head"));
        assertEquals(db.pggit().resolve("feature"), db.pggit().head().orElseThrow());
        assertLiveIsHead(db);
    }

    @Test
    void aNonSuperuserAdminChecksOutWhatItOwnsAndIsRefusedWhatItCannotBecome() throws SQLException {
        TestDb db = TestDb.withPggit("checkout_admin");
        db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'checkout_admin') THEN "
                        + "CREATE ROLE checkout_admin LOGIN PASSWORD 'pw'; END IF; END $$",
                "GRANT pggit_admin TO checkout_admin", "GRANT CREATE ON DATABASE \"" + db.name() + "\" TO checkout_admin",
                "CREATE SCHEMA app AUTHORIZATION checkout_admin", "SELECT pggit.commit('app')", "SELECT pggit.create_branch('feature')");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser("checkout_admin");
        ds.setPassword("pw");
        Pggit admin = Pggit.builder(ds).build();
        admin.checkout("feature", true, false);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE app.mine (a int)");
            s.execute("SELECT pggit.commit('mine')");
        }
        Checkout back = admin.checkout("main", true, false);
        assertTrue(back.applied(), back.toString());
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE relname = 'mine'"));
        assertTrue(admin.checkout("feature", true, false).applied());
        assertEquals("checkout_admin", db.value("SELECT relowner::regrole::text FROM pg_class WHERE relname = 'mine'"));
        assertLiveIsHead(db);

        // a superuser's table on feature: the admin cannot become its owner
        db.exec("CREATE TABLE app.theirs (a int)", "SELECT pggit.commit('theirs')");
        PggitException refused = assertThrows(PggitException.class, () -> admin.checkout("main", true, false));
        assertTrue(refused.getMessage().contains("cannot become it"), refused.getMessage());
        assertEquals("feature", db.value("SELECT branch FROM pggit.head"));

        // a role without pggit_admin: refused finish_checkout
        db.exec("REVOKE pggit_admin FROM checkout_admin", "GRANT pggit_reader TO checkout_admin", "DROP TABLE app.theirs",
                "SELECT pggit.commit('theirs gone')");
        PggitException notAdmin = assertThrows(PggitException.class, () -> admin.checkout("main", true, false));
        assertTrue(notAdmin.getMessage().contains("permission denied"), notAdmin.getMessage());
        assertEquals("1", db.value("SELECT count(*) FROM pg_class WHERE relname = 'mine'"), "rolled back");
    }

    @Test
    void theSqlFrontMovesHeadWhenTheTreesAreEqualAndOtherwiseNamesTheJavaEntrances() {
        TestDb db = base("checkout_sql");
        assertEquals(List.of(), db.column("SELECT * FROM pggit.checkout('feature', true)"));
        assertEquals("feature", db.value("SELECT branch FROM pggit.head"));
        db.exec("CREATE TABLE app.extra (a int)", "SELECT pggit.commit('extra')");
        SQLException refused = sqlError(db, "SELECT * FROM pggit.checkout('main')");
        assertEquals("0A000", refused.getSQLState());
        String hint = ((org.postgresql.util.PSQLException) refused).getServerErrorMessage().getHint();
        assertTrue(hint.contains("mvn pggit:checkout -Dpggit.branch=main") && hint.contains("pggit-cli checkout main")
                && hint.contains("Pggit.checkout"), hint);
        assertEquals("42704", sqlError(db, "SELECT * FROM pggit.checkout('nope')").getSQLState());
        db.exec("CREATE TABLE app.pending (a int)");
        assertEquals("55000", sqlError(db, "SELECT * FROM pggit.checkout('main')").getSQLState());
        assertEquals("feature", db.value("SELECT branch FROM pggit.head"));
    }

    @Test
    void itWarnsAboutMigrationsTheBranchsHistoryDoesNotLink() {
        TestDb db = base("checkout_history");
        Pggit pggit = db.pggit();
        db.exec("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200), "
                        + "type varchar(20), script varchar(1000), checksum int, installed_by varchar(100), "
                        + "installed_on timestamp NOT NULL DEFAULT now(), execution_time int, success boolean)",
                "INSERT INTO public.flyway_schema_history VALUES (1, '1', 'one', 'SQL', 'V1__one.sql', 11, 'me', now(), 7, true), "
                        + "(2, '2', 'two', 'SQL', 'V2__two.sql', 22, 'me', now(), 9, true)",
                "CREATE TABLE app.one (a int)",
                "SELECT * FROM pggit.record_migration(NULL, '{\"tool\":\"flyway\",\"id\":\"1\",\"description\":\"one\","
                        + "\"script\":\"V1__one.sql\",\"checksum\":\"11\"}', 'success')");
        Checkout toFeature = pggit.checkout("feature", false, false);
        assertEquals(2, toFeature.warnings().size(), toFeature.warnings().toString());
        assertTrue(toFeature.warnings().get(0).startsWith("V1 (V1__one.sql) is in public.flyway_schema_history but linked to commit "), toFeature.warnings().get(0));
        assertTrue(toFeature.warnings().get(0).contains("which feature does not reach"), toFeature.warnings().get(0));
        assertTrue(toFeature.warnings().get(1).startsWith("V2 (V2__two.sql) is in public.flyway_schema_history but linked to no commit"),
                toFeature.warnings().get(1));
        assertEquals(List.of("V2 two (V2__two.sql)"), db.column("SELECT migration FROM pggit.unlinked_migrations('main')"),
                "main's history links V1");
    }

    private static SQLException sqlError(TestDb db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("no error from " + sql);
    }
}
