package io.pggit.core;

import io.pggit.core.model.Branch;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pggit.core.HistoryTest.history;
import static io.pggit.core.HistoryTest.id;
import static io.pggit.core.HistoryTest.insert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Branches and the commit graph (issue 15, first part): creating, listing and deleting branches,
 * merge bases and ahead / behind counts by the generation-ordered walk, against a real PostgreSQL.
 */
class BranchesTest {

    private static String commit(TestDb db, String message) {
        return db.value("SELECT id FROM pggit.commit WHERE message = '" + message + "'");
    }

    private static String sqlState(TestDb db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    @Test
    void branchesAreCreatedListedWithAheadAndBehindAndDecorateTheLog() {
        TestDb db = history("branches_basic", 6);
        Pggit pggit = db.pggit();
        String c4 = commit(db, "c4");
        assertEquals(c4, pggit.createBranch("feature/meter", "HEAD~2", "meter readings"));
        assertEquals(pggit.head().orElseThrow(), pggit.createBranch("naïve/été-ß", null, null), "unicode names, at HEAD");
        assertEquals("feature/o'brien", db.value("SELECT pggit.create_feature_branch('o''brien', 'a quote in the name')"));
        assertEquals(c4, pggit.resolve("feature/meter"));
        assertEquals(commit(db, "c3"), pggit.resolve("feature/meter~1"));

        // two commits on the feature branch: HEAD moves to it by pggit.head (checkout comes later)
        db.exec("UPDATE pggit.head SET branch = 'feature/meter'");
        db.exec("CREATE OR REPLACE FUNCTION public.g() RETURNS integer LANGUAGE sql AS 'SELECT 1'");
        String f1 = pggit.commit("f1").orElseThrow();
        db.exec("CREATE OR REPLACE FUNCTION public.g() RETURNS integer LANGUAGE sql AS 'SELECT 2'");
        String f2 = pggit.commit("f2").orElseThrow();
        assertEquals(f2, pggit.resolve("feature/meter"));
        assertEquals(List.of(f1), db.column("SELECT unnest(parents) FROM pggit.commit WHERE id = '" + f2 + "'"));
        assertEquals(commit(db, "c6"), pggit.resolve("main"), "main stays where it was");

        Map<String, Branch> byName = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (Branch b : pggit.listBranches()) {
            byName.put(b.name(), b);
            order.add(b.name());
        }
        assertEquals(List.of("feature/meter", "feature/o'brien", "main", "naïve/été-ß"), order, "the checked-out branch first, then by name");
        Branch feature = byName.get("feature/meter");
        assertTrue(feature.checkedOut());
        assertEquals(f2, feature.headCommit());
        assertEquals("meter readings", feature.description().orElseThrow());
        assertEquals(2, feature.ahead().getAsLong());
        assertEquals(2, feature.behind().getAsLong(), "c5 and c6 are on main only");
        assertEquals(0, byName.get("main").ahead().getAsLong());
        assertFalse(byName.get("main").checkedOut());
        assertEquals(List.of("2", "2"), db.rows("SELECT * FROM pggit.ahead_behind('feature/meter', 'main')").get(0));
        assertEquals(List.of("0", "2"), db.rows("SELECT * FROM pggit.ahead_behind('feature/meter~2', 'main')").get(0));
        assertEquals(c4, pggit.mergeBase("feature/meter", "main").orElseThrow());
        assertEquals(c4, pggit.mergeBase("main", "feature/meter").orElseThrow());
        assertEquals(commit(db, "c3"), pggit.mergeBase("main~1", "HEAD~3").orElseThrow(), "an ancestor on the first-parent line is its own base");

        // log --decorate
        assertEquals(List.of("{\"HEAD -> feature/meter\"}"), db.column("SELECT refs::text FROM pggit.log(1)"));
        assertEquals("{feature/o'brien,main,naïve/été-ß}", db.value("SELECT refs::text FROM pggit.log(1, 'main')"));
        assertEquals(null, db.value("SELECT refs::text FROM pggit.log(1, 'main~1')"));

        // refusals, each with its SQLSTATE
        assertTrue(sqlState(db, "SELECT pggit.create_branch('main')").startsWith("42710"), "duplicate_object");
        assertTrue(sqlState(db, "SELECT pggit.create_branch('main')").contains("already exists"));
        for (String bad : List.of("", "a b", "x..y", "HEAD", "head", "deadbeef", "a~1", "ends/", "-x", "x.lock", "a:b", "tab\tname")) {
            String state = sqlState(db, "SELECT pggit.create_branch($q$" + bad + "$q$)");
            assertTrue(state != null && state.startsWith("22023"), bad + ": " + state);
        }
        assertTrue(sqlState(db, "SELECT pggit.create_branch('x', 'no-such-rev')").startsWith("42704"));
        PggitException viaJava = assertThrows(PggitException.class, () -> pggit.createBranch("main", null, null));
        assertTrue(viaJava.getMessage().contains("already exists"), viaJava.getMessage());
    }

    @Test
    void deleteBranchRefusesTheCheckedOutOneAndAnUnmergedOneUnlessForced() {
        TestDb db = history("branches_delete", 3);
        Pggit pggit = db.pggit();
        pggit.createBranch("merged", "HEAD~1", null);
        // a commit only branch side has (of HEAD's tree: checkout, which would write the catalog, comes later)
        insert(db, "s1", db.headTree(), "pggit.head_commit()");
        pggit.createBranch("side", db.value("SELECT " + id("s1")), null);

        List<List<String>> fsckBefore = db.rows("SELECT * FROM pggit.fsck()");
        assertTrue(sqlState(db, "SELECT pggit.delete_branch('main')").startsWith("55006"), "the checked-out branch");
        String unmerged = sqlState(db, "SELECT pggit.delete_branch('side')");
        assertTrue(unmerged.startsWith("55006") && unmerged.contains("not merged into main (1 commit(s) only it has)"), unmerged);
        assertTrue(sqlState(db, "SELECT pggit.delete_branch('nope')").startsWith("42704"));
        pggit.deleteBranch("merged", false);
        pggit.deleteBranch("side", true);
        assertEquals(List.of("main"), db.column("SELECT branch_name FROM pggit.list_branches()"));
        assertEquals(fsckBefore, db.rows("SELECT * FROM pggit.fsck()"), "deleting a branch takes nothing else");
        assertEquals(List.of("s1"), db.column("SELECT message FROM pggit.commit WHERE id = " + id("s1")), "its commits stay until a purge");
    }

    @Test
    void twoSessionsCreatingOneBranchAtOnceGiveOneBranchAndAClearError() throws Exception {
        TestDb db = history("branches_race", 2);
        try (Connection first = db.dataSource().getConnection(); Statement s1 = first.createStatement()) {
            first.setAutoCommit(false);
            s1.execute("SELECT pggit.create_branch('release', 'HEAD~1')");
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> sqlState(db, "SELECT pggit.create_branch('release', 'HEAD')"));
            Thread.sleep(300);
            assertFalse(second.isDone(), "the second waits for the first's unique index entry");
            first.commit();
            String state = second.get(30, TimeUnit.SECONDS);
            assertTrue(state != null && state.startsWith("42710") && state.contains("already exists"), state);
        }
        assertEquals(db.pggit().resolve("HEAD~1"), db.pggit().resolve("release"));
    }

