package io.pggit.core;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reader functions write nothing, so a hot standby answers every one of them: each function granted
 * to pggit_reader, called with valid arguments on a database with history inside
 * {@code BEGIN TRANSACTION READ ONLY}, leaves the transaction without a transaction id. A hot
 * standby cannot assign one, and any write (a row, a temporary table, a sequence value) needs one:
 * so no xid proves nothing was written, rows of an existing temporary table included (which a
 * read-only transaction on a primary allows, and a standby does not). The Java readers and the check work on a read-only connection, and
 * the check records conflicts only where the session may write.
 */
class ReadOnlyTest {

    /**
     * Valid calls of the reader functions that take arguments, by signature; a reader function
     * without arguments is called as {@code SELECT * FROM pggit.f()}. A reader function added later
     * with arguments and no line here fails {@link #everyReaderFunctionWritesNothing}.
     */
    static final Map<String, String> CALLS = new TreeMap<>();

    /** Reader functions whose contract is an error here, with its SQLSTATE. */
    static final Map<String, String> EXPECTED_ERRORS = Map.of(
            "compare_environments(text,text)", "0A000");    // this database has no dblink extension

    static final String ALL_OIDS = "ARRAY(SELECT r.objid FROM pggit.read_catalog() r)";
    static final String HEAD_TREE = "(SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.head_commit())";
    static final String FIRST_TREE = "(SELECT c.tree FROM pggit.commit c ORDER BY c.seq LIMIT 1)";
    static final String METER = "(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = 'app' AND c.relname = 'meter')";
    static final String DEFINITION = "(SELECT b.definition FROM pggit.blob b JOIN pggit.object_map m ON m.hash = b.hash "
            + "WHERE m.object_key = 'table:app.meter')";

