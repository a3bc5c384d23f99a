package io.pggit.core;

import io.pggit.core.model.CurrentSchema;
import io.pggit.core.model.ObjectHistoryEntry;
import io.pggit.core.model.ObjectMetadata;
import io.pggit.core.model.SchemaObject;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 003's developer surface (issue 16): the navigation and history functions (§4.1) and the
 * views (§4.2), on a history written by real DDL and commits: a table created, indexed, given a
 * column by a linked migration, renamed, a view dropped, a commit of twelve tables, a commit whose
 * message says nothing, a feature branch, and a table nobody committed.
 */
class DeveloperSurfaceTest {

    static TestDb db;
    static String me;

    static String commit(String message) {
        return db.value("SELECT id FROM pggit.commit WHERE message = '" + message + "'");
    }

    @BeforeAll
    static void history() {
        db = TestDb.withPggit("developer_surface");
        me = db.value("SELECT session_user::text");
        db.exec("CREATE SCHEMA app", "CREATE TABLE app.meter (id int PRIMARY KEY, serial text)", "SELECT pggit.commit('meter table')",
                "CREATE INDEX meter_serial_idx ON app.meter (serial)", "CREATE VIEW app.v_meter AS SELECT id, serial FROM app.meter",
                "SELECT pggit.commit('index and view')",
                "ALTER TABLE app.meter ADD COLUMN reading numeric", "SELECT pggit.link_migration('3', 'flyway', 'reading column')",
                "ALTER TABLE app.meter RENAME TO meters", "SELECT pggit.commit('rename meter to meters')",
                "DROP VIEW app.v_meter", "SELECT pggit.commit('drop the view')",
                "DO $$ BEGIN FOR k IN 1 .. 12 LOOP EXECUTE format('CREATE TABLE app.t%s (a int)', k); END LOOP; END $$",
                "SELECT pggit.commit('twelve tables')",
                "CREATE FUNCTION app.latest(m integer) RETURNS integer LANGUAGE sql AS 'SELECT m'", "SELECT pggit.commit('wip')",
                "SELECT pggit.create_branch('feature/x', NULL, 'an experiment')",
                "UPDATE pggit.head SET branch = 'feature/x'",
                "CREATE TABLE app.feature_only (a int)", "SELECT pggit.commit('feature table')",
                "UPDATE pggit.head SET branch = 'main'", "DROP TABLE app.feature_only",
                "CREATE TABLE app.untracked_yet (a int)");
    }

    @Test
    void everyCommitStoresTheObjectCountsOfItsTree() {
        assertEquals("0", db.value("SELECT count(*) FROM pggit.commit WHERE object_counts IS DISTINCT FROM pggit.tree_object_counts(tree)"),
                "the triggers keep each commit's counts equal to a walk of its tree, renames and branches included");
        assertEquals("13", db.value("SELECT object_counts ->> 'table' FROM pggit.commit WHERE id = pggit.head_commit()"),
                "meters and t1 .. t12 (feature_only is the branch's)");
        assertEquals("true", db.value("SELECT (pggit.add_object_counts('{\"table\": 1, \"view\": 1}', '{\"table\": 1, \"view\": -2}') "
                + "= '{\"table\": 2, \"view\": -1}')::text"));
        assertEquals("{\"table\": 2}", db.value("SELECT pggit.add_object_counts('{\"table\": 1, \"view\": 1}', '{\"table\": 1, \"view\": -1}')"),
                "a kind that reaches 0 is left out");
    }

