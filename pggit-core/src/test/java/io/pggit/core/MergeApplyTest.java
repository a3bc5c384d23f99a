package io.pggit.core;

import io.pggit.core.model.Merge;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.pggit.core.MergeTest.diverged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge from Java (issue 15): {@code Pggit.merge} plans the DDL from HEAD's schema to the merged
 * tree with the one planner and DDL writer and runs it on the checked-out target in the merge's
 * transaction, so that afterwards the live catalog equals HEAD (no drift); without apply the plan is
 * what a migration would run, and that migration's capture becomes the merge commit.
 */
class MergeApplyTest {

    static final List<String> BASE = List.of("CREATE TABLE public.\"Meter\" (id int PRIMARY KEY, a int, \"Wert\" text)",
            "CREATE VIEW public.v AS SELECT id FROM public.\"Meter\"");
    static final List<String> SOURCE = List.of("ALTER TABLE public.\"Meter\" ADD COLUMN \"zählerstand\" numeric(12,2) NOT NULL DEFAULT 0",
            "CREATE INDEX meter_a ON public.\"Meter\" (a)", "CREATE FUNCTION public.f(int) RETURNS int LANGUAGE sql AS 'SELECT $1'");
    static final List<String> UNDO = List.of("DROP FUNCTION public.f(int)", "DROP INDEX public.meter_a",
            "ALTER TABLE public.\"Meter\" DROP COLUMN \"zählerstand\"");
    static final List<String> TARGET = List.of("ALTER TABLE public.\"Meter\" ALTER \"Wert\" SET DEFAULT 'x'",
            "CREATE FUNCTION public.f(text) RETURNS int LANGUAGE sql AS 'SELECT 1'");

    @Test
    void aCleanMergeIntoTheCheckedOutBranchRunsItsPlanAndLeavesNoDrift() {
        TestDb db = diverged("merge_apply", BASE, SOURCE, UNDO, TARGET);
        Pggit pggit = db.pggit();
        Merge m = pggit.merge("src", null, null, true);
        assertEquals("completed", m.status(), m.toString());
        assertTrue(m.applied());
        assertFalse(m.plan().isEmpty());
        assertEquals(m.mergeCommit(), pggit.head());
        assertEquals(db.freshCaptureTree(), db.headTree(), "live == HEAD: " + m.plan());
        assertEquals(List.of(), pggit.drift());
        assertEquals(List.of(), pggit.status());
        assertEquals("2", db.value("SELECT cardinality(parents) FROM pggit.commit WHERE id = pggit.head_commit()"));
        // the same merge into a branch that is not checked out has the same tree
        db.exec("SELECT pggit.create_branch('copy2', 'HEAD~1')");   // main before the merge (first parent)
        Merge copy = pggit.merge("src", "copy2", null, true);
        assertEquals("completed", copy.status());
        assertTrue(copy.plan().isEmpty(), "nothing runs for a branch that is not checked out");
        assertEquals(db.headTree(), db.value("SELECT tree FROM pggit.commit WHERE id = pggit.resolve('copy2')"));
    }