    static {
        CALLS.put("sha256_hex(text)", "SELECT pggit.sha256_hex('pggit')");
        CALLS.put("require_text(text,text)", "SELECT pggit.require_text('a message', 'the commit message')");
        CALLS.put("key_identity(text)", "SELECT pggit.key_identity('table:app.meter')");
        CALLS.put("key_kind(text)", "SELECT pggit.key_kind('table:app.meter')");
        CALLS.put("directive_of(text)", "SELECT pggit.directive_of('staging @pggit-ignore')");
        CALLS.put("without_directives(jsonb)", "SELECT pggit.without_directives('{\"comment\": \"x @pggit-track\"}')");
        CALLS.put("acl_text(aclitem[],\"char\",oid)", "SELECT pggit.acl_text(c.relacl, 'r', c.relowner) FROM pg_class c WHERE c.oid = " + METER);
        CALLS.put("firing_state(\"char\")", "SELECT pggit.firing_state('O')");
        CALLS.put("without_properties(jsonb,boolean,boolean,boolean)", "SELECT pggit.without_properties(" + DEFINITION + ", false, false, false)");
        CALLS.put("never_matches(text)", "SELECT pggit.never_matches('CREATE TEMP TABLE %')");
        CALLS.put("like_pattern(text)", "SELECT pggit.like_pattern('query_cache')");
        for (String kind : List.of("schemas", "relations", "sequences", "indexes", "constraints", "triggers", "routines", "types",
                "policies", "rules", "collations", "event_triggers", "publications", "subscriptions", "foreign_data_wrappers",
                "servers", "user_mappings", "default_privileges", "extensions", "statistics")) {
            CALLS.put("read_" + kind + "(oid[])", "SELECT * FROM pggit.read_" + kind + "(" + ALL_OIDS + ")");
        }
        CALLS.put("read_catalog(oid[],oid[])", "SELECT * FROM pggit.read_catalog(NULL, NULL)");
        CALLS.put("canonical_entry(pggit.catalog_entry,pggit.tracking_config)",
                "SELECT e.* FROM pggit.read_relations(ARRAY(SELECT c.oid FROM pg_class c)) o,"
                        + " LATERAL pggit.canonical_entry(o, (SELECT c FROM pggit.tracking_config c)) e");
        CALLS.put("tree_path(text,text,text)", "SELECT pggit.tree_path('app', 'table', 'table:app.meter')");
        CALLS.put("tree_lookup(text,text[])", "SELECT pggit.tree_lookup(" + HEAD_TREE + ", pggit.tree_path('app', 'table', 'table:app.meter'))");
        CALLS.put("tree_objects(text)", "SELECT * FROM pggit.tree_objects(" + HEAD_TREE + ")");
        CALLS.put("tree_node_shape(jsonb)", "SELECT pggit.tree_node_shape(t.entries) FROM pggit.tree t");
        CALLS.put("subtree_objects(text)", "SELECT * FROM pggit.subtree_objects(pggit.tree_lookup(" + HEAD_TREE + ", ARRAY['app', 'table']))");
        CALLS.put("diff_trees(text,text)", "SELECT * FROM pggit.diff_trees(" + FIRST_TREE + ", " + HEAD_TREE + ")");
        CALLS.put("resolve(text)", "SELECT pggit.resolve('HEAD~1')");
        CALLS.put("skip_depth(integer)", "SELECT pggit.skip_depth(1000)");
        CALLS.put("paint_down(text,text)", "SELECT * FROM pggit.paint_down(pggit.head_commit(), pggit.resolve('HEAD~1'))");
        CALLS.put("conflicting_parts(jsonb,jsonb,jsonb)", "SELECT pggit.conflicting_parts(" + DEFINITION + ", " + DEFINITION + ", '{}')");
        CALLS.put("detect_merge_conflicts(text,text)", "SELECT * FROM pggit.detect_merge_conflicts('HEAD~1', 'HEAD')");
        CALLS.put("merge_definitions(jsonb,jsonb,jsonb,boolean)", "SELECT pggit.merge_definitions(" + DEFINITION + ", " + DEFINITION + ", " + DEFINITION + ")");
        CALLS.put("three_way(text,text,text,jsonb,jsonb)", "SELECT * FROM pggit.three_way(" + FIRST_TREE + ", " + HEAD_TREE + ", " + FIRST_TREE + ")");
        CALLS.put("broken_dependencies(text,text,text,text,jsonb,jsonb)", "SELECT * FROM pggit.broken_dependencies(" + FIRST_TREE + ", " + HEAD_TREE + ", " + FIRST_TREE + ", " + FIRST_TREE + ")");
        CALLS.put("object_line(text,text)", "SELECT * FROM pggit.object_line(pggit.head_commit(), (SELECT object_key FROM pggit.object_map ORDER BY 1 LIMIT 1))");
        CALLS.put("blame(text,text)", "SELECT * FROM pggit.blame((SELECT object_key FROM pggit.object_map WHERE kind = 'table' ORDER BY 1 LIMIT 1))");
        CALLS.put("renames_between(text,text)", "SELECT pggit.renames_between((SELECT min(id) FROM pggit.commit), pggit.head_commit())");
        CALLS.put("conflict_type(boolean,boolean,text,text,text,boolean,text[])", "SELECT pggit.conflict_type(true, true, 'a', 'b', 'c', false, ARRAY['owner'])");
        CALLS.put("renames_since(text,text)", "SELECT pggit.renames_since((SELECT min(id) FROM pggit.commit), pggit.head_commit())");
        CALLS.put("final_columns(jsonb,jsonb,boolean)", "SELECT pggit.final_columns('{\"a\": \"b\"}', NULL)");
        CALLS.put("align_columns(jsonb,jsonb,jsonb)", "SELECT pggit.align_columns(" + DEFINITION + ", '{}', '{\"a\": \"b\"}')");
        CALLS.put("three_way_overlay(text,jsonb,text,jsonb,text,jsonb)", "SELECT * FROM pggit.three_way_overlay(" + FIRST_TREE
                + ", '{\"table:app.gone\": {\"kind\": \"table\", \"schema\": \"app\", \"hash\": \"00\", \"definition\": {}}}', " + HEAD_TREE + ", NULL, " + FIRST_TREE + ", '{}')");
        CALLS.put("with_base_parts(jsonb,jsonb,text[])", "SELECT pggit.with_base_parts(" + DEFINITION + ", " + DEFINITION + ", ARRAY['owner', 'column id'])");
        CALLS.put("virtual_merge_base(text[])", "SELECT * FROM pggit.virtual_merge_base(ARRAY[pggit.resolve('HEAD~1'), pggit.resolve('HEAD~2')])");
        CALLS.put("get_conflicts_by_type(bigint,text)", "SELECT * FROM pggit.get_conflicts_by_type(1, 'BOTH_MODIFIED')");
        CALLS.put("get_conflict_statistics(bigint)", "SELECT * FROM pggit.get_conflict_statistics(1)");
        CALLS.put("get_merge_status(bigint)", "SELECT * FROM pggit.get_merge_status(1)");
        CALLS.put("check_branch_name(text)", "SELECT pggit.check_branch_name('feature/meter')");
        CALLS.put("merge_bases(text,text)", "SELECT * FROM pggit.merge_bases('HEAD', 'HEAD~1')");
        CALLS.put("find_merge_base(text,text)", "SELECT pggit.find_merge_base('HEAD', 'HEAD~1')");
        CALLS.put("unlinked_migrations(text)", "SELECT * FROM pggit.unlinked_migrations('HEAD~1')");
        CALLS.put("ahead_behind(text,text)", "SELECT * FROM pggit.ahead_behind('HEAD', 'HEAD~1')");
        CALLS.put("first_parent_ancestor(text,integer)", "SELECT pggit.first_parent_ancestor(pggit.head_commit(), 0)");
        CALLS.put("affected_objects(bigint[],text)", "SELECT * FROM pggit.affected_objects(ARRAY(SELECT j.id FROM pggit.journal j), 'flyway:public.flyway_schema_history')");
        CALLS.put("is_tracked(text,text,text,text,text,text)", "SELECT pggit.is_tracked('A', 'table:app.meter', 'table', 'app', NULL, 'flyway:public.flyway_schema_history')");
        CALLS.put("rules_in_force(text)", "SELECT * FROM pggit.rules_in_force(NULL)");
        CALLS.put("journal_kept(text,text,text)", "SELECT pggit.journal_kept('CREATE INDEX', 'app.meter_idx', NULL)");
        CALLS.put("renamed_columns(jsonb,jsonb)", "SELECT pggit.renamed_columns('{\"1\": \"id\", \"2\": \"serial\"}', '{\"1\": \"id\", \"2\": \"serial_no\"}')");
        CALLS.put("compute_changes(boolean,bigint[],text)", "SELECT * FROM pggit.compute_changes(true, ARRAY(SELECT j.id FROM pggit.journal j), NULL)");
        CALLS.put("journal_ids(text)", "SELECT pggit.journal_ids('all'), pggit.journal_ids('session')");
        CALLS.put("gather_changes(boolean,text,text)", "SELECT * FROM pggit.gather_changes(true, 'all', 'flyway:public.flyway_schema_history')");
        CALLS.put("check_patterns(text,text[],boolean)", "SELECT pggit.check_patterns('ignore_schemas', ARRAY['app', 'tmp%'], true)");
        CALLS.put("check_duration(interval)", "SELECT pggit.check_duration('1 hour')");
        CALLS.put("try_regtype(text)", "SELECT pggit.try_regtype('integer')");
        CALLS.put("function_bump(jsonb,jsonb)", "SELECT pggit.function_bump('{\"definition\": \"a\"}', '{\"definition\": \"b\"}')");
        CALLS.put("commit_summary(text)", "SELECT pggit.commit_summary(pggit.head_commit())");
        CALLS.put("log(integer,text)", "SELECT * FROM pggit.log(100, 'HEAD~1')");
        CALLS.put("show(text)", "SELECT * FROM pggit.show('HEAD~1')");
        CALLS.put("diff(text,text)", "SELECT * FROM pggit.diff('HEAD~3', 'HEAD')");
        CALLS.put("diff_branches(text,text)", "SELECT * FROM pggit.diff_branches('main', 'main')");
        CALLS.put("object_history(text)", "SELECT * FROM pggit.object_history('app.meter')");
        CALLS.put("function_key(text)", "SELECT pggit.function_key('app.latest(m integer)')");
        CALLS.put("list_function_versions(text)", "SELECT * FROM pggit.list_function_versions('app.latest(integer)')");
        CALLS.put("get_function_version(text)", "SELECT pggit.get_function_version('app.latest(integer)')");
        CALLS.put("verify_consistency(boolean,boolean,text[])", "SELECT * FROM pggit.verify_consistency(false, true, NULL)");
        CALLS.put("drift_findings(jsonb,boolean)", "SELECT * FROM pggit.drift_findings((SELECT jsonb_agg(to_jsonb(d)) FROM pggit.drift() d), true)");
        CALLS.put("compare_environments(text,text)", "SELECT * FROM pggit.compare_environments('dbname=' || current_database(), NULL)");
        CALLS.put("ddl_quote(text)", "SELECT pggit.ddl_quote('we\"ird')");
        CALLS.put("ddl_literal(text)", "SELECT pggit.ddl_literal('it''s')");
        CALLS.put("ddl_options(jsonb)", "SELECT pggit.ddl_options('[\"host=example\"]')");
        CALLS.put("ddl_column(jsonb)", "SELECT pggit.ddl_column('{\"name\": \"a\", \"type\": \"integer\", \"not_null\": true}')");
        CALLS.put("ddl_enable(text)", "SELECT pggit.ddl_enable('replica')");
        CALLS.put("ddl_mentions(text,text)", "SELECT pggit.ddl_mentions(E'CREATE VIEW app.v2 AS\\nSELECT * FROM app.v1;', 'view:app.v1')");
        CALLS.put("acl_grants(text,text,text)", "SELECT * FROM pggit.acl_grants('\"a b\"=r*w/postgres', 'ON TABLE app.meter', ' (\"id\")')");
        CALLS.put("object_ddl(text,text,text,jsonb,text[],text[])", "SELECT * FROM pggit.object_ddl('table:app.meter', 'table', 'app', " + DEFINITION + ")");
        CALLS.put("ddl_statements(jsonb)", "SELECT * FROM pggit.ddl_statements((SELECT jsonb_agg(jsonb_build_object('key', o.object_key, 'kind', o.kind, "
                + "'schema', o.schema_name, 'definition', b.definition)) FROM pggit.tree_objects(" + HEAD_TREE + ") o JOIN pggit.blob b ON b.hash = o.hash))");
        CALLS.put("tree_ddl(text)", "SELECT * FROM pggit.tree_ddl(" + HEAD_TREE + ")");
        CALLS.put("get_object_definition(text,text,text)", "SELECT pggit.get_object_definition('app', 'meter'), pggit.get_object_definition('app', 'meter', 'HEAD')");
        CALLS.put("live_owner(oid,oid)", "SELECT pggit.live_owner('pg_class'::regclass, " + METER + ")");
        CALLS.put("live_definition(text)", "SELECT pggit.live_definition('table:app.meter')");
        CALLS.put("session_alive(integer,timestamp with time zone)",
                "SELECT pggit.session_alive(pg_backend_pid(), (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()))");
        CALLS.put("object_identities(text,text)", "SELECT pggit.object_identities('app', 'meter')");
        CALLS.put("add_object_counts(jsonb,jsonb)", "SELECT pggit.add_object_counts('{\"table\": 2}', '{\"table\": -1, \"view\": 1}')");
        CALLS.put("tree_object_counts(text)", "SELECT pggit.tree_object_counts(" + HEAD_TREE + ")");
        CALLS.put("list_objects(text)", "SELECT * FROM pggit.list_objects('HEAD~1')");
        CALLS.put("get_commit_history(integer,integer)", "SELECT * FROM pggit.get_commit_history(2, 1)");
        CALLS.put("get_object_history(text,text,integer)", "SELECT * FROM pggit.get_object_history('app', 'meter', 5)");
        CALLS.put("diff_commits(text,text)", "SELECT * FROM pggit.diff_commits('HEAD~3', 'HEAD')");
        CALLS.put("get_object_metadata(text,text,text)", "SELECT * FROM pggit.get_object_metadata('app', 'meter', NULL)");
        CALLS.put("commit_hash_text(text,text[],text,timestamp with time zone,text,text)",
                "SELECT pggit.commit_hash_text(c.tree, c.parents, c.author, c.committed_at, c.origin, c.message) FROM pggit.commit c");
    }

