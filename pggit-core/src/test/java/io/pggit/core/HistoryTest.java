package io.pggit.core;

import io.pggit.core.internal.install.Installer;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading a history without walking all of it (issue 14 (f)): the log of a revision, HEAD~N and
 * commit id prefixes, against a real PostgreSQL.
 */
class HistoryTest {

    /** The whole ancestry of {@code rev}, newest first: what pggit.log read before it stopped early. */
    private static final String WHOLE_ANCESTRY = "WITH RECURSIVE anc(id) AS (SELECT pggit.resolve('%s') UNION "
            + "SELECT unnest(c.parents) FROM anc JOIN pggit.commit c ON c.id = anc.id) "
            + "SELECT c.id FROM anc JOIN pggit.commit c ON c.id = anc.id ORDER BY c.seq DESC";

    /** A database with pggit and {@code commits} commits, messages c1 .. cN, each replacing function f. */
    static TestDb history(String name, int commits) {
        TestDb db = TestDb.withPggit(name);
        db.exec("DO $$ BEGIN FOR k IN 1 .. " + commits + " LOOP "
                + "EXECUTE format('CREATE OR REPLACE FUNCTION public.f() RETURNS integer LANGUAGE sql AS %L', 'SELECT ' || k); "
                + "PERFORM pggit.commit('c' || k); END LOOP; END $$");
        return db;
    }

    @Test
    void logOfARevisionAndHeadTildeNReadTheNewestCommitsOfAMergeFreeHistory() {
        TestDb db = history("log_linear", 30);
        Pggit pggit = db.pggit();
        List<String> all = db.column(String.format(WHOLE_ANCESTRY, "HEAD"));
        assertEquals(all, db.column("SELECT commit_id FROM pggit.log(NULL)"), "log(null) is the whole history");
        assertEquals(List.of("c30", "c29", "c28", "c27", "c26"), db.column("SELECT message FROM pggit.log(5)"));
        assertEquals(all.subList(0, 5), db.column("SELECT commit_id FROM pggit.log(5, 'HEAD')"));
        assertEquals(List.of(), db.column("SELECT message FROM pggit.log(0)"));
        assertEquals(List.of("c28", "c27", "c26"), db.column("SELECT message FROM pggit.log(3, 'HEAD~2')"));
        for (int n = 0; n < all.size(); n++) {
            assertEquals(all.get(n), pggit.resolve("HEAD~" + n), "HEAD~" + n);
        }
        PggitException past = assertThrows(PggitException.class, () -> pggit.resolve("HEAD~" + all.size()));
        assertTrue(past.getMessage().contains("goes past the first commit"), past.getMessage());

        // the log of a branch other than HEAD's
        db.exec("INSERT INTO pggit.ref (name, commit_id) VALUES ('side', pggit.resolve('HEAD~10'))");
        assertEquals(List.of("c20", "c19", "c18"), db.column("SELECT message FROM pggit.log(3, 'side')"));
        assertEquals(all.get(13), pggit.resolve("side~3"));
        assertEquals(List.of("c17"), db.column("SELECT message FROM pggit.log(1, 'side~3')"));
        PggitException unknown = assertThrows(PggitException.class, () -> pggit.resolve("no-such-branch~1"));
        assertTrue(unknown.getMessage().contains("unknown revision"), unknown.getMessage());
        IllegalStateException logUnknown = assertThrows(IllegalStateException.class,
                () -> db.column("SELECT message FROM pggit.log(3, 'no-such-branch')"));
        assertTrue(logUnknown.getMessage().contains("unknown revision"), logUnknown.getMessage());
    }

    @Test
    void logWithMergesListsTheNewestAncestorsInTheOrderOfTheWholeAncestry() {
        TestDb db = history("log_merges", 10);
        String tree = db.headTree();
        // a side line of three commits from HEAD~7, a line of two from HEAD~4, and merges of both into main
        insert(db, "s1", tree, "pggit.resolve('HEAD~7')");
        insert(db, "s2", tree, "s1");
        insert(db, "t1", tree, "pggit.resolve('HEAD~4')");
        insert(db, "s3", tree, "s2");
        insert(db, "m1", tree, "pggit.head_commit()", "s3");
        insert(db, "t2", tree, "t1");
        insert(db, "m2", tree, "m1", "t2");
        db.exec("UPDATE pggit.ref SET commit_id = " + id("m2") + " WHERE name = 'main'");
        List<String> all = db.column(String.format(WHOLE_ANCESTRY, "HEAD"));
        assertEquals(all, db.column("SELECT commit_id FROM pggit.log(NULL)"));
        for (int k = 1; k <= all.size() + 1; k++) {
            assertEquals(all.subList(0, Math.min(k, all.size())), db.column("SELECT commit_id FROM pggit.log(" + k + ")"), "log(" + k + ")");
        }
        List<String> firstParents = new ArrayList<>();
        for (int n = 0; n < 12; n++) {
            firstParents.add(db.pggit().resolve("HEAD~" + n));
        }
        assertEquals(db.column("SELECT c.id FROM pggit.commit c WHERE c.message ~ '^c[0-9]+$' ORDER BY c.seq DESC").subList(0, 10),
                firstParents.subList(2, 12), "HEAD~N follows first parents: m2, m1, then main's line");
    }

