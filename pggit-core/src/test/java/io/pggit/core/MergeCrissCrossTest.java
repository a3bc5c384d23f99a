package io.pggit.core;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The base of a merge after criss-cross merges (issue 15): two branches that each merged the other
 * at one point have two best common ancestors (pggit.merge_bases). A merge then merges from a
 * virtual merge base, as git's recursive strategy does: the bases merged from their own merge base
 * (pggit.merge_base_tree, recorded as pggit.merge.base_tree), where they conflict the version of that
 * older ancestor. Histories are made with real DDL and real merges; {@code pggit.head} is moved by
 * hand and the live catalog brought to each branch's tree by DDL before committing on it (as
 * TestDb.diverged does).
 */
class MergeCrissCrossTest {

    static String id(TestDb db, String rev) {
        return db.value("SELECT pggit.resolve('" + rev + "')");
    }

    static String tree(TestDb db, String rev) {
        return db.value("SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve('" + rev + "')");
    }

    /** Columns of table public.t in tree (a tree hash expression), as name:type[=default]. */
    static String columns(TestDb db, String treeExpr) {
        return db.value("SELECT string_agg((c ->> 'name') || ':' || (c ->> 'type') || coalesce('=' || (c ->> 'default'), ''), ',') "
                + "FROM pggit.blob b, jsonb_array_elements(b.definition -> 'columns') c "
                + "WHERE b.hash = pggit.tree_lookup(" + treeExpr + ", pggit.tree_path('public', 'table', 'table:public.t'))");
    }

    /** HEAD to branch, and the live catalog to its tree by ddl (no commit: nothing changed from its tree). */
    static void switchTo(TestDb db, String branch, String... ddl) {
        db.exec("UPDATE pggit.head SET branch = '" + branch + "'");
        db.exec(ddl);
        assertTrue(db.pggit().commit("to " + branch).isEmpty(), "the live catalog is " + branch + "'s tree");
        assertEquals(List.of(), db.pggit().drift());
    }

    static void commitOn(TestDb db, String branch, String... ddl) {
        db.exec("UPDATE pggit.head SET branch = '" + branch + "'");
        db.exec(ddl);
        db.pggit().commit(branch + ": " + String.join("; ", ddl));
    }

    /**
     * base: t(id, extra); branches a and b from it, each changes t (aChange, bChange: DDL from the
     * base's t), then the criss-cross: a merges b's commit and b merges a's (neither checked out:
     * each merge commit is written from its merged tree), with strategy (recursive, or ours for
     * conflicting changes). HEAD is left on main, whose live catalog is the base's.
     */
    static TestDb crissCross(String name, String strategy, String aChange, String aUndo, String bChange, String bUndo) {
        TestDb db = TestDb.withPggit(name);
        db.exec("CREATE TABLE public.t (id int, c int)");
        db.pggit().commit("base");
        db.pggit().createBranch("a", null, "side a");
        db.pggit().createBranch("b", null, "side b");
        commitOn(db, "a", aChange);
        switchTo(db, "b", aUndo);
        commitOn(db, "b", bChange);
        switchTo(db, "main", bUndo);
        String a1 = id(db, "a");
        String b1 = id(db, "b");
        assertEquals("completed", db.value("SELECT status FROM pggit.merge_branch('" + b1 + "', 'a', '" + strategy + "')"));
        assertEquals("completed", db.value("SELECT status FROM pggit.merge_branch('" + a1 + "', 'b', '" + strategy + "')"));
        assertEquals(List.of(a1, b1).stream().sorted().toList(), db.column("SELECT x FROM pggit.merge_bases('a', 'b') x ORDER BY 1"),
                "criss-cross: two best common ancestors, a's first commit and b's");
        return db;
    }

