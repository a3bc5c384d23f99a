package io.pggit.core;

import io.pggit.core.model.Change;
import io.pggit.core.model.MigrationLink;
import io.pggit.core.model.Rebaseline;
import io.pggit.core.run.MigrationRun;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server moves (issue 12): pg_dump/pg_restore into a new database and pg_upgrade keep the objects
 * but not their OIDs, and a new major version may print some definitions differently. pggit records
 * the server its index was built on (system identifier, database OID, server version), re-maps the
 * index by object key on another one, and records what the new major prints differently as one
 * commit of origin {@code server-upgrade}: no flood of drift.
 *
 * <p>A move is simulated here, on any major: {@code CREATE DATABASE ... TEMPLATE} gives a database
 * of another OID holding the same objects under the same OIDs (and pggit's tables with their rows,
 * as a full dump does), then a superuser re-creates objects with the same definitions under
 * {@code session_replication_role = replica}, in which event triggers do not fire, so they get new
 * OIDs without pggit seeing it, as a restore gives them. A new major version is simulated by
 * recording the index's server as the previous major (with another system identifier and the same
 * database OID, as pg_upgrade leaves them) and re-creating objects as another server would print
 * them: the same function with its body laid out otherwise, the same view written with an alias.
 * The real pg_dump/pg_restore is in {@link PgDumpRoundTripTest} (PostgreSQL 15 execution); a real
 * pg_upgrade needs the binaries of two majors, which the test environment has not.
 */
class ServerMoveTest {

