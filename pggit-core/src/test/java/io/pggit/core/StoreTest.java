package io.pggit.core;

import io.pggit.core.model.InstallResult;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Install, adopt, and the content-addressed store's properties, against a real PostgreSQL. */
class StoreTest {

    @Test
    void installingIntoADatabaseWithObjectsRecordsABaselineFirst() {
        TestDb db = TestDb.create("adopt");
        db.exec("CREATE SCHEMA app", "CREATE TABLE app.t (a int PRIMARY KEY)", "CREATE VIEW app.v AS SELECT a FROM app.t");
        InstallResult r = db.pggit().install();
        assertTrue(r.baselineCommit().isPresent());
        assertEquals(List.of(List.of("baseline", "+1 constraint, +2 schemas, +1 table, +1 view")),
                db.rows("SELECT origin, summary FROM pggit.log()"));
        assertTrue(db.pggit().drift().isEmpty());
    }

    @Test
    void installIsIdempotentAndSerialisedUnderALock() throws Exception {
        TestDb db = TestDb.create("concurrent_install");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<InstallResult>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(pool.submit(() -> db.pggit().install()));
            }
            int installed = 0;
            for (Future<InstallResult> f : results) {
                if (f.get().changed()) {
                    installed++;
                }
            }
            assertEquals(1, installed, "exactly one of three concurrent installs did the work");
        } finally {
            pool.shutdown();
        }
        assertFalse(db.pggit().install().changed());
        assertEquals(io.pggit.core.internal.install.Installer.CURRENT, db.value("SELECT pggit.version()"));
        assertEquals("1", db.value("SELECT count(*) FROM pggit.commit"), "one baseline");
        assertEquals("2", db.value("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'pggit%'"));
    }

    @Test
    void aCommitWritesOnlyTheTreeNodesOnTheChangedPath() {
        TestDb db = TestDb.withPggit("changed_path");
        StringBuilder ddl = new StringBuilder("CREATE SCHEMA wide;");
        for (int i = 0; i < 400; i++) {
            ddl.append("CREATE TABLE wide.t").append(i).append(" (a int);");
        }
        db.exec(ddl.toString());
        db.pggit().commit("400 tables");
        long before = Long.parseLong(db.value("SELECT count(*) FROM pggit.tree"));
        db.exec("ALTER TABLE wide.t17 ADD COLUMN b text");
        db.pggit().commit("one column");
        long written = Long.parseLong(db.value("SELECT count(*) FROM pggit.tree")) - before;
        // 400 objects of one kind: a trie node of 16 children by the first hex digit of SHA-256(key),
        // each (~25 objects) split again by the second: root, schema, kind, one trie node, one leaf
        assertEquals(5, written, "root, schema, kind, trie node and leaf: the nodes on the path to wide.t17");
        assertEquals("16", db.value("SELECT max((SELECT count(*) FROM jsonb_object_keys(entries))) FROM pggit.tree"),
                "no node holds more than 16 entries");
    }

    @Test
    void aKindsTrieHasOneShapePerSetOfObjects() {
        TestDb db = TestDb.withPggit("trie_shape");
        StringBuilder ddl = new StringBuilder("CREATE SCHEMA grow;");
        for (int i = 0; i < 300; i++) {
            ddl.append("CREATE TABLE grow.t").append(i).append(" (a int);");
        }
        db.exec(ddl.toString());
        db.pggit().commit("300 tables");
        String kindNode = "SELECT pggit.tree_lookup((SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()), ARRAY['grow', 'table'])";
        String rebuilt = "SELECT pggit.build_trie((SELECT jsonb_object_agg(object_key, hash) FROM pggit.object_map"
                + " WHERE schema_name = 'grow' AND kind = 'table'), 0)";
        assertEquals("trie", db.value("SELECT pggit.tree_node_shape(entries) FROM pggit.tree WHERE hash = (" + kindNode + ")"));
        assertEquals(db.value(rebuilt), db.value(kindNode), "written edit by edit or built at once: one node");
        StringBuilder drops = new StringBuilder();
        for (int i = 10; i < 300; i++) {
            drops.append("DROP TABLE grow.t").append(i).append(';');
        }
        db.exec(drops.toString());
        db.pggit().commit("290 fewer");
        assertEquals("leaf", db.value("SELECT pggit.tree_node_shape(entries) FROM pggit.tree WHERE hash = (" + kindNode + ")"),
                "ten objects are one leaf again");
        assertEquals(db.value(rebuilt), db.value(kindNode));
        assertEquals("290", db.value("SELECT count(*) FROM pggit.diff('HEAD~1', 'HEAD') WHERE change = 'D'"));
        assertEquals("11", db.value("SELECT count(*) FROM pggit.diff('HEAD~2', 'HEAD')"), "the schema and its ten tables since the baseline");
        assertEquals(db.value("SELECT pggit.tree_lookup((SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()),"
                + " pggit.tree_path('grow', 'table', 'table:grow.t3'))"), db.value("SELECT hash FROM pggit.object_map WHERE object_key = 'table:grow.t3'"));
        assertEquals(List.of(), db.rows("SELECT kind, subject FROM pggit.fsck()"));
    }

    @Test
    void twoDatabasesInTheSameStateHaveTheSameTreeHash() {
        String schema = "CREATE SCHEMA s; CREATE TABLE s.t (a int PRIMARY KEY, b text DEFAULT 'x'); "
                + "CREATE FUNCTION s.f(x int) RETURNS int LANGUAGE sql AS 'SELECT x'";
        TestDb one = TestDb.withPggit("same_state_1");
        TestDb two = TestDb.withPggit("same_state_2");
        one.exec(schema);
        // the other database gets there by another road: different order, a detour, dropped columns
        two.exec("CREATE SCHEMA s", "CREATE FUNCTION s.f(x int) RETURNS int LANGUAGE sql AS 'SELECT x'",
                "CREATE TABLE s.t (a int, junk int, b text DEFAULT 'x')", "ALTER TABLE s.t DROP COLUMN junk",
                "ALTER TABLE s.t ADD PRIMARY KEY (a)");
        one.pggit().commit("one");
        two.pggit().commit("two");
        assertEquals(one.value("SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()"),
                two.value("SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()"));
    }

    @Test
    void privilegesCommentsAndSchemaRenamesAreSeen() throws Exception {
        TestDb db = TestDb.withPggit("privileges");
        db.exec("CREATE ROLE reader_" + db.name(), "CREATE SCHEMA s", "CREATE TABLE s.t (a int)");
        db.pggit().commit("t");
        db.exec("GRANT SELECT ON s.t TO reader_" + db.name(), "COMMENT ON COLUMN s.t.a IS 'the a'");
        assertEquals(List.of("M table:s.t"), db.column("SELECT change || ' ' || object_key FROM pggit.status()"));
        db.pggit().commit("grant");
        db.exec("GRANT SELECT ON ALL TABLES IN SCHEMA s TO PUBLIC");
        assertEquals(List.of("M table:s.t"), db.column("SELECT change || ' ' || object_key FROM pggit.status()"));
        db.pggit().commit("grant all");
        db.exec("ALTER SCHEMA s RENAME TO s2");
        assertEquals(List.of("R schema:s2 <- schema:s", "R table:s2.t <- table:s.t"),
                db.column("SELECT change || ' ' || object_key || ' <- ' || old_key FROM pggit.status()"));
        db.pggit().commit("rename schema");
        assertTrue(db.pggit().drift().isEmpty());
        try (Connection c = db.dataSource().getConnection()) {
            assertEquals(2, Pggit.on(c).log(10).stream().filter(x -> x.message().startsWith("grant")).count());
        }
    }
}
