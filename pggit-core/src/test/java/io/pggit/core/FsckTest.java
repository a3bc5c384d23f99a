package io.pggit.core;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pggit.fsck (Pggit.fsck): a store with real history is intact; each corruption of it is named by its kind. */
class FsckTest {

    /** Tables, functions, a view, several commits, a migration link and a deployment with a tag. */
    static TestDb history(String name) {
        TestDb db = TestDb.withPggit(name);
        db.exec("CREATE SCHEMA app", "CREATE TABLE app.meter (id int PRIMARY KEY, serial text NOT NULL)");
        db.pggit().commit("meters");
        db.exec("CREATE TABLE app.reading (meter int REFERENCES app.meter, at timestamptz, value numeric)",
                "CREATE INDEX reading_at ON app.reading (at)");
        db.pggit().commit("readings");
        db.exec("CREATE FUNCTION app.latest(m int) RETURNS numeric LANGUAGE sql AS 'SELECT max(value) FROM app.reading WHERE meter = m'",
                "CREATE VIEW app.meter_serials AS SELECT id, serial FROM app.meter");
        db.pggit().commit("latest reading");
        db.value("SELECT pggit.open_deployment('V4 run', 'flyway')");
        db.exec("ALTER TABLE app.meter ADD COLUMN kind text");
        db.value("SELECT link_id FROM pggit.record_migration((SELECT max(id) FROM pggit.deployment), "
                + "'{\"tool\": \"flyway\", \"id\": \"4\", \"description\": \"meter kind\", \"script\": \"V4__meter_kind.sql\"}', 'success')");
        db.value("SELECT pggit.close_deployment((SELECT max(id) FROM pggit.deployment), 'success')");
        db.value("SELECT pggit.begin_deployment('release 1')");
        db.exec("CREATE TABLE app.tariff (id int PRIMARY KEY, name text)",
                "CREATE OR REPLACE FUNCTION app.latest(m int) RETURNS numeric LANGUAGE sql AS 'SELECT max(value) FROM app.reading WHERE meter = m AND value > 0'",
                "COMMENT ON TABLE app.meter IS 'one per device'");
        db.value("SELECT pggit.end_deployment('release 1', '{v1}')");
        db.exec("ALTER TABLE app.reading ADD COLUMN tariff int REFERENCES app.tariff");
        db.pggit().commit("tariffs on readings");
        return db;
    }