    @Test
    void aMergeCommitWrittenFromTheStoreKeepsItsCountsToo() {
        TestDb merged = db.copy("merge");
        merged.exec("CREATE TABLE app.after_branch (a int)", "DROP TABLE app.t1", "SELECT pggit.commit('main after the branch')",
                "SELECT * FROM pggit.merge_branch('main', 'feature/x')");
        assertEquals(List.of(List.of("merge", "2")), merged.rows("SELECT c.origin, cardinality(c.parents) FROM pggit.commit c "
                + "JOIN pggit.ref r ON r.commit_id = c.id WHERE r.name = 'feature/x'"));
        assertEquals("0", merged.value("SELECT count(*) FROM pggit.commit WHERE object_counts IS DISTINCT FROM pggit.tree_object_counts(tree)"));
        assertEquals(merged.value("SELECT count(*) FROM pggit.commit c JOIN pggit.ref r ON r.commit_id = c.id, pggit.tree_objects(c.tree) o "
                        + "WHERE r.name = 'feature/x' AND o.kind = 'table'"),
                merged.value("SELECT c.object_counts ->> 'table' FROM pggit.commit c JOIN pggit.ref r ON r.commit_id = c.id WHERE r.name = 'feature/x'"),
                "the merge commit's tables, counted from its change rows against its first parent");
    }

    @Test
    void currentSchemaIsHeadWithItsCountsPerKind() {
        List<String> row = db.rows("SELECT branch, commit_sha, message, total_objects, object_counts ->> 'table', object_counts ->> 'view' "
                + "FROM pggit.get_current_schema()").get(0);
        assertEquals(List.of("main", db.value("SELECT pggit.head_commit()"), "wip", db.value("SELECT count(*) FROM pggit.tree_objects("
                + "(SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()))"), "13"), row.subList(0, 5));
        assertEquals(null, row.get(5), "the view was dropped");
        CurrentSchema cs = db.pggit().currentSchema();
        assertEquals("main", cs.branch());
        assertEquals(13L, cs.objectCounts().get("table"));
        assertEquals(Long.parseLong(row.get(3)), cs.totalObjects());
    }

    @Test
    void listObjectsNamesEachObjectAndTheCommitThatAddedIt() {
        String meterTable = commit("meter table");
        String rename = commit("rename meter to meters");
        assertEquals(List.of(List.of("app", "meters", "table", me, rename)),
                db.rows("SELECT schema_name, object_name, object_type, created_by, created_in FROM pggit.list_objects() WHERE object_name = 'meters'"),
                "a renamed table was created, under this key, by its rename");
        assertEquals(List.of(List.of("app", "latest(integer)", "function", commit("wip"))),
                db.rows("SELECT schema_name, object_name, object_type, created_in FROM pggit.list_objects(NULL) WHERE object_type = 'function'"));
        assertEquals(List.of(List.of("app", "meter", "table", meterTable)),
                db.rows("SELECT schema_name, object_name, object_type, created_in FROM pggit.list_objects('" + meterTable.substring(0, 10)
                        + "') WHERE object_type = 'table'"), "at a commit named by a prefix");
        assertEquals(List.of("app", "public"), db.column("SELECT object_name FROM pggit.list_objects('" + meterTable + "') WHERE object_type = 'schema'"));
        assertTrue(db.column("SELECT object_name FROM pggit.list_objects('feature/x')").contains("feature_only"), "a branch's tree");
        assertFalse(db.column("SELECT object_name FROM pggit.list_objects()").contains("feature_only"));
        List<SchemaObject> objects = db.pggit().listObjects("HEAD");
        assertTrue(objects.stream().anyMatch(o -> o.objectName().equals("meters") && o.createdIn().orElse("").equals(rename) && o.createdBy().orElse("").equals(me)));
        assertEquals("42704", sqlState("SELECT * FROM pggit.list_objects('no-such-branch')"));
    }

    @Test
    void commitHistoryPagesHeadsLogNewestFirst() {
        assertEquals(List.of("wip", "twelve tables", "drop the view"), db.column("SELECT message FROM pggit.get_commit_history(3)"));
        List<List<String>> page = db.rows("SELECT commit_sha, author, message, parent_shas[1], cardinality(parent_shas) FROM pggit.get_commit_history(2, 1)");
        assertEquals(List.of(commit("twelve tables"), me, "twelve tables", commit("drop the view"), "1"), page.get(0));
        assertEquals("drop the view", page.get(1).get(2));
        assertEquals(db.value("SELECT count(*) FROM pggit.log(NULL)"), db.value("SELECT count(*) FROM pggit.get_commit_history(1000)"),
                "not the feature branch's commit");
        assertEquals("22023", sqlState("SELECT * FROM pggit.get_commit_history(-1)"));
        assertEquals(List.of("twelve tables", "drop the view"),
                db.pggit().commitHistory(2, 1).stream().map(io.pggit.core.model.Commit::message).toList());
    }

