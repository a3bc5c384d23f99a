package io.pggit.core;

import io.pggit.core.model.Merge;
import io.pggit.core.model.MergeConflict;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dependency the merge breaks that no definition names (issue 15): a view's query or a routine's
 * body on a column the other side drops. Merging into the checked-out target, Java runs the merged
 * plan in a savepoint first (the trial); a step that fails there is rolled back and recorded as a
 * DEPENDENCY conflict on the step's object with PostgreSQL's message and DETAIL, and the merge waits
 * (status conflicts, committed) with nothing changed in the catalog.
 */
class MergeDependencyTest {

    static final List<String> BASE = List.of("CREATE TABLE public.t (id int, a int)");
    static final List<String> SOURCE = List.of("ALTER TABLE public.t DROP COLUMN a");
    static final List<String> UNDO = List.of("ALTER TABLE public.t ADD COLUMN a int");

    static String conflictDetail(TestDb db, long id, String key) {
        return db.value("SELECT detail FROM pggit.get_conflicts_by_type(" + id + ", 'DEPENDENCY') WHERE object_path = '" + key + "'");
    }

    void aViewOnAColumnTheOtherSideDrops(boolean apply) {
        TestDb db = TestDb.diverged("merge_dep_view_" + apply, BASE, SOURCE, UNDO, List.of("CREATE VIEW public.v AS SELECT a FROM public.t"));
        Pggit pggit = db.pggit();
        String before = db.headTree();
        List<String> catalog = db.freshCapture();
        Merge m = pggit.merge("src", null, null, apply);
        assertEquals("conflicts", m.status(), m.toString());
        assertEquals(List.of("table:public.t"), m.openConflicts());
        assertFalse(m.applied());
        assertEquals(List.of(), m.plan(), "no plan for a merge that waits");
        List<Merge.Conflict> conflicts = pggit.mergeConflicts(m.id());
        assertEquals(1, conflicts.size());
        Merge.Conflict c = conflicts.get(0);
        assertEquals(MergeConflict.Type.DEPENDENCY, c.type());
        String detail = c.detail().orElseThrow();
        assertTrue(detail.contains("cannot drop column a of table t because other objects depend on it"), detail);
        assertTrue(detail.contains("view v depends on column a of table t"), detail);
        assertEquals(detail, conflictDetail(db, m.id(), "table:public.t"));
        assertTrue(c.conflictingParts().get(0).contains("DROP COLUMN"), c.conflictingParts().toString());
        // nothing changed, and the merge waits, committed
        assertEquals(before, db.headTree());
        assertEquals(catalog, db.freshCapture(), "the trial rolled back");
        assertEquals(List.of(), pggit.drift());
        assertEquals("conflicts", db.value("SELECT status FROM pggit.merge WHERE id = " + m.id()));
        assertEquals(null, db.value("SELECT merged_tree FROM pggit.merge WHERE id = " + m.id()));

        // keep the target's t (column a stays): the merged tree is the target's, the merge commit is written
        assertEquals(1, pggit.resolveMergeConflicts(m.id(), List.of("table:public.t"), "target", "v needs a"));
        Merge done = pggit.completeMerge(m.id(), false, apply);
        assertEquals("completed", done.status(), done.toString());
        assertEquals(List.of(), pggit.drift());
        assertEquals(db.freshCaptureTree(), db.headTree());
        assertEquals(List.of("a"), db.column("SELECT attname FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'a'"));
        assertEquals(List.of("v"), db.column("SELECT viewname FROM pg_views WHERE schemaname = 'public'"));
        assertEquals("2", db.value("SELECT cardinality(parents) FROM pggit.commit WHERE id = pggit.head_commit()"));
    }

    @Test
    void aViewOnAColumnTheOtherSideDropsIsADependencyConflictWhenApplying() {
        aViewOnAColumnTheOtherSideDrops(true);
    }

    @Test
    void aViewOnAColumnTheOtherSideDropsIsADependencyConflictBeforeAMigrationIsWritten() {
        aViewOnAColumnTheOtherSideDrops(false);
    }