    @Test
    void afterACrissCrossTheMergeIsCleanFromTheVirtualBaseWhereEitherBestBaseAloneConflicts() {
        TestDb db = crissCross("criss_cross_clean", "recursive",
                "ALTER TABLE public.t ADD COLUMN x int", "ALTER TABLE public.t DROP COLUMN x",
                "ALTER TABLE public.t ADD COLUMN y int", "ALTER TABLE public.t DROP COLUMN y");
        String a1 = db.value("SELECT c.id FROM pggit.commit c WHERE c.message LIKE 'a: %'");
        String b1 = db.value("SELECT c.id FROM pggit.commit c WHERE c.message LIKE 'b: %'");
        assertEquals("id:integer,c:integer,x:integer,y:integer", columns(db, "'" + tree(db, "a") + "'"), "a: its column, then b's");
        assertEquals("id:integer,c:integer,y:integer,x:integer", columns(db, "'" + tree(db, "b") + "'"), "b: the other order");

        // after the criss-cross, a changes x's default and b changes y's type
        switchTo(db, "a", "ALTER TABLE public.t ADD COLUMN x int", "ALTER TABLE public.t ADD COLUMN y int");
        commitOn(db, "a", "ALTER TABLE public.t ALTER x SET DEFAULT 1");
        switchTo(db, "b", "ALTER TABLE public.t DROP COLUMN x", "ALTER TABLE public.t DROP COLUMN y",
                "ALTER TABLE public.t ADD COLUMN y int", "ALTER TABLE public.t ADD COLUMN x int");
        commitOn(db, "b", "ALTER TABLE public.t ALTER y TYPE bigint");
        db.pggit().createBranch("copy", "b", "b's head, not checked out");

        // the best base alone (either of the two) sees one side's column added twice, differently: a conflict
        String best = db.value("SELECT pggit.find_merge_base('a', 'b')");
        assertEquals(b1, best, "find_merge_base: the newest of the two (greatest generation, then newest)");
        for (String base : List.of(a1, b1)) {
            assertEquals(List.of("BOTH_MODIFIED {\"column " + (base.equals(b1) ? "x" : "y") + "\"}"),
                    db.column("SELECT w.conflict_type || ' ' || w.conflicting_parts::text FROM pggit.three_way((SELECT tree FROM pggit.commit WHERE id = '"
                            + base + "'), '" + tree(db, "a") + "', '" + tree(db, "b") + "') w"),
                    "from one best base alone the merge conflicts");
        }
        // the dry run reads the virtual base in memory: it writes nothing (no transaction id, no tree node)
        String stored = "SELECT (SELECT count(*) FROM pggit.tree) || ' ' || (SELECT count(*) FROM pggit.blob)";
        String before = db.value(stored);
        assertEquals(List.of(List.of("table:public.t NO_CONFLICT {}", "-")),
                db.rows("SELECT (SELECT string_agg(object_path || ' ' || conflict_type || ' ' || conflicting_parts::text, ', ') "
                        + "FROM pggit.detect_merge_conflicts('a', 'b')), coalesce(pg_current_xact_id_if_assigned()::text, '-')"),
                "clean, as the merge will be");
        assertEquals(before, db.value(stored));
        // the virtual base: a's and b's first commits merged from the base (the older, a's, as the target):
        // t(id, c, x, y), no default, y an integer
        String virtualTree = db.value("SELECT pggit.merge_base_tree(pggit.resolve('a'), pggit.resolve('b'))");
        assertNotEquals(tree(db, a1), virtualTree);
        assertNotEquals(tree(db, b1), virtualTree);
        assertEquals("id:integer,c:integer,x:integer,y:integer", columns(db, "'" + virtualTree + "'"));

        // merged into b's copy (not checked out): clean, both changes
        List<String> intoCopy = db.rows("SELECT status, conflicts::text, merge_id::text FROM pggit.merge_branch('a', 'copy')").get(0);
        assertEquals(List.of("completed", "false"), intoCopy.subList(0, 2));
        assertEquals("id:integer,c:integer,y:bigint,x:integer=1", columns(db, "'" + tree(db, "copy") + "'"), "a's default and b's type");
        assertEquals(List.of(best + " " + virtualTree), db.column("SELECT base_commit || ' ' || base_tree FROM pggit.merge WHERE id = " + intoCopy.get(2)),
                "base_commit: the best base, for history; base_tree: the virtual base it merged from");
        assertEquals(List.of(best + " " + virtualTree), db.column("SELECT base_commit || ' ' || base_tree FROM pggit.merge_history WHERE merge_id = " + intoCopy.get(2)));

        // merged into b, checked out: ready until the live catalog has the merged tree, then the same tree
        String mergeId = db.value("SELECT merge_id FROM pggit.merge_branch('a')");
        assertEquals("ready", db.value("SELECT status FROM pggit.merge WHERE id = " + mergeId));
        db.exec("ALTER TABLE public.t ALTER x SET DEFAULT 1");
        assertEquals("completed", db.value("SELECT status FROM pggit.complete_merge(" + mergeId + ")"));
        assertEquals(tree(db, "copy"), tree(db, "b"));
        assertEquals(db.freshCaptureTree(), tree(db, "b"), "live == HEAD");
        assertEquals("up_to_date", db.value("SELECT status FROM pggit.merge_branch('a')"));
    }

