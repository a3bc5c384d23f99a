package io.pggit.core;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SQL API of the PrintOptim requirements (seeds 000-002), against a real PostgreSQL. */
class TrackingApiTest {

    TestDb db;

    @BeforeEach
    void freshDatabase(TestInfo info) {
        db = TestDb.withPggit(info.getTestMethod().orElseThrow().getName());
    }

    List<String> status() {
        return db.column("SELECT change || ' ' || object_key FROM pggit.status()");
    }

    /** Runs one statement and returns the error PostgreSQL raised. */
    SQLException error(String sql) {
        return assertThrows(SQLException.class, () -> {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        });
    }

    @Test
    void schemaFiltersTrackOnlyTheIncludedSchemasAndSkipTheIgnoredOnes() {
        db.exec("CREATE SCHEMA command", "CREATE SCHEMA query", "CREATE SCHEMA \"Größen\"",
                "SELECT pggit.configure(track_schemas => ARRAY['command', 'Grö%'], ignore_schemas => ARRAY['query', 'pg_temp%'])",
                "CREATE TABLE command.tb_machine (id int)", "CREATE TABLE query.tv_machine (id int)",
                "CREATE TABLE \"Größen\".\"Maß\" (id int)", "CREATE TABLE public.other (id int)");
        assertEquals(List.of("A schema:\"Größen\"", "A schema:command", "A table:\"Größen\".\"Maß\"", "A table:command.tb_machine"),
                status().stream().sorted().toList());
        db.pggit().commit("only command");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"), "what a rule ignores is not drift either");
    }

    @Test
    void aDirectiveBeatsEveryOtherRuleAndSurvivesDropAndCreate() {
        db.exec("CREATE SCHEMA query", "SELECT pggit.configure_tracking(ignore_schemas => ARRAY['query'])",
                "CREATE TABLE query.tv_keep (id int)", "COMMENT ON TABLE query.tv_keep IS '@pggit:track'",
                "CREATE TABLE public.t_skip (id int)", "COMMENT ON TABLE public.t_skip IS 'scratch @pggit-ignore'");
        assertEquals(List.of("A table:query.tv_keep"), status());
        db.pggit().commit("directives");
        assertEquals(List.of("table:public.t_skip ignore", "table:query.tv_keep track"),
                db.column("SELECT object_key || ' ' || directive FROM pggit.object_directive ORDER BY 1"));
        // DROP + CREATE loses the comment; the directive stays a rule for the key
        db.exec("DROP TABLE public.t_skip", "CREATE TABLE public.t_skip (id int, b int)");
        assertEquals(List.of(), status());
        assertTrue(db.value("SELECT pggit.remove_directive('public.t_skip')").equals("t"));
        assertEquals(List.of("A table:public.t_skip"), status());
    }

    @Test
    void directiveTokensAreNotPartOfTheContentHash() {
        db.exec("CREATE TABLE public.t (id int)", "COMMENT ON TABLE public.t IS 'meters'");
        db.pggit().commit("t");
        db.exec("COMMENT ON TABLE public.t IS 'meters @pggit-track'");
        assertEquals(List.of(), status(), "adding a directive does not change the definition");
    }

    @Test
    void ignorePatternsMatchTheCommandTagAndTheIdentity() {
        db.exec("CREATE SCHEMA query", "CREATE TABLE query.t (a int)");
        db.pggit().commit("t");
        assertEquals("t", db.value("SELECT pggit.add_ignore_pattern('CREATE INDEX query.%')"));
        assertEquals("f", db.value("SELECT pggit.add_ignore_pattern('CREATE INDEX query.%')"), "already there");
        db.exec("CREATE INDEX t_a ON query.t (a)", "CREATE TABLE query.t2 (a int)");
        assertEquals(List.of("A table:query.t2"), status());
        assertEquals(List.of("CREATE INDEX query.%"), db.column("SELECT pattern FROM pggit.list_ignore_patterns()"));
        assertEquals("t", db.value("SELECT pggit.remove_ignore_pattern('CREATE INDEX query.%')"));
        assertEquals(List.of("A index:query.t.t_a", "A table:query.t2"), status().stream().sorted().toList());
    }

    @Test
    void operationFiltersKeepOnlyTheListedOperations() {
        db.exec("CREATE TABLE public.t (a int)");
        db.pggit().commit("t");
        db.exec("SELECT pggit.configure_tracking(track_operations => ARRAY['CREATE', 'ALTER'])", "DROP TABLE public.t",
                "CREATE TABLE public.u (a int)");
        assertEquals(List.of("A table:public.u"), status());
    }

    @Test
    void anOperationFilterKeepsAlterOutOfCommitsAndTheDriftScanAcceptsWhatItLeft() {
        db.exec("SELECT pggit.configure(track_operations => ARRAY['CREATE', 'DROP'])", "CREATE TABLE public.t (a int)",
                "CREATE VIEW public.v AS SELECT 1 AS x");
        assertTrue(db.pggit().commit("t").isPresent());
        db.exec("ALTER TABLE public.t ADD COLUMN b int");
        assertEquals(List.of(), status(), "an ALTER TABLE is no CREATE");
        assertEquals(java.util.Optional.empty(), db.pggit().commit("alter"));
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.drift()"), "the drift scan accepts what the rules ignored");
        assertEquals(List.of("table:public.t"), db.column("SELECT object_key FROM pggit.accepted_state"));
        // CREATE OR REPLACE is a CREATE, as the filter says
        db.exec("CREATE OR REPLACE VIEW public.v AS SELECT 2 AS x");
        assertEquals(List.of("M view:public.v"), status());
        db.pggit().commit("view");
        // with every operation tracked again, the accepted state is still no drift ...
        db.exec("SELECT pggit.configure(track_operations => '{}')");
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.drift()"));
        // ... but a later change made outside the rules is
        db.exec("SELECT pggit.pause_tracking('1 hour')", "ALTER TABLE public.t ADD COLUMN c int", "SELECT pggit.resume_tracking()");
        assertEquals(List.of("table:public.t"), db.column("SELECT object_key FROM pggit.drift()"));
        // a commit of the object retires its accepted state
        db.exec("ALTER TABLE public.t ADD COLUMN d int");
        db.pggit().commit("d");
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.accepted_state"));
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.drift()"));
    }

    @Test
    void refreshAndReindexNeverBumpAVersionNorFillTheJournal() {
        db.exec("CREATE TABLE public.t (a int)", "CREATE MATERIALIZED VIEW public.mv AS SELECT a FROM public.t",
                "CREATE INDEX mv_a ON public.mv (a)");
        db.pggit().commit("mv");
        db.exec("REFRESH MATERIALIZED VIEW public.mv", "REFRESH MATERIALIZED VIEW public.mv", "REINDEX TABLE public.t");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.journal"));
        assertEquals(List.of(), status());
    }

    @Test
    void rulesAreThemselvesVersioned() {
        db.exec("SELECT pggit.configure(ignore_operations => ARRAY['REINDEX'])", "SELECT pggit.add_ignore_pattern('DROP TABLE tmp%')",
                "SELECT pggit.remove_ignore_pattern('DROP TABLE tmp%')");
        assertEquals(List.of("configure_tracking", "ignore_pattern", "ignore_pattern"),
                db.column("SELECT rule FROM pggit.rule_change ORDER BY id"));
        assertEquals("[\"REINDEX\"]", db.value("SELECT new_value -> 'ignore_operations' FROM pggit.rule_change WHERE id = 1"));
    }

