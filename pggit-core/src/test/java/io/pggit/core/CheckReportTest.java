package io.pggit.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.report.CheckReport;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** verify_consistency's drift findings and the four report formats, validated against their schemas. */
class CheckReportTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Set<ValidationMessage> validate(String schemaResource, String document) throws Exception {
        try (InputStream in = CheckReportTest.class.getClassLoader().getResourceAsStream(schemaResource)) {
            assertNotNull(in, schemaResource + " on the test classpath");
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
            return schema.validate(JSON.readTree(document));
        }
    }

    @Test
    void driftMadeOutsideAnyMigrationIsFoundAndReportedInEveryFormat(@TempDir Path dir) throws Exception {
        TestDb db = TestDb.withPggit("check_reports");
        db.exec("CREATE TABLE public.t (a int)");
        db.pggit().commit("t");
        db.exec("ALTER TABLE public.t ADD COLUMN hotfix text", "CREATE INDEX t_a ON public.t (a)", "CREATE TABLE \"Zähler\" (a int)");
        List<Finding> findings;
        List<String> progress = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            findings = ConsistencyCheck.run(c, List.of(), true, false, progress::add);
        }
        assertEquals(List.of("drift_added index:public.t.t_a", "drift_added table:public.\"Zähler\"", "drift_changed table:public.t"),
                findings.stream().map(f -> f.kind() + " " + f.subject()).sorted().toList());
        assertEquals(8, progress.size(), progress::toString);
        assertEquals("pggit: check 1/4 drift: comparing the live catalog with HEAD (2 objects tracked) ...", progress.get(0));
        assertTrue(progress.get(1).matches("pggit: check 1/4 drift: 3 finding\\(s\\) in \\d+ ms"), progress.get(1));
        assertEquals("pggit: check 2/4 gap: no Flyway or Liquibase history table found ...", progress.get(2));
        assertTrue(progress.get(5).startsWith("pggit: check 3/4 tracking: 0 finding(s)"), progress.get(5));
        assertTrue(progress.get(6).matches("pggit: check 4/4 integrity: recomputing the hashes of \\d+ commits, \\d+ tree nodes and \\d+ definitions \\(pggit.fsck\\) \\.\\.\\."),
                progress.get(6));
        assertTrue(progress.get(7).startsWith("pggit: check 4/4 integrity: 0 finding(s)"), progress.get(7));

        CheckReport report = new CheckReport(findings, "jdbc:postgresql://localhost/x", Instant.parse("2026-11-23T00:00:00Z"));
        List<Path> files = report.writeAll(dir);
        assertEquals(4, files.size());

        assertEquals(Set.of(), validate("io/pggit/core/report/check-report-1.schema.json", Files.readString(dir.resolve("check.json"))));
        JsonNode json = JSON.readTree(Files.readString(dir.resolve("check.json")));
        assertEquals(3, json.get("summary").get("errors").asInt());
        assertTrue(json.get("findings").get(0).has("details"), "verbose checks carry definitions");

        assertEquals(Set.of(), validate("schema/sarif-schema-2.1.0.json", Files.readString(dir.resolve("check.sarif"))));
        assertTrue(!validate("schema/sarif-schema-2.1.0.json", "{\"runs\": [{}]}").isEmpty(), "the validator does reject");
        JsonNode sarif = JSON.readTree(Files.readString(dir.resolve("check.sarif")));
        assertEquals(3, sarif.get("runs").get(0).get("results").size());

        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("TEST-pggit-check.xml").toFile());
        NodeList cases = junit.getElementsByTagName("testcase");
        assertEquals(7, cases.getLength(), "3 findings + a passing case for each of gap, conflict, tracking, integrity");
        assertEquals(3, junit.getElementsByTagName("failure").getLength());
        assertTrue(Files.readString(dir.resolve("check.txt")).contains("3 error(s)"));
    }

    @Test
    void verboseDriftFindingsCarryTheDefinitionsBeforeAndAfter() {
        TestDb db = TestDb.withPggit("check_verbose");
        db.exec("CREATE TABLE public.changed (a int)", "CREATE TABLE public.dropped (a int)", "CREATE TABLE public.renamed (a int)");
        db.pggit().commit("three tables");
        String head = "(SELECT b.definition FROM pggit.object_map m JOIN pggit.blob b ON b.hash = m.hash WHERE m.object_key = '%s')";
        String live = "(SELECT r.definition FROM pggit.read_catalog() r WHERE r.object_key = '%s')";
        db.exec("CREATE TABLE public.added (a int)", "ALTER TABLE public.changed ADD COLUMN b text", "DROP TABLE public.dropped",
                "ALTER TABLE public.renamed RENAME TO moved");
        String details = "(SELECT f.details FROM pggit.verify_consistency(verbose => true) f WHERE f.subject = '%s')";
        assertEquals(List.of(List.of("t", "t")), db.rows("SELECT " + details.formatted("table:public.added") + " -> 'before' = 'null', "
                + details.formatted("table:public.added") + " -> 'after' = " + live.formatted("table:public.added")),
                "added: no definition before, the live one after");
        assertEquals(List.of(List.of("t", "t", "f")), db.rows("SELECT " + details.formatted("table:public.changed") + " -> 'before' = "
                + head.formatted("table:public.changed") + ", " + details.formatted("table:public.changed") + " -> 'after' = "
                + live.formatted("table:public.changed") + ", " + head.formatted("table:public.changed") + " = "
                + live.formatted("table:public.changed")), "modified: HEAD's definition before, the live one after");
        assertEquals(List.of(List.of("t", "t")), db.rows("SELECT " + details.formatted("table:public.dropped") + " -> 'before' = "
                + head.formatted("table:public.dropped") + ", " + details.formatted("table:public.dropped") + " -> 'after' = 'null'"),
                "deleted: HEAD's definition before, none after");
        assertEquals(List.of(List.of("t", "t")), db.rows("SELECT " + details.formatted("table:public.moved") + " -> 'before' = "
                + head.formatted("table:public.renamed") + ", " + details.formatted("table:public.moved") + " -> 'after' = "
                + live.formatted("table:public.moved")), "renamed: both");
        assertEquals("4", db.value("SELECT count(*) FROM pggit.verify_consistency(verbose => true) WHERE details IS NOT NULL"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency() WHERE details IS NOT NULL"), "details only when verbose");
        // the writer's step reports them alike
        assertEquals(db.rows("SELECT subject, details::text FROM pggit.verify_consistency(verbose => true, checks => '{drift}') ORDER BY 1"),
                db.rows("SELECT subject, details::text FROM pggit.record_conflicts(verbose => true) ORDER BY 1"));
    }

    @Test
    void fixIssuesAdoptsDriftAsACommit() throws Exception {
        TestDb db = TestDb.withPggit("check_fix");
        db.exec("CREATE TABLE public.hotfix (a int)");
        assertEquals(List.of("drift drift_added", "drift drift_adopted"),
                db.column("SELECT check_name || ' ' || kind FROM pggit.verify_consistency(fix_issues => true) ORDER BY 1"));
        assertEquals("drift", db.value("SELECT origin FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency()"));
    }

    @Test
    void checksCanBeRunOneByOneAndAnUnknownCheckIsRefused() {
        TestDb db = TestDb.withPggit("check_one_by_one");
        db.exec("CREATE TABLE public.hotfix (a int)", "SELECT pggit.pause_tracking('1 hour')");
        assertEquals(List.of("drift drift_added"), db.column("SELECT check_name || ' ' || kind FROM pggit.verify_consistency(checks => '{drift}')"));
        assertEquals(List.of("tracking tracking_off"), db.column("SELECT check_name || ' ' || kind FROM pggit.verify_consistency(checks => '{tracking, gap}')"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.value("SELECT count(*) FROM pggit.verify_consistency(checks => '{drift, conflicts}')"));
        assertTrue(e.getMessage().contains("allowed values are drift, gap, tracking, integrity"), e.getMessage());
    }

    @Test
    void pausedTrackingIsAFinding() {
        TestDb db = TestDb.withPggit("check_paused");
        db.exec("SELECT pggit.pause_tracking('1 hour')");
        assertEquals(List.of("tracking tracking_off warning"),
                db.column("SELECT check_name || ' ' || kind || ' ' || severity FROM pggit.verify_consistency()"));
    }
}
