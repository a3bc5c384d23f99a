package io.pggit.core;

import io.pggit.core.internal.install.Installer;
import io.pggit.core.model.InstallResult;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An installation of the frozen 0.1 script, with history recorded through 0.1's own SQL API, upgraded
 * step by step to {@link Installer#CURRENT}: schema {@code pggit} then equals a fresh install's, and the
 * recorded history is intact.
 */
class UpgradeTest {

    /** pggit.log() as 0.1 returned it (0.2 adds tree and parents). */
    static final String LOG = "SELECT commit_id, committed_at, author, origin, message, summary, deployment_id, migration FROM pggit.log()";

    /** Schema pggit as sorted lines of properties (functions with definitions, columns in order, grants, comments ...). */
    static List<String> describe(TestDb db) {
        return db.column(resource("/io/pggit/core/describe-pggit-schema.sql"));
    }

    static String resource(String name) {
        try (InputStream in = UpgradeTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A database with the released 0.1 script installed as the 0.1 installer did: the script, then a baseline commit. */
    static TestDb withPggit01(String name) {
        TestDb db = TestDb.create(name);
        db.exec("BEGIN", resource("/io/pggit/core/sql/pggit--0.1.sql"),
                "SELECT pggit.commit_changes('baseline: adopt the existing schema', 'baseline', NULL, NULL, true)", "COMMIT");
        assertEquals("0.1", db.value("SELECT pggit.version()"));
        return db;
    }

    @Test
    void upgradeFrom01EqualsAFreshInstallAndKeepsTheHistory() {
        TestDb old = withPggit01("upgrade_from_01");
        // history through 0.1's SQL API: the calls 0.1's integrations and psql users made
        old.exec("CREATE SCHEMA command",
                "CREATE TABLE command.tb_meter (id uuid PRIMARY KEY, serial text NOT NULL UNIQUE)",
                "COMMENT ON TABLE command.tb_meter IS 'meters'",
                "SELECT pggit.commit('meters')",
                "SELECT pggit.configure_tracking(ignore_schemas => ARRAY['scratch'])",
                "SELECT pggit.add_ignore_pattern('CREATE INDEX command.tmp_%')",
                "CREATE SCHEMA scratch",
                "CREATE TABLE command.tb_note (id int)",
                "COMMENT ON TABLE command.tb_note IS '@pggit-ignore scratch notes'");
        String dep = old.value("SELECT pggit.open_deployment('flyway migrate', 'flyway', 'db')");
        old.exec("CREATE TABLE command.tb_reading (meter uuid REFERENCES command.tb_meter, value numeric)",
                "SELECT * FROM pggit.record_migration(" + dep + ", '{\"tool\":\"flyway\",\"id\":\"2\",\"type\":\"SQL\","
                        + "\"description\":\"readings\",\"script\":\"V2__readings.sql\",\"checksum\":\"123\"}', 'success')",
                "CREATE FUNCTION command.process_meter(id uuid, data jsonb) RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "SELECT * FROM pggit.record_migration(" + dep + ", '{\"tool\":\"flyway\",\"id\":\"3\",\"description\":\"process\"}', 'success')",
                "SELECT * FROM pggit.record_migration(" + dep + ", '{\"tool\":\"flyway\",\"id\":\"4\",\"description\":\"broken\"}', 'failed', 'syntax error')",
                "SELECT pggit.set_tool_deployment_id(" + dep + ", 'lb-4711')",
                "CREATE INDEX tb_reading_value ON command.tb_reading (value)",
                "SELECT * FROM pggit.record_migration_fail_open(" + dep + ", '{\"tool\":\"flyway\",\"id\":\"5\",\"description\":\"index\"}')",
                "SELECT pggit.record_capture_failure(" + dep + ", 'V6 broken capture', 'XX000', 'simulated')",
                "SELECT pggit.close_deployment(" + dep + ", 'success')",
                "SELECT pggit.track_cqrs_change('CREATE TABLE command.tb_cmd (id int)', 'CREATE VIEW command.v_cmd AS SELECT id FROM command.tb_cmd', '1.0.0', 'cqrs')",
                "SELECT pggit.pause_tracking('1 hour')",
                "SELECT pggit.resume_tracking()",
                "SELECT pggit.track_function('command.process_meter(uuid, jsonb)', '1.2.0')",
                "SELECT pggit.link_migration('20260101', 'flyway', 'linked by hand')",
                // a conflict: drift recorded, then resolved by committing the live definition
                "ALTER TABLE command.tb_meter ADD COLUMN note text",
                "SELECT pggit.detect_conflicts()",
                "SELECT pggit.resolve_conflict((SELECT id FROM pggit.conflict WHERE object_key = 'table:command.tb_meter'), 'use_current', 'hotfix')");
        // a run that 0.1 left open when its session died: 0.1 recorded no backend start time
        List<String> killed = old.rows("SELECT pggit.open_deployment('killed run', 'flyway'), pg_backend_pid()").get(0);
        List<List<String>> logBefore = old.rows(LOG);
        List<List<String>> linksBefore = old.rows("SELECT * FROM pggit.migration_link ORDER BY id");
        List<List<String>> objectsBefore = old.rows("SELECT * FROM pggit.tree_objects((SELECT tree FROM pggit.commit WHERE id = pggit.head_commit())) ORDER BY 3");
        List<List<String>> historyBefore = old.rows("SELECT * FROM pggit.object_history('command.tb_meter')");
        List<List<String>> versionsBefore = old.rows("SELECT * FROM pggit.list_function_versions('command.process_meter(uuid, jsonb)')");
        List<List<String>> rulesBefore = old.rows("SELECT * FROM pggit.rule_change ORDER BY id");
        List<List<String>> conflictsBefore = old.rows("SELECT * FROM pggit.conflict ORDER BY id");
        List<List<String>> extrasBefore = old.rows("SELECT (SELECT count(*) FROM pggit.cqrs_commit), (SELECT count(*) FROM pggit.capture_failure), "
                + "(SELECT count(*) FROM pggit.tracking_window), (SELECT string_agg(tool_deployment_id, ',') FROM pggit.deployment)");
        List<String> captureBefore = old.freshCapture();
        assertEquals(List.of(), old.rows("SELECT * FROM pggit.drift()"), "no drift before the upgrade");
        assertTrue(logBefore.size() >= 4, "history recorded: " + logBefore);

        InstallResult result = old.pggit().install();
        assertEquals(Optional.of("0.1"), result.previousVersion());
        assertEquals(Installer.CURRENT, old.value("SELECT pggit.version()"));
        assertEquals(Installer.VERSIONS, old.column("SELECT version FROM pggit.schema_version ORDER BY installed_at"),
                "one row per step");

        // (a) the schema equals a fresh install's
        TestDb fresh = TestDb.withPggit("upgrade_fresh");
        assertSameLines(describe(fresh), describe(old));

        // (b) the history is intact
        assertEquals(logBefore, old.rows(LOG));
        List<List<String>> linksAfter = old.rows("SELECT * FROM pggit.migration_link ORDER BY id");
        assertEquals(linksBefore, linksAfter.stream().map(r -> r.subList(0, r.size() - 1)).toList(), "the links, and a new column");
        assertTrue(linksAfter.stream().allMatch(r -> r.get(r.size() - 1) == null), "0.1 recorded no error_sqlstate");
        assertEquals(objectsBefore, old.rows("SELECT * FROM pggit.tree_objects((SELECT tree FROM pggit.commit WHERE id = pggit.head_commit())) ORDER BY 3"));
        assertEquals(historyBefore, old.rows("SELECT * FROM pggit.object_history('command.tb_meter')"));
        assertEquals(versionsBefore, old.rows("SELECT * FROM pggit.list_function_versions('command.process_meter(uuid, jsonb)')"));
        assertEquals(rulesBefore, old.rows("SELECT id, changed_at, changed_by, rule, old_value, new_value FROM pggit.rule_change ORDER BY id"),
                "the rule history, and a new column (source) that 0.1 left null");
        assertEquals("0", old.value("SELECT count(*) FROM pggit.rule_change WHERE source IS NOT NULL"));
        // conflict ids became UUIDs (issue 13): each 0.1 conflict has a fresh one, its number moved to seq
        List<List<String>> conflictsAfter = old.rows("SELECT * FROM pggit.conflict ORDER BY seq");
        assertEquals(conflictsBefore.stream().map(r -> r.subList(1, r.size())).toList(),
                conflictsAfter.stream().map(r -> r.subList(1, r.size() - 1)).toList(), "the conflicts, their id apart, and a new column");
        assertEquals(conflictsBefore.stream().map(r -> r.get(0)).toList(), conflictsAfter.stream().map(r -> r.get(r.size() - 1)).toList(),
                "0.1's id is seq");
        assertTrue(conflictsAfter.stream().allMatch(r -> r.get(0).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
                "a UUID each: " + conflictsAfter);
        assertEquals(1, conflictsBefore.size());
        old.exec("CREATE TABLE command.tb_later (id int)", "SELECT pggit.detect_conflicts()");
        assertEquals(String.valueOf(Long.parseLong(conflictsBefore.get(0).get(0)) + 1),
                old.value("SELECT seq FROM pggit.conflict WHERE object_key = 'table:command.tb_later'"), "new conflicts go on numbering");
        assertTrue(old.value("SELECT pggit.resolve_conflict(conflict_id => (SELECT id::text FROM pggit.conflict WHERE object_key = "
                + "'table:command.tb_later'), resolution => 'use_tracked', reason => 'not wanted')").startsWith("DROP TABLE"));
        assertEquals(extrasBefore, old.rows("SELECT (SELECT count(*) FROM pggit.cqrs_commit), (SELECT count(*) FROM pggit.capture_failure), "
                + "(SELECT count(*) FROM pggit.tracking_window), (SELECT string_agg(tool_deployment_id, ',') FROM pggit.deployment)"));
        assertEquals(List.of("1", "1", "1", "lb-4711"), extrasBefore.get(0));
        assertEquals(captureBefore, old.freshCapture(), "the upgraded catalog reader gives the same definitions as 0.1's");
        assertEquals(List.of(), old.rows("SELECT * FROM pggit.drift()"), "no drift after the upgrade");
        assertEquals(List.of(), old.rows("SELECT check_name, kind, subject FROM pggit.verify_consistency() WHERE severity = 'error'"));
        while (!old.value("SELECT count(*) FROM pg_stat_activity WHERE pid = " + killed.get(1)).equals("0")) {
            Thread.onSpinWait();   // its backend ends a moment after the connection closed
        }
        assertEquals(List.of(List.of("interrupted_deployment", "deployment " + killed.get(0))),
                old.rows("SELECT kind, subject FROM pggit.verify_consistency() WHERE severity = 'warning' AND check_name = 'tracking'"),
                "its pid alone tells that the session is gone");
        assertEquals("running", old.value("SELECT outcome FROM pggit.deployment WHERE id = " + killed.get(0)), "a check writes nothing");
        assertEquals(List.of(killed.get(0)), old.column("SELECT deployment_id::text FROM pggit.close_interrupted_deployments()"));
        assertEquals("interrupted", old.value("SELECT outcome FROM pggit.deployment WHERE id = " + killed.get(0)));

        // and it goes on recording, into 0.2's tree layout (each kind a trie of nodes of at most 16
        // entries) on top of 0.1's (256 buckets per kind), which stays readable
        old.exec("CREATE TABLE command.tb_after (id int)");
        assertTrue(old.pggit().commit("after the upgrade").isPresent());
        assertEquals(List.of("A table:command.tb_after"), old.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        assertEquals(List.of("A table:command.tb_after"), old.column("SELECT change || ' ' || object_key FROM pggit.diff('HEAD~1', 'HEAD')"),
                "a diff between 0.1's layout and 0.2's compares objects, not nodes");
        assertEquals("leaf", old.value("SELECT pggit.tree_node_shape(t.entries) FROM pggit.tree t WHERE t.hash = pggit.tree_lookup("
                + "(SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()), ARRAY['command', 'table'])"), "the kind it wrote is 0.2's");
        old.exec("DROP TABLE command.tb_after");
        assertTrue(old.pggit().commit("dropped again").isPresent());
        assertEquals(List.of(), old.column("SELECT object_key FROM pggit.diff('HEAD~2', 'HEAD')"), "0.1's tree and 0.2's, same objects");
        assertEquals(List.of(), old.rows("SELECT kind, subject FROM pggit.fsck()"), "both layouts pass fsck");
        assertEquals(List.of(), old.rows("SELECT * FROM pggit.drift()"));
    }

    @Test
    void theKindsThatZeroPointOneDidNotSeeAreOneCommitOfTheUpgradeNotDrift() {
        TestDb old = withPggit01("upgrade_new_kinds");
        old.exec("CREATE TABLE public.m (id int, at date, v int) PARTITION BY RANGE (at)",
                "CREATE TABLE public.m_2026 PARTITION OF public.m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "CREATE INDEX m_v ON public.m (v)", "CREATE TABLE public.t (a int, b int)",
                "CREATE STATISTICS public.t_ab (dependencies) ON a, b FROM public.t",
                "SELECT pggit.commit('under 0.1')");
        assertEquals(List.of(), old.rows("SELECT * FROM pggit.drift()"), "0.1 sees neither");
        String head01 = old.value("SELECT pggit.head_commit()");
        old.exec("CREATE TABLE public.outside (a int)");   // drift the upgrade must leave as drift
        old.pggit().install();
        assertEquals(List.of("table:public.outside"), old.column("SELECT object_key FROM pggit.drift()"));
        assertEquals(List.of(List.of("manual", "pggit 0.2 tracks extended statistics and the indexes of partitions")),
                old.rows("SELECT origin, message FROM pggit.log(1)"));
        assertEquals(List.of("A index:public.m_2026.m_2026_v_idx", "A statistics:public.t_ab"),
                old.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD') ORDER BY 1"));
        assertEquals(List.of(head01), old.column("SELECT unnest(parents) FROM pggit.log(1)"));
    }

    @Test
    void aFreshInstallIsTheCurrentVersionAndEveryFunctionHasAComment() {
        TestDb db = TestDb.withPggit("upgrade_fresh_comments");
        assertEquals(List.of(Installer.CURRENT), db.column("SELECT version FROM pggit.schema_version"));
        assertEquals(List.of(), db.column("SELECT p.oid::regprocedure::text FROM pg_proc p "
                + "WHERE p.pronamespace = 'pggit'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL"),
                "each function keeps its COMMENT ON beside it");
    }

    @Test
    void aDatabaseWithANewerPggitIsRefusedNamingBothVersions() {
        TestDb db = TestDb.withPggit("upgrade_newer");
        db.exec("INSERT INTO pggit.schema_version (version) VALUES ('9.9')");
        try {
            db.pggit().install();
            fail("installed over a newer pggit");
        } catch (PggitException e) {
            assertTrue(e.getMessage().contains("9.9") && e.getMessage().contains(Installer.CURRENT), e.getMessage());
        }
        assertEquals("9.9", db.value("SELECT pggit.version()"), "nothing changed");
    }

    @Test
    void aRoleThatMayNotUpgradeGetsTheVersionsAndTheCommandAndNothingChanges() {
        TestDb db = withPggit01("upgrade_not_superuser");
        String role = "migrator_" + db.name();
        db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'", "GRANT ALL ON SCHEMA public TO " + role);
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        try {
            Pggit.builder(ds).build().install();
            fail("a role without superuser upgraded pggit");
        } catch (PggitException.NotInstalled e) {
            assertTrue(e.getMessage().contains("upgrade pggit from 0.1 to " + Installer.CURRENT), e.getMessage());
            assertTrue(e.getMessage().contains("mvn pggit:install"), e.getMessage());
        }
        assertEquals("0.1", db.value("SELECT pggit.version()"), "nothing half-upgraded");
        assertEquals(List.of("0.1"), db.column("SELECT version FROM pggit.schema_version"));
    }

    static void assertSameLines(List<String> expected, List<String> actual) {
        TreeSet<String> missing = new TreeSet<>(expected);
        actual.forEach(missing::remove);
        TreeSet<String> extra = new TreeSet<>(actual);
        expected.forEach(extra::remove);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            List<String> report = new ArrayList<>();
            missing.forEach(l -> report.add("fresh install only: " + l));
            extra.forEach(l -> report.add("upgrade only:       " + l));
            fail("schema pggit after the upgrade differs from a fresh install:\n" + String.join("\n", report));
        }
        assertEquals(expected.size(), actual.size());
    }
}
