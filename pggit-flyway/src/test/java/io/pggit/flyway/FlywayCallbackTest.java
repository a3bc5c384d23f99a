package io.pggit.flyway;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Flyway, with the pggit callback, against a real PostgreSQL. */
class FlywayCallbackTest {

    @TempDir
    Path migrations;
    TestDb db;

    @BeforeEach
    void freshDatabase(TestInfo info) {
        db = TestDb.create(info.getTestMethod().orElseThrow().getName());
    }

    void write(String name, String sql) throws IOException {
        Files.writeString(migrations.resolve(name), sql, StandardCharsets.UTF_8);
    }

    FluentConfiguration flyway(Map<String, String> settings) {
        return Flyway.configure()
                .configuration(settings)
                .dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + migrations)
                .callbacks(new PggitFlywayCallback());
    }

    static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void migrateRecordsOneDeploymentACommitPerMigrationAndALinkForEach() throws IOException {
        write("V1__meters.sql", "CREATE SCHEMA command; CREATE TABLE command.tb_meter (id uuid PRIMARY KEY, serial text);");
        write("V2__seed.sql", "INSERT INTO command.tb_meter VALUES (gen_random_uuid(), 'A-1');");
        write("V3__readings.sql", "CREATE TABLE command.tb_reading (meter uuid REFERENCES command.tb_meter, v numeric);"
                + "CREATE FUNCTION command.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';");
        flyway(Map.of()).load().migrate();

        assertEquals(List.of(List.of("flyway", "success", "t")),
                db.rows("SELECT tool, outcome, ended_at IS NOT NULL FROM pggit.deployment"));
        List<List<String>> links = db.rows("SELECT migration_id, outcome, new_commit, commit_id IS NOT NULL, installed_rank, "
                + "execution_time_ms IS NOT NULL, checksum FROM pggit.migration_link ORDER BY id");
        assertEquals(3, links.size());
        List<List<String>> history = db.rows("SELECT version, 'success', installed_rank, checksum FROM flyway_schema_history "
                + "WHERE version IS NOT NULL ORDER BY installed_rank");
        for (int i = 0; i < 3; i++) {
            assertEquals(history.get(i).get(0), links.get(i).get(0));
            assertEquals("success", links.get(i).get(1));
            assertEquals("t", links.get(i).get(3));
            assertEquals(history.get(i).get(2), links.get(i).get(4), "installed rank backfilled from flyway_schema_history");
            assertEquals("t", links.get(i).get(5), "execution time backfilled");
            assertEquals(history.get(i).get(3), links.get(i).get(6), "checksum as Flyway stores it");
        }
        assertEquals(List.of("t", "f", "t"), links.stream().map(r -> r.get(2)).toList(), "data-only V2 makes no commit");
        assertEquals(db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '1'"),
                db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '2'"), "V2 is linked to HEAD as it was");
        assertEquals(List.of("A constraint:command.tb_reading.tb_reading_meter_fkey", "A function:command.f(integer)",
                        "A table:command.tb_reading"),
                db.column("SELECT change || ' ' || object_key FROM pggit.show((SELECT commit_id FROM pggit.migration_link "
                        + "WHERE migration_id = '3')) ORDER BY object_key"));
        assertEquals("2", db.value("SELECT count(*) FROM pggit.commit WHERE origin = 'migration'"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.status()"));
    }

    @Test
    void failedMigrationLeavesAFailedLinkAndNoCommit() throws IOException {
        write("V1__ok.sql", "CREATE TABLE public.ok (a int);");
        write("V2__boom.sql", "CREATE TABLE public.half (a int); SELECT 1 / 0;");
        assertThrows(RuntimeException.class, () -> flyway(Map.of()).load().migrate());

        assertEquals(List.of(List.of("1", "success", "t"), List.of("2", "failed", "f")),
                db.rows("SELECT migration_id, outcome, commit_id IS NOT NULL FROM pggit.migration_link ORDER BY id"));
        assertEquals("failed", db.value("SELECT outcome FROM pggit.deployment"));
        String head = db.value("SELECT pggit.head_commit()");
        assertEquals(db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '1'"), head);
        assertEquals("0", db.value("SELECT count(*) FROM pggit.object_map WHERE object_key = 'table:public.half'"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"), "history stays consistent with the catalog");
        // Flyway passes callbacks no exception, only the failed statement; its error (message, SQLSTATE) is
        // filled in by Flyway 13 (13.12.1) and, on the earlier lines, only by the commercial editions
        List<List<String>> recorded = db.rows("SELECT error, coalesce(error_sqlstate, '') FROM pggit.migration_link WHERE migration_id = '2'");
        assertTrue(recorded.equals(List.of(List.of("statement failed: SELECT 1 / 0; (Flyway passes callbacks no error message: see its output)", "")))
                || recorded.equals(List.of(List.of("ERROR: division by zero (statement: SELECT 1 / 0;)", "22012"))), recorded.toString());
    }

    /**
     * Flyway before 11.20 (10.x, 11.7) asks whether a callback supports a run-level event such as
     * AFTER_MIGRATE_ERROR with a null context, to decide whether to open a connection for it; an
     * exception there replaced the migration's own error and left the deployment running.
     */
    @Test
    void supportsAnswersWithoutAContext() {
        PggitFlywayCallback callback = new PggitFlywayCallback();
        assertTrue(callback.supports(Event.AFTER_MIGRATE_ERROR, null));
        assertTrue(callback.supports(Event.AFTER_MIGRATE_OPERATION_FINISH, null));
        assertFalse(callback.supports(Event.CREATE_SCHEMA, null));
    }

    @Test
    @Timeout(120)
    void nonTransactionalConcurrentIndexIsRecordedAndDoesNotHang() throws IOException {
        // installed first: when the callback installs pggit inside the run, the first migration's
        // session may not yet see the new event triggers (a known gap: its DDL then shows as drift)
        db.pggit().install();
        write("V1__table.sql", "CREATE TABLE public.big (a int, b text);");
        write("V2__concurrently.sql", "CREATE INDEX CONCURRENTLY big_b ON public.big (b);");
        flyway(Map.of("flyway.postgresql.transactional.lock", "false")).load().migrate();

        assertEquals(List.of("A index:public.big.big_b"),
                db.column("SELECT change || ' ' || object_key FROM pggit.show((SELECT commit_id FROM pggit.migration_link "
                        + "WHERE migration_id = '2'))"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
    }

    @Test
    void anErrorInsidePggitIsRecordedAndTheMigrationGoesOn() throws IOException {
        db.pggit().install();
        db.exec("ALTER FUNCTION pggit.commit_summary(text) RENAME TO commit_summary_gone");
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        flyway(Map.of()).load().migrate();

        assertEquals("1", db.value("SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success"));
        assertEquals("1", db.value("SELECT count(*) FROM pggit.capture_failure WHERE migration = 'V1 t'"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.migration_link"), "the savepoint took the half-done link back");
        assertEquals(List.of("A table:public.t"), db.column("SELECT change || ' ' || object_key FROM pggit.drift()"),
                "the end-of-run scan sees what the capture missed");
    }

    @Test
    void failOnErrorMakesAnErrorInsidePggitFailTheMigration() throws IOException {
        db.pggit().install();
        db.exec("ALTER FUNCTION pggit.commit_summary(text) RENAME TO commit_summary_gone");
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> flyway(Map.of("flyway.pggit.failOnError", "true")).load().migrate());
        assertTrue(messages(e).contains("commit_summary"), messages(e));
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE relname = 't'"), "the migration was rolled back");
    }

    @Test
    void aBadSettingNamesTheKeyAndTheAllowedValues() throws IOException {
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> flyway(Map.of("flyway.pggit.failOnError", "yes")).load().migrate());
        assertTrue(messages(e).contains("flyway.pggit.failOnError must be true or false, but was \"yes\""), messages(e));
    }

    @Test
    void aHistoryTableUnderAnotherNameIsNotTracked() throws IOException {
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        flyway(Map.of("flyway.table", "my_history")).load().migrate();
        assertEquals("1", db.value("SELECT count(*) FROM public.my_history WHERE version = '1'"));
        assertEquals(List.of("schema:public", "table:public.t"), db.column("SELECT object_key FROM pggit.object_map ORDER BY 1"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
    }

    @Test
    void trackingRulesFromTheBuildApplyToTheRun() throws IOException {
        write("V1__cqrs.sql", "CREATE SCHEMA command; CREATE SCHEMA query; CREATE TABLE command.t (a int); CREATE TABLE query.v (a int);");
        flyway(Map.of("flyway.pggit.ignoreSchemas", "query, pg_temp%", "flyway.pggit.ignorePatterns", "CREATE INDEX command.%"))
                .load().migrate();
        assertEquals(List.of("A schema:command", "A table:command.t"),
                db.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD') ORDER BY 1"));
        assertEquals(List.of("flyway:public.flyway_schema_history {query,pg_temp%} {\"CREATE INDEX command.%\"}"),
                db.column("SELECT concat_ws(' ', source, ignore_schemas, ignore_patterns) FROM pggit.build_rules"),
                "the build's rules belong to its tool and history table");
        assertEquals("t", db.value("SELECT ignore_schemas IS NULL FROM pggit.tracking_config"), "the database's rules are untouched");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"), "what the run ignored is no drift afterwards");
    }

    @Test
    void twoServicesWithTheirOwnHistoryTablesKeepTheirOwnRules() throws IOException {
        Path a = Files.createDirectories(migrations.resolve("a"));
        Path b = Files.createDirectories(migrations.resolve("b"));
        Files.writeString(a.resolve("V1__a.sql"), "CREATE SCHEMA svc_a; CREATE TABLE svc_a.t (a int); CREATE TABLE public.a_scratch (a int);");
        Files.writeString(b.resolve("V1__b.sql"), "CREATE SCHEMA svc_b; CREATE TABLE svc_b.t (b int); CREATE TABLE public.b_scratch (b int);");
        Files.writeString(a.resolve("V2__a.sql"), "ALTER TABLE svc_a.t ADD COLUMN c int; ALTER TABLE svc_b.t ADD COLUMN c int;");
        flyway(Map.of("flyway.table", "history_a", "flyway.pggit.trackSchemas", "svc_a")).locations("filesystem:" + a).target("1").load().migrate();
        flyway(Map.of("flyway.table", "history_b", "flyway.pggit.trackSchemas", "svc_b",   // public holds A's history table already
                "flyway.baselineOnMigrate", "true", "flyway.baselineVersion", "0")).locations("filesystem:" + b).load().migrate();
        flyway(Map.of("flyway.table", "history_a", "flyway.pggit.trackSchemas", "svc_a")).locations("filesystem:" + a).load().migrate();
        assertEquals(List.of("flyway:public.history_a {svc_a}", "flyway:public.history_b {svc_b}"),
                db.column("SELECT concat_ws(' ', source, track_schemas) FROM pggit.build_rules ORDER BY 1"), "neither overwrote the other's");
        assertEquals(List.of("schema:public", "schema:svc_a", "schema:svc_b", "table:svc_a.t", "table:svc_b.t"),
                db.column("SELECT object_key FROM pggit.object_map ORDER BY 1"), "each run committed what its own rules track");
        assertEquals("svc_a.t", db.value("SELECT string_agg(ch.identity, ',') FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id "
                + "WHERE c.deployment_id = 3"), "A's second run: its own table only");
        assertEquals(List.of("flyway:public.history_a", "flyway:public.history_b", "flyway:public.history_a"),
                db.column("SELECT rules_source FROM pggit.deployment ORDER BY id"));
        assertEquals(List.of("flyway:public.history_a", "flyway:public.history_b"),
                db.column("SELECT DISTINCT source FROM pggit.rule_change WHERE source IS NOT NULL ORDER BY 1"));
        assertEquals(List.of(), db.column("SELECT change || ' ' || object_key FROM pggit.drift()"), "what each run ignored is no drift");
        assertEquals(List.of(), db.column("SELECT kind || ' ' || subject FROM pggit.verify_consistency() WHERE check_name = 'gap'"),
                "each history table is compared with the links of the runs that named it");
        db.exec("DELETE FROM public.history_b WHERE version = '1'");
        assertEquals(List.of("missing_migration V1 b"), db.column("SELECT kind || ' ' || subject FROM pggit.verify_consistency() WHERE check_name = 'gap'"),
                "a row gone from B's table is B's gap, not A's");
    }

    @Test
    void theBuildsRulesAreTheWholeSetOfTheirKindAppliedAllOrNothing() throws IOException {
        db.pggit().install();
        db.exec("SELECT pggit.add_ignore_pattern('DROP TABLE legacy.%')", "SELECT pggit.configure(track_operations => ARRAY['CREATE', 'ALTER', 'DROP'])");
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        flyway(Map.of("flyway.pggit.ignorePatterns", "CREATE INDEX command.%, CREATE INDEX query.%")).load().migrate();
        String patterns = "SELECT ignore_patterns::text FROM pggit.build_rules WHERE source = 'flyway:public.flyway_schema_history'";
        assertEquals("{\"CREATE INDEX command.%\",\"CREATE INDEX query.%\"}", db.value(patterns),
                "the build's patterns are the whole set of their kind for its runs");
        assertEquals(List.of("DROP TABLE legacy.%"), db.column("SELECT pattern FROM pggit.list_ignore_patterns()"),
                "the database's rules stay as set from SQL");
        assertEquals("{\"CREATE INDEX command.%\",\"CREATE INDEX query.%\"} {CREATE,ALTER,DROP}",
                db.value("SELECT concat_ws(' ', ignore_patterns, track_operations) FROM pggit.rules_in_force('flyway:public.flyway_schema_history')"),
                "in its runs: its patterns, and the kinds it does not name as set from SQL");
        write("V2__u.sql", "CREATE TABLE public.u (a int);");
        flyway(Map.of("flyway.pggit.ignorePatterns", "CREATE INDEX query.%")).load().migrate();
        assertEquals("{\"CREATE INDEX query.%\"}", db.value(patterns), "a pattern removed from the build no longer applies");
        assertEquals(List.of("flyway:public.flyway_schema_history"), db.column("SELECT DISTINCT source FROM pggit.rule_change WHERE source IS NOT NULL"));
        write("V3__w.sql", "CREATE TABLE public.w (a int);");
        RuntimeException e = assertThrows(RuntimeException.class, () -> flyway(Map.of(
                "flyway.pggit.ignorePatterns", "CREATE INDEX other.%", "flyway.pggit.trackOperations", "CREATE, CREAT")).load().migrate());
        assertTrue(messages(e).contains("track_operations contains \"CREAT\""), messages(e));
        assertEquals("{\"CREATE INDEX query.%\"}", db.value(patterns), "one bad value: nothing of the set changed");
        assertEquals("{CREATE,ALTER,DROP}", db.value("SELECT track_operations::text FROM pggit.tracking_config"));
    }

    @Test
    void ownersAndCommentsCanBeSwitchedOutOfDefinitionsByTheBuild() throws IOException {
        write("V1__t.sql", "CREATE TABLE public.t (a int); COMMENT ON TABLE public.t IS 'a table';");
        flyway(Map.of("flyway.pggit.trackOwners", "false", "flyway.pggit.trackComments", "false")).load().migrate();
        assertEquals("f f t", db.value("SELECT concat_ws(' ', track_owners, track_comments, track_privileges) FROM pggit.tracking_config"));
        assertEquals("{\"name\": \"a\", \"type\": \"integer\"}", db.value(
                "SELECT b.definition -> 'columns' -> 0 FROM pggit.object_map m JOIN pggit.blob b ON b.hash = m.hash WHERE m.object_key = 'table:public.t'"));
        assertEquals("f", db.value("SELECT b.definition ? 'owner' OR b.definition ? 'comment' FROM pggit.object_map m "
                + "JOIN pggit.blob b ON b.hash = m.hash WHERE m.object_key = 'table:public.t'"));
        db.exec("COMMENT ON TABLE public.t IS 'another comment'", "ALTER TABLE public.t OWNER TO pg_database_owner");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"), "an owner or comment change is no drift");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> flyway(Map.of("flyway.pggit.trackOwners", "no")).load().migrate());
        assertTrue(messages(e).contains("flyway.pggit.trackOwners must be true or false"), messages(e));
    }

    @Test
    void aBadTrackingRuleInTheBuildNamesTheSetting() throws IOException {
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> flyway(Map.of("flyway.pggit.trackOperations", "CREAT")).load().migrate());
        assertTrue(messages(e).contains("track_operations contains \"CREAT\""), messages(e));
    }

    @Test
    void disabledRecordsNothing() throws IOException {
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        flyway(Map.of("flyway.pggit.enabled", "false")).load().migrate();
        assertNull(db.value("SELECT to_regclass('pggit.commit')"));
    }

    @Test
    void aRoleThatMayNotInstallIsToldHow() throws IOException {
        String role = "app_" + db.name();
        db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'", "GRANT ALL ON SCHEMA public TO " + role);
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        RuntimeException e = assertThrows(RuntimeException.class, () -> Flyway.configure()
                .dataSource(db.jdbcUrl(), role, "pw").locations("filesystem:" + migrations)
                .callbacks(new PggitFlywayCallback()).load().migrate());
        assertTrue(messages(e).contains("pggit's event triggers need a superuser"), messages(e));
        assertTrue(messages(e).contains("mvn pggit:install"), messages(e));
        assertFalse(db.column("SELECT relname FROM pg_class WHERE relname = 't'").contains("t"), "nothing migrated");
    }

    @Test
    void aMigrationRoleWithoutAPggitRoleIsToldWhichToGrant() throws IOException {
        String role = "app_" + db.name();
        db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'", "GRANT ALL ON SCHEMA public TO " + role);
        db.pggit().install();
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        RuntimeException e = assertThrows(RuntimeException.class, () -> Flyway.configure()
                .dataSource(db.jdbcUrl(), role, "pw").locations("filesystem:" + migrations)
                .callbacks(new PggitFlywayCallback()).load().migrate());
        assertTrue(messages(e).contains("GRANT pggit_writer TO"), messages(e));
        assertTrue(messages(e).contains("-Dpggit.grantTo="), messages(e));
    }

    @Test
    void aMigrationRoleHoldingOnlyPggitWriterMigratesChecksDiffsAndExports(@TempDir Path export) throws IOException, SQLException {
        String role = "writer_" + Integer.toUnsignedString(db.name().hashCode());   // short: role names stop at 63 bytes
        db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'", "GRANT ALL ON SCHEMA public TO " + role);
        db.pggit().install(List.of(role));
        assertEquals("t", db.value("SELECT pg_has_role('" + role + "', 'pggit_writer', 'MEMBER')::text").substring(0, 1));
        assertEquals("f", db.value("SELECT pg_has_role('" + role + "', 'pggit_admin', 'MEMBER')::text").substring(0, 1));
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        write("V2__v.sql", "CREATE VIEW public.v AS SELECT a FROM public.t;");
        Flyway.configure().dataSource(db.jdbcUrl(), role, "pw").locations("filesystem:" + migrations)
                .callbacks(new PggitFlywayCallback()).load().migrate();
        assertEquals(List.of("A view:public.v"), db.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        io.pggit.core.Pggit asWriter = io.pggit.core.Pggit.builder(ds).build();
        assertTrue(asWriter.drift().isEmpty(), "the drift scan as the migration role");
        assertEquals(List.of("A view:public.v"), asWriter.diff("HEAD~1", "HEAD").stream().map(Object::toString).toList());
        assertFalse(asWriter.export("HEAD", export).isEmpty());
        assertEquals(3, asWriter.log(10).size(), "baseline, V1, V2");
        try (java.sql.Connection c = ds.getConnection()) {
            assertEquals(List.of(), io.pggit.core.check.ConsistencyCheck.run(c, List.of(migrations), false, false));
        }
        io.pggit.core.PggitException refused = assertThrows(io.pggit.core.PggitException.NotPermitted.class, () -> asWriter.adopt("x"));
        assertTrue(refused.getMessage().contains("pggit_admin"), refused.getMessage());
    }

    /**
     * A database that moved (issue 12; here a template copy whose function and trigger were created
     * again without pggit seeing it, so they have OIDs the index does not know): the next
     * {@code flyway migrate} re-baselines at its start, with nothing in the callback for it (core's
     * MigrationRun does it), and records its migration; no drift, no gap, no server-upgrade commit.
     */
    @Test
    void theFirstMigrateOnAMovedDatabaseReBaselinesAndRecordsAsUsual() throws IOException, SQLException {
        write("V1__t.sql", "CREATE TABLE public.t (a int PRIMARY KEY);"
                + "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
                + "CREATE TRIGGER t_touch BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();");
        flyway(Map.of()).load().migrate();
        TestDb moved = db.copy("moved");
        moved.exec("SET session_replication_role = replica", "DROP TRIGGER t_touch ON public.t", "DROP FUNCTION public.touch()",
                "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
                "CREATE TRIGGER t_touch BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch()",
                "RESET session_replication_role");
        assertTrue(moved.pggit().serverMoved().moved());

        write("V2__u.sql", "ALTER TABLE public.t ADD COLUMN b text;");
        Flyway.configure().dataSource(moved.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + migrations).callbacks(new PggitFlywayCallback()).load().migrate();

        assertFalse(moved.pggit().serverMoved().moved());
        assertEquals(List.of("2", "0"), moved.rows("SELECT remapped::text, unmatched::text FROM pggit.server_identity "
                + "ORDER BY id DESC LIMIT 1").get(0), "function and trigger re-mapped by key");
        assertEquals(List.of("M table:public.t"), moved.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        assertEquals(List.of("migration", "migration", "baseline"), moved.column("SELECT origin FROM pggit.log()"));
        assertTrue(moved.pggit().drift().isEmpty());
        try (java.sql.Connection c = moved.dataSource().getConnection()) {
            assertEquals(List.of(), io.pggit.core.check.ConsistencyCheck.run(c, List.of(migrations), false, false));
        }
    }

    @Test
    void grantToMakesTheMigrationRoleAWriterThatThenMigratesAlone() throws IOException {
        String role = "App_Writer_" + Integer.toUnsignedString(db.name().hashCode());   // mixed case: quoted
        db.exec("CREATE ROLE \"" + role + "\" LOGIN PASSWORD 'pw'", "GRANT ALL ON SCHEMA public TO \"" + role + "\"");
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        flyway(Map.of("flyway.pggit.grantTo", role)).load().migrate();
        assertEquals("true", db.value("SELECT pg_has_role('" + role + "', 'pggit_writer', 'MEMBER')::text"));
        assertEquals("false", db.value("SELECT pg_has_role('" + role + "', 'pggit_admin', 'MEMBER')::text"));
        db.exec("GRANT SELECT, INSERT, UPDATE, DELETE ON public.flyway_schema_history TO \"" + role + "\"");

        write("V2__u.sql", "CREATE TABLE public.u (a int);");
        Flyway.configure().configuration(Map.of("flyway.pggit.grantTo", role))   // the same setting, now a member: nothing to do
                .dataSource(db.jdbcUrl(), role, "pw").locations("filesystem:" + migrations)
                .callbacks(new PggitFlywayCallback()).load().migrate();
        assertEquals(List.of("A table:public.u"), db.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        assertEquals(List.of(List.of("2", role)), db.rows("SELECT l.migration_id, c.author FROM pggit.migration_link l "
                + "JOIN pggit.commit c ON c.id = l.commit_id WHERE l.migration_id = '2'"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"));
    }

    @Test
    void grantToNamingAMissingRoleStopsTheRunNamingTheKeyAndTheRole() throws IOException {
        write("V1__t.sql", "CREATE TABLE public.t (a int);");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> flyway(Map.of("flyway.pggit.grantTo", "No_Such_Role")).load().migrate());
        assertTrue(messages(e).contains("flyway.pggit.grantTo names role \"No_Such_Role\", which does not exist"), messages(e));
        assertNull(db.value("SELECT to_regclass('public.t')"), "nothing migrated");
        assertNull(db.value("SELECT to_regclass('pggit.commit')"), "nothing installed");
    }
}