    @Test
    void objectHistoryFollowsTheRenameBackAndNamesTheMigration() {
        List<List<String>> h = db.rows("SELECT change_type, object_key, old_key, message, migration_tool, migration_id, migration_description, author "
                + "FROM pggit.get_object_history('app', 'meters')");
        assertEquals(java.util.Arrays.asList("R", "table:app.meters", "table:app.meter", "rename meter to meters", null, null, null, me), h.get(0));
        assertEquals(List.of("M", "table:app.meter", "flyway", "3", "reading column"),
                List.of(h.get(1).get(0), h.get(1).get(1), h.get(1).get(4), h.get(1).get(5), h.get(1).get(6)));
        assertEquals(List.of("A", "table:app.meter", "meter table"), List.of(h.get(h.size() - 1).get(0), h.get(h.size() - 1).get(1), h.get(h.size() - 1).get(3)));
        assertEquals(1, db.rows("SELECT * FROM pggit.get_object_history('app', 'meters', 1)").size(), "p_limit");
        assertEquals(h.size(), db.rows("SELECT * FROM pggit.get_object_history(NULL, 'table:app.meters')").size(), "by key");
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.get_object_history('app', 'nothing')"));
        List<ObjectHistoryEntry> java = db.pggit().objectHistory("app", "meters", 10);
        assertEquals("R", java.get(0).changeType());
        assertEquals("flyway", java.get(1).migrationTool().orElseThrow());
        assertEquals("3", java.get(1).migrationId().orElseThrow());
    }

