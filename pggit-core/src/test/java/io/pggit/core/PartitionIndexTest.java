package io.pggit.core;

import io.pggit.core.model.Comparison;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Indexes on partitioned tables (issue 13): each partition's index is an object of its own that
 * records the partitioned index it is attached to, and an export writes them as pg_dump does
 * ({@code CREATE INDEX ... ON ONLY} the partitioned table, {@code CREATE INDEX} on each partition,
 * {@code ALTER INDEX ... ATTACH PARTITION}), so that the restored partitioned indexes are valid and
 * the partitions have their indexes, by the same names.
 */
class PartitionIndexTest {

    /** A multi-level partitioned table: a sub-partitioned partition with two leaves, a plain and a default partition. */
    static final String[] FIXTURE = {
            "CREATE SCHEMA pt",
            "CREATE TABLE pt.m (id int NOT NULL, k text NOT NULL, at date NOT NULL, v int) PARTITION BY LIST (k)",
            "ALTER TABLE pt.m ADD CONSTRAINT m_pkey PRIMARY KEY (id, k)",
            "CREATE TABLE pt.m_a PARTITION OF pt.m FOR VALUES IN ('a') PARTITION BY RANGE (id)",
            "CREATE TABLE pt.m_a_low PARTITION OF pt.m_a FOR VALUES FROM (0) TO (1000)",
            "CREATE TABLE pt.m_a_high PARTITION OF pt.m_a FOR VALUES FROM (1000) TO (MAXVALUE)",
            "CREATE TABLE pt.m_b PARTITION OF pt.m FOR VALUES IN ('b')",
            "CREATE TABLE pt.m_rest PARTITION OF pt.m DEFAULT",
            "CREATE INDEX m_v ON pt.m (v)",                                  // local indexes, plain and expression
            "CREATE INDEX m_lower ON pt.m (lower(k)) WHERE v > 0",
            "CREATE UNIQUE INDEX m_unique ON pt.m (k, id, at)",
            "CREATE INDEX m_b_at ON pt.m_b (at)",                            // on one partition only
            "ALTER INDEX pt.m_b_v_idx RENAME TO \"m_b v\"",                  // a partition's index by a name of its own
            // a partition whose own unique constraint is attached to the partitioned table's unique index
            "CREATE TABLE pt.u (id int NOT NULL) PARTITION BY LIST (id)",
            "CREATE UNIQUE INDEX u_id ON pt.u (id)",
            "CREATE TABLE pt.u_one (id int NOT NULL, CONSTRAINT u_one_key UNIQUE (id))",
            "ALTER TABLE pt.u ATTACH PARTITION pt.u_one FOR VALUES IN (1)",
    };

    /** Every index of schema pt with its table and validity, and what it is attached to. */
    static final String INDEXES = "SELECT c.relname || ' on ' || t.relname || ' valid ' || i.indisvalid"
            + " || coalesce(' attached to ' || (SELECT p.relname FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent"
            + " WHERE h.inhrelid = c.oid), '')"
            + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid"
            + " WHERE t.relnamespace = 'pt'::regnamespace ORDER BY 1";

