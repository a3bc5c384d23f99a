package io.pggit.cli;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Liquibase's command line ({@code LiquibaseCommandLine}, what {@code liquibase} runs) in a JVM of
 * its own with only liquibase-core and its dependencies, PgJDBC and pggit-cli.jar: the jar dropped
 * into Liquibase's {@code lib/}. Liquibase ships no SLF4J: pggit's lines go through its log service.
 */
class LiquibaseCliTest {

    @TempDir
    Path dir;

    static List<Path> classpath() {
        List<Path> cp = new ArrayList<>(ChildJvm.jars("liquibase-core", "snakeyaml", "opencsv", "jaxb-api", "commons-collections4",
                "commons-text", "commons-lang3", "commons-io", "picocli", "postgresql"));
        cp.add(ChildJvm.cliJar());
        return cp;
    }

    private ChildJvm.Result liquibase(TestDb db, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--url=" + db.jdbcUrl(), "--username=" + TestPostgres.get().user(),
                "--password=" + TestPostgres.get().password(), "--changelog-file=changelog.sql"));
        all.addAll(List.of(args));
        return ChildJvm.run(dir, classpath(), Map.of(), "liquibase.integration.commandline.LiquibaseCommandLine", all);
    }

    @Test
    void updateRecordsCommitsAndCheckRuns() throws Exception {
        Files.writeString(dir.resolve("changelog.sql"), """
                --liquibase formatted sql
                --changeset alice:1
                CREATE TABLE public.shop (id int PRIMARY KEY);
                --changeset alice:2
                CREATE INDEX shop_id ON public.shop (id);
                """);
        TestDb db = TestDb.create("lb_cli");

        ChildJvm.Result update = liquibase(db, "--log-level=INFO", "update");
        assertEquals(0, update.exitCode(), update.toString());
        assertTrue(update.all().contains("1::alice (changelog.sql) -> commit "), "pggit's line in Liquibase's log: " + update);
        assertTrue(update.all().contains("-> commit ") && update.all().contains("+1 index"), update.toString());
        assertTrue(update.all().contains("pggit: no drift"), update.toString());
        assertFalse(update.all().contains("NoClassDefFoundError"), update.toString());
        assertEquals(List.of("1", "2"), db.column("SELECT migration_id FROM pggit.migration_link ORDER BY id"));
        assertEquals("2", db.value("SELECT count(*) FROM pggit.commit WHERE origin = 'migration'"));

        ChildJvm.Result check = liquibase(db, "pggit-check");
        assertEquals(0, check.exitCode(), check.toString());
        assertTrue(check.out().contains("no findings"), check.toString());

        db.exec("CREATE TABLE public.by_hand (id int)");
        ChildJvm.Result drift = liquibase(db, "pggit-check");
        assertEquals(1, drift.exitCode(), drift.toString());
        assertTrue(drift.out().contains("public.by_hand"), drift.toString());
    }
}
