package io.pggit.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.internal.ddl.DdlWriter;
import io.pggit.core.internal.ddl.Exporter;
import io.pggit.core.internal.ddl.JavaDdlWriter;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The oracle of the DDL writer's move into SQL (docs/architecture.md, "One DDL writer"): on rich
 * catalogs, pggit.tree_ddl (and pggit.ddl_statements over any set of objects, which
 * {@link DdlWriter#create} calls) writes the same statements, for the same objects, in the same order,
 * as the Java writer it replaced ({@link JavaDdlWriter}, frozen in the tests at the move). The catalogs: the export fixture, the coverage fixture (every kind, hostile names,
 * owners and grantees), what pg_dump writes its own way, the partition-index fixture, and Kestra's
 * real Flyway migrations (skipped when the shared corpus is absent).
 */
class DdlWriterParityTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<TestDb> DATABASES = new ArrayList<>();

    @AfterAll
    static void dropSubscriptions() {
        DATABASES.forEach(CatalogCoverageTest::dropSubscriptions);
    }

    static TestDb committed(String name, String... statements) {
        TestDb db = TestDb.withPggit(name);
        DATABASES.add(db);
        db.exec(statements);
        db.pggit().commit("fixture").orElseThrow();
        return db;
    }

    @Test
    void theExportFixture() throws SQLException {
        assertParity(committed("parity_export", ExportTest.FIXTURE));
    }

    @Test
    void everyKindWithHostileNamesOwnersAndGrantees() throws SQLException {
        TestDb db = committed("parity_coverage", CatalogCoverageTest.FIXTURE);
        TreeSet<String> kinds = new TreeSet<>(db.column("SELECT DISTINCT kind FROM pggit.object_map"));
        assertTrue(kinds.containsAll(CatalogCoverageTest.KINDS.keySet()), "every kind: " + kinds);
        assertParity(db);
    }

    @Test
    void whatPgDumpWritesItsOwnWayAndKnownDifferences() throws SQLException {
        TestDb db = TestDb.withPggit("parity_written_otherwise");
        DATABASES.add(db);
        String role = "r_" + db.name();
        db.exec(Stream.concat(Stream.of(PgDumpRoundTripTest.WRITTEN_OTHERWISE).map(s -> s.replace("%ROLE%", role)),
                Stream.of(PgDumpRoundTripTest.KNOWN_DIFFERENCES).map(s -> s.replace("%ROLE%", role + "_k"))).toArray(String[]::new));
        db.pggit().commit("fixture").orElseThrow();
        assertParity(db);
    }

    @Test
    void partitionsAndTheirIndexes() throws SQLException {
        assertParity(committed("parity_partitions", PartitionIndexTest.FIXTURE));
    }

    @Test
    void kestrasRealFlywayMigrations() throws Exception {
        Path dir = TestDb.corpus("flyway-kestra").resolve("migrations");
        assumeTrue(Files.isDirectory(dir), "corpus not found at " + dir + " (it sits beside the project only where CI runs); skipping");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .sorted((a, b) -> compareVersions(a.getFileName().toString(), b.getFileName().toString())).toList();
        }
        TestDb db = TestDb.withPggit("parity_kestra");
        DATABASES.add(db);
        for (Path f : files) {
            db.exec(Files.readString(f, StandardCharsets.UTF_8));
        }
        db.pggit().commit("kestra").orElseThrow();
        String objects = db.value("SELECT count(*) FROM pggit.tree_objects(" + "'" + db.headTree() + "')");
        assertTrue(Integer.parseInt(objects) > 90, "Kestra's objects are committed: " + objects);
        assertParity(db);
    }

    /** V1_2 before V1_10: Flyway's version order. */
    static int compareVersions(String a, String b) {
        return Integer.compare(Integer.parseInt(a.replaceAll("^V1_(\\d+)__.*", "$1")), Integer.parseInt(b.replaceAll("^V1_(\\d+)__.*", "$1")));
    }

    /** The whole tree, then every other object (what a compare plan creates: a subset without its tables' context). */
    static void assertParity(TestDb db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            String head = db.value("SELECT pggit.head_commit()");
            List<DdlWriter.Item> items = Exporter.items(c, head);
            same(lines(JavaDdlWriter.create(items)), sqlTree(c, db.headTree()), "pggit.tree_ddl writes what DdlWriter.create writes");
            same(lines(JavaDdlWriter.create(items)), sqlSet(c, items), "pggit.ddl_statements writes what DdlWriter.create writes");
            same(lines(JavaDdlWriter.create(items)), lines(DdlWriter.create(c, items)), "DdlWriter.create calls the SQL writer");
            List<DdlWriter.Item> half = new ArrayList<>();
            for (int n = 0; n < items.size(); n += 2) {
                half.add(items.get(n));
            }
            same(lines(JavaDdlWriter.create(half)), sqlSet(c, half), "the same for every other object");
        }
    }

    /** Equal lists, or a failure that shows the first statement that differs (and the counts). */
    static void same(List<String> java, List<String> sql, String what) {
        for (int n = 0; n < Math.min(java.size(), sql.size()); n++) {
            if (!java.get(n).equals(sql.get(n))) {
                assertEquals(java.get(n), sql.get(n), what + ": statement " + (n + 1) + " of " + java.size() + " (SQL: " + sql.size() + ")");
            }
        }
        assertEquals(java, sql, what);
    }

    static List<String> lines(List<DdlWriter.Statement> statements) {
        return statements.stream().map(s -> s.key() + " | " + s.sql()).toList();
    }

    static List<String> sqlTree(Connection c, String tree) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT object_key, statement FROM pggit.tree_ddl(?) ORDER BY ord")) {
            ps.setString(1, tree);
            return read(ps);
        }
    }

    static List<String> sqlSet(Connection c, List<DdlWriter.Item> items) throws SQLException {
        ArrayNode a = JSON.createArrayNode();
        for (DdlWriter.Item i : items) {
            ObjectNode o = a.addObject();
            o.put("key", i.key());
            o.put("kind", i.kind());
            o.put("schema", i.schema());
            o.set("definition", i.definition());
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT object_key, statement FROM pggit.ddl_statements(?::jsonb) ORDER BY ord")) {
            try {
                ps.setString(1, JSON.writeValueAsString(a));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return read(ps);
        }
    }

    private static List<String> read(PreparedStatement ps) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1) + " | " + rs.getString(2));
            }
        }
        return out;
    }
}
