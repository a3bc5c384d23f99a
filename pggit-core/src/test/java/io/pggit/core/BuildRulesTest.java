package io.pggit.core;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracking rules from a build belong to their source (tool and history table): two services
 * migrating one database keep their own, a build naming none leaves the rules set from SQL in force,
 * and every change is a row of pggit.rule_change naming its source. Against a real PostgreSQL.
 */
class BuildRulesTest {

    static final String A = "flyway:public.history_a";
    static final String B = "flyway:public.history_b";

    TestDb db;

    @BeforeEach
    void freshDatabase(TestInfo info) {
        db = TestDb.withPggit(info.getTestMethod().orElseThrow().getName());
    }

    /** One run of source, on one connection: its DDL and its capture (journal scope 'session'); returns the deployment id. */
    String run(String source, String... ddl) {
        String id = db.value("SELECT coalesce(max(id), 0) + 1 FROM pggit.deployment");
        String[] all = new String[ddl.length + 3];
        all[0] = "SELECT pggit.open_deployment('run', 'flyway', NULL, NULL, " + (source == null ? "NULL" : "'" + source + "'") + ")";
        System.arraycopy(ddl, 0, all, 1, ddl.length);
        all[ddl.length + 1] = "SELECT pggit.record_migration(" + id + ", '{\"tool\": \"flyway\", \"id\": \"1\", \"description\": \"m\"}', 'success')";
        all[ddl.length + 2] = "SELECT pggit.close_deployment(" + id + ", 'success')";
        db.exec(all);
        return id;
    }

    /** What the deployment's commits changed, as 'A table:svc_a.t'. */
    List<String> committed(String deployment) {
        return db.column("SELECT ch.change || ' ' || ch.object_key FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id "
                + "WHERE c.deployment_id = " + deployment + " ORDER BY 1");
    }

