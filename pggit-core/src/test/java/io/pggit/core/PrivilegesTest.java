package io.pggit.core;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Who may call what in schema pggit: every function's decision (reader, writer, admin, or nobody
 * but pggit's owner), checked against the catalog and by calling each function as a login role
 * holding none, reader, writer or admin; and the attacks a bare login role tried, replayed.
 */
class PrivilegesTest {

    /** The decision for every function; a function added without one fails {@link #everyFunctionHasADecision}. */
    static final Map<String, String> DECISIONS = new TreeMap<>();

    static void decide(String role, String... signatures) {
        for (String s : signatures) {
            DECISIONS.put(s, role);
        }
    }

    static {
        decide("reader", "sha256_hex(text)", "require_text(text,text)", "key_identity(text)", "key_kind(text)",
                "directive_of(text)", "without_directives(jsonb)", "acl_text(aclitem[],\"char\",oid)", "firing_state(\"char\")",
                "without_properties(jsonb,boolean,boolean,boolean)", "tracked_schemas()", "tracked_relations()",
                "read_schemas(oid[])", "read_relations(oid[])", "read_sequences(oid[])", "read_indexes(oid[])",
                "read_constraints(oid[])", "read_triggers(oid[])", "read_routines(oid[])", "read_types(oid[])",
                "read_policies(oid[])", "read_rules(oid[])", "read_collations(oid[])", "read_event_triggers(oid[])",
                "read_publications(oid[])", "read_subscriptions(oid[])", "read_foreign_data_wrappers(oid[])",
                "read_servers(oid[])", "read_user_mappings(oid[])", "read_default_privileges(oid[])", "read_extensions(oid[])", "read_statistics(oid[])",
                "read_catalog(oid[],oid[])", "canonical_entry(pggit.catalog_entry,pggit.tracking_config)", "tree_path(text,text,text)", "tree_lookup(text,text[])", "tree_objects(text)", "tree_node_shape(jsonb)", "subtree_objects(text)",
                "diff_trees(text,text)", "head_commit()", "resolve(text)", "skip_depth(integer)", "first_parent_ancestor(text,integer)", "affected_objects(bigint[],text)",
                "is_tracked(text,text,text,text,text,text)", "rules_in_force(text)", "journal_kept(text,text,text)", "renamed_columns(jsonb,jsonb)", "compute_changes(boolean,bigint[],text)", "journal_ids(text)", "gather_changes(boolean,text,text)",
                "check_patterns(text,text[],boolean)", "never_matches(text)", "like_pattern(text)", "check_duration(interval)", "try_regtype(text)", "function_bump(jsonb,jsonb)",
                "version()", "summary()", "commit_summary(text)", "status()", "drift()", "log(integer,text)", "show(text)", "diff(text,text)",
                "object_history(text)", "list_ignore_patterns()", "tracking_status()", "function_key(text)",
                "list_function_versions(text)", "get_function_version(text)", "history_tables()",
                "verify_consistency(boolean,boolean,text[])", "drift_findings(jsonb,boolean)", "tracking_overhead_report()", "compare_environments(text,text)",
                "live_owner(oid,oid)", "live_definition(text)", "fsck()", "session_alive(integer,timestamp with time zone)",
                "commit_hash_text(text,text[],text,timestamp with time zone,text,text)", "server_moved()",
                "blame(text,text)", "object_line(text,text)", "paint_down(text,text)", "check_branch_name(text)", "list_branches()", "merge_bases(text,text)",
                "find_merge_base(text,text)", "ahead_behind(text,text)",
                "conflicting_parts(jsonb,jsonb,jsonb)", "detect_merge_conflicts(text,text)",
                "merge_definitions(jsonb,jsonb,jsonb,boolean)", "three_way(text,text,text,jsonb,jsonb)", "three_way_overlay(text,jsonb,text,jsonb,text,jsonb)", "virtual_merge_base(text[])", "with_base_parts(jsonb,jsonb,text[])", "broken_dependencies(text,text,text,text,jsonb,jsonb)",
                "renames_since(text,text)", "conflict_type(boolean,boolean,text,text,text,boolean,text[])", "renames_between(text,text)", "final_columns(jsonb,jsonb,boolean)", "align_columns(jsonb,jsonb,jsonb)", "get_conflicts_by_type(bigint,text)",
                "get_conflict_statistics(bigint)", "get_merge_status(bigint)", "unlinked_migrations(text)", "diff_branches(text,text)",
                "object_identities(text,text)", "add_object_counts(jsonb,jsonb)", "tree_object_counts(text)",
                "get_current_schema()", "list_objects(text)", "get_commit_history(integer,integer)",
                "get_object_history(text,text,integer)", "diff_commits(text,text)", "get_object_metadata(text,text,text)",
                "ddl_quote(text)", "ddl_literal(text)", "ddl_options(jsonb)", "ddl_column(jsonb)", "ddl_enable(text)", "ddl_phases()",
                "ddl_mentions(text,text)", "acl_grants(text,text,text)", "object_ddl(text,text,text,jsonb,text[],text[])",
                "ddl_statements(jsonb)", "tree_ddl(text)", "get_object_definition(text,text,text)");
        decide("writer", "register_tool_table(text)", "open_deployment(text,text,text,integer,text)", "close_deployment(bigint,text)",
                "close_interrupted_deployments()", "record_drift_scan(bigint)",
                "record_migration(bigint,jsonb,text,text,text,text)", "record_migration_fail_open(bigint,jsonb,text)",
                "set_tool_deployment_id(bigint,text)", "record_capture_failure(bigint,text,text,text)",
                "backfill_flyway_links(bigint,text,text)", "backfill_liquibase_links(bigint,text,text,bigint[],integer[])", "commit(text)", "export_schema_snapshot(text)", "configure_tracking(text[],text[],text[],text[])",
                "configure(text[],text[],text[],text[])", "configure_properties(boolean,boolean,boolean)", "add_ignore_pattern(text)", "apply_build_rules(text,text[],text[],text[],text[],text[])",
                "remove_ignore_pattern(text)", "remove_directive(text)", "begin_deployment(text,boolean)",
                "end_deployment(text,text[],text)", "refresh_tracking_windows()", "link_migration(text,text,text)",
                "link_migration(bigint,text,text)", "track_function(text,text,jsonb)",
                "record_cqrs_commit(text,pggit.cqrs_change,text)", "track_cqrs_change(pggit.cqrs_change,boolean)",
                "track_cqrs_change(text,text,text,text)", "detect_conflicts()", "record_conflicts(boolean)", "rebaseline_after_move()",
                "create_branch(text,text,text)", "create_feature_branch(text,text)", "delete_branch(text,boolean)",
                "merge_branch(text,text,text,text)", "complete_merge(bigint,boolean)", "abort_merge(bigint)",
                "resolve_merge_conflict(uuid,text,text)", "resolve_conflict_manually(uuid,text,text)", "record_manual_resolution(uuid,jsonb,text,text)", "open_merge_conflict(uuid)", "resolve_conflicts_batch(bigint,text[],text,text)", "rollback_merge(bigint,text)",
                "record_dependency_conflict(bigint,text,text,text)",
                "create_merge_request(text,text,text,text,text)", "approve_merge_request(uuid,text)", "close_merge_request(uuid,text)");
        decide("admin", "pause_tracking(interval)", "resume_tracking()", "emergency_disable(interval)", "emergency_enable()",
                "abandon_deployment(bigint)", "adopt(text)", "commit_changes(text,text,text,bigint,boolean,text[],text)",
                "restore_tracked(text,text,jsonb,boolean)", "execute_as_owner(text,text,text,boolean)",
                "restore_table(text,text,jsonb,boolean)", "table_ddl(jsonb)", "table_alters(text,jsonb,jsonb)", "column_ddl(jsonb)", "resolve_conflict(uuid,text,text,boolean)",
                "resolve_conflict(text,text,text,boolean)", "resolve_conflict(bigint,text,text)", "purge_history(interval,boolean)",
                "configure_merges(boolean)", "finish_checkout(text)", "checkout(text,boolean,boolean)");
        decide("owner", "journal_ddl()", "journal_drop()", "baseline()", "put_tree(jsonb)", "write_tree(text,pggit.tree_edit[])", "write_trie(text,integer,jsonb)", "build_trie(jsonb,integer)", "check_server()", "commit_graph()", "commit_object_counts()", "change_object_counts()",
                "merged_tree(bigint)", "merge_base_tree(text,text)", "put_blob(jsonb)", "write_commit(text,text[],text,text,text)", "write_merge_commit(bigint)", "finish_merge(bigint,text)",
                "merge_status_check(pggit.merge)", "merge_gate(text,text)", "mark_merge_request_merged(uuid,bigint)");
    }