    @Test
    void diffCommitsListsWhatChangedWithBothDefinitions() {
        String meterTable = commit("meter table");
        List<List<String>> d = db.rows("SELECT object_path, change_type, object_type, old_definition IS NOT NULL, new_definition IS NOT NULL "
                + "FROM pggit.diff_commits('" + meterTable + "', 'HEAD') WHERE object_type IN ('table', 'function') AND object_path NOT LIKE 'table:app.t%'");
        assertEquals(List.of(List.of("function:app.latest(integer)", "A", "function", "f", "t"),
                List.of("table:app.meter", "D", "table", "t", "f"), List.of("table:app.meters", "A", "table", "f", "t")), d);
        assertEquals("12", db.value("SELECT count(*) FROM pggit.diff_commits('HEAD~2', 'HEAD~1') WHERE change_type = 'A'"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.diff_commits('HEAD', NULL)"));
        assertEquals(db.pggit().diff(meterTable, "HEAD").size(), db.pggit().diffCommits(meterTable, "HEAD").size());
    }

    @Test
    void objectMetadataSaysKindSizeAndTheLastChange() {
        String rename = commit("rename meter to meters");
        assertEquals(List.of(List.of("table", me, rename, "table:app.meters", "t")),
                db.rows("SELECT object_type, modified_by, last_commit_sha, object_key, "
                        + "size = (SELECT octet_length(b.definition::text) FROM pggit.blob b WHERE b.hash = definition_hash) "
                        + "FROM pggit.get_object_metadata('app', 'meters')"));
        String migrated = db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '3'");
        assertEquals(List.of(List.of("table", migrated)),
                db.rows("SELECT object_type, last_commit_sha FROM pggit.get_object_metadata('app', 'meter', '" + migrated + "')"));
        assertEquals(List.of(List.of("function", commit("wip"))),
                db.rows("SELECT object_type, last_commit_sha FROM pggit.get_object_metadata(NULL, 'app.latest(integer)')"));
        assertEquals("42704", sqlState("SELECT * FROM pggit.get_object_metadata('app', 'meter')"), "renamed away at HEAD");
        ObjectMetadata m = db.pggit().objectMetadata("app", "meters", null).get(0);
        assertEquals("table", m.objectType());
        assertTrue(m.size() > 100, "a table's definition: " + m.size());
        assertEquals(rename, m.lastCommit().orElseThrow());
    }

    @Test
    void theViewsOfInsightsAndActivity() {
        String head = db.value("SELECT pggit.head_commit()");
        String commits = db.value("SELECT count(*) FROM pggit.commit");
        assertEquals(List.of(List.of(me, commits, commits, commit("feature table"))),
                db.rows("SELECT author, commits, commits_last_7_days, last_commit_sha FROM pggit.recent_commits_by_author"));
        assertEquals(List.of(List.of("table", "2", "1", "1")), db.rows("SELECT object_type, changes, modifications, authors "
                + "FROM pggit.most_changed_objects WHERE object_key = 'table:app.meter'"));
        assertEquals(List.of(List.of("main", "t", head, "0", "0", head), List.of("feature/x", "f", commit("feature table"), "1", "0", head)),
                db.rows("SELECT branch_name, is_head, head_sha, ahead_of_main, behind_main, merge_base FROM pggit.branch_comparison"));
        assertEquals(List.of(List.of(commits, "1", db.value("SELECT count(*) FROM pggit.change WHERE change = 'A'"),
                        db.value("SELECT count(*) FROM pggit.change WHERE change = 'R'"))),
                db.rows("SELECT commits, authors, objects_added, objects_renamed FROM pggit.daily_change_summary"));
        assertEquals(List.of(List.of("table", "13", "12")), db.rows("SELECT object_type, object_count, change FROM pggit.schema_growth_history "
                + "WHERE commit_sha = '" + commit("twelve tables") + "' AND object_type = 'table'"));
        assertEquals(List.of("1"), db.column("SELECT object_count FROM pggit.schema_growth_history WHERE commit_sha = '" + commit("index and view")
                + "' AND object_type = 'view'"));
        assertEquals(List.of(), db.column("SELECT change FROM pggit.schema_growth_history WHERE commit_sha = '" + commit("drop the view")
                + "' AND object_type = 'view'"), "the drop leaves no view in the tree: no row for the kind");
        assertEquals(List.of(List.of(me, "R", "table:app.meter")), db.rows("SELECT author, change_type, old_key FROM pggit.author_activity "
                + "WHERE object_key = 'table:app.meters'"));
    }

    @Test
    void theViewsOfDataQuality() {
        assertEquals(List.of(List.of(commit("wip"), "says nothing (wip)")), db.rows("SELECT commit_sha, reason FROM pggit.commit_without_message"));
        assertEquals(List.of(List.of(commit("twelve tables"), "12", "12", "{table}")),
                db.rows("SELECT commit_sha, objects_changed, added, kinds::text FROM pggit.large_commits WHERE origin <> 'baseline'"));
        assertEquals(List.of(List.of("live_not_committed", "table:app.untracked_yet", "table")),
                db.rows("SELECT orphan_type, object_key, object_type FROM pggit.orphaned_objects WHERE orphan_type = 'live_not_committed'"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.orphaned_objects WHERE orphan_type = 'unreferenced_definition'"),
                "every stored definition is referenced");
        TestDb copy = db.copy("orphan");
        copy.exec("INSERT INTO pggit.blob (hash, definition) VALUES (pggit.sha256_hex('{\"x\": 1}'), '{\"x\": 1}')");
        assertEquals(List.of(List.of("unreferenced_definition", "8")),
                copy.rows("SELECT orphan_type, size FROM pggit.orphaned_objects WHERE orphan_type = 'unreferenced_definition'"));
    }

    @Test
    void everyViewHasACommentAndReadersMayReadIt() {
        List<String> views = List.of("recent_commits_by_author", "most_changed_objects", "branch_comparison", "daily_change_summary",
                "schema_growth_history", "author_activity", "commit_without_message", "orphaned_objects", "large_commits");
        for (String v : views) {
            assertTrue(db.value("SELECT length(obj_description('pggit." + v + "'::regclass, 'pg_class'))::text").length() > 1, v);
            assertEquals("t", db.value("SELECT has_table_privilege('pggit_reader', 'pggit." + v + "', 'SELECT')::text").substring(0, 1), v);
        }
    }

    static String sqlState(String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
