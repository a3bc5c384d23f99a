package io.pggit.examples.springboot.liquibase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pggit.core.Pggit;
import io.pggit.core.PggitSetting;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import io.pggit.liquibase.PggitLiquibaseConfiguration;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LiquibaseExampleApplication} started on an embedded PostgreSQL: Boot's {@code SpringLiquibase}
 * applies the CQRS changelog, pggit-liquibase records one deployment with a link per changeset,
 * {@code pggit.*} reaches it ({@code pggit.ignore-schemas} keeps query_cache out of every commit),
 * and {@code /actuator/pggit} and {@code /actuator/health/pggit} report the Liquibase run. Runs on
 * the example's Boot lines (boot-4.0 and boot-4.1 with Liquibase 4.33.0, boot-3.5 with 4.31.1).
 */
@SpringBootTest(classes = LiquibaseExampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=liquibase-example")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiquibaseExampleApplicationTest {

    static final TestDb DB = TestDb.create("spring_boot_liquibase");
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CHANGESETS = List.of("1-schemas", "2-reference-types", "3-add-meter-readings",
            "4-process-meter-functions", "5-query-side", "6-seed-units", "7-process-meter-validates", "8-drop-staging-import",
            "meter-summary-view");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", DB::jdbcUrl);
        r.add("spring.datasource.username", () -> TestPostgres.get().user());
        r.add("spring.datasource.password", () -> TestPostgres.get().password());
    }

    @Autowired
    Environment environment;
    @Autowired
    Pggit pggit;

    @Test
    @Order(1)
    void theStartUpUpdateIsOneDeploymentWithALinkPerChangeset() {
        List<List<String>> links = DB.rows("SELECT l.migration_id, l.author, l.exec_type, l.outcome, l.new_commit::text "
                + "FROM pggit.migration_link l ORDER BY l.id");
        assertEquals(CHANGESETS, links.stream().map(l -> l.get(0)).toList());
        assertTrue(links.stream().allMatch(l -> l.subList(1, 4).equals(List.of("cqrs", "EXECUTED", "success"))), links.toString());
        assertEquals(List.of("true", "true", "true", "true", "true", "false", "true", "true", "true"),
                links.stream().map(l -> l.get(4)).toList(), "6-seed-units seeds rows: linked to HEAD, no commit of its own");
        assertEquals("0", DB.value("SELECT count(*) FROM databasechangelog h WHERE (SELECT count(*) FROM pggit.migration_link l "
                + "WHERE l.migration_id = h.id AND l.author = h.author) <> 1"), "each changeset Liquibase applied is linked once");
        assertEquals(List.of(List.of("liquibase", "success", "9")), DB.rows("SELECT d.tool, d.outcome, count(l.*)::text "
                + "FROM pggit.deployment d JOIN pggit.migration_link l ON l.deployment_id = d.id GROUP BY d.id"));
        assertEquals(pggit.head().orElseThrow(), DB.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = 'meter-summary-view'"),
                "HEAD is the last changeset's commit");
        assertEquals(List.of(), pggit.drift());
        assertEquals(List.of(), pggit.fsck());
    }

    @Test
    @Order(2)
    void pggitPropertiesReachedTheLiquibaseRunAndOnlyIt() {
        assertEquals("t", DB.value("SELECT EXISTS (SELECT FROM pg_matviews WHERE schemaname = 'query_cache')"));
        assertEquals("0", DB.value("SELECT count(*) FROM pggit.commit c, pggit.show(c.id) s WHERE s.object_key LIKE '%:query\\_cache.%' "
                + "OR s.object_key = 'schema:query_cache'"), "pggit.ignore-schemas=query_cache,pg_temp%");
        assertTrue(Integer.parseInt(DB.value("SELECT count(*) FROM pggit.commit c, pggit.show(c.id) s WHERE s.object_key LIKE '%:query.%'")) > 0,
                "the schema query is tracked");
        assertNull(PggitLiquibaseConfiguration.definition(PggitSetting.IGNORE_SCHEMAS).getCurrentValue(),
                "after the run, Liquibase's configuration no longer has the Boot settings");
    }

    @Test
    @Order(3)
    void theEndpointAndHealthReportTheLiquibaseRun() throws Exception {
        HttpResponse<String> r = get("/actuator/pggit");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = JSON.readTree(r.body());
        assertEquals(pggit.head().orElseThrow(), j.get("head").asText());
        assertEquals("liquibase", j.at("/lastDeployment/tool").asText());
        assertEquals("success", j.at("/lastDeployment/outcome").asText());
        assertEquals(0, j.at("/drift/objects").asInt(-1), r.body());
        assertEquals(j.at("/lastDeployment/id").asText(), j.at("/drift/deploymentId").asText());

        HttpResponse<String> h = get("/actuator/health/pggit");
        assertEquals(200, h.statusCode(), h.body());
        JsonNode health = JSON.readTree(h.body());
        assertEquals("UP", health.get("status").asText());
        assertEquals(0, health.at("/details/driftObjects").asInt(-1), h.body());
        assertTrue(health.at("/details/lastDeployment").asText().endsWith(" success"), h.body());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        String port = environment.getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