    /** Runs one statement and returns the notices and warnings it raised. */
    List<String> warnings(String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            List<String> out = new java.util.ArrayList<>();
            for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                out.add(w.getMessage());
            }
            return out;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rulesMayNameSchemasTheMigrationsHaveYetToCreate() {
        // seed 000's use case: the rules first, then the migrations that create the schemas
        List<String> said = warnings("SELECT pggit.configure_tracking(track_schemas => ARRAY['command', 'reference'])");
        assertTrue(said.stream().anyMatch(w -> w.contains("track_schemas names schema \"command\", which does not exist yet")), said.toString());
        assertEquals("{command,reference}", db.value("SELECT track_schemas::text FROM pggit.tracking_config"));
        db.exec("CREATE SCHEMA command", "CREATE TABLE command.tb_meter (id int)", "CREATE TABLE public.other (id int)");
        assertEquals(List.of("A schema:command", "A table:command.tb_meter"), status().stream().sorted().toList());
    }

    @Test
    void underscoreIsALiteralInSchemaNamesAndPatterns() {
        db.exec("CREATE SCHEMA query_cache", "CREATE SCHEMA queryxcache", "CREATE SCHEMA tmp_a", "CREATE SCHEMA tmpxa",
                "SELECT pggit.configure_tracking(track_schemas => ARRAY['query_cache', 'tmp%'], ignore_schemas => ARRAY['tmp_%'])",
                "CREATE TABLE query_cache.t (id int)", "CREATE TABLE queryxcache.t (id int)",
                "CREATE TABLE tmp_a.t (id int)", "CREATE TABLE tmpxa.t (id int)");
        assertEquals(List.of("A table:query_cache.t", "A table:tmpxa.t"),
                status().stream().filter(x -> x.startsWith("A table")).sorted().toList(),
                "query_cache does not match queryxcache; tmp_% ignores tmp_a but not tmpxa");
        // a name that was a LIKE pattern by its _ passed the existence check and then matched nothing it named
        List<String> said = warnings("SELECT pggit.configure_tracking(track_schemas => ARRAY['nonexistent_schema'])");
        assertTrue(said.stream().anyMatch(w -> w.contains("\"nonexistent_schema\", which does not exist yet")), said.toString());
        db.exec("SELECT pggit.configure_tracking(track_schemas => '{}', ignore_schemas => '{}')",
                "SELECT pggit.add_ignore_pattern('CREATE TABLE public.t_%')",
                "CREATE TABLE public.t_x (a int)", "CREATE TABLE public.tyx (a int)");
        assertTrue(status().contains("A table:public.tyx"), "_ in an ignore pattern is a literal: " + status());
        assertTrue(!status().contains("A table:public.t_x"), "the pattern still ignores what it names: " + status());
    }

    @Test
    void aPatternThatCanNeverMatchSaysSo() {
        List<String> said = warnings("SELECT pggit.add_ignore_pattern('CREATE TEMP TABLE %')");
        assertTrue(said.stream().anyMatch(w -> w.contains("can never match: temporary objects are never tracked")), said.toString());
        assertEquals(List.of("CREATE TEMP TABLE %"), db.column("SELECT pattern FROM pggit.list_ignore_patterns()"),
                "kept: a warning, not a refusal");
        assertTrue(warnings("SELECT pggit.add_ignore_pattern('CREATE UNLOGGED TABLE public.%')").stream()
                .anyMatch(w -> w.contains("never contains UNLOGGED")));
        assertTrue(warnings("SELECT pggit.add_ignore_pattern('create index public.%')").stream()
                .anyMatch(w -> w.contains("upper case")));
        assertEquals(List.of(), warnings("SELECT pggit.add_ignore_pattern('CREATE INDEX query.%')"));
        assertEquals(List.of(), warnings("SELECT pggit.add_ignore_pattern('DROP TABLE tmp%')"));
    }

    @Test
    void badRulesAreRefusedWithTheSettingNamed() {
        assertTrue(error("SELECT pggit.configure_tracking(track_operations => ARRAY['CREAT'])").getMessage()
                .contains("track_operations contains \"CREAT\", which is not an operation"));
        assertTrue(error("SELECT pggit.add_ignore_pattern('')").getMessage().contains("empty pattern"));
    }

    @Test
    void aDeploymentBecomesOneCommitWithItsTags() {
        db.exec("CREATE SCHEMA command", "CREATE TABLE command.tb_meter (reading_value int)");
        db.pggit().commit("before");
        db.exec("SELECT pggit.begin_deployment('v2.1.0-add-meter-validation')",
                "ALTER TABLE command.tb_meter ADD CONSTRAINT check_reading_positive CHECK (reading_value > 0)",
                "CREATE FUNCTION command.validate_meter_with_log(input jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT input'");
        assertTrue(error("SELECT pggit.commit('inside')").getMessage().contains("is open"));
        assertTrue(error("SELECT pggit.begin_deployment('nested')").getMessage().contains("already open"));
        db.exec("SELECT pggit.end_deployment(commit_message => 'Add positive value validation', tags => ARRAY['validation', 'meter'])");
        assertEquals(List.of(List.of("deployment", "Add positive value validation", "+1 constraint, +1 function")),
                db.rows("SELECT origin, message, summary FROM pggit.log(1)"));
        assertEquals(List.of("meter", "validation"), db.column("SELECT name FROM pggit.tag WHERE commit_id = pggit.head_commit() ORDER BY 1"));
        assertTrue(error("SELECT pggit.end_deployment()").getMessage().contains("no deployment is open"));
    }