    @Test
    void anExportRecreatesPartitionsIndexesAttachedAndValid(@TempDir Path dir) throws Exception {
        TestDb db = TestDb.withPggit("partidx");
        db.exec(FIXTURE);
        db.pggit().commit("partitioned");
        assertEquals(db.freshCaptureTree(), db.headTree(), () -> "the journal agrees with a full capture: " + db.pggit().drift());
        List<String> indexes = db.column(INDEXES);
        assertTrue(indexes.contains("m_a_low_v_idx on m_a_low valid true attached to m_a_v_idx"), indexes.toString());
        assertTrue(indexes.stream().allMatch(s -> s.contains("valid true")), indexes.toString());
        db.pggit().export("HEAD", dir);
        String script = Files.readString(dir.resolve("schema.sql"));
        TestDb copy = TestDb.create("partidx_copy");
        copy.exec(script);
        assertEquals(indexes, copy.column(INDEXES), "indexes, their tables, validity and attachments in both databases");
        assertTrue(script.contains("CREATE INDEX m_v ON ONLY pt.m USING btree (v);"), script);
        assertTrue(script.contains("ALTER INDEX pt.m_v ATTACH PARTITION \"pt\".\"m_b v\";"), script);
        copy.pggit().install();
        assertEquals(db.headTree(), copy.headTree());
        Comparison cmp = Pggit.compare(db.dataSource(), copy.dataSource());
        assertEquals(List.of(), cmp.differences(), () -> String.join("\n", cmp.plan()));
        assertEquals("pt.m_a_v_idx", db.value("SELECT definition ->> 'attached_to' FROM pggit.read_catalog() "
                + "WHERE object_key = 'index:pt.m_a_low.m_a_low_v_idx'"));
        assertEquals("pt.u_id", db.value("SELECT definition ->> 'attached_to' FROM pggit.read_catalog() "
                + "WHERE object_key = 'constraint:pt.u_one.u_one_key'"));
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.read_catalog() WHERE object_key IN "
                + "('index:pt.m.m_v', 'index:pt.m_b.m_b_at', 'constraint:pt.m.m_pkey') AND definition ? 'attached_to'"),
                "what is attached to nothing records nothing");
    }

    @Test
    void comparePlansANewPartitionOfAnIndexedTableAndANewPartitionedIndex() {
        TestDb source = TestDb.withPggit("partidx_cmp_source");
        TestDb target = TestDb.withPggit("partidx_cmp_target");
        source.exec(FIXTURE);
        target.exec(FIXTURE);
        // a new partition gets the partitioned table's indexes made for it: by PostgreSQL in the source, by the plan's
        // CREATE TABLE ... PARTITION OF in the target; a new partitioned index is built on every partition
        source.exec("CREATE TABLE pt.m_c PARTITION OF pt.m FOR VALUES IN ('c')", "CREATE INDEX m_at ON pt.m (at)",
                "DROP INDEX pt.u_id CASCADE");   // and the partition's unique constraint attached to it
        Comparison plan = Pggit.compare(source.dataSource(), target.dataSource());
        target.exec(String.join("\n", plan.plan()));
        Comparison after = Pggit.compare(source.dataSource(), target.dataSource());
        assertEquals(List.of(), after.differences(), () -> String.join("\n", plan.plan()));
        assertEquals(source.column(INDEXES), target.column(INDEXES));
        // and back: the partition and the partitioned index dropped, their partitions' indexes with them, m_b_at kept
        TestDb fixture = TestDb.withPggit("partidx_cmp_fixture");
        fixture.exec(FIXTURE);
        Comparison back = Pggit.compare(fixture.dataSource(), target.dataSource());
        target.exec(String.join("\n", back.plan()));
        assertEquals(List.of(), Pggit.compare(fixture.dataSource(), target.dataSource()).differences(), () -> String.join("\n", back.plan()));
        assertEquals(fixture.column(INDEXES), target.column(INDEXES));
    }

    @Test
    void detachingAPartitionShowsItsIndexesNoLongerAttachedAndAttachingAgainShowsThemAttached() {
        TestDb db = TestDb.withPggit("partidx_detach");
        db.exec(FIXTURE);
        db.pggit().commit("partitioned");

        db.exec("ALTER TABLE pt.m DETACH PARTITION pt.m_b");
        String detached = db.pggit().commit("detach").orElseThrow();
        List<String> changes = db.column("SELECT change || ' ' || object_key FROM pggit.change WHERE commit_id = '" + detached + "' ORDER BY 1");
        for (String key : List.of("index:pt.m_b.m_b_k_id_at_idx", "index:pt.m_b.m_b_lower_idx", "index:pt.m_b.\"m_b v\"", "table:pt.m_b")) {
            assertTrue(changes.contains("M " + key), key + " in " + changes);
        }
        assertTrue(changes.stream().noneMatch(c -> c.contains("m_b_at")), "the partition's own index is not attached either way: " + changes);
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.read_catalog() WHERE parent_key = 'table:pt.m_b' "
                + "AND definition ? 'attached_to'"), "no index of the detached table is attached");
        assertEquals(db.freshCaptureTree(), db.headTree(), () -> "the journal agrees with a full capture: " + db.pggit().drift());

        db.exec("ALTER TABLE pt.m ATTACH PARTITION pt.m_b FOR VALUES IN ('b')");
        String attached = db.pggit().commit("attach").orElseThrow();
        changes = db.column("SELECT change || ' ' || object_key FROM pggit.change WHERE commit_id = '" + attached + "' ORDER BY 1");
        for (String key : List.of("index:pt.m_b.m_b_k_id_at_idx", "index:pt.m_b.m_b_lower_idx", "index:pt.m_b.\"m_b v\"", "table:pt.m_b")) {
            assertTrue(changes.contains("M " + key), key + " in " + changes);
        }
        assertEquals("pt.m_v", db.value("SELECT definition ->> 'attached_to' FROM pggit.read_catalog() "
                + "WHERE object_key = 'index:pt.m_b.\"m_b v\"'"));
        assertEquals(db.freshCaptureTree(), db.headTree(), () -> "the journal agrees with a full capture: " + db.pggit().drift());
        assertEquals(List.of(), db.column("SELECT relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE NOT i.indisvalid"));
    }

    @Test
    void anIndexCreatedOnThePartitionedTableBringsThePartitionsIndexesIntoTheCommit() {
        TestDb db = TestDb.withPggit("partidx_create");
        db.exec(FIXTURE);
        db.pggit().commit("partitioned");
        db.exec("CREATE INDEX m_at ON pt.m (at)");
        String commit = db.pggit().commit("index").orElseThrow();
        List<String> changes = db.column("SELECT change || ' ' || object_key FROM pggit.change WHERE commit_id = '" + commit + "' ORDER BY 1");
        // PostgreSQL attaches a partition's matching index where there is one (m_b_at) and creates the others
        assertEquals(List.of("A index:pt.m.m_at", "A index:pt.m_a.m_a_at_idx", "A index:pt.m_a_high.m_a_high_at_idx",
                "A index:pt.m_a_low.m_a_low_at_idx", "A index:pt.m_rest.m_rest_at_idx", "M index:pt.m_b.m_b_at"), changes);
        assertEquals("pt.m_at", db.value("SELECT definition ->> 'attached_to' FROM pggit.read_catalog() WHERE object_key = 'index:pt.m_b.m_b_at'"));
        assertEquals(db.freshCaptureTree(), db.headTree(), () -> "the journal agrees with a full capture: " + db.pggit().drift());
        // a partitioned index built ON ONLY its table, then each partition's index attached
        db.exec("CREATE INDEX m_v2 ON ONLY pt.m (v)", "CREATE INDEX m_b_v2 ON pt.m_b (v)", "ALTER INDEX pt.m_v2 ATTACH PARTITION pt.m_b_v2");
        db.pggit().commit("on only");
        assertEquals(db.freshCaptureTree(), db.headTree(), () -> "the journal agrees with a full capture: " + db.pggit().drift());
        assertEquals("pt.m_v2", db.value("SELECT definition ->> 'attached_to' FROM pggit.read_catalog() WHERE object_key = 'index:pt.m_b.m_b_v2'"));
        // renaming a partitioned index changes what its partitions' indexes are attached to; dropping it drops them
        db.exec("ALTER INDEX pt.m_at RENAME TO \"M At\"");
        commit = db.pggit().commit("rename").orElseThrow();
        assertEquals(List.of("M index:pt.m_a.m_a_at_idx", "M index:pt.m_b.m_b_at", "M index:pt.m_rest.m_rest_at_idx", "R index:pt.m.\"M At\""),
                db.column("SELECT change || ' ' || object_key FROM pggit.change WHERE commit_id = '" + commit + "' ORDER BY 1"));
        assertEquals("pt.\"M At\"", db.value("SELECT definition ->> 'attached_to' FROM pggit.read_catalog() WHERE object_key = 'index:pt.m_b.m_b_at'"));
        assertEquals(db.freshCaptureTree(), db.headTree(), () -> "the journal agrees with a full capture: " + db.pggit().drift());
        db.exec("DROP INDEX pt.\"M At\"");
        commit = db.pggit().commit("drop").orElseThrow();
        assertEquals(List.of("D index:pt.m.\"M At\"", "D index:pt.m_a.m_a_at_idx", "D index:pt.m_a_high.m_a_high_at_idx",
                "D index:pt.m_a_low.m_a_low_at_idx", "D index:pt.m_b.m_b_at", "D index:pt.m_rest.m_rest_at_idx"),
                db.column("SELECT change || ' ' || object_key FROM pggit.change WHERE commit_id = '" + commit + "' ORDER BY 1"));
        assertEquals(db.freshCaptureTree(), db.headTree(), () -> "the journal agrees with a full capture: " + db.pggit().drift());
    }
}