    static final String[] FIXTURE = {
            "CREATE SCHEMA app",
            "CREATE TABLE app.account (id int PRIMARY KEY, junk int, email text NOT NULL CONSTRAINT email_set CHECK (email <> ''), note text)",
            "ALTER TABLE app.account DROP COLUMN junk",   // an attnum gap, which a restore closes
            "CREATE TABLE app.entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "account int CONSTRAINT entry_account_fk REFERENCES app.account, amount numeric)",
            "CREATE INDEX entry_account ON app.entry (account)",
            "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
            "CREATE TRIGGER entry_touch BEFORE INSERT ON app.entry FOR EACH ROW EXECUTE FUNCTION app.touch()",
            "CREATE FUNCTION app.balance(a int) RETURNS numeric LANGUAGE sql STABLE AS 'SELECT sum(amount) FROM app.entry WHERE account = a'",
            "CREATE VIEW app.balances AS SELECT id, app.balance(id) AS balance FROM app.account",
    };

    /** The same objects, re-created without pggit seeing it: new OIDs, the same definitions. */
    static final String[] RECREATED_UNSEEN = {
            "SET session_replication_role = replica",
            "DROP VIEW app.balances",
            "DROP FUNCTION app.balance(int)",
            "CREATE FUNCTION app.balance(a int) RETURNS numeric LANGUAGE sql STABLE AS 'SELECT sum(amount) FROM app.entry WHERE account = a'",
            "CREATE VIEW app.balances AS SELECT id, app.balance(id) AS balance FROM app.account",
            "DROP TRIGGER entry_touch ON app.entry",
            "CREATE TRIGGER entry_touch BEFORE INSERT ON app.entry FOR EACH ROW EXECUTE FUNCTION app.touch()",
            "ALTER TABLE app.account DROP CONSTRAINT email_set, ADD CONSTRAINT email_set CHECK (email <> '')",
            "ALTER TABLE app.entry DROP CONSTRAINT entry_account_fk, "
                    + "ADD CONSTRAINT entry_account_fk FOREIGN KEY (account) REFERENCES app.account",
            "RESET session_replication_role",
    };

    /** Index entries whose address is not the live one of their key (the catalog reader's). */
    static final String STALE = "SELECT m.object_key FROM pggit.object_map m JOIN pggit.read_catalog() r USING (object_key) "
            + "WHERE (m.classid, m.objid) IS DISTINCT FROM (r.classid, r.objid) ORDER BY 1";

    /** Index entries and live objects that are not each other's, by key and address. */
    static final String OUT_OF_STEP = "SELECT coalesce(m.object_key, r.object_key) FROM pggit.object_map m "
            + "FULL JOIN pggit.read_catalog() r USING (object_key) "
            + "WHERE (m.classid, m.objid) IS DISTINCT FROM (r.classid, r.objid) ORDER BY 1";

    @Test
    void aMovedDatabaseReportsOneFindingThenTheNextMigrationReMapsTheIndexByKeyWithoutACommit() {
        TestDb source = TestDb.withPggit("server_move");
        migrate(source, "1", FIXTURE);
        migrate(source, "2", "ALTER TABLE app.account ADD COLUMN created timestamptz");
        List<List<String>> history = log(source);

        TestDb moved = source.copy("moved");
        moved.exec(RECREATED_UNSEEN);
        assertEquals("0", moved.value("SELECT count(*) FROM pggit.journal"), "replica mode fires no event trigger");
        assertEquals(List.of("constraint:app.account.email_set", "constraint:app.entry.entry_account_fk",
                        "function:app.balance(integer)", "trigger:app.entry.entry_touch", "view:app.balances"),
                moved.column(STALE), "the objects got new OIDs that the index does not know");

        // before the re-baseline: one clear finding, no per-object drift
        assertTrue(moved.pggit().serverMoved().moved());
        assertTrue(moved.pggit().serverMoved().message().contains("another database of this cluster"), moved.pggit().serverMoved().message());
        PggitException drift = assertThrows(PggitException.class, () -> moved.pggit().drift());
        assertTrue(drift.getMessage().contains("this database moved since its index was built"), drift.getMessage());
        assertEquals(List.of(List.of("drift", "server_moved", "error")),
                moved.rows("SELECT check_name, kind, severity FROM pggit.verify_consistency(checks => ARRAY['drift'])"));
        assertEquals("0", moved.value("SELECT count(*) FROM pggit.conflict"), "no conflict recorded per object");
        assertFalse(source.pggit().serverMoved().moved(), "the source is where the index was built");

        // the next migration run re-baselines at its start, then records its migration as usual
        List<Change> driftAtEnd = migrate(moved, "3", "CREATE TABLE app.audit (id int, at timestamptz)",
                "ALTER TABLE app.account ADD COLUMN closed boolean");
        assertEquals(List.of(), driftAtEnd.stream().map(Object::toString).toList(), "no drift at the end of the run");
        assertEquals(List.of(), moved.column(OUT_OF_STEP), "the index holds the live addresses");
        assertFalse(moved.pggit().serverMoved().moved());
        assertEquals(List.of(java.util.Arrays.asList(moved.value("SELECT oid::text FROM pg_database WHERE datname = current_database()"), "5", "0", "0", null)),
                moved.rows("SELECT database_oid::text, remapped::text, unmatched::text, journal_rows_dropped::text, rebaseline_commit "
                        + "FROM pggit.server_identity ORDER BY id DESC LIMIT 1"));
        assertTrue(moved.value("SELECT note FROM pggit.server_identity ORDER BY id DESC LIMIT 1").startsWith("moved: database OID "));

        // history intact: the source's log and links, then V3's commit alone; no server-upgrade commit
        List<List<String>> after = log(moved);
        assertEquals(history, after.subList(1, after.size()), "the history before the move");
        assertEquals(List.of("migration", "flyway 3"), after.get(0).subList(1, 3));
        assertEquals("0", moved.value("SELECT count(*) FROM pggit.commit WHERE origin = 'server-upgrade'"));
        assertEquals(List.of("A table:app.audit", "M table:app.account"),
                moved.rows("SELECT change || ' ' || object_key FROM pggit.show('HEAD') ORDER BY 1").stream().map(r -> r.get(0)).toList());
        assertEquals(List.of(List.of("1", "true"), List.of("2", "true"), List.of("3", "true")), moved.rows(
                "SELECT l.migration_id, (l.commit_id IN (SELECT id FROM pggit.commit))::text FROM pggit.migration_link l ORDER BY l.id"));
        assertEquals(List.of(), moved.pggit().drift());
        assertEquals(List.of(), moved.rows("SELECT check_name, kind, message FROM pggit.verify_consistency() WHERE severity = 'error'"));
        assertEquals(List.of(), moved.pggit().fsck());

        // and a capture after it finds an object by its new address: a rename is a rename
        moved.exec("ALTER FUNCTION app.balance(int) RENAME TO balance_of", "ALTER VIEW app.balances RENAME TO account_balances");
        moved.pggit().commit("renames");
        assertEquals(List.of("R function:app.balance_of(integer) <- function:app.balance(integer)",
                        "R view:app.account_balances <- view:app.balances"),
                moved.rows("SELECT change || ' ' || object_key || ' <- ' || old_key FROM pggit.show('HEAD') WHERE change = 'R' ORDER BY 1")
                        .stream().map(r -> r.get(0)).toList());
        assertEquals(List.of(), moved.pggit().drift());
    }

    @Test
    void aNewMajorVersionsOtherPrintingIsOneServerUpgradeCommitListingExactlyWhatChanged() {
        TestDb source = TestDb.withPggit("server_upgrade");
        migrate(source, "1", FIXTURE);
        List<List<String>> history = log(source);
        String headBefore = source.pggit().head().orElseThrow();

        TestDb upgraded = source.copy("upgraded");
        int major = Integer.parseInt(upgraded.value("SELECT current_setting('server_version_num')")) / 10000;
        // the index's server as pg_upgrade leaves it: the previous major, another cluster, the same database OID
        upgraded.exec("UPDATE pggit.server_identity SET server_version_num = " + ((major - 1) * 10000 + 4)
                + ", system_identifier = system_identifier - 1, "
                + "database_oid = (SELECT oid FROM pg_database WHERE datname = current_database())");
        // what the new server prints otherwise, and a trigger with a new OID (pg_upgrade gives new pg_trigger OIDs)
        upgraded.exec("SET session_replication_role = replica",
                "CREATE OR REPLACE FUNCTION app.balance(a int) RETURNS numeric LANGUAGE sql STABLE AS "
                        + "'SELECT sum(amount)\n  FROM app.entry\n WHERE account = a'",
                "CREATE OR REPLACE VIEW app.balances AS SELECT a.id, app.balance(a.id) AS balance FROM app.account a",
                "DROP TRIGGER entry_touch ON app.entry",
                "CREATE TRIGGER entry_touch BEFORE INSERT ON app.entry FOR EACH ROW EXECUTE FUNCTION app.touch()",
                "RESET session_replication_role");
        assertTrue(upgraded.pggit().serverMoved().message().contains("a new major version"), upgraded.pggit().serverMoved().message());
        assertEquals(List.of(List.of("drift", "server_moved")),
                upgraded.rows("SELECT check_name, kind FROM pggit.verify_consistency(checks => ARRAY['drift'])"), "one finding, not three");

        List<Change> driftAtEnd = migrate(upgraded, "2", "CREATE TABLE app.audit (id int)");
        assertEquals(List.of(), driftAtEnd.stream().map(Object::toString).toList());

        // one server-upgrade commit on the old HEAD, listing the two definitions; then V2's commit alone
        List<List<String>> after = log(upgraded);
        assertEquals(history, after.subList(2, after.size()));
        List<String> upgrade = after.get(1);
        assertEquals("server-upgrade", upgrade.get(1));
        assertEquals("server-upgrade: PostgreSQL " + (major - 1) + " to " + major + " prints 2 definitions differently: "
                + "function:app.balance(integer) (definition), view:app.balances (query)", upgrade.get(3));
        assertEquals(headBefore, upgraded.value("SELECT parents[1] FROM pggit.commit WHERE id = '" + upgrade.get(0) + "'"));
        assertEquals(List.of("M function:app.balance(integer)", "M view:app.balances"),
                upgraded.column("SELECT change || ' ' || object_key FROM pggit.show('" + upgrade.get(0) + "') ORDER BY 1"));
        assertTrue(upgraded.value("SELECT new_definition::text FROM pggit.show('" + upgrade.get(0) + "') WHERE kind = 'view'")
                .contains("FROM app.account a"), "the commit holds the new printing");
        assertEquals(List.of("migration", "flyway 2"), after.get(0).subList(1, 3));
        assertEquals(List.of("A table:app.audit"), upgraded.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        assertEquals(upgrade.get(0), upgraded.value("SELECT rebaseline_commit FROM pggit.server_identity ORDER BY id DESC LIMIT 1"));
        assertEquals(List.of(), upgraded.column(OUT_OF_STEP));
        assertEquals(List.of(), upgraded.pggit().drift());
        assertEquals(List.of(), upgraded.pggit().fsck());
        assertEquals(List.of(), upgraded.rows("SELECT kind, message FROM pggit.verify_consistency() WHERE severity = 'error'"));
    }

    @Test
    void journalRowsOfTheOldServerAreDroppedAndTheDdlAfterTheMoveIsCommitted() {
        TestDb source = TestDb.withPggit("server_move_journal");
        migrate(source, "1", FIXTURE);
        source.exec("CREATE TABLE app.pending (x int)");   // journaled, not committed: a full dump carries the row
        TestDb moved = source.copy("moved");
        moved.exec("SET session_replication_role = replica", "DROP TABLE app.pending", "CREATE TABLE app.pending (x int)",
                "RESET session_replication_role");
        moved.exec("CREATE TABLE app.after_move (y int)");   // journaled on the new server, before the re-baseline

        Rebaseline r = moved.pggit().rebaselineAfterMove();
        assertTrue(r.moved());
        assertEquals(1, r.journalRowsDropped(), r.message());
        assertEquals(Optional.empty(), r.commitId(), "same major: no commit");
        assertTrue(r.message().contains("1 journal row of the old server dropped"), r.message());
        assertFalse(moved.pggit().rebaselineAfterMove().moved(), "once");

        assertEquals(List.of("A table:app.after_move"), moved.pggit().status().stream().map(Object::toString).toList());
        moved.pggit().commit("after the move").orElseThrow();
        assertEquals(List.of("A table:app.after_move"), moved.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        // what the old server's row described was never committed: drift, said honestly
        assertEquals(List.of("A table:app.pending"), moved.pggit().drift().stream().map(Object::toString).toList());
    }

    @Test
    void aCheckWithFixesReBaselinesThenReportsTheRealDriftByKey() {
        TestDb source = TestDb.withPggit("server_move_fix");
        migrate(source, "1", FIXTURE);
        migrate(source, "2", "CREATE TABLE app.gone (x int)");
        TestDb moved = source.copy("moved");
        // changed without pggit seeing it, besides the move: a table dropped, another created
        moved.exec("SET session_replication_role = replica", "DROP TABLE app.gone", "CREATE TABLE app.fresh (x int)",
                "RESET session_replication_role");

        List<List<String>> findings = moved.rows("SELECT kind, severity, subject FROM pggit.verify_consistency(fix_issues => true, "
                + "checks => ARRAY['drift'])");
        assertEquals(List.of("server_rebaselined", "info"), findings.get(0).subList(0, 2));
        assertEquals(List.of(List.of("drift_added", "error", "table:app.fresh"), List.of("drift_removed", "error", "table:app.gone")),
                findings.subList(1, 3), "the drift, by key: a table gone and one added, no rename guessed from the old OIDs");
        assertEquals("drift_adopted", findings.get(3).get(0));
        assertEquals(4, findings.size());
        assertEquals(List.of(List.of("1", "0")), moved.rows("SELECT unmatched::text, journal_rows_dropped::text FROM pggit.server_identity "
                + "ORDER BY id DESC LIMIT 1"), "the gone table's entry had no live address until the adoption deleted it");
        assertEquals(List.of(), moved.pggit().drift());
        assertEquals(List.of(), moved.column(OUT_OF_STEP));
        assertEquals(List.of(), moved.pggit().fsck());
    }

    @Test
    void theReaderSideCheckWritesNothing() throws SQLException {
        TestDb source = TestDb.withPggit("server_move_readonly");
        source.exec("CREATE TABLE public.t (a int)", "SELECT pggit.commit('t')");
        TestDb moved = source.copy("moved");
        try (Connection c = moved.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET TRANSACTION READ ONLY");
            assertTrue(Pggit.on(c).serverMoved().moved());
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM pggit.drift()"));
            assertEquals("55000", e.getSQLState(), e.getMessage());
            c.rollback();
            s.execute("SET TRANSACTION READ ONLY");
            var rs = s.executeQuery("SELECT kind FROM pggit.verify_consistency(checks => ARRAY['drift'])");
            assertTrue(rs.next());
            assertEquals("server_moved", rs.getString(1));
            c.rollback();
        }
        assertNotEquals(moved.value("SELECT database_oid::text FROM pggit.server_identity ORDER BY id DESC LIMIT 1"),
                moved.value("SELECT oid::text FROM pg_database WHERE datname = current_database()"), "nothing recorded by the readers");
    }

    /** One Flyway-like run of one migration through the integrations' core: its drift at the end. */
    static List<Change> migrate(TestDb db, String version, String... statements) {
        try (Connection c = db.dataSource().getConnection()) {
            MigrationRun run = MigrationRun.open(db.dataSource(), PggitConfig.DEFAULTS, "flyway", "flyway migrate", null, List.of(), c);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            run.migrationSucceeded(c, MigrationLink.flyway(Optional.of(version), "SQL", "step " + version, "V" + version + "__step.sql",
                    Optional.empty())).orElseThrow();
            c.commit();
            c.setAutoCommit(true);
            return run.close(true);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** id, origin, migrations, message per commit of HEAD's history, newest first. */
    static List<List<String>> log(TestDb db) {
        return db.rows("SELECT commit_id, origin, migration, message FROM pggit.log()");
    }
}