    @Test
    void aCommitIdPrefixIsFoundByAnIndexRangeAndAnAmbiguousOneIsRefused() throws SQLException {
        TestDb db = history("prefixes", 1);
        String tree = db.headTree();
        String head = db.value("SELECT pggit.head_commit()");
        for (String fake : List.of("abcd0" + "0".repeat(59), "abcd1" + "1".repeat(59), "abcdf" + "f".repeat(59), "abce" + "0".repeat(60),
                "abcc" + "f".repeat(60))) {
            db.exec("INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message) VALUES ('" + fake + "', '"
                    + tree + "', ARRAY['" + head + "'], 'test', now(), 'manual', 'fake')");
        }
        Pggit pggit = db.pggit();
        PggitException ambiguous = assertThrows(PggitException.class, () -> pggit.resolve("abcd"));
        assertTrue(ambiguous.getMessage().contains("is ambiguous (3 commits)"), ambiguous.getMessage());
        assertEquals("abcd0" + "0".repeat(59), pggit.resolve("abcd0"));
        assertEquals("abcd1" + "1".repeat(59), pggit.resolve("abcd1"));
        assertEquals("abcdf" + "f".repeat(59), pggit.resolve("abcdf"));
        assertEquals("abce" + "0".repeat(60), pggit.resolve("abce"));
        assertEquals("abcc" + "f".repeat(60), pggit.resolve("abcc" + "f".repeat(60)));
        assertEquals(head, pggit.resolve(head.substring(0, 6)));
        assertEquals("abcd1" + "1".repeat(59), pggit.resolve("abcd1~0"));
        PggitException none = assertThrows(PggitException.class, () -> pggit.resolve("abcb"));
        assertTrue(none.getMessage().contains("no commit matches"), none.getMessage());
        // the range is one the index answers, whatever the database's collation
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN SELECT count(*) FROM pggit.commit c "
                    + "WHERE (c.id COLLATE \"C\") >= 'abcd' AND (c.id COLLATE \"C\") < 'abcd' || 'g'")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            assertTrue(plan.toString().contains("commit_id_prefix_idx"), plan.toString());
        }
    }

    @Test
    void objectHistoryFindsAnObjectByItsKeyItsIdentityAndTheKeyOrIdentityItWasRenamedFrom() {
        TestDb db = history("object_history", 3);
        db.exec("CREATE TABLE public.t (a int)");
        db.pggit().commit("t");
        db.exec("ALTER TABLE public.t RENAME TO u");
        db.pggit().commit("t -> u");
        List<List<String>> both = List.of(List.of("A", "table:public.t", "t"), List.of("R", "table:public.u", "t -> u"));
        for (String name : List.of("public.t", "table:public.t")) {
            assertEquals(both, db.rows("SELECT change, object_key, message FROM pggit.object_history('" + name + "')"), name);
        }
        for (String name : List.of("public.u", "table:public.u")) {
            assertEquals(both.subList(1, 2), db.rows("SELECT change, object_key, message FROM pggit.object_history('" + name + "')"), name);
        }
        assertEquals(List.of("c1", "c2", "c3"), db.column("SELECT message FROM pggit.object_history('public.f()')"));
    }

    @Test
    void treeObjectsListsEveryObjectOfATreeWithItsSchemaKindAndHash() {
        TestDb db = history("tree_objects", 2);
        db.exec("CREATE SCHEMA other", "CREATE TABLE other.t (a int PRIMARY KEY)", "CREATE VIEW public.v AS SELECT 1 AS one");
        db.pggit().commit("more");
        String index = "SELECT schema_name || ' ' || kind || ' ' || object_key || ' ' || hash FROM pggit.object_map ORDER BY 1";
        String tree = "SELECT schema_name || ' ' || kind || ' ' || object_key || ' ' || hash FROM pggit.tree_objects('" + db.headTree()
                + "') ORDER BY 1";
        assertEquals(db.column(index), db.column(tree));
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.tree_objects(NULL)"));
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.tree_objects(pggit.put_tree('{}'))"));
    }

    @Test
    void theSkipListReachesEveryFirstParentAncestorAndSurvivesAPurge() {
        TestDb db = history("skip_list", 70);
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.commit c WHERE c.depth <> "
                + "(SELECT count(*) FROM pggit.commit x WHERE x.seq < c.seq)"), "depth counts first parents");
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.commit c, generate_series(0, c.depth) t "
                + "WHERE pggit.first_parent_ancestor(c.id, t) IS DISTINCT FROM (SELECT x.id FROM pggit.commit x WHERE x.depth = t)"),
                "every ancestor of every commit");
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.commit c WHERE c.depth > 0 AND c.skip IS DISTINCT FROM "
                + "(SELECT x.id FROM pggit.commit x WHERE x.depth = pggit.skip_depth(c.depth))"));
        assertEquals(List.of("1"), db.column("SELECT count(*) FROM pggit.commit c WHERE pggit.first_parent_ancestor(c.id, -1) IS NULL "
                + "AND pggit.first_parent_ancestor(c.id, c.depth + 1) IS NULL AND c.id = pggit.head_commit()"));
        // a forced purge keeps the newest commit before the cutoff as the new root (its parents cleared)
        db.exec("UPDATE pggit.commit SET committed_at = now() - interval '10 days' WHERE seq <= (SELECT seq FROM pggit.commit WHERE message = 'c40')");
        db.exec("SELECT * FROM pggit.purge_history('1 day', true)");
        Pggit pggit = db.pggit();
        assertEquals(db.value("SELECT id FROM pggit.commit WHERE message = 'c40'"), pggit.resolve("HEAD~30"));
        assertEquals(db.value("SELECT id FROM pggit.commit WHERE message = 'c41'"), pggit.resolve("HEAD~29"));
        PggitException past = assertThrows(PggitException.class, () -> pggit.resolve("HEAD~31"));
        assertTrue(past.getMessage().contains("goes past the first commit"), past.getMessage());
        assertEquals(31, db.column("SELECT commit_id FROM pggit.log(NULL)").size());
    }

    @Test
    void theUpgradeFrom01BackfillsTheSkipList() {
        TestDb db = UpgradeTest.withPggit01("skip_list_upgrade");
        db.exec("DO $$ BEGIN FOR k IN 1 .. 40 LOOP "
                + "EXECUTE format('CREATE OR REPLACE FUNCTION public.f() RETURNS integer LANGUAGE sql AS %L', 'SELECT ' || k); "
                + "PERFORM pggit.commit('c' || k); END LOOP; END $$");
        List<String> chain = db.column(String.format(WHOLE_ANCESTRY, "HEAD"));
        db.pggit().install();
        assertEquals(Installer.CURRENT, db.value("SELECT pggit.version()"));
        List<String> after = db.column(String.format(WHOLE_ANCESTRY, "HEAD"));
        assertEquals(chain, after.subList(after.size() - chain.size(), after.size()), "the history, and the upgrade's own commits on top");
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.commit c WHERE c.depth IS NULL OR c.depth <> "
                + "(SELECT count(*) FROM pggit.commit x WHERE x.seq < c.seq)"), "depth backfilled");
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.commit c WHERE c.depth > 0 AND c.skip IS DISTINCT FROM "
                + "(SELECT x.id FROM pggit.commit x WHERE x.depth = pggit.skip_depth(c.depth))"), "skip backfilled");
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pggit.commit c WHERE c.generation IS DISTINCT FROM c.depth + 1"),
                "generation backfilled (a history without merges: one more than the depth)");
        for (int n = 0; n < after.size(); n++) {
            assertEquals(after.get(n), db.pggit().resolve("HEAD~" + n), "HEAD~" + n);
        }
        db.exec("CREATE OR REPLACE FUNCTION public.f() RETURNS integer LANGUAGE sql AS 'SELECT 0'");
        db.pggit().commit("after the upgrade");
        assertEquals(after.get(0), db.pggit().resolve("HEAD~1"));
    }

    static String id(String name) {
        return "pggit.sha256_hex('" + name + "')";
    }

    /**
     * A commit (of tree {@code tree}) inserted as the writer would (the commit_graph trigger sets depth,
     * skip and generation), with parents given as SQL expressions or names of earlier inserts; none: a root.
     */
    static void insert(TestDb db, String name, String tree, String... parents) {
        List<String> ps = new ArrayList<>();
        for (String p : parents) {
            ps.add(p.contains("(") ? p : id(p));
        }
        db.exec("INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message) VALUES (" + id(name) + ", '"
                + tree + "', ARRAY[" + String.join(", ", ps) + "]::text[], 'test', now(), 'manual', '" + name + "')");
    }
}