    @Test
    void withoutApplyThePlanIsTheMigrationWhoseCaptureCompletesTheMerge() throws Exception {
        TestDb db = diverged("merge_as_migration", BASE, SOURCE, UNDO, TARGET);
        Pggit pggit = db.pggit();
        String before = db.headTree();
        Merge m = pggit.merge("src", null, null, false);
        assertEquals("ready", m.status());
        assertFalse(m.applied());
        assertEquals(before, db.headTree(), "nothing ran");
        assertEquals(db.freshCaptureTree(), before);
        // the tool runs the migration written from the plan; its capture is the merge commit
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            for (String s : m.plan()) {
                st.execute(s);
            }
        }
        String cid = pggit.commit("V4__merge_src").orElseThrow();
        assertEquals("completed " + cid, db.value("SELECT status || ' ' || merge_commit FROM pggit.merge WHERE id = " + m.id()));
        assertEquals(List.of(), pggit.drift());
    }

    @Test
    void conflictsWaitThenResolvedOnesCompleteAndARollbackRunsTheReversePlan() {
        TestDb db = diverged("merge_apply_conflicts",
                List.of("CREATE TABLE public.t (id int, b text)"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(20)", "CREATE TABLE public.s (id int)"),
                List.of("DROP TABLE public.s", "ALTER TABLE public.t ALTER b TYPE text"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(10)"));
        Pggit pggit = db.pggit();
        String before = db.headTree();
        Merge m = pggit.merge("src", null, "recursive", true);
        assertEquals("conflicts", m.status());
        assertEquals(List.of("table:public.t"), m.openConflicts());
        assertThrows(PggitException.class, () -> pggit.resolveMergeConflicts(m.id(), List.of("table:public.t"), "sideways", null));
        assertEquals(List.of("table:public.t BOTH_MODIFIED [column b] open"), pggit.mergeConflicts(m.id()).stream()
                .map(c -> c.objectKey() + " " + c.type() + " " + c.conflictingParts() + " " + c.resolution().orElse("open")).toList());
        assertEquals(List.of("conflicts", "table:public.t"), List.of(pggit.mergeStatus(m.id()).orElseThrow().status(),
                String.join(",", pggit.mergeStatus(m.id()).orElseThrow().openConflicts())));
        assertTrue(pggit.mergeStatus(m.id() + 100).isEmpty(), "no such merge");
        assertEquals(1, pggit.resolveMergeConflicts(m.id(), List.of("table:public.t"), "source", "wider wins"));
        Merge.Conflict resolved = pggit.mergeConflicts(m.id()).get(0);
        assertEquals("source wider wins false", resolved.resolution().orElseThrow() + " " + resolved.reason().orElseThrow() + " " + resolved.open());
        Merge done = pggit.completeMerge(m.id(), false, true);
        assertEquals("completed", done.status(), done.toString());
        assertEquals(List.of("character varying(20)"), db.column("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'public.t'::regclass AND attname = 'b'"));
        assertEquals(db.freshCaptureTree(), db.headTree());

        Merge back = pggit.rollbackMerge(m.id(), "the wider column broke a report", true);
        assertEquals("rolled_back", back.status());
        assertEquals(before, db.headTree());
        assertEquals(db.freshCaptureTree(), db.headTree());
        assertEquals(List.of(), pggit.drift());
    }

    @Test
    void aMergeOverUncommittedChangesRollsBackWhole() {
        TestDb db = diverged("merge_apply_dirty", BASE, SOURCE, UNDO, TARGET);
        Pggit pggit = db.pggit();
        String before = db.headTree();
        db.exec("CREATE TABLE public.uncommitted (id int)");
        PggitException e = assertThrows(PggitException.class, () -> pggit.merge("src", null, null, true));
        assertTrue(e.getMessage().contains("1 uncommitted change(s) (A table:public.uncommitted)"), e.getMessage());
        assertEquals(before, db.headTree());
        assertEquals("0", db.value("SELECT count(*) FROM pggit.merge"), "no merge recorded");
        assertEquals("0", db.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.\"Meter\"'::regclass AND attname = 'zählerstand'"),
                "the plan's DDL rolled back with it");
        assertEquals(List.of("A table:public.uncommitted"), pggit.status().stream().map(c -> c.type().code() + " " + c.key().toString()).toList());
    }

    @Test
    void aMergeThatDropsATableHoldingRowsIsRefusedUnlessDataLossIsAllowed() {
        TestDb db = diverged("merge_apply_data_loss", List.of("CREATE TABLE public.d (id int)", "CREATE TABLE public.t (id int)"),
                List.of("DROP TABLE public.d"), List.of("CREATE TABLE public.d (id int)"), List.of("CREATE TABLE public.w (id int)"));
        db.exec("INSERT INTO public.d VALUES (1), (2)");
        Pggit pggit = db.pggit();
        String before = db.headTree();
        PggitException e = assertThrows(PggitException.class, () -> pggit.merge("src", null, null, true));
        assertTrue(e.getMessage().contains("lose data") && e.getMessage().contains("2 rows"), e.getMessage());
        assertEquals(before, db.headTree());
        assertEquals("2", db.value("SELECT count(*) FROM public.d"), "nothing ran");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.merge"));
        Merge m = pggit.merge("src", null, null, true, true);
        assertEquals("completed", m.status());
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.d')"));
        assertEquals(db.freshCaptureTree(), db.headTree());
    }
}
