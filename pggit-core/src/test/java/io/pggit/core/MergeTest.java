package io.pggit.core;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three-way merge in SQL (issue 15): {@code pggit.merge_branch}, its conflict rows and their
 * resolution, {@code complete_merge}, {@code rollback_merge} and {@code abort_merge}. Branches diverge
 * by DDL and commits with {@code pggit.head} moved by hand (as MergeConflictsTest does): the source
 * side's DDL is undone on the live catalog before the target side's.
 *
 * <p>Every scenario merges twice: into a copy of the target that is not checked out (the merge commit
 * is written straight from the merged tree) and into the checked-out target, whose live catalog is
 * brought to the merged tree by DDL written here as a migration would be (the source side's, as
 * resolved) before {@code complete_merge} captures it. Both merge commits must have the same tree:
 * the merged tree computed from history is the catalog that replaying target then source gives.
 */
class MergeTest {

    /** {@link TestDb#diverged}, and branch {@code copy} at main's head (not checked out). */
    static TestDb diverged(String name, List<String> base, List<String> source, List<String> undoSource, List<String> target) {
        TestDb db = TestDb.diverged(name, base, source, undoSource, target);
        db.pggit().createBranch("copy", "main", "main's head, not checked out");
        return db;
    }

    static List<String> merge(TestDb db, String args) {
        return db.rows("SELECT merge_id::text, coalesce(left(merge_commit_sha, 7), '-'), conflicts::text, conflict_objects::text, status "
                + "FROM pggit.merge_branch(" + args + ")").get(0);
    }

    static String tree(TestDb db, String rev) {
        return db.value("SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve('" + rev + "')");
    }

    @Test
    void disjointChangesToOneTableMergeCleanAndBothWaysGiveOneTree() {
        TestDb db = diverged("merge_disjoint",
                List.of("CREATE TABLE public.t (id int, a int, b text)", "CREATE TABLE public.u (id int)"),
                List.of("ALTER TABLE public.t ADD COLUMN c int NOT NULL DEFAULT 0", "COMMENT ON TABLE public.u IS 'source'"),
                List.of("ALTER TABLE public.t DROP COLUMN c", "COMMENT ON TABLE public.u IS NULL"),
                List.of("ALTER TABLE public.t ALTER a SET DEFAULT 5", "CREATE TABLE public.w (id int)"));
        List<String> intoCopy = merge(db, "'src', 'copy'");
        assertEquals("false {} completed", String.join(" ", intoCopy.subList(2, 5)), "not checked out: written at once");
        assertEquals(List.of("2"), db.column("SELECT cardinality(parents)::text FROM pggit.commit WHERE id = pggit.resolve('copy')"));
        assertEquals(List.of(db.value("SELECT pggit.resolve('main')"), db.value("SELECT pggit.resolve('src')")),
                db.column("SELECT unnest(parents) FROM pggit.commit WHERE id = pggit.resolve('copy')"), "first parent the target, then the source");

        List<String> intoMain = merge(db, "'src'");
        assertEquals("- false {} ready", String.join(" ", intoMain.subList(1, 5)), "checked out: waits for the live catalog");
        String mergeId = intoMain.get(0);
        db.exec("ALTER TABLE public.t ADD COLUMN c int NOT NULL DEFAULT 0", "COMMENT ON TABLE public.u IS 'source'");
        List<String> done = db.rows("SELECT coalesce(left(merge_commit, 7), '-'), status FROM pggit.complete_merge(" + mergeId + ")").get(0);
        assertEquals("completed", done.get(1));
        assertEquals(tree(db, "copy"), tree(db, "main"), "the merged tree is what target-then-source DDL gives");
        assertEquals(db.freshCaptureTree(), tree(db, "main"), "live == HEAD");
        assertEquals(List.of(), db.pggit().drift());
        assertEquals(List.of("merge 2"), db.column("SELECT origin || ' ' || cardinality(parents) FROM pggit.commit WHERE id = pggit.resolve('main')"));
        assertEquals(List.of("id,a,b,c"), db.column("SELECT string_agg(c ->> 'name', ',') FROM pggit.show('main') s, "
                + "jsonb_array_elements(s.new_definition -> 'columns') c WHERE s.object_key = 'table:public.t'"), "the target's columns, then the source's");
        assertEquals(List.of("completed 0"), db.column("SELECT status || ' ' || conflicts FROM pggit.merge_history WHERE merge_id = " + mergeId));
        assertEquals("up_to_date", merge(db, "'src'").get(4), "merged already");
    }

