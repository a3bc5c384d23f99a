package io.pggit.examples.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pggit.core.Pggit;
import io.pggit.core.testing.TestDb;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example application started as a user starts it, on an embedded PostgreSQL: Flyway migrates the
 * CQRS example at start-up with pggit's callback bean, each migration becomes a linked commit, and
 * {@code /actuator/pggit} and {@code /actuator/health/pggit} report what the runs recorded. Runs on
 * every Boot line of the example's profiles (boot-4.0, boot-3.5, boot-4.1), with only APIs they share.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExampleApplicationTest {

    static final TestDb DB = TestDb.create("spring_boot_example");
    static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", DB::jdbcUrl);
        r.add("spring.datasource.username", () -> io.pggit.core.testing.TestPostgres.get().user());
        r.add("spring.datasource.password", () -> io.pggit.core.testing.TestPostgres.get().password());
    }

    @Autowired
    Environment environment;
    @Autowired
    Pggit pggit;
    @Autowired
    Flyway flyway;

    @Test
    @Order(1)
    void theStartUpMigrationIsOneDeploymentWithACommitPerMigrationThatChangedSomething() {
        List<List<String>> links = DB.rows("SELECT coalesce(l.migration_id, 'R'), l.description, l.outcome, l.new_commit::text, "
                + "l.installed_rank::text, c.message FROM pggit.migration_link l JOIN pggit.commit c ON c.id = l.commit_id ORDER BY l.id");
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "R"), links.stream().map(l -> l.get(0)).toList());
        assertTrue(links.stream().allMatch(l -> l.get(2).equals("success")), links.toString());
        assertEquals(List.of("true", "true", "true", "true", "true", "false", "true", "true", "true"),
                links.stream().map(l -> l.get(3)).toList(), "V6 seeds rows: linked to HEAD, no commit of its own");
        assertEquals("flyway V3 add meter readings", links.get(2).get(5));
        assertEquals(DB.column("SELECT installed_rank::text FROM flyway_schema_history WHERE type <> 'SCHEMA' ORDER BY installed_rank"), links.stream().map(l -> l.get(4)).toList(), "installed ranks copied from Flyway's history");
        assertEquals(List.of(List.of("flyway", "success", "9")), DB.rows("SELECT d.tool, d.outcome, count(l.*)::text FROM pggit.deployment d "
                + "JOIN pggit.migration_link l ON l.deployment_id = d.id GROUP BY d.id"));
        assertEquals(pggit.head().orElseThrow(), DB.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id IS NULL"),
                "HEAD is the last migration's commit");
        assertEquals(List.of(), pggit.drift(), "pggit.ignore-schemas kept query_cache out");
        assertEquals(List.of(), pggit.fsck());
    }

    @Test
    @Order(2)
    void theEndpointReportsHeadTheLastDeploymentAndTheRecordedScan() throws Exception {
        HttpResponse<String> r = get("/actuator/pggit");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = JSON.readTree(r.body());
        assertEquals(pggit.head().orElseThrow(), j.get("head").asText());
        assertEquals("flyway", j.at("/lastDeployment/tool").asText());
        assertEquals("success", j.at("/lastDeployment/outcome").asText());
        assertEquals(DB.value("SELECT max(id) FROM pggit.deployment"), j.at("/lastDeployment/id").asText());
        assertTrue(j.at("/lastDeployment/endedAt").asText().endsWith("Z"), r.body());
        assertEquals(0, j.at("/drift/objects").asInt(-1), r.body());
        assertEquals(j.at("/lastDeployment/id").asText(), j.at("/drift/deploymentId").asText());
        assertEquals(0, j.get("openConflicts").asInt(-1));
        assertEquals(0, j.get("interruptedDeployments").asInt(-1));

        HttpResponse<String> h = get("/actuator/health/pggit");
        assertEquals(200, h.statusCode(), h.body());
        JsonNode health = JSON.readTree(h.body());
        assertEquals("UP", health.get("status").asText());
        assertEquals(0, health.at("/details/driftObjects").asInt(-1), h.body());
    }

    @Test
    @Order(3)
    void healthReportsTheLastRecordedScanNotAScanPerProbe() throws Exception {
        DB.exec("CREATE TABLE public.hotfix (a int)");   // drift: DDL no migration explains
        assertEquals(1, pggit.drift().size());
        HttpResponse<String> before = get("/actuator/health/pggit");
        assertEquals("UP", JSON.readTree(before.body()).get("status").asText(), "the probe reads the last recorded scan; it does not scan");

        flyway.migrate();   // the next run (a restart, or another instance) ends with a scan, which finds it
        HttpResponse<String> after = get("/actuator/health/pggit");
        assertEquals(503, after.statusCode(), after.body());
        JsonNode health = JSON.readTree(after.body());
        assertEquals("OUT_OF_SERVICE", health.get("status").asText(), "pggit.health.drift-status");
        assertEquals(1, health.at("/details/driftObjects").asInt(-1));
        JsonNode j = JSON.readTree(get("/actuator/pggit").body());
        assertEquals(1, j.at("/drift/objects").asInt(-1));
        assertEquals(DB.value("SELECT max(id) FROM pggit.deployment"), j.at("/drift/deploymentId").asText());
        assertEquals(503, get("/actuator/health").statusCode(), "the application's health follows");
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        String port = environment.getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
