package io.pggit.examples.springboot.liquibase;

import io.pggit.core.PggitSetting;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import io.pggit.examples.springboot.StartedTogether;
import io.pggit.liquibase.PggitLiquibaseConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Liquibase applications in one JVM, started at once, each on its own database with its own
 * {@code pggit.ignore-schemas}: each run records with its own context's settings (the settings are
 * handed to Liquibase per run and per thread, not through JVM-wide system properties).
 */
class LiquibaseTwoContextsTest {

    @Test
    void eachContextsPggitPropertiesReachOnlyItsOwnLiquibaseRun() throws Exception {
        // pggit installed beforehand: two first installs at once in one cluster race on its roles (cluster-wide)
        List<TestDb> dbs = List.of(TestDb.withPggit("spring_boot_liquibase_a"), TestDb.withPggit("spring_boot_liquibase_b"));
        List<String> ignoreSchemas = List.of("query_cache,pg_temp%", "pg_temp%");
        List<Supplier<ConfigurableApplicationContext>> apps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            apps.add(StartedTogether.of(new SpringApplicationBuilder(LiquibaseExampleApplication.class).web(WebApplicationType.NONE),
                    "--spring.config.name=liquibase-example", "--spring.datasource.url=" + dbs.get(i).jdbcUrl(),
                    "--spring.datasource.username=" + TestPostgres.get().user(),
                    "--spring.datasource.password=" + TestPostgres.get().password(), "--pggit.ignore-schemas=" + ignoreSchemas.get(i)));
        }
        StartedTogether.run(apps).forEach(ConfigurableApplicationContext::close);

        String queryCacheObjects = "SELECT count(*) FROM pggit.commit c, pggit.show(c.id) s "
                + "WHERE s.object_key LIKE '%:query\\_cache.%' OR s.object_key = 'schema:query_cache'";
        assertEquals("0", dbs.get(0).value(queryCacheObjects), "a: ignores query_cache");
        assertEquals("3", dbs.get(1).value(queryCacheObjects), "b: tracks it: the schema, the materialized view and its index");
        for (TestDb db : dbs) {
            assertEquals("9", db.value("SELECT count(*) FROM pggit.migration_link WHERE outcome = 'success'"));
            assertEquals(List.of(), db.pggit().drift());
        }
    }

    @Test
    void aFailedRunLeavesNoSettingBehindOnItsThread() {
        TestDb db = TestDb.create("spring_boot_liquibase_failed");
        SpringApplicationBuilder app = new SpringApplicationBuilder(LiquibaseExampleApplication.class).web(WebApplicationType.NONE);
        Exception e = assertThrows(Exception.class, () -> app.run("--spring.config.name=liquibase-example",
                "--spring.liquibase.change-log=classpath:db/changelog/failing.xml", "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + TestPostgres.get().user(), "--spring.datasource.password=" + TestPostgres.get().password()));
        assertTrue(String.valueOf(e.getMessage()).contains("liquibase"), String.valueOf(e));
        assertEquals(List.of(List.of("1", "success"), List.of("2", "failed")),
                db.rows("SELECT migration_id, outcome FROM pggit.migration_link ORDER BY id"), "pggit recorded the failed run");
        assertNull(PggitLiquibaseConfiguration.definition(PggitSetting.IGNORE_SCHEMAS).getCurrentValue(),
                "the failed start-up took its settings back from this thread");
    }
}