    static TestDb db;
    static DataSource reader;

    /**
     * History of every kind a reader reads: commits, a Flyway deployment with a link and its history
     * table (one migration linked, one not), a manual deployment, a routine's versions, an emergency
     * window, drift recorded as a conflict and drift not recorded yet, a pause whose time is up that
     * no call has ended, journal rows of that pause and after it, a run whose session is gone.
     */
    @BeforeAll
    static void history() {
        db = readerHistory("read_only");
        reader = as("pggit_ro_reader", false);
        assertEquals(List.of(List.of("1", "1")), db.rows("SELECT count(*) FILTER (WHERE kind = 'pause'), count(*) FROM pggit.tracking_window "
                + "WHERE ended_at IS NULL"), "a pause whose time is up that no call has ended");
    }

    /** A database with that history, and the login role pggit_ro_reader (password pw) holding pggit_reader. */
    static TestDb readerHistory(String name) {
        TestDb db = FsckTest.history(name);
        db.exec("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200), "
                        + "type varchar(20), script varchar(1000), checksum int, installed_by varchar(100), installed_on timestamp DEFAULT now(), "
                        + "execution_time int, success boolean)",
                "SELECT pggit.commit('flyway history table')",
                "INSERT INTO public.flyway_schema_history VALUES (1, '4', 'meter kind', 'SQL', 'V4__meter_kind.sql', 7, 'me', now(), 3, true), "
                        + "(2, '5', 'unlinked', 'SQL', 'V5__unlinked.sql', 8, 'me', now(), 3, true)",
                "SELECT pggit.track_function('app.latest(integer)', '1.0.0')",
                "SELECT pggit.emergency_disable('1 hour')",
                "CREATE TABLE app.while_disabled (a int)",
                "SELECT pggit.emergency_enable()",
                "SELECT pggit.detect_conflicts()",
                "SELECT pggit.pause_tracking('1 hour')",
                "CREATE TABLE app.during_pause (a int)",
                "UPDATE pggit.tracking_window SET ends_at = clock_timestamp() WHERE ended_at IS NULL",
                "CREATE TABLE app.after_pause (a int)",
                "INSERT INTO pggit.deployment (name, tool, backend_pid, backend_started_at, head_before) "
                        + "VALUES ('killed run', 'flyway', 2147483647, now() - interval '1 minute', pggit.head_commit())");
        db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pggit_ro_reader') THEN "
                + "CREATE ROLE pggit_ro_reader LOGIN PASSWORD 'pw'; END IF; END $$", "GRANT pggit_reader TO pggit_ro_reader");
        return db;
    }

    static DataSource as(String role, boolean readOnly) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword(role.equals("pggit_ro_reader") ? "pw" : io.pggit.core.testing.TestPostgres.get().password());
        if (readOnly) {
            ds.setOptions("-c default_transaction_read_only=on");
        }
        return ds;
    }

    /** The state a reader's call must leave as it was. */
    static String state() {
        return db.value("SELECT md5(string_agg(t, '|' ORDER BY t)) FROM ("
                + "SELECT 'w' || w::text AS t FROM pggit.tracking_window w UNION ALL SELECT 'c' || c::text FROM pggit.conflict c "
                + "UNION ALL SELECT 'd' || d::text FROM pggit.deployment d UNION ALL SELECT 'j' || count(*) FROM pggit.journal "
                + "UNION ALL SELECT 'm' || count(*) FROM pggit.commit UNION ALL SELECT 'e' || e.evtname || e.evtenabled::text FROM pg_event_trigger e) s");
    }

    @Test
    void everyReaderFunctionWritesNothing() throws SQLException {
        TreeSet<String> decided = PrivilegesTest.DECISIONS.entrySet().stream().filter(e -> e.getValue().equals("reader"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        String before = state();
        TreeSet<String> granted = new TreeSet<>();
        List<String> wrong = callEveryReaderFunction(db, reader, granted);
        assertEquals(decided, granted, "the functions granted to pggit_reader are those PrivilegesTest.DECISIONS gives it");
        assertTrue(granted.size() > 60, "the reader functions were found: " + granted.size());
        assertEquals(List.of(), wrong);
        assertEquals(before, state(), "no reader's call changed pggit's tables or its event triggers");
    }

    /**
     * Calls every function granted to pggit_reader in {@code catalog} through {@code on}, each in a
     * transaction {@code BEGIN TRANSACTION READ ONLY} ... {@code ROLLBACK}, and returns what went
     * wrong: a call that failed (other than {@link #EXPECTED_ERRORS}), a function without a valid
     * call in {@link #CALLS}, a call after which the transaction had a transaction id.
     *
     * @param called receives the signature of each function found
     */
    static List<String> callEveryReaderFunction(TestDb catalog, DataSource on, java.util.Set<String> called) throws SQLException {
        List<List<String>> functions = catalog.rows("SELECT p.oid::regprocedure::text, p.proname, p.pronargs FROM pg_proc p "
                + "WHERE p.pronamespace = 'pggit'::regnamespace AND has_function_privilege('pggit_reader', p.oid, 'EXECUTE') ORDER BY 1");
        List<String> wrong = new ArrayList<>();
        try (Connection c = on.getConnection(); Statement s = c.createStatement()) {
            for (List<String> f : functions) {
                String sig = f.get(0).replaceFirst("^pggit\\.", "");
                called.add(sig);
                String call = CALLS.get(sig);
                if (call == null && !f.get(2).equals("0")) {
                    wrong.add(sig + ": no valid call in ReadOnlyTest.CALLS");
                    continue;
                }
                if (call == null) {
                    call = "SELECT * FROM pggit." + f.get(1) + "()";
                }
                s.execute("BEGIN TRANSACTION READ ONLY");
                s.execute("SAVEPOINT reader_call");
                String failed = null;
                try (ResultSet rs = s.executeQuery(call)) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                } catch (SQLException e) {
                    failed = e.getSQLState() + " " + e.getMessage();
                    s.execute("ROLLBACK TO SAVEPOINT reader_call");
                }
                String expected = EXPECTED_ERRORS.get(sig);
                if (expected == null && failed != null) {
                    wrong.add(sig + " failed: " + failed);
                } else if (expected != null && (failed == null || !failed.startsWith(expected))) {
                    wrong.add(sig + " should fail with " + expected + ": " + (failed == null ? "it succeeded" : failed));
                }
                try (ResultSet rs = s.executeQuery("SELECT pg_current_xact_id_if_assigned()::text")) {
                    rs.next();
                    if (rs.getString(1) != null) {
                        wrong.add(sig + " was given transaction id " + rs.getString(1) + ": it wrote (" + call + ")");
                    }
                }
                s.execute("ROLLBACK");
            }
        }
        return wrong;
    }

    @Test
    void everyViewReadsWithoutWriting() throws SQLException {
        List<String> views = db.column("SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'pggit'::regnamespace AND c.relkind = 'v' ORDER BY 1");
        assertTrue(views.contains("orphaned_objects"), views.toString());
        List<String> wrong = new ArrayList<>();
        try (Connection c = reader.getConnection(); Statement s = c.createStatement()) {
            for (String v : views) {
                s.execute("BEGIN TRANSACTION READ ONLY");
                try (ResultSet rs = s.executeQuery("SELECT * FROM pggit." + v)) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                    try (ResultSet x = s.executeQuery("SELECT pg_current_xact_id_if_assigned()::text")) {
                        x.next();
                        if (x.getString(1) != null) {
                            wrong.add(v + " was given a transaction id: it wrote");
                        }
                    }
                } catch (SQLException e) {
                    wrong.add(v + " failed: " + e.getSQLState() + " " + e.getMessage());
                }
                s.execute("ROLLBACK");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theReaderCallsSeeWindowsWhoseTimeIsUpAsEnded() {
        assertEquals(List.of(List.of("tracking", "true")), db.rows("SELECT state, triggers_enabled::text FROM pggit.tracking_status()"),
                "the pause whose time is up counts as ended");
        List<List<String>> drift = db.rows("SELECT object_key, note FROM pggit.drift() ORDER BY 1");
        assertEquals(List.of("table:app.after_pause", "table:app.during_pause", "table:app.while_disabled"),
                drift.stream().map(r -> r.get(0)).toList());
        assertTrue(drift.get(2).get(1).startsWith("tracking was disabled from"), drift.toString());
        assertEquals(List.of("table:app.after_pause"), db.column("SELECT object_key FROM pggit.status()"),
                "the paused change is left to the drift scan, the one after the pause is pending");
        assertEquals(List.of(), db.column("SELECT kind FROM pggit.verify_consistency(checks => '{tracking}') WHERE kind = 'tracking_off'"));
        assertEquals("1", db.value("SELECT count(*) FROM pggit.tracking_window WHERE ended_at IS NULL"), "still not ended: nothing wrote");
    }

    @Test
    void theJavaReadersAndTheCheckWorkOnAReadOnlyConnection(@TempDir Path dir) throws SQLException {
        String before = state();
        javaReadersAndCheck(db, as(io.pggit.core.testing.TestPostgres.get().user(), true), dir.resolve("superuser"),
                "pggit: check: the transaction is read-only");
        javaReadersAndCheck(db, as("pggit_ro_reader", true), dir.resolve("reader"), "pggit: check: the transaction is read-only");
        assertEquals(before, state(), "nothing recorded, closed or ended");
    }

    /**
     * The Pggit facade's readers (status, drift, log, diff, show, fsck, export) and the check
     * ({@code ConsistencyCheck.run}) through {@code ds}, on {@link #readerHistory}'s database
     * {@code catalog}: they succeed, and the check's log starts with {@code why} nothing was recorded.
     */
    static void javaReadersAndCheck(TestDb catalog, DataSource ds, Path out, String why) throws SQLException {
        Pggit pggit = Pggit.builder(ds).build();
        assertEquals(List.of("table:app.after_pause"), pggit.status().stream().map(ch -> ch.key().toString()).toList());
        assertEquals(3, pggit.drift().size());
        assertTrue(pggit.log(100).size() >= 6);
        assertFalse(pggit.diff("HEAD~3", "HEAD").isEmpty());
        assertFalse(pggit.show("HEAD~1").isEmpty());
        assertEquals(List.of(), pggit.fsck());
        assertFalse(pggit.export("HEAD", out).isEmpty());
        assertTrue(Files.exists(out.resolve("schema.sql")));

        List<String> log = new ArrayList<>();
        List<Finding> findings;
        try (Connection c = ds.getConnection()) {
            findings = ConsistencyCheck.run(c, List.of(), true, false, log::add);
        }
        assertTrue(log.get(0).startsWith(why) && log.get(0).contains("not recorded as conflicts"), log.toString());
        assertEquals(List.of("drift_added table:app.after_pause", "drift_added table:app.during_pause", "drift_added table:app.while_disabled",
                        "interrupted_deployment deployment " + catalog.value("SELECT max(id) FROM pggit.deployment"),
                        "unlinked_migration V5 unlinked"),
                findings.stream().map(f -> f.kind() + " " + f.subject()).sorted().toList());
        Finding recorded = findings.stream().filter(f -> f.subject().equals("table:app.while_disabled")).findFirst().orElseThrow();
        assertTrue(recorded.hint().contains("resolve conflict " + catalog.value("SELECT id FROM pggit.conflict WHERE resolved_at IS NULL")),
                recorded.hint());
        Finding notYet = findings.stream().filter(f -> f.subject().equals("table:app.during_pause")).findFirst().orElseThrow();
        assertTrue(notYet.hint().contains("record it as a conflict (pggit.record_conflicts()"), notYet.hint());
    }

    @Test
    void theCheckRecordsConflictsClosesRunsAndEndsWindowsWhereTheSessionMayWrite() throws SQLException {
        TestDb fresh = TestDb.withPggit("read_only_writer");
        fresh.exec("CREATE TABLE public.hotfix (a int)", "SELECT pggit.pause_tracking('1 hour')",
                "UPDATE pggit.tracking_window SET ends_at = clock_timestamp()",
                "INSERT INTO pggit.deployment (name, tool, backend_pid, backend_started_at, head_before) "
                        + "VALUES ('killed run', 'liquibase', 2147483647, now() - interval '1 minute', pggit.head_commit())");
        // a role that may only read, on a primary: reported, nothing recorded, no failure
        fresh.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pggit_ro_reader') THEN "
                + "CREATE ROLE pggit_ro_reader LOGIN PASSWORD 'pw'; END IF; END $$", "GRANT pggit_reader TO pggit_ro_reader");
        PGSimpleDataSource readerDs = new PGSimpleDataSource();
        readerDs.setUrl(fresh.jdbcUrl());
        readerDs.setUser("pggit_ro_reader");
        readerDs.setPassword("pw");
        List<String> log = new ArrayList<>();
        try (Connection c = readerDs.getConnection()) {
            assertEquals(2, ConsistencyCheck.run(c, List.of(), false, false, log::add).size());
        }
        assertTrue(log.get(0).startsWith("pggit: check: role pggit_ro_reader may only read"), log.toString());
        assertEquals("0", fresh.value("SELECT count(*) FROM pggit.conflict"));

        log.clear();
        List<Finding> findings;
        try (Connection c = fresh.dataSource().getConnection()) {
            findings = ConsistencyCheck.run(c, List.of(), false, false, log::add);
        }
        assertEquals("pggit: check: closed 1 interrupted deployment(s) whose session is gone", log.get(0));
        String conflict = fresh.value("SELECT id FROM pggit.conflict WHERE resolved_at IS NULL AND object_key = 'table:public.hotfix'");
        assertEquals(List.of("drift_added table:public.hotfix", "interrupted_deployment deployment " + fresh.value("SELECT max(id) FROM pggit.deployment")),
                findings.stream().map(f -> f.kind() + " " + f.subject()).sorted().toList());
        assertTrue(findings.stream().anyMatch(f -> f.hint() != null && f.hint().contains("resolve conflict " + conflict)), findings.toString());
        assertEquals(List.of(List.of("interrupted", "0")), fresh.rows("SELECT outcome, (SELECT count(*) FROM pggit.tracking_window WHERE ended_at IS NULL) "
                + "FROM pggit.deployment"));

        // the drift is gone: the writer's step closes its conflict
        fresh.exec("DROP TABLE public.hotfix", "SELECT pggit.commit('hotfix gone')");
        assertEquals(List.of(), fresh.rows("SELECT * FROM pggit.record_conflicts()"));
        assertEquals("drift gone: the live schema equals HEAD again", fresh.value("SELECT result FROM pggit.conflict WHERE id = '" + conflict + "'"));
    }
}