    @Test
    void aConflictTheBasesResolvedDifferentlyIsReportedAgainNotTakenFromOneBase() {
        // c changed differently on each side (and a column added on each); each criss-cross merge keeps its own c (ours)
        TestDb db = crissCross("criss_cross_conflict", "ours",
                "ALTER TABLE public.t ALTER c TYPE bigint, ADD COLUMN x int", "ALTER TABLE public.t ALTER c TYPE int, DROP COLUMN x",
                "ALTER TABLE public.t ALTER c TYPE text, ADD COLUMN y int", "ALTER TABLE public.t ALTER c TYPE int USING c::int, DROP COLUMN y");
        assertEquals("id:integer,c:bigint,x:integer,y:integer", columns(db, "'" + tree(db, "a") + "'"));
        assertEquals("id:integer,c:text,y:integer,x:integer", columns(db, "'" + tree(db, "b") + "'"));
        // then a drops x, which b gives a default
        switchTo(db, "a", "ALTER TABLE public.t ALTER c TYPE bigint, ADD COLUMN x int, ADD COLUMN y int");
        commitOn(db, "a", "ALTER TABLE public.t DROP COLUMN x");
        switchTo(db, "b", "ALTER TABLE public.t ALTER c TYPE text, ADD COLUMN x int");
        commitOn(db, "b", "ALTER TABLE public.t ALTER x SET DEFAULT 1");
        switchTo(db, "main", "ALTER TABLE public.t ALTER c TYPE int USING c::int, DROP COLUMN x, DROP COLUMN y");
        String best = db.value("SELECT pggit.find_merge_base('a', 'b')");
        assertEquals(List.of("table:public.t NO_CONFLICT bigint"),
                db.column("SELECT w.object_key || ' ' || w.conflict_type || ' ' || (pggit.merge_definitions(w.base_definition, w.source_definition, "
                        + "w.target_definition) -> 'columns' -> 1 ->> 'type') FROM pggit.three_way((SELECT tree FROM pggit.commit WHERE id = '" + best
                        + "'), '" + tree(db, "a") + "', '" + tree(db, "b") + "') w"),
                "from the best base alone (b's first commit: c text) the merge would silently take a's bigint over b's choice");
        // the virtual base: the two bases conflict on c, so it has the base's c (an integer): both sides changed it
        String virtualTree = db.value("SELECT pggit.merge_base_tree(pggit.resolve('a'), pggit.resolve('b'))");
        assertEquals("id:integer,c:integer,x:integer,y:integer", columns(db, "'" + virtualTree + "'"), "c as the base has it, x and y merged");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.commit WHERE tree = '" + virtualTree + "'"), "a tree no commit has");
        assertEquals(List.of("table:public.t BOTH_MODIFIED {\"column c\",\"column x\"}"),
                db.column("SELECT object_path || ' ' || conflict_type || ' ' || conflicting_parts::text FROM pggit.detect_merge_conflicts('a', 'b')"),
                "c, and x (which the virtual base has: the bases' disjoint changes merged), dropped on a and changed on b");
        List<String> m = db.rows("SELECT status, conflict_objects::text, merge_id::text FROM pggit.merge_branch('a', 'b')").get(0);
        assertEquals(List.of("conflicts", "{table:public.t}"), m.subList(0, 2));
        assertEquals(List.of("BOTH_MODIFIED {\"column c\",\"column x\"} integer bigint text"),
                db.column("SELECT conflict_type || ' ' || conflicting_parts::text || ' ' || (SELECT string_agg(b.definition -> 'columns' -> 1 ->> 'type', ' ' "
                        + "ORDER BY o.n) FROM unnest(ARRAY[base_hash, source_hash, target_hash]) WITH ORDINALITY o(h, n) JOIN pggit.blob b ON b.hash = o.h) "
                        + "FROM pggit.merge_conflict WHERE merge_id = " + m.get(2)), "c at the virtual base (the base's), on a, on b");
        // resolved for b's side: the merge takes b's c (text, as b's own criss-cross merge did) and b's x
        db.exec("SELECT pggit.resolve_conflicts_batch(" + m.get(2) + ", ARRAY['table:public.t'], 'target', 'b keeps text')");
        assertEquals("completed", db.value("SELECT status FROM pggit.complete_merge(" + m.get(2) + ")"));
        assertEquals("id:integer,c:text,y:integer,x:integer=1", columns(db, "'" + tree(db, "b") + "'"));

        // the virtual base is under no commit: purging keeps it while a merge names it (pggit.merge.base_tree)
        db.exec("SELECT * FROM pggit.purge_history('1 microsecond')");
        assertEquals("1", db.value("SELECT count(*) FROM pggit.tree WHERE hash = '" + virtualTree + "'"));
    }

