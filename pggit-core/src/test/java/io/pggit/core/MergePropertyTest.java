package io.pggit.core;

import io.pggit.core.model.Merge;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge's property (issue 15), PlanetScale's commutativity check on recorded history: random DDL
 * on two branches from one base, checked out and committed each in turn; whenever
 * {@code merge_branch} reports no conflict, the merged tree is the catalog that replaying the
 * target's DDL and then the source's on a copy of the base gives (exactly: the merged table has the
 * target's columns, then the source's added ones), the one replaying source then target gives up to
 * column order, and {@code Pggit.merge} applied to the checked-out target leaves no drift with the
 * live catalog at that tree. Replayed DDL that fails where the merge saw no conflict is a failure of
 * the property, as is a replay that differs.
 *
 * <p>The DDL is drawn from column adds, drops, defaults and type changes, table comments, tables
 * created and dropped, indexes, and a function's body and overloads; names a side creates are its
 * own, so that a replay of both never adds one name twice. Fixed seeds: a failure names its round.
 */
class MergePropertyTest {

    static final int ROUNDS = 16;
    static final List<String> BASE = List.of("CREATE TABLE public.t1 (id int, c1 int, c2 text)", "CREATE TABLE public.t2 (id int, c1 int, c2 text)",
            "CREATE TABLE public.t3 (id int, c1 int, c2 text)", "CREATE FUNCTION public.f(int) RETURNS int LANGUAGE sql AS 'SELECT 0'");

