package io.pggit.examples.springboot;

import io.pggit.core.Pggit;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances of the application start at once against one empty database (a rolling deployment's
 * first minute): Flyway's lock serialises their runs, so one migrates and the other finds nothing to
 * do, and pggit records one consistent history: every migration linked once, one deployment each,
 * both closed as successes with a clean drift scan, and an intact store.
 */
class TwoInstancesTest {

    @Test
    void twoContextsStartedAtOnceOnOneDatabaseRecordOneConsistentHistory() throws Exception {
        TestDb db = TestDb.create("spring_boot_two_instances");
        List<Supplier<ConfigurableApplicationContext>> apps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            apps.add(StartedTogether.of(new SpringApplicationBuilder(ExampleApplication.class).web(WebApplicationType.NONE)
                    .properties("spring.datasource.url=" + db.jdbcUrl(), "spring.datasource.username=" + TestPostgres.get().user(),
                            "spring.datasource.password=" + TestPostgres.get().password(), "spring.application.name=instance-" + i)));
        }
        StartedTogether.run(apps).forEach(ConfigurableApplicationContext::close);

        assertEquals("9", db.value("SELECT count(*) FROM flyway_schema_history WHERE success AND type <> 'SCHEMA'"), "Flyway migrated once");
        assertEquals(List.of(), db.rows("SELECT script, count(*) FROM pggit.migration_link GROUP BY script HAVING count(*) <> 1"),
                "every migration linked once");
        assertEquals("9", db.value("SELECT count(DISTINCT script) FROM pggit.migration_link WHERE outcome = 'success'"));
        assertEquals(List.of(List.of("success", "0", "0"), List.of("success", "9", "0")),
                db.rows("SELECT d.outcome, (SELECT count(*) FROM pggit.migration_link l WHERE l.deployment_id = d.id)::text, "
                        + "d.drift_objects::text FROM pggit.deployment d ORDER BY 2"), "one deployment per instance, both scanned clean");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.migration_link l WHERE l.installed_rank IS DISTINCT FROM "
                + "(SELECT h.installed_rank FROM flyway_schema_history h WHERE h.script = l.script)"), "links match Flyway's history");
        Pggit pggit = db.pggit();
        assertEquals(List.of(), pggit.fsck(), "fsck clean");
        assertEquals(List.of(), pggit.drift());
        assertEquals(pggit.head(), java.util.Optional.ofNullable(db.value("SELECT commit_id FROM pggit.migration_link ORDER BY installed_rank DESC LIMIT 1")));
        assertEquals(0, pggit.summary().interruptedDeployments());
    }
}