    @Test
    void bothSidesChangingOneColumnIsAConflictThatWaitsForItsResolution() {
        TestDb db = diverged("merge_both_modified",
                List.of("CREATE TABLE public.t (id int, b text)", "CREATE TABLE public.gone (id int)", "CREATE TABLE public.kept (id int)"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(20)", "DROP TABLE public.gone", "COMMENT ON TABLE public.kept IS 'source'"),
                List.of("ALTER TABLE public.t ALTER b TYPE text", "CREATE TABLE public.gone (id int)", "COMMENT ON TABLE public.kept IS NULL"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(10)", "COMMENT ON TABLE public.gone IS 'target'", "DROP TABLE public.kept"));
        List<String> m = merge(db, "'src'");
        assertEquals("- true {table:public.gone,table:public.kept,table:public.t} conflicts", String.join(" ", m.subList(1, 5)));
        String id = m.get(0);
        assertEquals(List.of("table:public.gone DELETED_SOURCE", "table:public.kept DELETED_TARGET", "table:public.t BOTH_MODIFIED"),
                db.column("SELECT object_path || ' ' || conflict_type FROM pggit.get_conflicts_by_type(" + id + ")"));
        assertEquals(List.of("table:public.t"), db.column("SELECT object_path FROM pggit.get_conflicts_by_type(" + id + ", 'BOTH_MODIFIED')"));
        IllegalStateException open = assertThrows(IllegalStateException.class, () -> db.value("SELECT status FROM pggit.complete_merge(" + id + ")"));
        assertTrue(open.getMessage().contains("3 open conflicts"), open.getMessage());

        // a batch naming a key without a conflict resolves nothing
        assertThrows(IllegalStateException.class, () -> db.value("SELECT pggit.resolve_conflicts_batch(" + id
                + ", ARRAY['table:public.t', 'table:public.nope'], 'source', 'x')"));
        assertEquals("0", db.value("SELECT count(resolution) FROM pggit.merge_conflict WHERE merge_id = " + id), "all or none");
        assertEquals("2", db.value("SELECT pggit.resolve_conflicts_batch(" + id + ", ARRAY['table:public.t', 'table:public.gone'], 'source', 'take theirs')"));
        String keptId = db.value("SELECT conflict_id FROM pggit.get_conflicts_by_type(" + id + ", 'DELETED_TARGET')");
        assertTrue(db.value("SELECT pggit.resolve_conflict('" + keptId + "', 'use_tracked', 'the source still needs it')").contains("source"),
                "seed 000's use_tracked is the source's side");
        assertEquals(List.of("BOTH_MODIFIED 1 1 0 1 0", "DELETED_SOURCE 1 1 0 1 0", "DELETED_TARGET 1 1 0 1 0"),
                db.column("SELECT concat_ws(' ', conflict_type, total, resolved, open, by_source, by_target) FROM pggit.get_conflict_statistics(" + id + ")"));
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> db.value("SELECT pggit.resolve_conflict('" + keptId + "', 'source', 'again')"));
        assertTrue(twice.getMessage().contains("was resolved"), twice.getMessage());

        assertEquals("ready", db.value("SELECT status FROM pggit.complete_merge(" + id + ")"), "the live catalog must change first");
        assertEquals(List.of(), db.column("SELECT status FROM pggit.merge_branch('src', 'copy', 'theirs')").stream().filter(s -> !s.equals("completed")).toList());
        db.exec("ALTER TABLE public.t ALTER b TYPE varchar(20)", "DROP TABLE public.gone", "CREATE TABLE public.kept (id int)",
                "COMMENT ON TABLE public.kept IS 'source'");
        assertEquals("completed", db.value("SELECT status FROM pggit.complete_merge(" + id + ")"));
        assertEquals(tree(db, "copy"), tree(db, "main"), "theirs on the copy = each conflict resolved for the source here");
        assertEquals(db.freshCaptureTree(), tree(db, "main"));
        assertEquals(List.of("table:public.gone source merge strategy theirs", "table:public.kept source merge strategy theirs", "table:public.t source merge strategy theirs"),
                db.column("SELECT x.object_key || ' ' || x.resolution || ' ' || x.reason FROM pggit.merge_conflict x JOIN pggit.merge m ON m.id = x.merge_id "
                        + "WHERE m.target_branch = 'copy' ORDER BY 1"), "the strategy says so on each conflict");
    }

    @Test
    void oursKeepsTheTargetAndAMergeWhoseTreeDoesNotChangeIsWrittenAtOnce() {
        TestDb db = diverged("merge_ours",
                List.of("CREATE TABLE public.t (id int, b text)"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(20)"),
                List.of("ALTER TABLE public.t ALTER b TYPE text"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(10)"));
        String before = tree(db, "main");
        List<String> m = merge(db, "'src', NULL, 'ours'");
        assertEquals("true {table:public.t} completed", String.join(" ", m.subList(2, 5)), "resolved by the strategy, and the tree is the target's");
        assertEquals(before, tree(db, "main"));
        assertEquals(db.freshCaptureTree(), tree(db, "main"));
        assertEquals("2", db.value("SELECT cardinality(parents) FROM pggit.commit WHERE id = pggit.resolve('main')"));
        assertEquals("up_to_date", merge(db, "'src'").get(4), "a merge that kept the target's side still merged the source");
    }

    @Test
    void aCaptureThatReachesTheMergedTreeIsTheMergeCommit() {
        TestDb db = diverged("merge_by_migration",
                List.of("CREATE TABLE public.t (id int)"),
                List.of("CREATE TABLE public.s (id int)"),
                List.of("DROP TABLE public.s"),
                List.of("ALTER TABLE public.t ADD COLUMN x int"));
        String id = merge(db, "'src'").get(0);
        db.exec("CREATE TABLE public.s (id int)");   // the migration written from the merge's plan, run by the tool
        String cid = db.pggit().commit("V3__merge_src").orElseThrow();
        assertEquals(List.of(db.value("SELECT target_commit FROM pggit.merge WHERE id = " + id), db.value("SELECT pggit.resolve('src')")),
                db.column("SELECT unnest(parents) FROM pggit.commit WHERE id = '" + cid + "'"));
        assertEquals("completed " + cid, db.value("SELECT status || ' ' || merge_commit FROM pggit.merge WHERE id = " + id));
    }

    @Test
    void aMergeWhoseTargetMovedIsRefusedAndCanBeAborted() {
        TestDb db = diverged("merge_target_moved",
                List.of("CREATE TABLE public.t (id int, b text)"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(20)"),
                List.of("ALTER TABLE public.t ALTER b TYPE text"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(10)"));
        String id = merge(db, "'src'").get(0);
        db.exec("CREATE TABLE public.later (id int)", "SELECT pggit.commit('later')");
        db.exec("SELECT pggit.resolve_conflicts_batch(" + id + ", ARRAY['table:public.t'], 'target', 'keep ours')");
        IllegalStateException moved = assertThrows(IllegalStateException.class, () -> db.value("SELECT status FROM pggit.complete_merge(" + id + ")"));
        assertTrue(moved.getMessage().contains("moved since merge"), moved.getMessage());
        assertEquals("t", db.value("SELECT pggit.abort_merge(" + id + ")"));
        assertEquals("aborted", db.value("SELECT status FROM pggit.get_merge_status(" + id + ")"));
        assertThrows(IllegalStateException.class, () -> db.value("SELECT pggit.resolve_conflict((SELECT id FROM pggit.merge_conflict WHERE merge_id = " + id
                + " LIMIT 1), 'source', 'too late')"));
    }

    @Test
    void rollbackWritesTheTargetsTreeBeforeTheMergeAsANewCommit() {
        TestDb db = diverged("merge_rollback",
                List.of("CREATE TABLE public.t (id int)"),
                List.of("CREATE TABLE public.s (id int)"),
                List.of("DROP TABLE public.s"),
                List.of("CREATE TABLE public.w (id int)"));
        String before = tree(db, "copy");
        String intoCopy = merge(db, "'src', 'copy'").get(0);
        assertThrows(IllegalStateException.class, () -> db.value("SELECT pggit.rollback_merge(" + intoCopy + ", NULL)"), "a reason is required");
        String rb = db.value("SELECT pggit.rollback_merge(" + intoCopy + ", 'broke the build')");
        assertEquals(before, tree(db, "copy"));
        assertEquals("rollback", db.value("SELECT origin FROM pggit.commit WHERE id = '" + rb + "'"));
        assertEquals(List.of("D table:public.s"), db.column("SELECT change || ' ' || object_key FROM pggit.change WHERE commit_id = '" + rb + "'"));

        String intoMain = merge(db, "'src'").get(0);
        db.exec("CREATE TABLE public.s (id int)");
        db.value("SELECT status FROM pggit.complete_merge(" + intoMain + ")");
        IllegalStateException notYet = assertThrows(IllegalStateException.class, () -> db.value("SELECT pggit.rollback_merge(" + intoMain + ", 'r')"));
        assertTrue(notYet.getMessage().contains("not its tree before merge"), notYet.getMessage());
        db.exec("DROP TABLE public.s");   // the reverse plan
        assertNotNull(db.value("SELECT pggit.rollback_merge(" + intoMain + ", 'r')"));
        assertEquals(before, tree(db, "main"));
        assertEquals(db.freshCaptureTree(), tree(db, "main"));
        assertEquals("rolled_back", db.value("SELECT status FROM pggit.merge_history WHERE merge_id = " + intoMain));
    }

    @Test
    void aMergeCarriesOutItsMergeRequestAndTheGateRefusesAnUnapprovedOne() {
        TestDb db = diverged("merge_with_request", List.of("CREATE TABLE public.t (id int)"), List.of("CREATE TABLE public.s (id int)"),
                List.of("DROP TABLE public.s"), List.of("CREATE TABLE public.w (id int)"));
        String mr = db.value("SELECT mr_id FROM pggit.create_merge_request('src', 'copy', 'add s', NULL, NULL)");
        db.exec("SELECT pggit.configure_merges(true)");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> merge(db, "'src', 'copy'"));
        assertTrue(refused.getMessage().contains("approve"), refused.getMessage());
        assertEquals("0", db.value("SELECT count(*) FROM pggit.merge"), "a refused merge records nothing");
        db.exec("SELECT pggit.configure_merges(false)");
        String id = merge(db, "'src', 'copy'").get(0);
        assertEquals("merged " + id, db.value("SELECT status || ' ' || merge_id FROM pggit.merge_request WHERE id = '" + mr + "'"));
    }

    @Test
    void anIndexOnATableTheOtherSideDroppedIsADependencyConflict() {
        TestDb db = diverged("merge_dependency",
                List.of("CREATE TABLE public.t (id int, a int)", "CREATE TABLE public.u (id int)"),
                List.of("DROP TABLE public.t", "CREATE INDEX u_id ON public.u (id)"),
                List.of("CREATE TABLE public.t (id int, a int)", "DROP INDEX public.u_id"),
                List.of("CREATE INDEX t_a ON public.t (a)", "DROP TABLE public.u"));
        List<String> m = merge(db, "'src', 'copy'");
        assertEquals("true {index:public.t.t_a,index:public.u.u_id} conflicts", String.join(" ", m.subList(2, 5)));
        String id = m.get(0);
        assertEquals(List.of("index:public.t.t_a DEPENDENCY {\"relation table:public.t\"}", "index:public.u.u_id DEPENDENCY {\"relation table:public.u\"}"),
                db.column("SELECT object_path || ' ' || conflict_type || ' ' || conflicting_parts::text FROM pggit.get_conflicts_by_type(" + id + ")"));
        // keeping t_a (the target's side) while t is gone cannot complete
        db.exec("SELECT pggit.resolve_conflicts_batch(" + id + ", ARRAY['index:public.t.t_a'], 'target', 'keep it')",
                "SELECT pggit.resolve_conflicts_batch(" + id + ", ARRAY['index:public.u.u_id'], 'target', 'u is gone')");
        IllegalStateException broken = assertThrows(IllegalStateException.class, () -> db.value("SELECT status FROM pggit.complete_merge(" + id + ")"));
        assertTrue(broken.getMessage().contains("index:public.t.t_a on table:public.t"), broken.getMessage());
        db.exec("UPDATE pggit.merge_conflict SET resolution = NULL, resolved_at = NULL WHERE merge_id = " + id + " AND object_key = 'index:public.t.t_a'");
        db.exec("SELECT pggit.resolve_conflicts_batch(" + id + ", ARRAY['index:public.t.t_a'], 'source', 'drop it with t')");
        assertEquals("completed", db.value("SELECT status FROM pggit.complete_merge(" + id + ")"));
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.tree_objects((SELECT tree FROM pggit.commit WHERE id = pggit.resolve('copy'))) "
                + "WHERE object_key LIKE 'index:%' OR object_key IN ('table:public.t', 'table:public.u')"), "both tables gone, and their indexes");
    }

    @Test
    void badArgumentsSayWhatIsAllowed() {
        TestDb db = diverged("merge_errors", List.of("CREATE TABLE public.t (id int)"), List.of("CREATE TABLE public.s (id int)"),
                List.of("DROP TABLE public.s"), List.of("CREATE TABLE public.w (id int)"));
        assertTrue(assertThrows(IllegalStateException.class, () -> merge(db, "'src', NULL, 'octopus'")).getMessage().contains("recursive, ours or theirs"));
        assertTrue(assertThrows(IllegalStateException.class, () -> merge(db, "'src', 'nope'")).getMessage().contains("no branch named \"nope\""));
        assertTrue(assertThrows(IllegalStateException.class, () -> merge(db, "'nope'")).getMessage().contains("nope"));
        assertEquals(List.of(), db.rows("SELECT status FROM pggit.get_merge_status(4242)"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.merge"), "nothing recorded");
    }
}