    @Test
    void aDeploymentLeftOpenByACrashedSessionCanBeAbandoned() throws SQLException, InterruptedException {
        String pid;
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pggit.begin_deployment('crashing')");
            try (java.sql.ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                pid = r.getString(1);
            }
        } // the session ends without end_deployment; its backend exits a moment after the client closes
        for (int i = 0; i < 200 && !db.column("SELECT pid FROM pg_stat_activity WHERE pid = " + pid).isEmpty(); i++) {
            Thread.sleep(25);
        }
        assertEquals(List.of(List.of("crashing", "f")), db.rows("SELECT name, session_alive FROM pggit.open_deployments"));
        db.exec("SELECT pggit.abandon_deployment((SELECT id FROM pggit.open_deployments))");
        assertEquals("abandoned", db.value("SELECT outcome FROM pggit.deployment"));
        assertTrue(error("SELECT pggit.abandon_deployment(42)").getMessage().contains("no open deployment with id 42"));
    }

    @Test
    void aPauseLeavesItsChangesToTheDriftScanWhichSaysSo() {
        db.exec("SELECT pggit.pause_tracking('1 hour')", "CREATE TABLE public.during_pause (a int)", "SELECT pggit.resume_tracking()",
                "CREATE TABLE public.after_pause (a int)");
        db.pggit().commit("after");
        List<List<String>> drift = db.rows("SELECT object_key, note FROM pggit.drift()");
        assertEquals(1, drift.size());
        assertEquals("table:public.during_pause", drift.get(0).get(0));
        assertTrue(drift.get(0).get(1).startsWith("changed while tracking was paused"), drift.toString());
        assertTrue(error("SELECT pggit.pause_tracking('-5 minutes')").getMessage().contains("positive interval"));
    }

    @Test
    void emergencyDisableReallyDisablesTheTriggersAndTheNextCallAfterItsTimeEnablesThem() {
        db.exec("SELECT pggit.emergency_disable('1 hour')");
        assertEquals(List.of("D", "D"), db.column("SELECT evtenabled::text FROM pg_event_trigger WHERE evtname LIKE 'pggit%'"));
        assertEquals(List.of(List.of("disabled", "f")), db.rows("SELECT state, triggers_enabled FROM pggit.tracking_status()"));
        db.exec("CREATE TABLE public.while_disabled (a int)");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.journal"));
        assertTrue(db.value("SELECT note FROM pggit.drift()").startsWith("tracking was disabled"));
        // time is up: a reader's call writes nothing, so the triggers stay disabled and it says so;
        // the next pggit call that writes re-enables them
        db.exec("UPDATE pggit.tracking_window SET ends_at = now() - interval '1 second'");
        db.exec("CREATE TABLE public.after_nominal_end (a int)");   // after the nominal end, triggers still off
        List<List<String>> over = db.rows("SELECT state, triggers_enabled, note FROM pggit.tracking_status()");
        assertEquals(List.of("disabled", "f"), over.get(0).subList(0, 2));
        assertTrue(over.get(0).get(2).contains("until the next pggit call that writes"), over.toString());
        db.exec("SELECT pggit.refresh_tracking_windows()");
        assertEquals(List.of(List.of("tracking", "t")), db.rows("SELECT state, triggers_enabled FROM pggit.tracking_status()"));
        assertEquals("t", db.value("SELECT ended_at > ends_at FROM pggit.tracking_window"),
                "the window records when tracking really came back, not its nominal end");
        assertEquals(List.of(List.of("table:public.after_nominal_end", "true"), List.of("table:public.while_disabled", "true")),
                db.rows("SELECT object_key, (note LIKE 'tracking was disabled%')::text FROM pggit.drift() ORDER BY 1"),
                "DDL made after the nominal end, while the triggers were still off, is flagged as from the window too");
        db.exec("CREATE TABLE public.after (a int)");
        assertEquals("1", db.value("SELECT count(*) FROM pggit.journal"));
    }

    @Test
    void migrationsFromToolsWithoutAnIntegrationAreLinked() {
        db.exec("CREATE TABLE public.staging (a int)", "SELECT pggit.link_migration(20250620001, description => 'Add ETL staging tables')",
                "INSERT INTO public.staging VALUES (1)", "SELECT pggit.link_migration('V2', 'sqitch')");
        assertEquals(List.of(List.of("20250620001", "flyway", "true"), List.of("V2", "sqitch", "true")),
                db.rows("SELECT migration_id, tool_name, (pggit_version_end = pggit.head_commit())::text FROM pggit.migration_tracking ORDER BY 1"));
        assertEquals("2", db.value("SELECT count(*) FROM pggit.external_migrations"));
        assertTrue(error("SELECT pggit.link_migration('', 'x')").getMessage().contains("the migration id is missing"));
    }

    @Test
    void thePrintOptimUseCaseRunsEndToEnd() throws Exception {
        // the documented example, run as written
        java.nio.file.Path script = java.nio.file.Path.of(System.getProperty("user.dir")).resolve("../examples/printoptim-use-case.sql")
                .normalize();
        db.exec(java.nio.file.Files.readString(script));
        // the query side, the temporary table and the refresh are ignored; the constraint and the function are the release
        assertEquals(List.of("A constraint:command.tb_meter.check_reading_positive", "A function:app.validate_meter_with_log(jsonb)"),
                db.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD') ORDER BY object_key"));
        assertEquals(List.of(List.of("deployment", "Add positive value validation to meter readings")),
                db.rows("SELECT origin, message FROM pggit.log(1)"));
        assertEquals(List.of("meter", "validation"), db.column("SELECT name FROM pggit.tag ORDER BY 1"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"));
    }

    @Test
    void eachOverloadHasItsOwnSemanticVersionHistory() {
        db.exec("CREATE SCHEMA app",
                "CREATE FUNCTION app.process_meter(meter_id uuid, readings jsonb) RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE FUNCTION app.process_meter(meter_id uuid) RETURNS int LANGUAGE sql AS 'SELECT 1'");
        db.pggit().commit("created");
        db.exec("CREATE OR REPLACE FUNCTION app.process_meter(meter_id uuid, readings jsonb) RETURNS int LANGUAGE sql AS 'SELECT 2'");
        db.pggit().commit("body");
        db.exec("CREATE OR REPLACE FUNCTION app.process_meter(meter_id uuid, readings jsonb) RETURNS int LANGUAGE sql STABLE AS 'SELECT 2'");
        db.pggit().commit("volatility");
        db.exec("DROP FUNCTION app.process_meter(uuid, jsonb)",
                "CREATE FUNCTION app.process_meter(meter_id uuid, readings jsonb) RETURNS bigint LANGUAGE sql STABLE AS 'SELECT 2'");
        db.pggit().commit("return type");
        assertEquals(List.of(List.of("1.0.0", "created"), List.of("1.0.1", "patch"), List.of("1.1.0", "minor"), List.of("2.0.0", "major")),
                db.rows("SELECT version, bump FROM pggit.list_function_versions('app.process_meter(meter_id uuid, readings JSONB)')"));
        assertEquals("1.0.0", db.value("SELECT pggit.get_function_version('app.process_meter(uuid)')"), "the other overload is untouched");
        assertEquals("3.0.0", db.value("SELECT pggit.track_function('app.process_meter(uuid, jsonb)', '3.0.0', '{\"owner\": \"billing\"}')"));
        db.exec("COMMENT ON FUNCTION app.process_meter(uuid, jsonb) IS 'validates readings @pggit-version: 4.1.0'");
        db.pggit().commit("annotated");
        assertEquals("4.1.0", db.value("SELECT pggit.get_function_version('app.process_meter(uuid, jsonb)')"));
        // in the body, where PostgreSQL keeps comments (prosrc)
        db.exec("COMMENT ON FUNCTION app.process_meter(uuid, jsonb) IS NULL",
                "CREATE OR REPLACE FUNCTION app.process_meter(meter_id uuid, readings jsonb) RETURNS bigint LANGUAGE plpgsql STABLE AS "
                + "$$ /* @pggit-version: 5.2.0 */ BEGIN RETURN 2; END $$");
        db.pggit().commit("annotated body");
        assertEquals("5.2.0", db.value("SELECT pggit.get_function_version('app.process_meter(uuid, jsonb)')"));
        // seed 000's form, inside the argument list, is no valid SQL (a trailing comma before ')')
        assertTrue(error("CREATE OR REPLACE FUNCTION app.process_meter(meter_id UUID, readings JSONB, /* @pggit-version: 1.2.3 */) "
                + "RETURNS jsonb LANGUAGE sql AS 'SELECT null::jsonb'").getMessage().contains("syntax error"));
        assertEquals("function:app.f(integer, character varying)", db.value("SELECT pggit.function_key('app.f(int, varchar)')"));
        assertTrue(error("SELECT pggit.get_function_version('process_meter(uuid)')").getMessage().contains("must be schema-qualified"));
        assertTrue(error("SELECT pggit.track_function('app.process_meter(uuid)', 'one')").getMessage().contains("must look like 1.2.3"));
    }

    @Test
    void aCqrsChangeIsOneCommitWithBothSidesOrNothing() {
        db.exec("CREATE SCHEMA command", "CREATE SCHEMA query");
        db.pggit().commit("schemas");
        db.exec("SELECT pggit.track_cqrs_change(command_sql => 'CREATE TABLE command.tb_machine (id int); "
                + "ALTER TABLE command.tb_machine ADD COLUMN status text', query_sql => 'CREATE MATERIALIZED VIEW query.mv_machine AS "
                + "SELECT id, status FROM command.tb_machine', version => '2.1.0', description => 'Add machine status field')");
        assertEquals(List.of(List.of("Add machine status field (2.1.0) [cqrs: command + query]", "+1 materialized view, +1 table")),
                db.rows("SELECT message, summary FROM pggit.log(1)"));
        assertEquals("2.1.0", db.value("SELECT version FROM pggit.cqrs_commit WHERE commit_id = pggit.head_commit()"));
        String head = db.value("SELECT pggit.head_commit()");
        assertTrue(error("SELECT pggit.track_cqrs_change(ROW(ARRAY['CREATE TABLE command.t2 (a int)'], "
                + "ARRAY['CREATE VIEW query.v2 AS SELECT nosuch FROM command.t2'], 'fails', '2.2.0')::pggit.cqrs_change)").getMessage()
                .contains("nosuch"));
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE relname = 't2'"), "the command side was rolled back too");
        assertEquals(head, db.value("SELECT pggit.head_commit()"), "nothing recorded");
    }

    @Test
    void seed002sFourFieldCqrsChangeWithItsVersionLast() {
        db.exec("CREATE SCHEMA command", "CREATE SCHEMA query", "CREATE TABLE command.orders (id int)",
                "CREATE MATERIALIZED VIEW query.order_summary AS SELECT id FROM command.orders");
        db.pggit().commit("orders");
        // seed 002, Example 2, as written but for its elided view body
        db.exec("SELECT pggit.track_cqrs_change(ROW(ARRAY['ALTER TABLE command.orders ADD COLUMN priority text'], "
                + "ARRAY['DROP MATERIALIZED VIEW query.order_summary', "
                + "'CREATE MATERIALIZED VIEW query.order_summary AS SELECT id, priority FROM command.orders'], "
                + "'Add order priority feature', '2.1.0')::pggit.cqrs_change)");
        assertEquals(List.of(List.of("Add order priority feature (2.1.0) [cqrs: 1 command, 2 query]", "~1 materialized view, ~1 table")),
                db.rows("SELECT message, summary FROM pggit.log(1)"));
        assertEquals(List.of(List.of("2.1.0", "Add order priority feature")),
                db.rows("SELECT version, description FROM pggit.cqrs_commit WHERE commit_id = pggit.head_commit()"));
    }

    @Test
    void endDeploymentTakesSeed001sMessageAsWellAsCommitMessage() {
        db.exec("CREATE TABLE public.t (a int)");
        db.pggit().commit("t");
        db.exec("SELECT pggit.begin_deployment('Q1 2024 Release')", "ALTER TABLE public.t ADD COLUMN b int",
                "SELECT pggit.end_deployment(message => 'Q1 release completed successfully', tags => ARRAY['q1'])");
        assertEquals("Q1 release completed successfully", db.value("SELECT message FROM pggit.log(1)"));
        assertEquals(List.of("q1"), db.column("SELECT name FROM pggit.tag WHERE commit_id = pggit.head_commit()"));
        db.exec("SELECT pggit.begin_deployment('Q2')", "ALTER TABLE public.t ADD COLUMN c int",
                "SELECT pggit.end_deployment('Q2 done')");   // seed 002, Example 3: positional
        assertEquals("Q2 done", db.value("SELECT message FROM pggit.log(1)"));
        db.exec("SELECT pggit.begin_deployment('Q3')");
        assertTrue(error("SELECT pggit.end_deployment(commit_message => 'a', message => 'b')").getMessage()
                .contains("both commit_message and message, and they differ"));
    }

    @Test
    void driftBecomesConflictsThatAreResolvedEitherWay() {
        db.exec("CREATE TABLE public.t (a int)", "CREATE INDEX t_a ON public.t (a)",
                "CREATE FUNCTION public.\"Größe\"() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        db.pggit().commit("base");
        db.exec("CREATE OR REPLACE FUNCTION public.\"Größe\"() RETURNS int LANGUAGE sql AS 'SELECT 2'",
                "CREATE INDEX t_hot ON public.t ((a * 2))", "DROP INDEX public.t_a");
        assertEquals("3", db.value("SELECT pggit.detect_conflicts()"));
        assertTrue(db.value("SELECT pggit.resolve_conflict((SELECT id FROM pggit.conflict WHERE object_key = 'function:public.\"Größe\"()'), "
                + "'use_tracked', 'revert the hotfix')").startsWith("restored"));
        assertEquals("SELECT 1", db.value("SELECT prosrc FROM pg_proc WHERE proname = 'Größe'"));
        assertTrue(db.value("SELECT pggit.resolve_conflict((SELECT id FROM pggit.conflict WHERE object_key = 'index:public.t.t_a'), "
                + "'use_tracked', 'put it back')").startsWith("recreated"));
        // seed 000, section 6: the id is a UUID, given as a quoted literal with named arguments
        String hot = db.value("SELECT id FROM pggit.conflict WHERE object_key = 'index:public.t.t_hot'");
        assertTrue(hot.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), hot);
        assertTrue(db.value("SELECT pggit.resolve_conflict(conflict_id => '" + hot + "', resolution => 'use_current', reason => 'keep the hotfix')")
                .startsWith("committed the live definition as "));
        assertEquals(List.of("A index:public.t.t_hot"), db.column("SELECT change || ' ' || object_key FROM pggit.show('HEAD')"));
        assertEquals("resolve conflict " + hot + " (use_current): keep the hotfix", db.value("SELECT message FROM pggit.log(1)"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"));
        assertEquals(List.of(List.of("postgres", "keep the hotfix")),
                db.rows("SELECT resolved_by, reason FROM pggit.conflict WHERE resolution = 'use_current'"));
        assertEquals(List.of("1", "2", "3"), db.column("SELECT seq FROM pggit.conflict ORDER BY seq"), "seq: the order of detection");
        // ids that are not one: an unknown UUID, a number (0.1's ids), a malformed text
        assertTrue(error("SELECT pggit.resolve_conflict('00000000-0000-0000-0000-000000004242', 'use_current')").getMessage()
                .contains("no conflict with id 00000000-0000-0000-0000-000000004242"));
        SQLException number = error("SELECT pggit.resolve_conflict(3, 'use_current')");
        assertEquals("22023", number.getSQLState());
        assertTrue(number.getMessage().contains("\"3\" is not a conflict id: conflict ids are UUIDs (pggit.conflict.id)")
                && number.getMessage().contains("SELECT id FROM pggit.conflict WHERE seq = 3"), number.getMessage());
        SQLException quotedNumber = error("SELECT pggit.resolve_conflict(conflict_id => '42', resolution => 'use_current')");
        assertEquals("22023", quotedNumber.getSQLState());
        assertTrue(quotedNumber.getMessage().contains("WHERE seq = 42"), quotedNumber.getMessage());
        SQLException malformed = error("SELECT pggit.resolve_conflict(conflict_id => 'uuid-here', resolution => 'use_current')");
        assertEquals("22023", malformed.getSQLState());
        assertTrue(malformed.getMessage().contains("\"uuid-here\" is not a conflict id: conflict ids are UUIDs")
                && malformed.getMessage().contains("Open conflicts: SELECT id, object_key, change FROM pggit.conflict WHERE resolved_at IS NULL"),
                malformed.getMessage());
        assertTrue(error("SELECT pggit.resolve_conflict('" + hot + "', 'use_current')").getMessage().contains("was resolved"));
        db.exec("CREATE TABLE public.u (a int)", "SELECT pggit.detect_conflicts()");
        String open = "(SELECT id FROM pggit.conflict WHERE resolved_at IS NULL)";
        assertTrue(error("SELECT pggit.resolve_conflict(" + open + ", 'keep')").getMessage()
                .contains("must be use_current, use_tracked or merge"));
        assertTrue(error("SELECT pggit.resolve_conflict(" + open + ", 'merge')").getMessage()
                .contains("comes from drift"));
    }

    @Test
    void useTrackedRestoresATablesColumnsAndRefusesDataLossUnlessAllowed() {
        db.exec("CREATE TABLE public.t (a int NOT NULL DEFAULT 1, b text, c varchar(10) COLLATE \"C\" DEFAULT 'x')", "INSERT INTO public.t (a, b) VALUES (5, 'five')");
        db.pggit().commit("base");
        String tracked = db.value("SELECT definition::text FROM pggit.read_catalog() WHERE object_key = 'table:public.t'");
        String conflict = "(SELECT id FROM pggit.conflict WHERE object_key = 'table:public.t' AND resolved_at IS NULL)";
        // no data lost: a default, NOT NULL, a column dropped at the end
        db.exec("ALTER TABLE public.t ALTER COLUMN a DROP NOT NULL, ALTER COLUMN a SET DEFAULT 2, ALTER COLUMN b SET DEFAULT 'b'",
                "ALTER TABLE public.t DROP COLUMN c", "SELECT pggit.detect_conflicts()");
        String did = db.value("SELECT pggit.resolve_conflict(conflict_id => " + conflict + ", resolution => 'use_tracked', reason => 'revert')");
        assertTrue(did.startsWith("restored table:public.t to its tracked definition: ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT; "), did);
        assertTrue(did.contains("ALTER TABLE public.t ADD COLUMN c character varying(10) COLLATE pg_catalog.\"C\" DEFAULT 'x'::character varying"), did);
        assertEquals(tracked, db.value("SELECT definition::text FROM pggit.read_catalog() WHERE object_key = 'table:public.t'"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));
        assertEquals(List.of(List.of("5", "five", "x")), db.rows("SELECT * FROM public.t"));

        // a column HEAD does not have, a changed type: refused unless allowed
        db.exec("ALTER TABLE public.t ADD COLUMN d int DEFAULT 0", "ALTER TABLE public.t ALTER COLUMN a TYPE bigint", "SELECT pggit.detect_conflicts()");
        SQLException loss = error("SELECT pggit.resolve_conflict(" + conflict + ", 'use_tracked', 'revert')");
        assertEquals("55000", loss.getSQLState());
        assertTrue(loss.getMessage().contains("use_tracked would lose data in table:public.t: drop column d and its 1 non-null value, "
                + "change the type of column a from bigint back to integer") && loss.getMessage().contains("allow_data_loss => true"), loss.getMessage());
        assertEquals("bigint", db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'a'"));
        assertTrue(db.value("SELECT pggit.resolve_conflict(" + conflict + ", 'use_tracked', 'revert', allow_data_loss => true)").startsWith("restored"));
        assertEquals(tracked, db.value("SELECT definition::text FROM pggit.read_catalog() WHERE object_key = 'table:public.t'"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));

        // what it cannot build: a column lost from the middle (PostgreSQL adds columns last), a column's privileges
        db.exec("ALTER TABLE public.t DROP COLUMN b", "GRANT SELECT (a) ON public.t TO PUBLIC", "SELECT pggit.detect_conflicts()");
        SQLException cannot = error("SELECT pggit.resolve_conflict(" + conflict + ", 'use_tracked', 'revert', true)");
        assertEquals("0A000", cannot.getSQLState());
        assertTrue(cannot.getMessage().contains("use_tracked cannot restore table:public.t yet: it differs from its tracked definition in "
                + "the order of its columns (PostgreSQL adds a column last), column a: acl"), cannot.getMessage());
        assertEquals("1", db.value("SELECT count(*) FROM pggit.conflict WHERE resolved_at IS NULL"), "still open");
    }

    /** A role to own tables in these tests (roles are the server's: created once, kept). */
    void ownerRole() {
        db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pggit_tt_owner') THEN CREATE ROLE pggit_tt_owner; END IF; "
                + "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pggit_tt_other') THEN CREATE ROLE pggit_tt_other; END IF; END $$",
                "GRANT CREATE ON SCHEMA public TO pggit_tt_owner, pggit_tt_other");
    }

    String definitions(String like) {
        return db.value("SELECT string_agg(object_key || ' ' || definition::text, E'\\n' ORDER BY object_key) FROM pggit.read_catalog() "
                + "WHERE object_key LIKE '" + like + "'");
    }

    String conflictOf(String key) {
        return "(SELECT id FROM pggit.conflict WHERE object_key = '" + key + "' AND resolved_at IS NULL)";
    }

    @Test
    void useTrackedRecreatesADroppedTableWithItsSequenceConstraintsIndexesAndTriggers() {
        ownerRole();
        db.exec("CREATE TABLE public.p (id int PRIMARY KEY)",
                "CREATE TABLE public.t (id int PRIMARY KEY, p int REFERENCES public.p, v text NOT NULL DEFAULT 'x' CHECK (v <> ''), n serial, "
                        + "g int GENERATED ALWAYS AS (id * 2) STORED, i int GENERATED BY DEFAULT AS IDENTITY, c varchar(10) COLLATE \"C\") WITH (fillfactor = 70)",
                "ALTER TABLE public.t ALTER COLUMN v SET STORAGE main, ALTER COLUMN c SET STATISTICS 50, ENABLE ROW LEVEL SECURITY, REPLICA IDENTITY FULL",
                "ALTER TABLE public.p OWNER TO pggit_tt_owner", "ALTER TABLE public.t OWNER TO pggit_tt_owner",
                "CREATE INDEX t_v ON public.t (v)", "COMMENT ON TABLE public.t IS 'the t'", "COMMENT ON COLUMN public.t.v IS 'a v'",
                "CREATE FUNCTION public.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN new; END'",
                "CREATE TRIGGER t_tr BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.tf()");
        db.pggit().commit("base");
        String tracked = definitions("%public.t%");
        db.exec("DROP TABLE public.t", "SELECT pggit.detect_conflicts()");
        assertEquals(List.of("constraint:public.t.t_p_fkey", "constraint:public.t.t_pkey", "constraint:public.t.t_v_check", "index:public.t.t_v",
                "sequence:public.t_n_seq", "table:public.t", "trigger:public.t.t_tr"),
                db.column("SELECT object_key FROM pggit.conflict WHERE resolved_at IS NULL AND change = 'D' ORDER BY 1"));
        String did = db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.t") + ", 'use_tracked', 'dropped by mistake')");
        assertTrue(did.startsWith("recreated table:public.t from its tracked definition: CREATE TABLE public.t (id integer NOT NULL, "), did);
        assertTrue(did.contains("with it: sequence:public.t_n_seq, constraint:public.t.t_pkey, constraint:public.t.t_v_check, "
                + "constraint:public.t.t_p_fkey, index:public.t.t_v, trigger:public.t.t_tr"), did);
        assertEquals(tracked, definitions("%public.t%"));
        assertEquals("pggit_tt_owner", db.value("SELECT relowner::regrole::text FROM pg_class WHERE oid = 'public.t'::regclass"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.conflict WHERE resolved_at IS NULL"));
        assertEquals(List.of(List.of("use_tracked", "dropped by mistake")),
                db.rows("SELECT DISTINCT resolution, reason FROM pggit.conflict WHERE object_key LIKE '%public.t%'"));
        db.exec("INSERT INTO public.p VALUES (1)", "INSERT INTO public.t (id, p) VALUES (1, 1)");
        assertEquals(List.of(List.of("1", "x", "1", "2", "1")), db.rows("SELECT id, v, n, g, i FROM public.t"));

        // a child that cannot come back stays open, and says why
        db.exec("DROP TABLE public.t", "DROP TABLE public.p", "SELECT pggit.detect_conflicts()");
        did = db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.t") + ", 'use_tracked', 'again')");
        assertTrue(did.contains("left open: constraint:public.t.t_p_fkey (relation \"public.p\" does not exist)"), did);
        assertEquals(List.of("constraint:public.p.p_pkey", "constraint:public.t.t_p_fkey", "table:public.p"),
                db.column("SELECT object_key FROM pggit.conflict WHERE resolved_at IS NULL ORDER BY 1"));
    }

    @Test
    void useTrackedRecreatesADroppedPartitionedTableWithItsPartitionsAndAnInheritingTable() {
        db.exec("CREATE TABLE public.pt (a int PRIMARY KEY, b text DEFAULT 'b') PARTITION BY RANGE (a)",
                "CREATE TABLE public.pt1 PARTITION OF public.pt FOR VALUES FROM (1) TO (10)", "CREATE INDEX pt1_b ON public.pt1 (b)",
                "CREATE TABLE public.pt2 PARTITION OF public.pt DEFAULT", "CREATE TABLE public.par (x int)", "CREATE TABLE public.kid (y int) INHERITS (public.par)");
        db.pggit().commit("base");
        String tracked = definitions("%public.%");
        db.exec("DROP TABLE public.pt", "DROP TABLE public.kid", "SELECT pggit.detect_conflicts()");
        String did = db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.pt") + ", 'use_tracked', 'dropped by mistake')");
        assertTrue(did.startsWith("recreated table:public.pt from its tracked definition: CREATE TABLE public.pt (a integer NOT NULL, b text DEFAULT 'b'::text) "
                + "PARTITION BY RANGE (a); with it: constraint:public.pt.pt_pkey, table:public.pt1, table:public.pt2"), did);
        assertEquals("recreated table:public.kid from its tracked definition: CREATE TABLE public.kid (x integer, y integer) INHERITS (public.par)",
                db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.kid") + ", 'use_tracked', 'dropped by mistake')"));
        assertEquals(tracked, definitions("%public.%"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.conflict WHERE resolved_at IS NULL"));
    }

    @Test
    void useTrackedDropsATableHeadDoesNotHaveUnlessItHoldsRows() {
        ownerRole();
        db.exec("CREATE TABLE public.keep (a int)");
        db.pggit().commit("base");
        db.exec("CREATE TABLE public.empty (a int)", "CREATE TABLE public.full (a int)", "INSERT INTO public.full VALUES (1), (2)",
                "CREATE TABLE public.hidden (a int)", "INSERT INTO public.hidden VALUES (1)", "ALTER TABLE public.hidden OWNER TO pggit_tt_owner",
                "ALTER TABLE public.hidden ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY",
                "CREATE POLICY nobody ON public.hidden USING (false)", "SELECT pggit.detect_conflicts()");
        assertEquals("DROP TABLE public.empty", db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.empty") + ", 'use_tracked')"));
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE relname = 'empty'"));
        SQLException full = error("SELECT pggit.resolve_conflict(" + conflictOf("table:public.\"full\"") + ", 'use_tracked')");
        assertEquals("55000", full.getSQLState());
        assertTrue(full.getMessage().contains("use_tracked would lose data in table:public.\"full\": drop the table and its 2 rows")
                && full.getMessage().contains("allow_data_loss => true"), full.getMessage());
        // its owner counts with row_security = off: a policy that hides the rows does not make it look empty
        SQLException hidden = error("SELECT pggit.resolve_conflict(" + conflictOf("table:public.hidden") + ", 'use_tracked')");
        assertEquals("55000", hidden.getSQLState());
        assertTrue(hidden.getMessage().contains("cannot count the rows of table:public.hidden as its owner \"pggit_tt_owner\" with row_security = off")
                && hidden.getMessage().contains("allow_data_loss => true"), hidden.getMessage());
        assertEquals("2", db.value("SELECT count(*) FROM pg_class WHERE relname IN ('full', 'hidden')"));
        assertEquals("DROP TABLE public.\"full\"", db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.\"full\"") + ", 'use_tracked', allow_data_loss => true)"));
        assertEquals("DROP TABLE public.hidden", db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.hidden") + ", 'use_tracked', allow_data_loss => true)"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));
    }

    @Test
    void useTrackedRenamesARenamedTableBack() {
        db.exec("CREATE TABLE public.t (id int PRIMARY KEY, v text)", "CREATE INDEX t_v ON public.t (v)", "CREATE SCHEMA other");
        db.pggit().commit("base");
        String tracked = definitions("%public.t%");
        db.exec("ALTER TABLE public.t RENAME TO t2", "ALTER TABLE public.t2 SET SCHEMA other", "ALTER TABLE other.t2 ALTER COLUMN v SET DEFAULT 'v'",
                "SELECT pggit.detect_conflicts()");
        assertEquals("table:public.t", db.value("SELECT old_key FROM pggit.drift() WHERE object_key = 'table:other.t2' AND change = 'R'"));
        String did = db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:other.t2") + ", 'use_tracked', 'renamed by mistake')");
        assertEquals("restored table:public.t to its tracked definition: ALTER TABLE other.t2 RENAME TO t; ALTER TABLE other.t SET SCHEMA public; "
                + "ALTER TABLE public.t ALTER COLUMN v DROP DEFAULT", did);
        assertEquals(tracked, definitions("%public.t%"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.conflict WHERE resolved_at IS NULL"), "its index's rename is gone with it");
    }

    @Test
    void useTrackedPutsBackATablesPropertiesAndNamesWhatItCannot() {
        ownerRole();
        db.exec("CREATE TABLE public.t (a int PRIMARY KEY, b text)", "COMMENT ON TABLE public.t IS 'before'", "ALTER TABLE public.t SET (fillfactor = 70)",
                "ALTER TABLE public.t OWNER TO pggit_tt_owner", "CREATE TABLE public.parent (a int)");
        db.pggit().commit("base");
        String tracked = definitions("table:public.t");
        db.exec("ALTER TABLE public.t SET UNLOGGED", "ALTER TABLE public.t SET (fillfactor = 50, autovacuum_enabled = false)",
                "COMMENT ON TABLE public.t IS 'after'", "COMMENT ON COLUMN public.t.b IS 'a b'",
                "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY, REPLICA IDENTITY FULL",
                "ALTER TABLE public.t ALTER COLUMN b SET STORAGE main", "ALTER TABLE public.t INHERIT public.parent",
                "ALTER TABLE public.t OWNER TO pggit_tt_other", "SELECT pggit.detect_conflicts()");
        String did = db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.t") + ", 'use_tracked', 'revert')");
        assertTrue(did.contains("ALTER TABLE public.t SET LOGGED") && did.contains("ALTER TABLE public.t RESET (autovacuum_enabled, fillfactor)")
                && did.contains("ALTER TABLE public.t SET (fillfactor='70')") && did.contains("COMMENT ON TABLE public.t IS 'before'")
                && did.contains("ALTER TABLE public.t NO INHERIT public.parent") && did.endsWith("ALTER TABLE public.t OWNER TO pggit_tt_owner"), did);
        assertEquals(tracked, definitions("table:public.t"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));

        // privileges are not put back (yet): refused, naming them
        db.exec("GRANT SELECT ON public.t TO pggit_tt_other", "SELECT pggit.detect_conflicts()");
        SQLException cannot = error("SELECT pggit.resolve_conflict(" + conflictOf("table:public.t") + ", 'use_tracked', 'revert', true)");
        assertEquals("0A000", cannot.getSQLState());
        assertTrue(cannot.getMessage().contains("use_tracked cannot restore table:public.t yet: it differs from its tracked definition in acl")
                && cannot.getMessage().contains("write a migration"), cannot.getMessage());
    }

    @Test
    void useTrackedRefusesEachKindOfDataLossUnlessAllowed() {
        db.exec("CREATE TABLE public.t (id int, big bigint, txt text, short varchar(10), e int)", "INSERT INTO public.t VALUES (1, 1, 'a', 'b', NULL)",
                "CREATE TYPE public.mood AS ENUM ('sad', 'happy')", "CREATE TABLE public.m (id int, mood public.mood DEFAULT 'sad')",
                "INSERT INTO public.m VALUES (1, 'sad'), (2, 'happy')",
                "CREATE TABLE public.pt (a int) PARTITION BY RANGE (a)", "CREATE TABLE public.pt1 PARTITION OF public.pt FOR VALUES FROM (1) TO (10)",
                "CREATE TABLE public.loose (a int)", "INSERT INTO public.pt VALUES (1)", "INSERT INTO public.loose VALUES (15)");
        db.pggit().commit("base");
        String tracked = definitions("table:public.t");
        String t = conflictOf("table:public.t");
        // an empty column dropped and a type widened back lose nothing
        db.exec("ALTER TABLE public.t ALTER COLUMN id TYPE smallint, ADD COLUMN empty int", "SELECT pggit.detect_conflicts()");
        assertTrue(db.value("SELECT pggit.resolve_conflict(" + t + ", 'use_tracked')").startsWith("restored"));
        assertEquals(tracked, definitions("table:public.t"));
        // a column with values dropped, a type narrowed back (bigint -> integer, text -> varchar(10)): refused
        db.exec("ALTER TABLE public.t ADD COLUMN d int DEFAULT 7, ALTER COLUMN id TYPE bigint, ALTER COLUMN short TYPE text",
                "SELECT pggit.detect_conflicts()");
        SQLException loss = error("SELECT pggit.resolve_conflict(" + t + ", 'use_tracked')");
        assertEquals("55000", loss.getSQLState());
        assertTrue(loss.getMessage().contains("use_tracked would lose data in table:public.t: drop column d and its 1 non-null value, "
                + "change the type of column id from bigint back to integer, change the type of column short from text back to character varying(10)"), loss.getMessage());
        assertTrue(loss.getMessage().contains("Resolve it with allow_data_loss => true to run: "), loss.getMessage());
        assertTrue(db.value("SELECT pggit.resolve_conflict(" + t + ", 'use_tracked', allow_data_loss => true)").startsWith("restored"));
        assertEquals(tracked, definitions("table:public.t"));

        // an enum with a label HEAD does not have: rebuilt, refused unless allowed
        String mood = definitions("type:public.mood");
        db.exec("ALTER TYPE public.mood ADD VALUE 'angry'", "INSERT INTO public.m VALUES (3, 'angry')", "SELECT pggit.detect_conflicts()");
        SQLException rebuild = error("SELECT pggit.resolve_conflict(" + conflictOf("type:public.mood") + ", 'use_tracked')");
        assertEquals("55000", rebuild.getSQLState());
        assertTrue(rebuild.getMessage().contains("use_tracked would lose data in type:public.mood: rebuild the enum without its label(s) angry, "
                + "setting 1 value of public.m.mood to null"), rebuild.getMessage());
        assertTrue(db.value("SELECT pggit.resolve_conflict(" + conflictOf("type:public.mood") + ", 'use_tracked', allow_data_loss => true)")
                .startsWith("restored type:public.mood"));
        assertEquals(mood, definitions("type:public.mood"));
        assertEquals(List.of(List.of("1", "sad"), List.of("2", "happy"), List.of("3", "")), db.rows("SELECT id, coalesce(mood::text, '') FROM public.m ORDER BY id"));
        // a label HEAD has and the live enum lost (dropped and created again without it): added back, nothing lost
        db.exec("ALTER TABLE public.m DROP COLUMN mood", "DROP TYPE public.mood", "CREATE TYPE public.mood AS ENUM ('happy')",
                "ALTER TABLE public.m ADD COLUMN mood public.mood", "SELECT pggit.detect_conflicts()");
        assertEquals("restored type:public.mood to its tracked definition: ALTER TYPE public.mood ADD VALUE 'sad' BEFORE 'happy'",
                db.value("SELECT pggit.resolve_conflict(" + conflictOf("type:public.mood") + ", 'use_tracked')"));
        assertEquals(mood, definitions("type:public.mood"));
        assertTrue(db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.m") + ", 'use_tracked')").endsWith("SET DEFAULT 'sad'::public.mood"));

        // a sequence HEAD does not have: dropping it loses its value
        db.exec("CREATE SEQUENCE public.s", "SELECT nextval('public.s')", "SELECT pggit.detect_conflicts()");
        SQLException seq = error("SELECT pggit.resolve_conflict(" + conflictOf("sequence:public.s") + ", 'use_tracked')");
        assertEquals("55000", seq.getSQLState());
        assertTrue(seq.getMessage().contains("use_tracked would lose data in sequence:public.s: drop the sequence and its current value (1)")
                && seq.getMessage().contains("allow_data_loss => true"), seq.getMessage());
        assertEquals("DROP SEQUENCE public.s", db.value("SELECT pggit.resolve_conflict(" + conflictOf("sequence:public.s") + ", 'use_tracked', allow_data_loss => true)"));

        // partitions: one detached is attached back (nothing lost); one attached is detached, one added dropped: refused unless allowed
        db.exec("ALTER TABLE public.pt DETACH PARTITION public.pt1", "SELECT pggit.detect_conflicts()");
        assertEquals("restored table:public.pt1 to its tracked definition: ALTER TABLE public.pt ATTACH PARTITION public.pt1 FOR VALUES FROM (1) TO (10)",
                db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.pt1") + ", 'use_tracked')"));
        db.exec("ALTER TABLE public.pt ATTACH PARTITION public.loose FOR VALUES FROM (10) TO (20)",
                "CREATE TABLE public.pt3 PARTITION OF public.pt FOR VALUES FROM (20) TO (30)", "INSERT INTO public.pt VALUES (21)",
                "SELECT pggit.detect_conflicts()");
        SQLException detach = error("SELECT pggit.resolve_conflict(" + conflictOf("table:public.loose") + ", 'use_tracked')");
        assertEquals("55000", detach.getSQLState());
        assertTrue(detach.getMessage().contains("use_tracked would lose data in table:public.loose: detach it from public.pt, taking its 1 row out of public.pt"),
                detach.getMessage());
        SQLException drop = error("SELECT pggit.resolve_conflict(" + conflictOf("table:public.pt3") + ", 'use_tracked')");
        assertTrue(drop.getMessage().contains("use_tracked would lose data in table:public.pt3: drop the partition of public.pt and its 1 row"), drop.getMessage());
        assertTrue(db.value("SELECT pggit.resolve_conflict(" + conflictOf("table:public.loose") + ", 'use_tracked', allow_data_loss => true)")
                .endsWith("ALTER TABLE public.pt DETACH PARTITION public.loose"));
        db.exec("SELECT pggit.resolve_conflict(" + conflictOf("table:public.pt3") + ", 'use_tracked', allow_data_loss => true)");
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"));
        assertEquals(List.of("1"), db.column("SELECT a FROM public.pt"));
    }

    @Test
    void theOverheadReportCountsCommitsAndCaptureTime() {
        db.exec("CREATE TABLE public.t (a int)");
        db.pggit().commit("t");
        List<List<String>> report = db.rows("SELECT commits, objects_changed, capture_ms_total > 0 FROM pggit.tracking_overhead_report()");
        assertEquals(1, report.size());
        assertEquals(List.of("2", "2", "t"), report.get(0), "the baseline (schema public) and one table");
    }

    @Test
    void environmentsAreComparedThroughDblinkWithTheCallersRights() {
        TestDb other = TestDb.withPggit("environment_other");
        db.exec("CREATE TABLE public.same (a int)", "CREATE TABLE public.only_here (a int)", "CREATE TABLE public.differs (a int)");
        other.exec("CREATE TABLE public.same (a int)", "CREATE TABLE public.differs (a bigint)");
        assertTrue(error("SELECT * FROM pggit.compare_environments('dbname=" + other.name() + "')").getMessage()
                .contains("needs the dblink extension"));
        db.exec("CREATE EXTENSION dblink");
        assertEquals(List.of("D extension:dblink", "M table:public.differs", "D table:public.only_here"),
                db.column("SELECT change || ' ' || object_key FROM pggit.compare_environments('host=localhost dbname=" + other.name()
                        + " user=postgres port=' || current_setting('port')) ORDER BY object_key"));
        String snapshot = db.value("SELECT pggit.export_schema_snapshot(NULL)");
        assertTrue(snapshot != null && !snapshot.contains("only_here"),
                "the snapshot is HEAD's DDL, not the live catalog's: only_here is not committed (ExportTest writes one to a server file)");
    }

    @Test
    void environmentsAreNamedByForeignServersAndComparedUnderThisDatabasesRules() {
        TestDb other = TestDb.withPggit("environment_staging");
        db.exec("CREATE EXTENSION dblink", "CREATE TABLE public.differs (a int)");
        other.exec("CREATE TABLE public.differs (a bigint)", "CREATE SCHEMA scratch", "CREATE TABLE scratch.t (a int)");
        String port = db.value("SELECT current_setting('port')");
        String conninfo = "host=localhost port=" + port + " dbname=" + other.name() + " user=postgres";
        // a server of dblink_fdw and a user mapping: the environment's name, no password in a pggit table
        db.exec("CREATE SERVER staging FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host 'localhost', port '" + port + "', dbname '"
                        + other.name() + "')",
                "CREATE USER MAPPING FOR CURRENT_USER SERVER staging OPTIONS (user 'postgres')");
        String byName = "SELECT change || ' ' || object_key || ' ' || coalesce(source_hash, '-') || ' ' || coalesce(target_hash, '-') "
                + "FROM pggit.compare_environments('staging')";
        String byConninfo = "SELECT change || ' ' || object_key || ' ' || coalesce(source_hash, '-') || ' ' || coalesce(target_hash, '-') "
                + "FROM pggit.compare_environments('" + conninfo + "')";
        List<String> named = db.column(byName);
        assertEquals(db.column(byConninfo), named);
        assertEquals(List.of("A schema:scratch", "A table:scratch.t", "D extension:dblink", "D server:staging", "M table:public.differs"),
                named.stream().map(r -> r.split(" ")[0] + " " + r.split(" ")[1]).filter(r -> !r.contains("user_mapping")).sorted().toList());
        assertEquals(db.column(byName), db.column("SELECT change || ' ' || object_key || ' ' || coalesce(source_hash, '-') || ' ' "
                + "|| coalesce(target_hash, '-') FROM pggit.compare_environments('staging', 'dbname=" + db.name() + " host=localhost port="
                + port + " user=postgres')"), "a named source against this database named by a connection string");

        // this database's rules decide: an ignored schema's differences are hidden, though the other database tracks it
        db.exec("SELECT pggit.configure_tracking(ignore_schemas => ARRAY['scratch'])",
                "COMMENT ON EXTENSION dblink IS 'compare only @pggit-ignore'");
        assertEquals(List.of("D server:staging", "M table:public.differs"),
                db.column("SELECT change || ' ' || object_key FROM pggit.compare_environments('staging') "
                        + "WHERE object_key NOT LIKE 'user_mapping:%' ORDER BY object_key"));

        SQLException unknown = error("SELECT * FROM pggit.compare_environments('production')");
        assertEquals("42704", unknown.getSQLState());
        assertTrue(unknown.getMessage().contains("environment \"production\" is neither a foreign server nor a connection string"),
                unknown.getMessage());
        db.exec("CREATE SERVER unmapped FOREIGN DATA WRAPPER dblink_fdw OPTIONS (dbname 'postgres')");
        assertTrue(error("SELECT * FROM pggit.compare_environments('unmapped')").getMessage()
                .contains("environment \"unmapped\" is a foreign server without a user mapping"));
    }

    @Test
    void purgingKeepsWhatABranchReachesUnlessForcedAndRecordsItself() {
        db.exec("CREATE TABLE public.t1 (a int)");
        db.pggit().commit("one");
        db.exec("CREATE TABLE public.t2 (a int)");
        String two = db.pggit().commit("two").orElseThrow();
        db.exec("CREATE TABLE public.t3 (a int)");
        db.pggit().commit("three");
        db.exec("UPDATE pggit.commit SET committed_at = now() - interval '1 year' WHERE message IN ('one', 'two') OR origin = 'baseline'",
                "SELECT pggit.write_tree(NULL, ARRAY[ROW(ARRAY['x', 'table', 'table:x.orphan'], 'deadbeef')::pggit.tree_edit])");
        assertEquals(List.of(List.of("commits", "0"), List.of("trees", "3"), List.of("blobs", "0")),
                db.rows("SELECT what, purged FROM pggit.purge_history('6 months')"), "reachable history stays; the orphan tree goes");
        assertEquals("4", db.value("SELECT count(*) FROM pggit.log()"));
        assertEquals(List.of(List.of("commits", "2")),
                db.rows("SELECT what, purged FROM pggit.purge_history('6 months', force => true) WHERE what = 'commits'"));
        assertEquals(List.of("three", "two"), db.column("SELECT message FROM pggit.log()"), "the newest commit before the cutoff is the new root");
        assertEquals(two, db.value("SELECT new_root FROM pggit.purge_log WHERE forced"));
        assertEquals(List.of("A table:public.t3"), db.column("SELECT change || ' ' || object_key FROM pggit.diff('HEAD~1', 'HEAD')"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.drift()"));
        assertTrue(error("SELECT pggit.purge_history('0 days')").getMessage().contains("positive interval"));
    }
}