    @Test
    void threeBestCommonAncestorsAreMergedOneByOne() {
        // three branches from the base each add a table; two octopus merges of all three (written by hand
        // with pggit.write_commit, as git would record them), each with a table of its own
        TestDb db = TestDb.withPggit("criss_cross_three");
        db.exec("CREATE TABLE public.t (id int)");
        db.pggit().commit("base");
        for (String side : List.of("p", "q", "r", "ta", "tb", "all")) {
            db.pggit().createBranch(side, null, side);
        }
        commitOn(db, "p", "CREATE TABLE public.p1 (id int)");
        switchTo(db, "q", "DROP TABLE public.p1");
        commitOn(db, "q", "CREATE TABLE public.q1 (id int)");
        switchTo(db, "r", "DROP TABLE public.q1");
        commitOn(db, "r", "CREATE TABLE public.r1 (id int)");
        String[] three = {"CREATE TABLE public.p1 (id int)", "CREATE TABLE public.q1 (id int)", "CREATE TABLE public.r1 (id int)"};
        String dropThree = "DROP TABLE public.p1, public.q1, public.r1";
        switchTo(db, "all", "DROP TABLE public.r1");
        commitOn(db, "all", three);
        switchTo(db, "ta", dropThree);
        db.exec(three);
        commitOn(db, "ta", "CREATE TABLE public.a1 (id int)");
        switchTo(db, "tb", dropThree, "DROP TABLE public.a1");
        db.exec(three);
        commitOn(db, "tb", "CREATE TABLE public.b1 (id int)");
        switchTo(db, "main", dropThree, "DROP TABLE public.b1");
        String parents = "ARRAY[pggit.resolve('p'), pggit.resolve('q'), pggit.resolve('r')]";
        db.exec("SELECT pggit.write_commit((SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve('ta')), " + parents + ", 'merge', 'octopus a', 'ta')",
                "SELECT pggit.write_commit((SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve('tb')), " + parents + ", 'merge', 'octopus b', 'tb')");
        assertEquals(List.of("p", "q", "r"), db.column("SELECT c.message FROM pggit.merge_bases('ta', 'tb') x JOIN pggit.commit c ON c.id = x ORDER BY 1")
                .stream().map(m -> m.substring(0, 1)).toList());
        // the virtual base: p's tree, q merged into it from the base, then r from the base (the merge base of p, q and r)
        String virtualTree = db.value("SELECT pggit.merge_base_tree(pggit.resolve('ta'), pggit.resolve('tb'))");
        String objects = "SELECT string_agg(object_key, ',' ORDER BY object_key) FROM pggit.tree_objects(%s) WHERE kind = 'table'";
        assertEquals("table:public.p1,table:public.q1,table:public.r1,table:public.t", db.value(objects.formatted("'" + virtualTree + "'")));
        assertEquals(db.value(objects.formatted("'" + tree(db, "all") + "'")), db.value(objects.formatted("'" + virtualTree + "'")));
        assertEquals(List.of("table:public.a1 SOURCE_MODIFIED", "table:public.b1 TARGET_MODIFIED"),
                db.column("SELECT object_path || ' ' || conflict_type FROM pggit.detect_merge_conflicts('ta', 'tb')"),
                "each side's own table, nothing of p, q and r");
        assertEquals("completed false", db.value("SELECT status || ' ' || conflicts FROM pggit.merge_branch('ta', 'tb')"));
        assertEquals("table:public.a1,table:public.b1,table:public.p1,table:public.q1,table:public.r1,table:public.t",
                db.value(objects.formatted("'" + tree(db, "tb") + "'")));
    }