    static List<String> ops(Random r, String side) {
        List<String> out = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            String t = "public.t" + (1 + r.nextInt(3));
            String mine = side + i;
            switch (r.nextInt(10)) {
                case 0 -> out.add("ALTER TABLE IF EXISTS " + t + " ADD COLUMN IF NOT EXISTS " + mine + " " + (r.nextBoolean() ? "int" : "text"));
                case 1 -> out.add("ALTER TABLE IF EXISTS " + t + " ALTER c1 SET DEFAULT " + (1 + r.nextInt(2)));
                case 2 -> out.add("COMMENT ON TABLE " + t + " IS 'comment " + (1 + r.nextInt(2)) + "'");
                case 3 -> out.add("ALTER TABLE IF EXISTS " + t + " ALTER c2 TYPE varchar(" + (10 + 10 * r.nextInt(2)) + ")");
                case 4 -> out.add("ALTER TABLE IF EXISTS " + t + " DROP COLUMN IF EXISTS c" + (1 + r.nextInt(2)));
                case 5 -> out.add("CREATE TABLE IF NOT EXISTS public." + mine + " (id int, v text)");
                case 6 -> out.add("DROP TABLE IF EXISTS " + t);
                case 7 -> out.add("CREATE INDEX IF NOT EXISTS ix_" + mine + " ON " + t + " (id)");
                case 8 -> out.add("CREATE OR REPLACE FUNCTION public.f(int) RETURNS int LANGUAGE sql AS 'SELECT " + (1 + r.nextInt(2)) + "'");
                default -> out.add("CREATE FUNCTION public.f_" + mine + "(text) RETURNS int LANGUAGE sql AS 'SELECT 1'");
            }
        }
        return out;
    }

    /** Runs each statement on its own; those that fail (a comment on a table this side dropped, say) are left out. */
    static List<String> runEach(TestDb db, List<String> statements) {
        List<String> ran = new ArrayList<>();
        for (String s : statements) {
            try {
                db.exec(s);
                ran.add(s);
            } catch (IllegalStateException e) {
                // not applicable on this side's state
            }
        }
        return ran;
    }

    /** The objects of the live catalog, as a full capture reads them. */
    static final String LIVE = "SELECT object_key, definition FROM pggit.read_catalog()";

    /** The objects of a tree, with their definitions from the store. */
    static String ofTree(String tree) {
        return "SELECT o.object_key, b.definition FROM pggit.tree_objects('" + tree + "') o JOIN pggit.blob b ON b.hash = o.hash";
    }

    /**
     * Every object of {@code objects} (key, definition) with its definition, one a line, by key:
     * comparable across databases; {@code anyColumnOrder} sorts a relation's columns by name.
     */
    static String objects(TestDb db, String objects, boolean anyColumnOrder) {
        String def = anyColumnOrder ? "CASE WHEN x.definition ? 'columns' THEN jsonb_set(x.definition, '{columns}', "
                + "(SELECT coalesce(jsonb_agg(c ORDER BY c ->> 'name'), '[]') FROM jsonb_array_elements(x.definition -> 'columns') c)) "
                + "ELSE x.definition END" : "x.definition";
        return db.value("SELECT string_agg(x.object_key || ' ' || (" + def + ")::text, E'\n' ORDER BY x.object_key) FROM (" + objects + ") x");
    }

    @Test
    void aMergeWithoutConflictsIsWhatReplayingBothSidesGives() {
        int clean = 0;
        int conflicted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Random r = new Random(1_000 + round);
            String why = "round " + round + " (seed " + (1_000 + round) + ")";
            TestDb db = TestDb.withPggit("merge_property_" + round);
            Pggit pggit = db.pggit();
            db.exec(BASE.toArray(String[]::new));
            pggit.commit("base");
            pggit.createBranch("src", null, null);
            pggit.checkout("src", true, false);
            List<String> source = runEach(db, ops(r, "s"));
            pggit.commit("source side");
            pggit.checkout("main", true, true);
            List<String> target = runEach(db, ops(r, "t"));
            pggit.commit("target side");
            pggit.createBranch("copy", "main", null);

            List<String> m = db.rows("SELECT conflicts::text, status FROM pggit.merge_branch('src', 'copy')").get(0);
            if (m.get(0).equals("true")) {
                conflicted++;
                continue;
            }
            clean++;
            String why2 = why + ", source " + source + ", target " + target;
            assertEquals("completed", m.get(1), why2);
            String merged = db.value("SELECT tree FROM pggit.commit WHERE id = pggit.resolve('copy')");

            TestDb targetFirst = TestDb.withPggit("merge_property_" + round + "_ts");
            targetFirst.exec(BASE.toArray(String[]::new));
            replayInto(targetFirst, target, source, why2);
            assertEquals(objects(db, ofTree(merged), false), objects(targetFirst, LIVE, false), why2 + ": target then source");
            TestDb sourceFirst = TestDb.withPggit("merge_property_" + round + "_st");
            sourceFirst.exec(BASE.toArray(String[]::new));
            replayInto(sourceFirst, source, target, why2);
            assertEquals(objects(db, ofTree(merged), true), objects(sourceFirst, LIVE, true), why2 + ": source then target, up to column order");

            Merge applied = pggit.merge("src", null, null, true, true);
            assertEquals("completed", applied.status(), why2 + ": " + applied);
            assertEquals(merged, db.headTree(), why2 + ": the applied merge has the merged tree");
            assertEquals(db.freshCaptureTree(), db.headTree(), why2 + ": live == HEAD");
            assertEquals(List.of(), pggit.drift(), why2);
        }
        System.out.println("MergePropertyTest: " + clean + " clean merges checked, " + conflicted + " with conflicts, of " + ROUNDS);
        assertTrue(clean >= ROUNDS / 4 && conflicted >= 1, "a mix of clean (" + clean + ") and conflicted (" + conflicted + ") merges");
    }

    static void replayInto(TestDb db, List<String> first, List<String> second, String why) {
        db.exec(first.toArray(String[]::new));
        for (String s : second) {
            try {
                db.exec(s);
            } catch (IllegalStateException e) {
                throw new AssertionError(why + ": the merge saw no conflict, but " + s + " fails after " + first + ": " + e.getMessage(), e);
            }
        }
    }
}
