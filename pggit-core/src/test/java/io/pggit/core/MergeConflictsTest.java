package io.pggit.core;

import io.pggit.core.model.MergeConflict;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge dry run (issue 15): {@code pggit.detect_merge_conflicts} classifies, per object, what
 * two branches did since their merge base, and finds the parts of a definition both changed.
 * Branches diverge here by DDL and commits with {@code pggit.head} moved by hand (checkout, which
 * would rewrite the catalog, comes later): the live catalog is put back to the base by DDL before
 * the source side's changes.
 */
class MergeConflictsTest {

    @Test
    void everyKindOfOutcomeOfAThreeWayComparison() {
        TestDb db = TestDb.withPggit("merge_conflicts");
        db.exec("CREATE TABLE public.t1 (id int, a int, b text)", "CREATE TABLE public.t2 (id int, b text)",
                "CREATE TABLE public.t3 (id int)", "CREATE TABLE public.t4 (id int)");
        Pggit pggit = db.pggit();
        pggit.commit("base");
        pggit.createBranch("src", null, null);

        // target (main)
        db.exec("ALTER TABLE public.t1 ALTER a SET DEFAULT 5", "ALTER TABLE public.t2 ALTER b TYPE varchar(10)",
                "COMMENT ON TABLE public.t3 IS 'target'", "ALTER TABLE public.t4 ADD COLUMN c int",
                "CREATE VIEW public.v AS SELECT 1 AS x", "CREATE FUNCTION public.f(int) RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE TABLE public.only_target (id int)");
        pggit.commit("target side");
        // back to the base, then the source side
        db.exec("ALTER TABLE public.t1 ALTER a DROP DEFAULT", "ALTER TABLE public.t2 ALTER b TYPE text", "COMMENT ON TABLE public.t3 IS NULL",
                "ALTER TABLE public.t4 DROP COLUMN c", "DROP VIEW public.v", "DROP FUNCTION public.f(int)", "DROP TABLE public.only_target");
        db.exec("ALTER TABLE public.t1 ADD COLUMN c int", "ALTER TABLE public.t2 ALTER b TYPE varchar(20)", "DROP TABLE public.t3",
                "ALTER TABLE public.t4 ADD COLUMN c int", "CREATE VIEW public.v AS SELECT 2 AS x",
                "CREATE FUNCTION public.f(text) RETURNS int LANGUAGE sql AS 'SELECT 2'");
        db.exec("UPDATE pggit.head SET branch = 'src'");
        pggit.commit("source side");
        db.exec("UPDATE pggit.head SET branch = 'main'");
        // t4's column c, added on both: the commit writer compares the live catalog with the index
        // (main's state, c included), so the source side's identical change is written as the writer
        // would write it on a checked-out src: t4's definition at main put into src's tree
        db.exec("INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message) "
                + "SELECT pggit.sha256_hex('same t4'), pggit.write_tree(c.tree, ARRAY[ROW(pggit.tree_path('public', 'table', 'table:public.t4'), "
                + "pggit.tree_lookup((SELECT m.tree FROM pggit.commit m WHERE m.id = pggit.resolve('main')), "
                + "pggit.tree_path('public', 'table', 'table:public.t4')))::pggit.tree_edit]), ARRAY[c.id], 'test', now(), 'manual', 'same t4' "
                + "FROM pggit.commit c WHERE c.id = pggit.resolve('src')",
                "UPDATE pggit.ref SET commit_id = pggit.sha256_hex('same t4') WHERE name = 'src'");

        String q = "SELECT object_path || ' ' || conflict_type || ' ' || conflicting_parts::text FROM pggit.detect_merge_conflicts(%s) ORDER BY 1";
        assertEquals(List.of(
                "function:public.f(integer) TARGET_MODIFIED {}",
                "function:public.f(text) SOURCE_MODIFIED {}",
                "table:public.only_target TARGET_MODIFIED {}",
                "table:public.t1 NO_CONFLICT {}",                          // a default on one side, a new column on the other
                "table:public.t2 BOTH_MODIFIED {\"column b\"}",             // varchar(20) against varchar(10)
                "table:public.t3 DELETED_SOURCE {}",                       // dropped on the source, commented on the target
                "table:public.t4 NO_CONFLICT {}",                          // the same column added on both
                "view:public.v BOTH_ADDED {}"),                            // one name, two queries
                db.column(String.format(q, "'src', 'main'")));
        assertEquals(List.of("table:public.t3 DELETED_TARGET {}"),
                db.column(String.format(q, "'main', 'src'")).stream().filter(r -> r.startsWith("table:public.t3 ")).toList(), "the other way round");
        assertEquals(List.of("varchar(20) varchar(10) text"),
                db.column("SELECT (SELECT c ->> 'type' FROM jsonb_array_elements(source_definition -> 'columns') c WHERE c ->> 'name' = 'b') || ' ' "
                        + "|| (SELECT c ->> 'type' FROM jsonb_array_elements(target_definition -> 'columns') c WHERE c ->> 'name' = 'b') || ' ' "
                        + "|| (SELECT c ->> 'type' FROM jsonb_array_elements(base_definition -> 'columns') c WHERE c ->> 'name' = 'b') "
                        + "FROM pggit.detect_merge_conflicts('src', 'main') WHERE object_path = 'table:public.t2'")
                        .stream().map(s -> s.replace("character varying", "varchar")).toList(), "the three definitions");
        List<MergeConflict> viaJava = pggit.detectMergeConflicts("src", "main");
        assertEquals(List.of("table:public.t2", "table:public.t3", "view:public.v"),
                viaJava.stream().filter(c -> c.type().conflict()).map(MergeConflict::objectKey).toList());
        MergeConflict t2 = viaJava.stream().filter(c -> c.objectKey().equals("table:public.t2")).findFirst().orElseThrow();
        assertEquals(List.of("column b"), t2.conflictingParts());
        assertTrue(t2.base().isPresent() && t2.source().isPresent() && t2.target().isPresent());
        MergeConflict t3 = viaJava.stream().filter(c -> c.objectKey().equals("table:public.t3")).findFirst().orElseThrow();
        assertEquals(MergeConflict.Type.DELETED_SOURCE, t3.type());
        assertTrue(t3.source().isEmpty() && t3.target().orElseThrow().contains("\"comment\": \"target\""), t3.toString());
        assertEquals(List.of(), db.column(String.format(q, "'main', 'main'")), "a branch against itself");
        assertEquals(List.of(), db.column(String.format(q, "'main~1', 'main'")).stream().filter(r -> !r.contains("TARGET_MODIFIED")).toList(),
                "an ancestor merges as a fast-forward: only the target's changes");
    }
}