    @Test
    void aRoutineBodyOnADroppedColumnWaitsAndResolvingForTheSourceTriesAgain() {
        TestDb db = TestDb.diverged("merge_dep_routine", BASE, SOURCE, UNDO,
                List.of("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a FROM public.t; END"));
        Pggit pggit = db.pggit();
        List<String> catalog = db.freshCapture();
        Merge m = pggit.merge("src", null, null, true);
        assertEquals(List.of("table:public.t"), m.openConflicts(), m.toString());
        String detail = pggit.mergeConflicts(m.id()).get(0).detail().orElseThrow();
        assertTrue(detail.contains("function f() depends on column a of table t"), detail);
        assertEquals(catalog, db.freshCapture());
        // the source's side fails again: the trial re-runs and the conflict is open again, saying so
        pggit.resolveMergeConflicts(m.id(), List.of("table:public.t"), "source", "drop it anyway");
        Merge again = pggit.completeMerge(m.id(), false, true);
        assertEquals("conflicts", again.status(), again.toString());
        assertEquals(List.of("table:public.t"), again.openConflicts());
        Merge.Conflict reopened = pggit.mergeConflicts(m.id()).get(0);
        assertTrue(reopened.reason().orElseThrow().contains("source"), reopened.reason().toString());
        assertEquals(catalog, db.freshCapture());
        pggit.resolveMergeConflicts(m.id(), List.of("table:public.t"), "target", "f needs a");
        assertEquals("completed", pggit.completeMerge(m.id(), false, true).status());
        assertEquals(List.of(), pggit.drift());
        assertEquals("1", db.value("SELECT count(*) FROM pg_proc WHERE proname = 'f'"));
    }

    @Test
    void aCleanMergeStillRunsOnceAndCompletes() {
        TestDb db = TestDb.diverged("merge_dep_clean", BASE, SOURCE, UNDO, List.of("CREATE VIEW public.v AS SELECT id FROM public.t"));
        Merge m = db.pggit().merge("src", null, null, true);
        assertEquals("completed", m.status(), m.toString());
        assertTrue(m.applied());
        assertEquals(List.of(), db.column("SELECT attname FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'a'"));
        assertEquals(db.freshCaptureTree(), db.headTree());
    }

    @Test
    void recordingADependencyConflictNeedsAWaitingMergeAndAnObjectOfIt() {
        TestDb db = TestDb.diverged("merge_dep_record", BASE, SOURCE, UNDO, List.of("CREATE VIEW public.v AS SELECT id FROM public.t"));
        long id = Long.parseLong(db.value("SELECT merge_id FROM pggit.merge_branch('src')"));
        assertEquals("ready", db.value("SELECT status FROM pggit.merge WHERE id = " + id));
        IllegalStateException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> db.value("SELECT pggit.record_dependency_conflict(" + id + ", 'table:public.nope', 'DROP TABLE x', 'boom')"));
        assertTrue(unknown.getMessage().contains("table:public.nope"), unknown.getMessage());
        db.value("SELECT pggit.record_dependency_conflict(" + id + ", 'table:public.t', 'ALTER TABLE public.t DROP COLUMN a', 'boom')");
        assertEquals("conflicts", db.value("SELECT status FROM pggit.merge WHERE id = " + id));
        assertEquals("DEPENDENCY {\"statement ALTER TABLE public.t DROP COLUMN a\"} boom",
                db.value("SELECT conflict_type || ' ' || conflicting_parts::text || ' ' || detail FROM pggit.merge_conflict WHERE merge_id = " + id));
        db.exec("SELECT pggit.abort_merge(" + id + ")");
        IllegalStateException notReady = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> db.value("SELECT pggit.record_dependency_conflict(" + id + ", 'table:public.t', 'x', 'boom')"));
        assertTrue(notReady.getMessage().contains("is aborted, not waiting"), notReady.getMessage());
    }

    /**
     * PostgreSQL drops an index with the column it is on, so every step succeeds; the trial then
     * finds the merged tree's index missing from the live catalog: both the index and the table whose
     * step took it wait.
     */
    @Test
    void anIndexOnAColumnTheOtherSideDropsWaitsWithTheTableWhoseStepDropsIt() {
        TestDb db = TestDb.diverged("merge_dep_index", BASE, SOURCE, UNDO, List.of("CREATE INDEX t_a ON public.t (a)"));
        Pggit pggit = db.pggit();
        String before = db.headTree();
        List<String> catalog = db.freshCapture();
        Merge m = pggit.merge("src", null, null, false);
        assertEquals("conflicts", m.status(), m.toString());
        assertEquals(List.of("index:public.t.t_a", "table:public.t"), m.openConflicts());
        String detail = pggit.mergeConflicts(m.id()).get(0).detail().orElseThrow();
        assertTrue(detail.contains("lacks index:public.t.t_a") && detail.contains("(table:public.t)"), detail);
        assertEquals(before, db.headTree());
        assertEquals(catalog, db.freshCapture());
        // drop both, as the source has them
        pggit.resolveMergeConflicts(m.id(), List.of("index:public.t.t_a", "table:public.t"), "source", "a goes, and its index");
        Merge done = pggit.completeMerge(m.id(), false, true);
        assertEquals("completed", done.status(), done.toString());
        assertEquals(List.of(), db.column("SELECT attname FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'a'"));
        assertEquals(List.of(), pggit.drift());
        assertEquals(db.freshCaptureTree(), db.headTree());
    }
}