    @Test
    void twoSourcesKeepTheirOwnRulesAndEachRunAppliesItsOwn() {
        db.exec("SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_a'])",
                "SELECT pggit.apply_build_rules('" + B + "', track_schemas => ARRAY['svc_b'], ignore_patterns => ARRAY['CREATE INDEX svc_b.%'])");
        assertEquals(List.of(A + " {svc_a} ", B + " {svc_b} {\"CREATE INDEX svc_b.%\"}"),
                db.column("SELECT concat_ws(' ', source, track_schemas, coalesce(ignore_patterns::text, '')) FROM pggit.build_rules ORDER BY 1"));
        assertEquals("t", db.value("SELECT track_schemas IS NULL FROM pggit.tracking_config"), "the database's rules are untouched");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.ignore_pattern"));

        String a = run(A, "CREATE SCHEMA svc_a", "CREATE TABLE svc_a.t (a int)", "CREATE TABLE public.from_a (a int)");
        assertEquals(List.of("A schema:svc_a", "A table:svc_a.t"), committed(a), "A's run: A's rules");
        String b = run(B, "CREATE SCHEMA svc_b", "CREATE TABLE svc_b.t (b int)", "CREATE INDEX t_b ON svc_b.t (b)",
                "CREATE TABLE svc_a.from_b (b int)");
        assertEquals(List.of("A schema:svc_b", "A table:svc_b.t"), committed(b), "B's run: B's rules, its pattern too");
        // each build applies its rules again at the start of its next run: the other's stay
        db.exec("SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_a'])");
        String a2 = run(A, "ALTER TABLE svc_a.t ADD COLUMN c int", "ALTER TABLE svc_b.t ADD COLUMN c int", "CREATE INDEX t_a ON svc_a.t (a)");
        assertEquals(List.of("A index:svc_a.t.t_a", "M table:svc_a.t"), committed(a2));
        assertEquals(2, db.column("SELECT source FROM pggit.build_rules").size());
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"),
                "what a run's rules ignored was accepted: no drift afterwards, whatever the rules outside a run");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"));
    }

    @Test
    void aBuildNamingNoRulesLeavesTheRulesSetFromSqlInForce() {
        db.exec("SELECT pggit.configure(ignore_schemas => ARRAY['scratch'])", "SELECT pggit.add_ignore_pattern('CREATE INDEX public.%')",
                "SELECT pggit.apply_build_rules('" + A + "')");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.build_rules"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.rule_change WHERE source IS NOT NULL"), "naming nothing changes nothing");
        String a = run(A, "CREATE SCHEMA scratch", "CREATE TABLE scratch.t (a int)", "CREATE TABLE public.t (a int)",
                "CREATE INDEX t_a ON public.t (a)");
        assertEquals(List.of("A table:public.t"), committed(a), "the SQL rules: scratch and the index ignored");

        // a kind the build names replaces the database's of that kind for its runs; the others stay the database's
        db.exec("SELECT pggit.apply_build_rules('" + A + "', ignore_patterns => ARRAY['CREATE TABLE public.skip%'])");
        String a2 = run(A, "CREATE TABLE scratch.u (a int)", "CREATE TABLE public.skip_me (a int)", "CREATE INDEX u_a ON public.t (a)");
        assertEquals(List.of("A index:public.t.u_a"), committed(a2));

        // a build that stops naming rules: its runs are back to the database's
        db.exec("SELECT pggit.apply_build_rules('" + A + "')");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.build_rules"));
        String a3 = run(A, "CREATE TABLE public.skip_too (a int)", "CREATE INDEX v_a ON public.t (a)");
        assertEquals(List.of("A table:public.skip_too"), committed(a3));
        assertEquals(List.of(), db.column("SELECT change || ' ' || object_key FROM pggit.drift()"));
    }

    @Test
    void everyChangeIsRecordedWithItsSource() {
        db.exec("SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_a'], ignore_patterns => ARRAY['CREATE INDEX svc_a.%'])",
                "SELECT pggit.apply_build_rules('" + B + "', ignore_operations => ARRAY['GRANT'])",
                "SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_a'], ignore_patterns => ARRAY['CREATE INDEX svc_a.%'])",
                "SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_a', 'svc_c'])",
                "SELECT pggit.configure(track_operations => ARRAY['CREATE'])",
                "SELECT pggit.apply_build_rules('" + B + "')");
        assertEquals(List.of(
                        List.of("track_schemas", "-", "[\"svc_a\"]", A),
                        List.of("ignore_patterns", "-", "[\"CREATE INDEX svc_a.%\"]", A),
                        List.of("ignore_operations", "-", "[\"GRANT\"]", B),
                        List.of("track_schemas", "[\"svc_a\"]", "[\"svc_a\", \"svc_c\"]", A),
                        List.of("ignore_patterns", "[\"CREATE INDEX svc_a.%\"]", "-", A),
                        List.of("configure_tracking", "-", "-", "-"),
                        List.of("ignore_operations", "[\"GRANT\"]", "-", B)),
                db.rows("SELECT rule, CASE WHEN rule = 'configure_tracking' THEN '-' ELSE coalesce(old_value::text, '-') END, "
                        + "CASE WHEN rule = 'configure_tracking' THEN '-' ELSE coalesce(new_value::text, '-') END, coalesce(source, '-') "
                        + "FROM pggit.rule_change ORDER BY id"),
                "one row per kind that changed, none for the same rules again");
    }

    @Test
    void oneBadValueChangesNothingOfTheSourcesRules() {
        db.exec("SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_a'])");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.exec(
                "SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_b'], track_operations => ARRAY['CREAT'])"));
        assertTrue(e.getMessage().contains("track_operations contains \"CREAT\""), e.getMessage());
        assertEquals("{svc_a}", db.value("SELECT track_schemas::text FROM pggit.build_rules"));
        assertThrows(IllegalStateException.class, () -> db.exec("SELECT pggit.apply_build_rules('', track_schemas => ARRAY['x'])"));
    }

    @Test
    void outsideARunAnObjectIsTrackedWhenTheDatabasesOrAnySourcesRulesTrackIt() {
        db.exec("SELECT pggit.configure(track_schemas => ARRAY['public'])",
                "SELECT pggit.apply_build_rules('" + A + "', track_schemas => ARRAY['svc_a'])");
        String a = run(A, "CREATE SCHEMA svc_a", "CREATE TABLE svc_a.t (a int)");
        assertEquals(List.of("A schema:svc_a", "A table:svc_a.t"), committed(a));
        db.exec("ALTER TABLE svc_a.t ADD COLUMN z int", "CREATE SCHEMA other", "CREATE TABLE other.t (a int)");
        assertEquals(List.of("M table:svc_a.t"), db.column("SELECT change || ' ' || object_key FROM pggit.status()"),
                "a change to what source A tracks is a change outside A's runs too; other is tracked by no one");
        assertEquals(List.of("M table:svc_a.t"), db.column("SELECT change || ' ' || object_key FROM pggit.drift()"));
        db.pggit().commit("psql change");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
        // a run with no source (a manual deployment, or a tool that names none): the same rules as outside a run
        String none = run(null, "ALTER TABLE svc_a.t ADD COLUMN y int", "CREATE TABLE other.u (a int)");
        assertEquals(List.of("M table:svc_a.t"), committed(none));
    }
}