    static Set<String> kinds(List<Finding> findings) {
        return findings.stream().map(Finding::kind).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> reported(List<Finding> findings) {
        return findings.stream().map(f -> f.kind() + " " + f.subject()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Tree nodes of one level (3 = buckets) that the commits matching {@code where} reach. */
    static List<String> nodes(TestDb db, String where, int level) {
        return db.column("WITH RECURSIVE w(hash, lvl) AS (SELECT tree, 0 FROM pggit.commit WHERE " + where
                + " UNION SELECT e.value, w.lvl + 1 FROM w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e"
                + " WHERE w.lvl < " + level + ") SELECT hash FROM w WHERE lvl = " + level + " ORDER BY 1");
    }

    static <T> T pick(Random random, List<T> candidates) {
        assertTrue(!candidates.isEmpty(), "something to pick from");
        return candidates.get(random.nextInt(candidates.size()));
    }

    @Test
    void aStoreWithRealHistoryIsIntact() {
        TestDb db = history("fsck_clean");
        assertTrue(Integer.parseInt(db.value("SELECT count(*) FROM pggit.commit")) >= 5);
        assertEquals(List.of(), db.pggit().fsck());
        assertEquals("0", db.value("SELECT count(*) FROM pggit.fsck()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"), "pggit:check passes");
    }

    @Test
    void eachCorruptionIsReportedByItsKind() throws SQLException {
        TestDb db = history("fsck_corrupt");
        Random random = new Random(12);
        String headTree = db.headTree();
        List<String> headObjects = new ArrayList<>(db.column("SELECT object_key || ' ' || hash FROM pggit.tree_objects('" + headTree + "') "
                + "WHERE object_key <> 'table:app.tariff' ORDER BY 1"));

        // a parent: a commit in the middle of the history that no branch, tag or link names
        String parent = pick(random, db.column("SELECT c.id FROM pggit.commit c WHERE c.parents <> '{}' "
                + "AND EXISTS (SELECT 1 FROM pggit.commit k WHERE c.id = ANY (k.parents)) "
                + "AND c.id NOT IN (SELECT commit_id FROM pggit.ref UNION SELECT commit_id FROM pggit.tag "
                + "UNION SELECT commit_id FROM pggit.migration_link WHERE commit_id IS NOT NULL) ORDER BY c.seq"));
        String child = db.value("SELECT id FROM pggit.commit WHERE '" + parent + "' = ANY (parents)");
        db.exec("DELETE FROM pggit.commit WHERE id = '" + parent + "'");

        // a tree node and a rewritten one: kind nodes the remaining commits reach but HEAD does not
        List<String> old = new ArrayList<>(nodes(db, "true", 2));
        old.removeAll(nodes(db, "id = pggit.head_commit()", 2));
        String deletedNode = pick(random, old);
        old.remove(deletedNode);
        String rewrittenNode = pick(random, old);
        String deletedNodePath = db.value("SELECT array_to_string(ARRAY[r.key, s.key], '/') FROM pggit.commit c "
                + "JOIN pggit.tree rt ON rt.hash = c.tree, jsonb_each_text(rt.entries) r JOIN pggit.tree st ON st.hash = r.value, "
                + "jsonb_each_text(st.entries) s WHERE s.value = '" + deletedNode + "' LIMIT 1");
        db.exec("DELETE FROM pggit.tree WHERE hash = '" + deletedNode + "'");
        db.exec("UPDATE pggit.tree SET entries = jsonb_set(entries, ARRAY[(SELECT min(k) FROM jsonb_object_keys(entries) k)], "
                + "to_jsonb('" + headObjects.get(0).split(" ")[1] + "'::text)) WHERE hash = '" + rewrittenNode + "'");

        // a definition overwritten, one deleted: both of objects at HEAD
        String overwritten = pick(random, headObjects);
        headObjects.remove(overwritten);
        String deleted = pick(random, headObjects);
        String overwrittenBlob = overwritten.split(" ")[1];
        String deletedBlob = deleted.split(" ")[1];
        db.exec("UPDATE pggit.blob SET definition = definition || '{\"comment\": \"tampered\"}' WHERE hash = '" + overwrittenBlob + "'");
        db.exec("DELETE FROM pggit.blob WHERE hash = '" + deletedBlob + "'");

        // a commit whose message was rewritten
        String rewrittenCommit = pick(random, db.column("SELECT id FROM pggit.commit WHERE id <> pggit.head_commit() ORDER BY seq"));
        db.exec("UPDATE pggit.commit SET message = 'rewritten' WHERE id = '" + rewrittenCommit + "'");

        // the index out of step: a change the index took and no commit wrote (as an interrupted capture would leave it)
        db.exec("ALTER TABLE app.tariff ADD COLUMN valid_from date",
                "UPDATE pggit.object_map m SET hash = c.hash FROM pggit.read_catalog() c "
                        + "WHERE c.object_key = m.object_key AND m.object_key = 'table:app.tariff'",
                "DELETE FROM pggit.journal");

        // none of it shows where pggit usually looks: the live catalog equals the index, HEAD's tree lists the same objects
        assertEquals(List.of(), db.pggit().drift(), "drift compares the catalog with the index, not the store");
        assertEquals(headTree, db.headTree());
        assertEquals(db.column("SELECT object_key FROM pggit.object_map ORDER BY 1"),
                db.column("SELECT object_key FROM pggit.tree_objects('" + headTree + "') ORDER BY 1"));

        List<Finding> findings = db.pggit().fsck();
        assertEquals(Set.of("blob_hash_mismatch", "commit_hash_mismatch", "index_out_of_step", "missing_blob", "missing_parent",
                "missing_tree", "tree_hash_mismatch"), kinds(findings), findings::toString);
        Set<String> expected = Set.of(
                "blob_hash_mismatch " + overwrittenBlob,
                "missing_blob " + deleted.split(" ")[0],
                "missing_tree " + deletedNodePath,
                "tree_hash_mismatch " + rewrittenNode,
                "missing_parent " + child,
                "commit_hash_mismatch " + rewrittenCommit,
                "index_out_of_step table:app.tariff");
        assertTrue(reported(findings).containsAll(expected), () -> "expected " + expected + " in " + reported(findings));
        assertTrue(findings.stream().allMatch(f -> f.check().equals("integrity") && f.severity() == Finding.Severity.ERROR
                && f.hint() != null && f.details().isPresent()), findings::toString);

        // verify_consistency runs it as the check integrity, alone when asked, and pggit:check's ConsistencyCheck reports it
        assertEquals(reported(findings), new TreeSet<>(db.column("SELECT kind || ' ' || subject FROM pggit.verify_consistency(checks => '{integrity}')")));
        assertEquals(List.of("integrity"), db.column("SELECT DISTINCT check_name FROM pggit.verify_consistency()"));
        try (Connection c = db.dataSource().getConnection()) {
            assertEquals(reported(findings), reported(ConsistencyCheck.run(c, List.of(), false, false)));
        }
    }

    @Test
    void aForcedPurgeIsNoCorruption() {
        TestDb db = history("fsck_purged");
        String head = db.value("SELECT pggit.head_commit()");
        db.rows("SELECT * FROM pggit.purge_history(interval '1 microsecond', force => true)");
        assertEquals(List.of(List.of("t", "{}")), db.rows("SELECT p.new_root = '" + head + "', c.parents::text FROM pggit.purge_log p "
                + "JOIN pggit.commit c ON c.id = p.new_root"), "HEAD is the new root, without parents");
        List<Finding> findings = db.pggit().fsck();
        assertEquals(List.of("purged_root info " + head), findings.stream().map(f -> f.kind() + " " + f.severity().code() + " " + f.subject()).toList());
        assertNotEquals(List.of(), db.pggit().log(10));
    }

    /**
     * A long history written straight into the store the way the commit writer writes it (trees by
     * write_tree, ids by commit_hash_text, the index beside them): thousands of commits over
     * thousands of objects, checked by one set-based pass, then one corruption deep in it.
     */
    @Test
    void aLongHistoryIsCheckedInOnePass() {
        TestDb db = TestDb.withPggit("fsck_long");
        int objects = 2000;
        int commits = 2000;
        db.exec("""
                DO $$
                DECLARE
                    root text;
                    head text;
                    cid text;
                    k text;
                    h text;
                    ts timestamptz;
                BEGIN
                    INSERT INTO pggit.blob (hash, definition)
                    SELECT pggit.sha256_hex(d::text), d FROM (SELECT jsonb_build_object('name', 't' || i, 'v', 0) d FROM generate_series(1, %1$s) i) x;
                    INSERT INTO pggit.object_map (object_key, kind, schema_name, classid, objid, hash)
                    SELECT 'table:s.t' || i, 'table', 's', 1259, 1000000 + i, pggit.sha256_hex(jsonb_build_object('name', 't' || i, 'v', 0)::text)
                      FROM generate_series(1, %1$s) i;
                    head := pggit.head_commit();
                    root := pggit.write_tree((SELECT c.tree FROM pggit.commit c WHERE c.id = head),
                                             ARRAY(SELECT ROW(pggit.tree_path(m.schema_name, m.kind, m.object_key), m.hash)::pggit.tree_edit
                                                     FROM pggit.object_map m WHERE m.schema_name = 's'));
                    FOR i IN 1..%2$s LOOP
                        k := 'table:s.t' || (1 + (i * 7919) %% %1$s);
                        INSERT INTO pggit.blob (hash, definition)
                        SELECT pggit.sha256_hex(d::text), d FROM (SELECT jsonb_build_object('name', k, 'v', i) d) x
                        RETURNING hash INTO h;
                        root := pggit.write_tree(root, ARRAY[ROW(pggit.tree_path('s', 'table', k), h)::pggit.tree_edit]);
                        UPDATE pggit.object_map SET hash = h WHERE object_key = k;
                        ts := clock_timestamp();
                        cid := pggit.sha256_hex(pggit.commit_hash_text(root, CASE WHEN head IS NULL THEN '{}' ELSE ARRAY[head] END,
                                                                       'bulk', ts, 'manual', 'change ' || i));
                        INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message)
                        VALUES (cid, root, CASE WHEN head IS NULL THEN '{}' ELSE ARRAY[head] END, 'bulk', ts, 'manual', 'change ' || i);
                        head := cid;
                    END LOOP;
                    INSERT INTO pggit.ref (name, commit_id) VALUES ('main', head) ON CONFLICT (name) DO UPDATE SET commit_id = excluded.commit_id;
                END
                $$""".formatted(objects, commits));
        assertTrue(Integer.parseInt(db.value("SELECT count(*) FROM pggit.commit")) >= commits);
        long start = System.nanoTime();
        assertEquals(List.of(), db.pggit().fsck());
        System.out.printf("pggit.fsck over %d commits, %s tree nodes, %s definitions: %d ms%n", commits,
                db.value("SELECT count(*) FROM pggit.tree"), db.value("SELECT count(*) FROM pggit.blob"), (System.nanoTime() - start) / 1_000_000);
        String early = db.value("SELECT tree FROM pggit.commit WHERE message = 'change 3'");
        db.exec("DELETE FROM pggit.blob WHERE hash = (SELECT hash FROM pggit.tree_objects('" + early + "') WHERE object_key = 'table:s.t1')");
        assertEquals(List.of("missing_blob table:s.t1"), db.pggit().fsck().stream().map(f -> f.kind() + " " + f.subject()).toList());
    }
}