    @Test
    void mergeBasesOfMergesAndACrissCross() {
        TestDb db = history("merge_bases", 10);
        String tree = db.headTree();
        // a side line from c7, another from c4, merged into main in turn
        insert(db, "s1", tree, "(SELECT id FROM pggit.commit WHERE message = 'c7')");
        insert(db, "s2", tree, "s1");
        insert(db, "s3", tree, "s2");
        insert(db, "t1", tree, "(SELECT id FROM pggit.commit WHERE message = 'c4')");
        insert(db, "t2", tree, "t1");
        insert(db, "m1", tree, "(SELECT id FROM pggit.commit WHERE message = 'c10')", "s3");
        insert(db, "m2", tree, "m1", "t2");
        String v = "SELECT message FROM pggit.commit WHERE id = ";
        assertEquals("c7", db.value(v + "pggit.find_merge_base(" + id("s3") + ", pggit.resolve('main'))"));
        assertEquals("c4", db.value(v + "pggit.find_merge_base(" + id("t2") + ", " + id("m1") + ")"));
        assertEquals("s2", db.value(v + "pggit.find_merge_base(" + id("m2") + ", " + id("s2") + ")"), "an ancestor through a merge");
        assertEquals("m1", db.value(v + "pggit.find_merge_base(" + id("m2") + ", " + id("m1") + ")"));
        assertEquals(List.of("3", "3"), db.rows("SELECT * FROM pggit.ahead_behind(" + id("s3") + ", 'main')").get(0),
                "s1..s3 against c8..c10");
        assertEquals(List.of("7", "0"), db.rows("SELECT * FROM pggit.ahead_behind(" + id("m2") + ", 'main')").get(0),
                "m1, m2, s1..s3, t1 and t2");

        // criss-cross: a2 merges b1 into a1, b2 merges a1 into b1: both a1 and b1 are best common ancestors
        insert(db, "a1", tree, "(SELECT id FROM pggit.commit WHERE message = 'c10')");
        insert(db, "b1", tree, "(SELECT id FROM pggit.commit WHERE message = 'c10')");
        insert(db, "a2", tree, "a1", "b1");
        insert(db, "b2", tree, "b1", "a1");
        assertEquals(List.of("a1", "b1"), db.column("SELECT c.message FROM pggit.merge_bases(" + id("a2") + ", " + id("b2")
                + ") x JOIN pggit.commit c ON c.id = x ORDER BY 1"));
        assertEquals("b1", db.value(v + "pggit.find_merge_base(" + id("a2") + ", " + id("b2") + ")"),
                "equal generations: the newer of the two");
        // unrelated histories have none
        insert(db, "root2", tree);
        assertEquals(null, db.value("SELECT pggit.find_merge_base(" + id("root2") + ", " + id("a2") + ")"));
        String a2Ancestry = db.value("WITH RECURSIVE anc(id) AS (SELECT " + id("a2") + " UNION "
                + "SELECT unnest(c.parents) FROM anc JOIN pggit.commit c ON c.id = anc.id) SELECT count(*) FROM anc");
        assertEquals(List.of("1", a2Ancestry), db.rows("SELECT * FROM pggit.ahead_behind(" + id("root2") + ", " + id("a2") + ")").get(0));
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.commit c WHERE c.generation <> 1 + coalesce("
                + "(SELECT max(p.generation) FROM pggit.commit p WHERE p.id = ANY (c.parents)), 0)"), "generation numbers");
    }

    /**
     * Property: on a random DAG, paint_down's merge bases are the maximal common ancestors and its
     * counts the sizes of the two set differences, as computed here from the whole ancestries.
     */
    @Test
    void paintDownAgreesWithTheAncestrySetsOnRandomGraphs() {
        TestDb db = history("merge_bases_random", 1);
        String tree = db.headTree();
        Random random = new Random(20261201L);
        int n = 60;
        List<List<Integer>> parents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> ps = new ArrayList<>();
            if (i > 0 && random.nextInt(12) != 0) {        // a few extra roots
                ps.add(Math.max(0, i - 1 - random.nextInt(Math.min(i, 4))));
                if (i > 2 && random.nextInt(3) == 0) {    // a merge of an older commit
                    int other = random.nextInt(i);
                    if (!ps.contains(other)) {
                        ps.add(other);
                    }
                }
            }
            parents.add(ps);
            String[] names = ps.stream().map(p -> "g" + p).toArray(String[]::new);
            insert(db, "g" + i, tree, names);
        }
        BitSet[] anc = new BitSet[n];
        for (int i = 0; i < n; i++) {
            anc[i] = new BitSet();
            anc[i].set(i);
            for (int p : parents.get(i)) {
                anc[i].or(anc[p]);
            }
        }
        StringBuilder mismatches = new StringBuilder();
        for (int trial = 0; trial < 150; trial++) {
            int x = random.nextInt(n);
            int y = random.nextInt(n);
            BitSet common = (BitSet) anc[x].clone();
            common.and(anc[y]);
            TreeSet<String> bases = new TreeSet<>();
            for (int c = common.nextSetBit(0); c >= 0; c = common.nextSetBit(c + 1)) {
                boolean maximal = true;
                for (int d = common.nextSetBit(0); d >= 0; d = common.nextSetBit(d + 1)) {
                    if (d != c && anc[d].get(c)) {
                        maximal = false;
                        break;
                    }
                }
                if (maximal) {
                    bases.add("g" + c);
                }
            }
            BitSet ahead = (BitSet) anc[x].clone();
            ahead.andNot(anc[y]);
            BitSet behind = (BitSet) anc[y].clone();
            behind.andNot(anc[x]);
            List<String> row = db.rows("SELECT (SELECT string_agg(c.message, ',' ORDER BY c.message) FROM unnest(p.merge_bases) b "
                    + "JOIN pggit.commit c ON c.id = b), p.ahead, p.behind FROM pggit.paint_down(" + id("g" + x) + ", " + id("g" + y) + ") p").get(0);
            String expected = (bases.isEmpty() ? null : String.join(",", bases)) + " " + ahead.cardinality() + " " + behind.cardinality();
            String got = row.get(0) + " " + row.get(1) + " " + row.get(2);
            if (!expected.equals(got)) {
                mismatches.append("g").append(x).append(" g").append(y).append(": expected ").append(expected).append(", got ").append(got).append('\n');
            }
            String best = db.column("SELECT c.message FROM pggit.commit c WHERE c.id = pggit.find_merge_base(" + id("g" + x) + ", " + id("g" + y) + ")")
                    .stream().findFirst().orElse(null);
            if (bases.isEmpty() ? best != null : !bases.contains(best)) {
                mismatches.append("find_merge_base g").append(x).append(" g").append(y).append(": ").append(best).append(" not in ").append(bases).append('\n');
            }
        }
        assertEquals("", mismatches.toString());
    }
}
