package io.pggit.core;

import io.pggit.core.model.Change;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pggit.diff_branches} (issues 15 and 16): the difference between two branches' tips, per
 * object key, with change types as {@code pggit.diff} spells them (A, M, D) and both definitions.
 */
class DiffBranchesTest {

    @Test
    void theTipsOfTwoBranchesDifferPerObjectAsDiffSaysAndReadersMayAsk() {
        TestDb db = TestDb.diverged("diff_branches", List.of("CREATE TABLE public.t (id int, a int)", "CREATE TABLE public.u (id int)"),
                List.of("ALTER TABLE public.t DROP COLUMN a", "CREATE TABLE public.s (id int)"),
                List.of("DROP TABLE public.s", "ALTER TABLE public.t ADD COLUMN a int"),
                List.of("DROP TABLE public.u"));   // main drops u, src drops t.a and adds s
        assertEquals(List.of("A table:public.s null new", "M table:public.t old new", "A table:public.u null new"),
                db.column("SELECT change_type || ' ' || object_path || ' ' || CASE WHEN old_definition IS NULL THEN 'null' ELSE 'old' END "
                        + "|| ' ' || CASE WHEN new_definition IS NULL THEN 'null' ELSE 'new' END FROM pggit.diff_branches('main', 'src')"));
        // the same rows as pggit.diff of the two tips, and the reverse swaps A and D
        assertEquals(db.column("SELECT change || object_key || coalesce(old_definition::text, '') || coalesce(new_definition::text, '') "
                        + "FROM pggit.diff('main', 'src')"),
                db.column("SELECT change_type || object_path || coalesce(old_definition::text, '') || coalesce(new_definition::text, '') "
                        + "FROM pggit.diff_branches('main', 'src')"));
        assertEquals(List.of("D table:public.s", "M table:public.t", "D table:public.u"),
                db.column("SELECT change_type || ' ' || object_path FROM pggit.diff_branches('src', 'main')"));
        assertEquals(List.of(), db.column("SELECT object_path FROM pggit.diff_branches('main', 'main')"));
        // from Java
        List<Change> changes = db.pggit().diffBranches("main", "src");
        assertEquals(List.of("A table:public.s", "M table:public.t", "A table:public.u"),
                changes.stream().map(c -> c.type().code() + " " + c.key()).toList());
        assertTrue(changes.get(0).newDefinition().isPresent() && changes.get(0).oldDefinition().isEmpty());
        // branches only: a revision is not a branch
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.value("SELECT count(*) FROM pggit.diff_branches('main', 'HEAD~1')"));
        assertTrue(e.getMessage().contains("no branch \"HEAD~1\""), e.getMessage());
        assertThrows(PggitException.class, () -> db.pggit().diffBranches("nope", "main"));
    }
}
