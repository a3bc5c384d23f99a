package io.pggit.core;

import io.pggit.core.model.Merge;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renames across branches (issue 15): a rename is known from history (a capture saw the object id,
 * or the column's attnum, under a new name: {@code pggit.renames_since}), never guessed from names.
 * An object renamed on one side and changed on the other is one object in the merge, under its new
 * name with both changes; the applied plan renames it in place (its rows stay), and renames
 * that disagree are conflicts.
 */
class MergeRenameTest {

    static List<String> merge(TestDb db, String args) {
        return db.rows("SELECT merge_id::text, conflicts::text, conflict_objects::text, status FROM pggit.merge_branch(" + args + ")").get(0);
    }

    static List<String> columns(TestDb db, String rev, String key) {
        return db.column("SELECT c ->> 'name' || coalesce(' default ' || (c ->> 'default'), '') || ' ' || (c ->> 'type') "
                + "FROM pggit.commit k, LATERAL (SELECT b.definition FROM pggit.blob b WHERE b.hash = pggit.tree_lookup(k.tree, "
                + "pggit.tree_path('public', 'table', '" + key + "'))) d, jsonb_array_elements(d.definition -> 'columns') WITH ORDINALITY c(c, o) "
                + "WHERE k.id = pggit.resolve('" + rev + "') ORDER BY o");
    }

    @Test
    void aRenameOnOneSideAndAChangeOnTheOtherMergeIntoTheRenamedObjectAndItsRowsStay() {
        TestDb db = TestDb.diverged("merge_rename_clean",
                List.of("CREATE TABLE public.t (id int PRIMARY KEY, a int, note text)", "INSERT INTO public.t VALUES (1, 10, 'kept'), (2, 20, 'kept')"),
                List.of("ALTER TABLE public.t RENAME TO \"Meter Reading\"", "ALTER TABLE public.\"Meter Reading\" RENAME COLUMN a TO \"amöunt\""),
                List.of("ALTER TABLE public.\"Meter Reading\" RENAME COLUMN \"amöunt\" TO a", "ALTER TABLE public.\"Meter Reading\" RENAME TO t"),
                List.of("ALTER TABLE public.t ALTER a SET DEFAULT 5", "ALTER TABLE public.t ALTER note TYPE varchar(40)"));
        Pggit pggit = db.pggit();
        assertEquals(List.of("table:public.t -> table:public.\"Meter Reading\" {\"a\": \"amöunt\"}"),
                db.column("SELECT r.key || ' -> ' || (r.value ->> 'key') || ' ' || (r.value -> 'columns')::text "
                        + "FROM jsonb_each(pggit.renames_since(pggit.find_merge_base('src', 'main'), pggit.resolve('src'))) r "
                        + "WHERE r.key LIKE 'table:%'"), "from the source side's history");
        assertEquals(List.of("table:public.\"Meter Reading\" NO_CONFLICT"),
                db.column("SELECT object_path || ' ' || conflict_type FROM pggit.detect_merge_conflicts('src', 'main') WHERE kind = 'table'"),
                "one object, under its new name: a default and a type on one side, names on the other are disjoint");

        pggit.createBranch("copy", "main", null);
        assertEquals(List.of("1", "false", "{}", "completed"), merge(db, "'src', 'copy'"), "not checked out: written at once");
        assertEquals(List.of("id integer", "amöunt default 5 integer", "note character varying(40)"),
                columns(db, "copy", "table:public.\"Meter Reading\""), "both sides' changes on the renamed table");
        assertEquals(null, db.value("SELECT pggit.tree_lookup(c.tree, pggit.tree_path('public', 'table', 'table:public.t')) FROM pggit.commit c "
                + "WHERE c.id = pggit.resolve('copy')"), "the old name is gone");
        assertEquals(List.of("R table:public.\"Meter Reading\" table:public.t {\"a\": \"amöunt\"}"),
                db.column("SELECT change || ' ' || object_key || ' ' || old_key || ' ' || (detail -> 'renamed_columns')::text FROM pggit.change "
                        + "WHERE commit_id = pggit.resolve('copy') AND kind = 'table'"), "a merge commit written from the store records its renames too");

        Merge m = pggit.merge("src", null, "recursive", true);
        assertEquals("completed", m.status());
        assertTrue(m.plan().contains("ALTER TABLE public.t RENAME TO \"Meter Reading\";"), "renamed in place: " + m.plan());
        assertTrue(m.plan().contains("ALTER TABLE public.\"Meter Reading\" RENAME COLUMN \"a\" TO \"amöunt\";"), m.plan().toString());
        assertTrue(m.plan().stream().noneMatch(s -> s.startsWith("DROP") || s.startsWith("CREATE TABLE") || s.contains("DROP COLUMN")),
                "nothing dropped: " + m.plan());
        assertEquals(List.of("1 10 kept", "2 20 kept"), db.column("SELECT id || ' ' || \"amöunt\" || ' ' || note FROM public.\"Meter Reading\" ORDER BY id"),
                "its rows stay");
        assertEquals(List.of(), pggit.drift());
        assertEquals(db.freshCaptureTree(), db.value("SELECT tree FROM pggit.commit WHERE id = pggit.resolve('main')"), "live == HEAD");
        assertEquals(db.value("SELECT tree FROM pggit.commit WHERE id = pggit.resolve('copy')"),
                db.value("SELECT tree FROM pggit.commit WHERE id = pggit.resolve('main')"), "the applied merge is the merged tree");
        assertEquals(List.of("R table:public.\"Meter Reading\" table:public.t"),
                db.column("SELECT change || ' ' || object_key || ' ' || old_key FROM pggit.change WHERE commit_id = pggit.resolve('main') AND kind = 'table'"),
                "the merge commit's capture records the rename, for the next merge");

        // the merge undone: the reverse plan renames back
        Merge back = pggit.rollbackMerge(m.id(), "renamed too early", true);
        assertTrue(back.plan().contains("ALTER TABLE public.\"Meter Reading\" RENAME TO \"t\";"), back.plan().toString());
        assertEquals(List.of("1 10", "2 20"), db.column("SELECT id || ' ' || a FROM public.t ORDER BY id"));
        assertEquals(List.of(), pggit.drift());
    }

    @Test
    void renamesThatDisagreeAreConflictsAndATriggerOnTheOldNameIsADependency() {
        TestDb db = TestDb.diverged("merge_rename_conflicts",
                List.of("CREATE TABLE public.t (id int, a int)", "CREATE TABLE public.u (id int, b int)",
                        "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'", "CREATE TABLE public.w (id int)"),
                List.of("ALTER TABLE public.t RENAME TO t_source", "ALTER TABLE public.u RENAME COLUMN b TO b_source", "ALTER TABLE public.w RENAME TO w2"),
                List.of("ALTER TABLE public.t_source RENAME TO t", "ALTER TABLE public.u RENAME COLUMN b_source TO b", "ALTER TABLE public.w2 RENAME TO w"),
                List.of("ALTER TABLE public.t RENAME TO t_target", "ALTER TABLE public.u RENAME COLUMN b TO b_target",
                        "CREATE TRIGGER w_touch BEFORE INSERT ON public.w FOR EACH ROW EXECUTE FUNCTION public.touch()"));
        assertEquals(List.of("table:public.t BOTH_RENAMED {name}", "table:public.u BOTH_MODIFIED {\"column b renamed\"}"),
                db.column("SELECT object_path || ' ' || conflict_type || ' ' || conflicting_parts::text FROM pggit.detect_merge_conflicts('src', 'main') "
                        + "WHERE conflict_type NOT IN ('NO_CONFLICT', 'SOURCE_MODIFIED', 'TARGET_MODIFIED') ORDER BY 1"));
        db.pggit().createBranch("copy", "main", null);
        List<String> m = merge(db, "'src', 'copy'");
        assertEquals(List.of("true", "{table:public.t,table:public.u,trigger:public.w.w_touch}", "conflicts"), m.subList(1, 4),
                "the trigger the target added on w, which the source renamed, is a dependency conflict");
        assertEquals(List.of("trigger:public.w.w_touch DEPENDENCY {\"relation table:public.w\"}"),
                db.column("SELECT object_path || ' ' || conflict_type || ' ' || conflicting_parts::text FROM pggit.get_conflicts_by_type(" + m.get(0)
                        + ", 'DEPENDENCY')"));
        db.exec("SELECT pggit.resolve_conflicts_batch(" + m.get(0) + ", ARRAY['table:public.t'], 'target', 'the target''s name')",
                "SELECT pggit.resolve_conflicts_batch(" + m.get(0) + ", ARRAY['table:public.u'], 'source', 'the source''s column name')",
                "SELECT pggit.resolve_conflicts_batch(" + m.get(0) + ", ARRAY['trigger:public.w.w_touch'], 'source', 'not on the renamed table')");
        db.exec("SELECT * FROM pggit.complete_merge(" + m.get(0) + ")");
        assertEquals(List.of("table:public.t_target", "table:public.u", "table:public.w2"),
                db.column("SELECT o.object_key FROM pggit.tree_objects((SELECT tree FROM pggit.commit WHERE id = pggit.resolve('copy'))) o "
                        + "WHERE o.kind IN ('table', 'trigger') ORDER BY 1"), "t as the target named it, w as the source did, no trigger left on a missing w");
        assertEquals(List.of("id integer", "b_source integer"), columns(db, "copy", "table:public.u"));
    }
    @Test
    void aCheckoutRenamesWhatTheBranchRenamedAndBackKeepingTheRows() {
        TestDb db = TestDb.withPggit("checkout_rename");
        Pggit pggit = db.pggit();
        db.exec("CREATE TABLE public.t (id int PRIMARY KEY, a int)", "INSERT INTO public.t VALUES (1, 10)");
        pggit.commit("base");
        pggit.createBranch("src", null, null);
        db.exec("UPDATE pggit.head SET branch = 'src'", "ALTER TABLE public.t RENAME TO \"Zählerstand\"",
                "ALTER TABLE public.\"Zählerstand\" RENAME COLUMN a TO wert");
        pggit.commit("renamed on src");
        db.exec("UPDATE pggit.head SET branch = 'main'", "ALTER TABLE public.\"Zählerstand\" RENAME COLUMN wert TO a",
                "ALTER TABLE public.\"Zählerstand\" RENAME TO t");
        pggit.commit("back to main's tree on the live catalog");   // no commit: the tree is main's
        assertEquals(List.of(), pggit.drift());

        io.pggit.core.model.Checkout there = pggit.checkout("src", true, false);
        assertTrue(there.applied(), there.refusals().toString());
        assertEquals(List.of("SET check_function_bodies = off;", "ALTER TABLE public.t RENAME TO \"Zählerstand\";",
                "ALTER TABLE public.\"Zählerstand\" RENAME COLUMN \"a\" TO \"wert\";"), there.plan(), "renamed, not dropped: no data loss to refuse");
        assertEquals(List.of("1 10"), db.column("SELECT id || ' ' || wert FROM public.\"Zählerstand\""));
        assertEquals(List.of(), pggit.drift());
        io.pggit.core.model.Checkout back = pggit.checkout("main", true, false);
        assertEquals(List.of("SET check_function_bodies = off;", "ALTER TABLE public.\"Zählerstand\" RENAME TO \"t\";",
                "ALTER TABLE public.t RENAME COLUMN \"wert\" TO \"a\";"), back.plan());
        assertEquals(List.of("1 10"), db.column("SELECT id || ' ' || a FROM public.t"));
        assertEquals(List.of(), pggit.drift());
    }
}