    static final List<String> LEVELS = List.of("none", "reader", "writer", "admin");

    static TestDb db;
    static final Map<String, DataSource> AS = new LinkedHashMap<>();

    @BeforeAll
    static void rolesAndDatabase() {
        db = TestDb.withPggit("privileges");
        for (String level : LEVELS) {
            String role = "pggit_test_" + level;
            db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'; END IF; END $$",
                    "GRANT CREATE ON SCHEMA public TO " + role);
            if (!level.equals("none")) {
                db.exec("GRANT pggit_" + level + " TO " + role);
            }
            AS.put(level, as(role));
        }
        db.exec("CREATE TABLE public.t (a int)", "SELECT pggit.commit('t')");
    }

    static DataSource as(String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        return ds;
    }

    /** SQLSTATE of running sql as level in a transaction that is rolled back; null when it succeeded. */
    static String sqlstate(String level, String sql) {
        try (Connection c = AS.get(level).getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyFunctionHasADecisionAndItsGrantsSayTheSame() {
        List<List<String>> functions = db.rows("SELECT p.oid::regprocedure::text, "
                + "has_function_privilege('pggit_reader', p.oid, 'EXECUTE'), has_function_privilege('pggit_writer', p.oid, 'EXECUTE'), "
                + "has_function_privilege('pggit_admin', p.oid, 'EXECUTE'), "
                + "EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) "
                + "FROM pg_proc p WHERE p.pronamespace = 'pggit'::regnamespace ORDER BY 1");
        TreeSet<String> found = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        for (List<String> f : functions) {
            String sig = f.get(0).replaceFirst("^pggit\\.", "");
            found.add(sig);
            String lowest = f.get(1).equals("t") ? "reader" : f.get(2).equals("t") ? "writer" : f.get(3).equals("t") ? "admin" : "owner";
            if (f.get(4).equals("t")) {
                wrong.add(sig + " is executable by PUBLIC");
            }
            if (DECISIONS.containsKey(sig) && !DECISIONS.get(sig).equals(lowest)) {
                wrong.add(sig + ": decided " + DECISIONS.get(sig) + ", granted to " + lowest);
            }
        }
        TreeSet<String> undecided = new TreeSet<>(found);
        undecided.removeAll(DECISIONS.keySet());
        TreeSet<String> gone = new TreeSet<>(DECISIONS.keySet());
        gone.removeAll(found);
        assertEquals(List.of(), List.copyOf(undecided), "functions without a decision: add them to security/privileges.sql and DECISIONS");
        assertEquals(List.of(), List.copyOf(gone), "decisions for functions that do not exist");
        assertEquals(List.of(), wrong);
        assertEquals(List.of(), db.column("SELECT c.relname FROM pg_class c, aclexplode(c.relacl) a "
                + "WHERE c.relnamespace = 'pggit'::regnamespace AND a.grantee = 0"), "no table granted to PUBLIC");
        assertEquals("f", db.value("SELECT has_schema_privilege('pggit_test_none', 'pggit', 'USAGE')::text").substring(0, 1));
    }

    @Test
    void eachRoleCanCallWhatItWasGrantedAndIsRefusedTheRestBeforeTheBodyRuns() {
        List<List<String>> functions = db.rows("SELECT p.oid::regprocedure::text, 'SELECT * FROM pggit.' || quote_ident(p.proname) || '('"
                + " || coalesce((SELECT string_agg('NULL::' || format_type(t, NULL), ', ' ORDER BY o) FROM unnest(p.proargtypes::oid[]) "
                + "WITH ORDINALITY AS a(t, o)), '') || ')' FROM pg_proc p WHERE p.pronamespace = 'pggit'::regnamespace "
                + "AND p.prorettype NOT IN ('event_trigger'::regtype, 'trigger'::regtype) ORDER BY 1");   // trigger functions cannot be called at all
        List<String> wrong = new ArrayList<>();
        for (List<String> f : functions) {
            String sig = f.get(0).replaceFirst("^pggit\\.", "");
            String needs = DECISIONS.getOrDefault(sig, "owner");
            for (String level : LEVELS) {
                boolean allowed = !needs.equals("owner") && LEVELS.indexOf(level) >= LEVELS.indexOf(needs);
                String state = sqlstate(level, f.get(1));
                if (allowed && "42501".equals(state)) {
                    wrong.add(level + " was refused " + sig + " (needs " + needs + ")");
                } else if (!allowed && !"42501".equals(state)) {
                    wrong.add(level + " could call " + sig + " (needs " + needs + "): " + (state == null ? "it succeeded" : "SQLSTATE " + state));
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyViewIsReadableByAReaderAndNotByABareRole() {
        List<String> views = db.column("SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'pggit'::regnamespace AND c.relkind = 'v' ORDER BY 1");
        assertTrue(views.containsAll(List.of("recent_commits_by_author", "most_changed_objects", "branch_comparison", "daily_change_summary",
                "schema_growth_history", "author_activity", "commit_without_message", "orphaned_objects", "large_commits")), views.toString());
        List<String> wrong = new ArrayList<>();
        for (String v : views) {
            String none = sqlstate("none", "SELECT * FROM pggit." + v);
            if (!"42501".equals(none)) {
                wrong.add("a bare role reading " + v + ": " + (none == null ? "it succeeded" : "SQLSTATE " + none));
            }
            String reader = sqlstate("reader", "SELECT * FROM pggit." + v);
            if (reader != null) {
                wrong.add("a reader was refused " + v + ": SQLSTATE " + reader);
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theAttacksOfABareLoginRoleFailAndChangeNothing() {
        db.exec("CREATE FUNCTION public.x() RETURNS int LANGUAGE sql AS 'SELECT 1'", "SELECT pggit.commit('x')",
                "CREATE VIEW public.secret AS SELECT 1 AS a", "REVOKE ALL ON public.secret FROM PUBLIC", "SELECT pggit.commit('secret')");
        String before = state();
        String[] attacks = {
                "SELECT pggit.restore_tracked('function:public.x()', 'D', jsonb_build_object('definition', 'ALTER ROLE pggit_test_none SUPERUSER', 'owner', 'postgres'))",
                "SELECT pggit.restore_tracked('view:public.secret', 'A', NULL)",
                "SELECT pggit.emergency_disable('1 hour')",
                "SELECT pggit.pause_tracking('1 hour')",
                "SELECT pggit.configure_tracking(ignore_schemas => ARRAY['public'])",
                "SELECT pggit.add_ignore_pattern('%')",
                "SELECT * FROM pggit.purge_history('0 seconds', true)",
                "SELECT pggit.link_migration('999', 'flyway', 'forged')",
                "SELECT * FROM pggit.record_migration(1, '{\"tool\":\"flyway\",\"id\":\"998\"}', 'success')",
                "SELECT pggit.commit_changes('forged', 'baseline', NULL, NULL, true)",
                "SELECT pggit.adopt('forged')",
                "SELECT * FROM pggit.verify_consistency(fix_issues => true)",
                "INSERT INTO pggit.commit (id, tree, parents, committed_at, author, origin, message) VALUES ('x', 'x', '{}', now(), 'x', 'manual', 'x')",
                "UPDATE pggit.ref SET commit_id = NULL",
                "DELETE FROM pggit.migration_link",
                "ALTER EVENT TRIGGER pggit_ddl_command_end DISABLE",
        };
        for (String attack : attacks) {
            try (Connection c = AS.get("none").getConnection(); Statement s = c.createStatement()) {
                s.execute(attack);
                fail("a bare login role ran " + attack);
            } catch (SQLException e) {
                assertEquals("42501", e.getSQLState(), attack + ": " + e.getMessage());
            }
        }
        assertEquals(before, state(), "nothing changed");
        assertEquals("f", db.value("SELECT rolsuper::text FROM pg_roles WHERE rolname = 'pggit_test_none'").substring(0, 1));
        // and the bare role's DDL is still journaled, and committed by a writer
        try (Connection c = AS.get("none").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.by_bare (a int)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertEquals("1", db.value("SELECT count(*) FROM pggit.journal WHERE object_identity = 'public.by_bare'"));
    }

    @Test
    void anAdminRestoresAsTheObjectsOwnerAndNeverWithItsOwnRights() throws SQLException {
        db.exec("CREATE FUNCTION public.owned_by_postgres() RETURNS int LANGUAGE sql AS 'SELECT 1'", "SELECT pggit.commit('f')");
        db.exec("DROP FUNCTION public.owned_by_postgres()");
        db.exec("SELECT pggit.detect_conflicts()");
        String id = db.value("SELECT id FROM pggit.conflict WHERE object_key = 'function:public.owned_by_postgres()' AND resolved_at IS NULL");
        try (Connection c = AS.get("admin").getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pggit.resolve_conflict('" + id + "', 'use_tracked', 'restore')");
            fail("a non-superuser admin restored a superuser's function");
        } catch (SQLException e) {
            assertEquals("42501", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("run as its owner"), e.getMessage());
        }
        assertEquals("0", db.value("SELECT count(*) FROM pg_proc WHERE proname = 'owned_by_postgres'"));
        // a superuser may: the statement runs as the recorded owner
        db.exec("SELECT pggit.resolve_conflict('" + id + "', 'use_tracked', 'restore')");
        assertEquals("1", db.value("SELECT count(*) FROM pg_proc WHERE proname = 'owned_by_postgres'"));
        assertTrue(db.pggit().drift().stream().noneMatch(ch -> ch.key().toString().contains("owned_by_postgres")));
        // an admin who owns the object restores it
        try (Connection c = AS.get("admin").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION public.owned_by_admin() RETURNS int LANGUAGE sql AS 'SELECT 2'");
            s.execute("SELECT pggit.commit('admin function')");
            s.execute("DROP FUNCTION public.owned_by_admin()");
            s.execute("SELECT pggit.detect_conflicts()");
            try (ResultSet rs = s.executeQuery("SELECT pggit.resolve_conflict(id, 'use_tracked', 'mine') FROM pggit.conflict "
                    + "WHERE object_key = 'function:public.owned_by_admin()' AND resolved_at IS NULL")) {
                assertTrue(rs.next());
            }
        }
        assertEquals("pggit_test_admin", db.value("SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'owned_by_admin'"));
        assertFalse(db.value("SELECT resolved_by FROM pggit.conflict WHERE object_key = 'function:public.owned_by_admin()'").isEmpty());
    }

    @Test
    void anAdminWhoCannotBecomeATablesOwnerIsRefusedItsRestoreAndTheRestoreRunsWithTheCallersRights() throws SQLException {
        db.exec("CREATE TABLE public.owned_by_postgres (a int)", "SELECT pggit.commit('t')",
                "DROP TABLE public.owned_by_postgres", "CREATE TABLE public.added_by_postgres (a int)", "SELECT pggit.detect_conflicts()");
        for (String key : List.of("table:public.owned_by_postgres", "table:public.added_by_postgres")) {
            String id = db.value("SELECT id FROM pggit.conflict WHERE object_key = '" + key + "' AND resolved_at IS NULL");
            try (Connection c = AS.get("admin").getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pggit.resolve_conflict('" + id + "', 'use_tracked', 'restore', allow_data_loss => true)");
                fail("a non-superuser admin restored a superuser's table: " + key);
            } catch (SQLException e) {
                assertEquals("42501", e.getSQLState(), e.getMessage());
                assertTrue(e.getMessage().contains("its statements run as its owner \"postgres\"") && e.getMessage().contains("Run it as a member of"),
                        e.getMessage());
            }
        }
        assertEquals(List.of("added_by_postgres"), db.column("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                + "AND relname IN ('owned_by_postgres', 'added_by_postgres')"), "nothing changed");
        assertEquals(List.of(), db.column("SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'pggit'::regnamespace AND p.prosecdef "
                + "AND p.proname IN ('resolve_conflict', 'restore_tracked', 'restore_table', 'table_ddl', 'table_alters', 'column_ddl', 'execute_as_owner')"),
                "a restore runs with the caller's rights, as its objects' owners");
    }

    /** What an attack could change: roles, event triggers, commits, links, rules, windows. */
    static String state() {
        return db.value("SELECT concat_ws(' | ', (SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolsuper), "
                + "(SELECT string_agg(evtname || evtenabled::text, ',' ORDER BY evtname) FROM pg_event_trigger), "
                + "(SELECT count(*) FROM pggit.commit), (SELECT count(*) FROM pggit.migration_link), "
                + "(SELECT count(*) FROM pggit.ignore_pattern), (SELECT count(*) FROM pggit.rule_change), "
                + "(SELECT count(*) FROM pggit.tracking_window), (SELECT count(*) FROM pg_views WHERE viewname = 'secret'), "
                + "(SELECT count(*) FROM pg_proc WHERE proname = 'x'))");
    }
}