    @Test
    void theConflictingPartsOfAVirtualBaseAreTheOlderAncestorsAndTheRestMerges() {
        TestDb db = TestDb.withPggit("criss_cross_base_parts");
        String base = "'{\"owner\": \"o\", \"comment\": \"base\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\"}, "
                + "{\"name\": \"c\", \"type\": \"integer\"}, {\"name\": \"d\", \"type\": \"integer\"}]}'";
        String source = "'{\"owner\": \"s\", \"comment\": \"source\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\"}, "
                + "{\"name\": \"c\", \"type\": \"bigint\"}, {\"name\": \"x\", \"type\": \"integer\"}]}'";
        String target = "'{\"owner\": \"o\", \"comment\": \"target\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\"}, "
                + "{\"name\": \"c\", \"type\": \"text\"}, {\"name\": \"d\", \"type\": \"bigint\"}]}'";
        assertEquals("{\"column c\",\"column d\",comment}", db.value("SELECT pggit.conflicting_parts(" + base + ", " + source + ", " + target + ")::text"),
                "d: dropped on the source, changed on the target");
        assertEquals("{\"owner\": \"s\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\"}, {\"name\": \"c\", \"type\": \"integer\"}, "
                        + "{\"name\": \"x\", \"type\": \"integer\"}, {\"name\": \"d\", \"type\": \"integer\"}], \"comment\": \"base\"}",
                db.value("SELECT pggit.with_base_parts(pggit.merge_definitions(" + base + ", " + source + ", " + target + "), " + base
                        + ", pggit.conflicting_parts(" + base + ", " + source + ", " + target + "))::text"),
                "owner and x merged (one side each); comment, c and d as the base has them");
    }

    @Test
    void theOverlayThreeWayOfStoredTreesIsTheThreeWay() {
        TestDb db = crissCross("criss_cross_overlay", "recursive",
                "ALTER TABLE public.t ADD COLUMN x int", "ALTER TABLE public.t DROP COLUMN x",
                "CREATE TABLE public.u (id int)", "DROP TABLE public.u");
        List<String> trees = db.column("SELECT DISTINCT c.tree FROM pggit.commit c ORDER BY 1");
        assertTrue(trees.size() >= 3, trees.toString());
        String cols = "w.object_key, w.kind, w.schema_name, w.conflict_type, w.conflicting_parts, w.base_hash, w.source_hash, w.target_hash, "
                + "w.base_definition, w.source_definition, w.target_definition";
        for (String x : trees) {
            for (String y : trees) {
                for (String z : trees) {
                    String args = "'" + x + "', '" + y + "', '" + z + "'";
                    assertEquals(db.column("SELECT (" + cols + ")::text FROM pggit.three_way(" + args + ") w ORDER BY 1"),
                            db.column("SELECT (" + cols + ")::text FROM pggit.three_way_overlay('" + x + "', '{}', '" + y + "', NULL, '" + z + "', '{}') w ORDER BY 1"),
                            args);
                }
            }
        }
    }
}
