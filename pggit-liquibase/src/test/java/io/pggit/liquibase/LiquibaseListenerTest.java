package io.pggit.liquibase;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import io.pggit.flyway.PggitFlywayCallback;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Liquibase, with pggit on the classpath and no listener named, against a real PostgreSQL. */
class LiquibaseListenerTest {

    @TempDir
    Path dir;
    TestDb db;

    @BeforeEach
    void freshDatabase(TestInfo info) {
        db = TestDb.create(info.getTestMethod().orElseThrow().getName());
    }

    void changelog(String changeSets) throws IOException {
        Files.writeString(dir.resolve("changelog.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
                """ + changeSets + "\n</databaseChangeLog>\n", StandardCharsets.UTF_8);
    }

    String run(String command, Map<String, Object> args) throws Exception {
        return LiquibaseRunner.run(db, dir, "changelog.xml", command, args, Map.of());
    }

    static final String METERS = """
            <changeSet id="1" author="alice" context="prod" labels="meters">
              <sql>CREATE SCHEMA command</sql>
              <createTable schemaName="command" tableName="tb_meter">
                <column name="id" type="uuid"><constraints primaryKey="true"/></column>
                <column name="serial" type="text"/>
              </createTable>
            </changeSet>
            <changeSet id="2" author="bob">
              <insert schemaName="command" tableName="tb_meter">
                <column name="id" value="7f1c0d2e-0000-0000-0000-000000000001"/>
                <column name="serial" value="A-1"/>
              </insert>
            </changeSet>
            <changeSet id="3" author="alice">
              <addColumn schemaName="command" tableName="tb_meter"><column name="kind" type="text"/></addColumn>
              <rollback><dropColumn schemaName="command" tableName="tb_meter" columnName="kind"/></rollback>
            </changeSet>
            """;

    @Test
    void updateRecordsADeploymentACommitPerChangesetAndALinkForEach() throws Exception {
        changelog(METERS);
        run("update", Map.of());

        assertEquals(List.of(List.of("liquibase", "success", "t")),
                db.rows("SELECT tool, outcome, tool_deployment_id = (SELECT max(deployment_id) FROM databasechangelog) "
                        + "FROM pggit.deployment"));
        assertEquals(List.of(
                        Arrays.asList("1", "alice", "changelog.xml", "prod", "meters", "EXECUTED", "true", "true"),
                        Arrays.asList("2", "bob", "changelog.xml", null, null, "EXECUTED", "false", "true"),
                        Arrays.asList("3", "alice", "changelog.xml", null, null, "EXECUTED", "true", "true")),
                db.rows("SELECT l.migration_id, l.author, l.script, l.contexts, l.labels, l.exec_type, l.new_commit::text, "
                        + "(l.checksum = h.md5sum)::text FROM pggit.migration_link l "
                        + "JOIN databasechangelog h ON h.id = l.migration_id AND h.author = l.author ORDER BY l.id"));
        assertEquals(db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '1'"),
                db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '2'"), "data only: linked to HEAD");
        assertEquals(List.of("A constraint:command.tb_meter.tb_meter_pkey", "A schema:command", "A table:command.tb_meter"),
                db.column("SELECT change || ' ' || object_key FROM pggit.show((SELECT commit_id FROM pggit.migration_link "
                        + "WHERE migration_id = '1')) ORDER BY 1"));
        assertEquals("alice", db.value("SELECT author FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
    }

    @Test
    void anExactRollbackRestoresTheEarlierTree() throws Exception {
        changelog(METERS);
        run("update", Map.of());
        String before = db.value("SELECT tree FROM pggit.commit WHERE id = (SELECT parents[1] FROM pggit.commit WHERE id = pggit.head_commit())");
        run("rollbackCount", Map.of("count", 1));
        assertEquals(before, db.value("SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals(List.of(List.of("rollback", "liquibase rollback 3::alice addColumn tableName=tb_meter")),
                db.rows("SELECT origin, message FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals(List.of(List.of("3", "ROLLED_BACK", "true")), db.rows(
                "SELECT migration_id, exec_type, new_commit::text FROM pggit.migration_link WHERE exec_type = 'ROLLED_BACK'"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
    }

    @Test
    void aRolledBackChangesetIsNoGapAndApplyingItAgainLinksItAgain() throws Exception {
        changelog(METERS);
        run("update", Map.of());
        run("rollbackCount", Map.of("count", 1));
        assertEquals("0", db.value("SELECT count(*) FROM databasechangelog WHERE id = '3'"), "Liquibase removed its row");
        assertEquals(List.of(), gaps(), "rolled back, not missing");

        run("update", Map.of());
        assertEquals(List.of(), gaps(), "applied again, linked again");
        assertEquals(List.of("EXECUTED", "ROLLED_BACK", "EXECUTED"),
                db.column("SELECT exec_type FROM pggit.migration_link WHERE migration_id = '3' ORDER BY id"));
        assertEquals(db.value("SELECT pggit.head_commit()"),
                db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '3' ORDER BY id DESC LIMIT 1"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency() WHERE severity = 'error'"));
    }

    /** The gap findings of pggit:check's checks (ConsistencyCheck), as kind and subject. */
    List<String> gaps() throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            return ConsistencyCheck.run(c, List.of(), false, false).stream().filter(f -> f.check().equals("gap"))
                    .map(f -> f.kind() + " " + f.subject() + ": " + f.message()).toList();
        }
    }

    @Test
    void aRollbackThatDoesNotRestoreExactlyShowsTheDifference() throws Exception {
        changelog("""
                <changeSet id="1" author="a">
                  <sql>CREATE TABLE public.t (a int, b int, c int)</sql>
                </changeSet>
                <changeSet id="2" author="a">
                  <dropColumn tableName="t" columnName="b"/>
                  <rollback><addColumn tableName="t"><column name="b" type="int"/></addColumn></rollback>
                </changeSet>
                """);
        run("update", Map.of());
        String beforeDrop = db.value("SELECT c.tree FROM pggit.commit c JOIN pggit.migration_link l ON l.commit_id = c.id "
                + "WHERE l.migration_id = '1'");
        run("rollbackCount", Map.of("count", 1));
        String after = db.value("SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()");
        assertTrue(!beforeDrop.equals(after), "the re-added column lands last");
        assertEquals(List.of("M table:public.t"), db.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        assertTrue(db.value("SELECT new_definition::text FROM pggit.show('HEAD')").matches(".*\"a\".*\"c\".*\"b\".*"));
    }

    @Test
    void sqlCommandsWriteNothing() throws Exception {
        changelog(METERS);
        String sql = run("updateSql", Map.of());
        assertTrue(sql.contains("CREATE TABLE command.tb_meter"), sql);
        assertNull(db.value("SELECT to_regclass('pggit.commit')"), "update-sql did not even install pggit");
        run("update", Map.of());
        String commits = db.value("SELECT count(*) FROM pggit.commit");
        run("rollbackCountSql", Map.of("count", 1));
        assertEquals(commits, db.value("SELECT count(*) FROM pggit.commit"));
        assertEquals("1", db.value("SELECT count(*) FROM pggit.deployment"));
    }

    @Test
    void failedChangesetLeavesAFailedLinkAndNoCommit() throws Exception {
        changelog("""
                <changeSet id="1" author="a"><sql>CREATE TABLE public.ok (a int)</sql></changeSet>
                <changeSet id="2" author="a"><sql>CREATE TABLE public.half (a int); SELECT 1/0</sql></changeSet>
                """);
        assertThrows(Exception.class, () -> run("update", Map.of()));
        assertEquals(List.of(List.of("1", "success", "true"), List.of("2", "failed", "false")),
                db.rows("SELECT migration_id, outcome, (commit_id IS NOT NULL)::text FROM pggit.migration_link ORDER BY id"));
        assertEquals("failed", db.value("SELECT outcome FROM pggit.deployment"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
    }

    @Test
    void aFailedChangesetsLinkCarriesTheDatabasesSqlStateAndMessage() throws Exception {
        changelog("""
                <changeSet id="1" author="a"><sql>CREATE TABEL public.bad (a int)</sql></changeSet>
                """);
        assertThrows(Exception.class, () -> run("update", Map.of()));
        List<String> link = db.rows("SELECT outcome, error_sqlstate, error FROM pggit.migration_link").get(0);
        assertEquals(List.of("failed", "42601"), link.subList(0, 2));
        assertTrue(link.get(2).contains("syntax error at or near \"TABEL\""), link.get(2));
    }

    @Test
    void failOnErrorFalseChangesetsArriveAsFailedLinks() throws Exception {
        changelog("""
                <changeSet id="1" author="a" failOnError="false"><sql>SELECT 1/0</sql></changeSet>
                <changeSet id="2" author="a"><sql>CREATE TABLE public.ok (a int)</sql></changeSet>
                """);
        run("update", Map.of());
        assertEquals(List.of(List.of("1", "failed", "FAILED"), List.of("2", "success", "EXECUTED")),
                db.rows("SELECT migration_id, outcome, exec_type FROM pggit.migration_link ORDER BY id"));
    }

    @Test
    void changesetsOutsideATransactionAreRecorded() throws Exception {
        changelog("""
                <changeSet id="1" author="a"><sql>CREATE TABLE public.big (a int, b text)</sql></changeSet>
                <changeSet id="2" author="a" runInTransaction="false">
                  <sql>CREATE INDEX CONCURRENTLY big_b ON public.big (b)</sql>
                </changeSet>
                """);
        run("update", Map.of());
        assertEquals(List.of("A index:public.big.big_b"), db.column("SELECT change || ' ' || object_key FROM pggit.show("
                + "(SELECT commit_id FROM pggit.migration_link WHERE migration_id = '2'))"));
    }

    @Test
    void linksCarryTheOrderExecutedAndTheExecutionTime() throws Exception {
        changelog(METERS);
        run("update", Map.of());
        assertEquals(db.column("SELECT id || ' ' || orderexecuted FROM public.databasechangelog ORDER BY orderexecuted"),
                db.column("SELECT migration_id || ' ' || installed_rank FROM pggit.migration_link ORDER BY installed_rank"),
                "each link ranks as databasechangelog orders the changeset");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.migration_link WHERE execution_time_ms IS NULL OR execution_time_ms < 0"));
    }

    @Test
    void namingTheListenerExplicitlyRecordsOnce() throws Exception {
        changelog(METERS);
        run("update", Map.of("changeExecListenerClass", PggitChangeExecListener.class.getName()));
        assertEquals("3", db.value("SELECT count(*) FROM pggit.migration_link"));
    }

    @Test
    void aBadSettingNamesTheKeyAndTheAllowedValues() throws Exception {
        changelog(METERS);
        Exception e = assertThrows(Exception.class, () -> LiquibaseRunner.run(db, dir, "changelog.xml", "update", Map.of(),
                Map.of("liquibase.pggit.failOnError", "yes")));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        assertTrue(all.toString().contains("liquibase.pggit.failOnError must be true or false, but was \"yes\""), all.toString());
    }

    @Test
    void aMisspelledKeyStopsTheRunWithTheAllowedKeys() throws Exception {
        changelog(METERS);
        System.setProperty("liquibase.pggit.trackSchema", "shop");   // as -Dliquibase.pggit.trackSchema=shop in a Maven run
        try {
            Exception e = assertThrows(Exception.class, () -> run("update", Map.of()));
            StringBuilder all = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
            }
            assertTrue(all.toString().contains("unknown setting liquibase.pggit.trackSchema: the pggit settings are liquibase.pggit.enabled"),
                    all.toString());
            assertTrue(all.toString().contains("liquibase.pggit.trackSchemas"), all.toString());
        } finally {
            System.clearProperty("liquibase.pggit.trackSchema");
        }
        assertEquals("0", db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'command'"), "nothing ran");
        // the spellings Liquibase itself accepts are no misspelling
        assertEquals(List.of(), PggitLiquibaseConfiguration.unknownKeys(
                List.of("liquibase.pggit.failOnError", "liquibase.pggit.fail-on-error", "liquibase.pggit.FAILONERROR", "user.home"),
                List.of("LIQUIBASE_PGGIT_FAIL_ON_ERROR", "LIQUIBASE_PGGIT_GRANT_TO", "PATH")));
        assertEquals(List.of("TRACK_SCHEMA (environment variable LIQUIBASE_PGGIT_TRACK_SCHEMA)", "trackSchema"),
                PggitLiquibaseConfiguration.unknownKeys(List.of("liquibase.pggit.trackSchema"), List.of("LIQUIBASE_PGGIT_TRACK_SCHEMA")));
    }

    @Test
    void trackingRulesFromLiquibaseSettingsApplyToTheRun() throws Exception {
        changelog(METERS);
        LiquibaseRunner.run(db, dir, "changelog.xml", "update", Map.of(), Map.of("liquibase.pggit.ignoreSchemas", "command"));
        assertEquals(List.of("liquibase:public.databasechangelog {command}"),
                db.column("SELECT concat_ws(' ', source, ignore_schemas) FROM pggit.build_rules"), "the build's rules: its tool and history table");
        assertEquals("t", db.value("SELECT ignore_schemas IS NULL FROM pggit.tracking_config"), "the database's rules are untouched");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.object_map WHERE schema_name = 'command'"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"));
    }

    @Test
    void privilegesCanBeSwitchedOutOfDefinitionsByLiquibaseSettings() throws Exception {
        changelog(METERS);
        LiquibaseRunner.run(db, dir, "changelog.xml", "update", Map.of(), Map.of("liquibase.pggit.trackPrivileges", "false"));
        assertEquals("t f t", db.value("SELECT concat_ws(' ', track_owners, track_privileges, track_comments) FROM pggit.tracking_config"));
        db.exec("GRANT SELECT ON ALL TABLES IN SCHEMA command TO PUBLIC");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"), "a grant is no drift when privileges are not tracked");
    }

    @Test
    void disabledRecordsNothing() throws Exception {
        changelog(METERS);
        LiquibaseRunner.run(db, dir, "changelog.xml", "update", Map.of(), Map.of("liquibase.pggit.enabled", "false"));
        assertNull(db.value("SELECT to_regclass('pggit.commit')"));
    }

    @Test
    void flywayForSomeSchemasAndLiquibaseForOthersKeepOneHistory(@TempDir Path flywayDir) throws Exception {
        Files.writeString(flywayDir.resolve("V1__billing.sql"), "CREATE SCHEMA billing; CREATE TABLE billing.invoice (id int);");
        Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + flywayDir).callbacks(new PggitFlywayCallback()).load().migrate();
        changelog(METERS);
        run("update", Map.of());
        assertEquals(List.of("liquibase 3::alice addColumn tableName=tb_meter",
                        "liquibase 1::alice sql; createTable tableName=tb_meter", "flyway V1 billing",
                        "baseline: adopt the existing schema"),
                db.column("SELECT message FROM pggit.log()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
        assertEquals(List.of("flyway", "liquibase"), db.column("SELECT tool FROM pggit.deployment ORDER BY id"));
    }

    @Test
    void pggitCheckAndStatusAreLiquibaseCommands(@TempDir Path reports) throws Exception {
        changelog(METERS);
        run("update", Map.of());
        String clean = LiquibaseRunner.run(db, dir, null, "pggitCheck", Map.of("reportDirectory", reports.toString()), Map.of());
        assertTrue(clean.contains("no findings"), clean);
        assertTrue(Files.isRegularFile(reports.resolve("check.sarif")));
        db.exec("CREATE TABLE command.hotfix (a int)");
        assertTrue(LiquibaseRunner.run(db, dir, null, "pggitStatus", Map.of(), Map.of()).contains("A table:command.hotfix"));
        Exception e = assertThrows(Exception.class, () -> LiquibaseRunner.run(db, dir, null, "pggitCheck", Map.of(), Map.of()));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        assertTrue(all.toString().contains("pggit check found 1 error(s)"), all.toString());
    }

    /** A login role named in mixed case (so it must be quoted), with the rights on schema public a migration role has. */
    String migrationRole() {
        String role = "App_Writer_" + Integer.toUnsignedString(db.name().hashCode());   // role names stop at 63 bytes
        db.exec("CREATE ROLE \"" + role + "\" LOGIN PASSWORD 'pw'", "GRANT ALL ON SCHEMA public TO \"" + role + "\"");
        return role;
    }

    PGSimpleDataSource as(String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        return ds;
    }

    static final String OWN_SCHEMA = """
            <changeSet id="1" author="alice">
              <sql>CREATE SCHEMA command</sql>
              <createTable schemaName="command" tableName="tb_meter">
                <column name="id" type="uuid"><constraints primaryKey="true"/></column>
              </createTable>
            </changeSet>
            <changeSet id="2" author="alice">
              <createView schemaName="command" viewName="v_meter">SELECT id FROM command.tb_meter</createView>
            </changeSet>
            <changeSet id="3" author="alice">
              <addColumn schemaName="command" tableName="tb_meter"><column name="kind" type="text"/></addColumn>
              <rollback><dropColumn schemaName="command" tableName="tb_meter" columnName="kind"/></rollback>
            </changeSet>
            """;

    @Test
    void aMigrationRoleHoldingOnlyPggitWriterUpdatesRollsBackChecksDiffsAndExports(@TempDir Path export) throws Exception {
        String role = migrationRole();
        db.exec("GRANT CREATE ON DATABASE \"" + db.name() + "\" TO \"" + role + "\"");
        // the superuser installs pggit through Liquibase's own setting, before the role's first update
        changelog("");
        Files.move(dir.resolve("changelog.xml"), dir.resolve("bootstrap.xml"));   // Liquibase keeps a parsed changelog per file
        LiquibaseRunner.run(db, dir, "bootstrap.xml", "update", Map.of(), Map.of("liquibase.pggit.grantTo", role));
        assertEquals("true", db.value("SELECT pg_has_role('" + role + "', 'pggit_writer', 'MEMBER')::text"));
        assertEquals("false", db.value("SELECT pg_has_role('" + role + "', 'pggit_admin', 'MEMBER')::text"));
        db.exec("GRANT SELECT, INSERT, UPDATE, DELETE ON public.databasechangelog, public.databasechangeloglock TO \"" + role + "\"");

        changelog(OWN_SCHEMA);
        PGSimpleDataSource ds = as(role);
        LiquibaseRunner.run(ds, dir, "changelog.xml", "update", Map.of(), Map.of("liquibase.pggit.grantTo", role));
        assertEquals(List.of("1", "2", "3"), db.column("SELECT migration_id FROM pggit.migration_link WHERE outcome = 'success' ORDER BY id"));
        LiquibaseRunner.run(ds, dir, "changelog.xml", "rollbackCount", Map.of("count", 1), Map.of());
        assertEquals(List.of(List.of("rollback", "M table:command.tb_meter")), db.rows("SELECT c.origin, s.change || ' ' || s.object_key "
                + "FROM pggit.commit c, pggit.show('HEAD') s WHERE c.id = pggit.head_commit()"));

        io.pggit.core.Pggit asWriter = io.pggit.core.Pggit.builder(ds).build();
        assertTrue(asWriter.drift().isEmpty(), "the drift scan as the migration role");
        assertEquals(List.of("M table:command.tb_meter"), asWriter.diff("HEAD~1", "HEAD").stream().map(Object::toString).toList());
        assertFalse(asWriter.export("HEAD", export).isEmpty());
        try (Connection c = ds.getConnection()) {
            assertEquals(List.of(), ConsistencyCheck.run(c, List.of(), false, false), "the check as the migration role");
        }
        assertTrue(LiquibaseRunner.run(ds, dir, null, "pggitCheck", Map.of("reportDirectory", export.resolve("reports").toString()),
                Map.of()).contains("no findings"));
        io.pggit.core.PggitException refused = assertThrows(io.pggit.core.PggitException.NotPermitted.class, () -> asWriter.adopt("x"));
        assertTrue(refused.getMessage().contains("pggit_admin"), refused.getMessage());
    }

    @Test
    void grantToNamingAMissingRoleStopsTheUpdateNamingTheKeyAndTheRole() throws Exception {
        changelog(METERS);
        Exception e = assertThrows(Exception.class, () -> LiquibaseRunner.run(db, dir, "changelog.xml", "update", Map.of(),
                Map.of("liquibase.pggit.grantTo", "No_Such_Role")));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        assertTrue(all.toString().contains("liquibase.pggit.grantTo names role \"No_Such_Role\", which does not exist"), all.toString());
        assertNull(db.value("SELECT to_regclass('command.tb_meter')"), "nothing migrated");
    }
}
