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
 * Flyway's command line ({@code org.flywaydb.commandline.Main}, what {@code flyway} runs) in a JVM of
 * its own with flyway-commandline and what it needs for PostgreSQL (flyway-core,
 * flyway-database-postgresql, its Jackson and TOML reader, jansi), PgJDBC and pggit-cli.jar: the
 * jar dropped into Flyway's {@code drivers/} folder, the callback named by a {@code callbacks=} line
 * in its config file. No SLF4J there: pggit's lines come through Flyway's own log. flyway-commandline's
 * POM also names slf4j-nop (runtime); with it on the classpath Flyway's automatic logger choice
 * takes SLF4J and prints nothing at all, its own lines included, and the jar must still work.
 */
class FlywayCliTest {

    @TempDir
    Path dir;

    static List<Path> classpath(boolean slf4jNop) {
        List<Path> cp = new ArrayList<>(ChildJvm.jars("flyway-commandline", "flyway-core", "flyway-database-postgresql",
                "jackson-databind", "jackson-core", "jackson-annotations", "jackson-dataformat-toml", "jansi", "postgresql"));
        if (slf4jNop) {
            cp.addAll(ChildJvm.jars("slf4j-api", "slf4j-nop"));
        }
        cp.add(ChildJvm.cliJar());
        return cp;
    }

    private Path config(TestDb db) throws Exception {
        Path sql = Files.createDirectories(dir.resolve("sql"));
        Files.writeString(sql.resolve("V1__shop.sql"), "CREATE TABLE public.shop (id int PRIMARY KEY);\n");
        Files.writeString(sql.resolve("V2__shop_index.sql"), "CREATE INDEX shop_id ON public.shop (id);\n");
        Path conf = dir.resolve(db.name() + ".conf");
        Files.writeString(conf, String.join("\n",
                "flyway.url=" + db.jdbcUrl(),
                "flyway.user=" + TestPostgres.get().user(),
                "flyway.password=" + TestPostgres.get().password(),
                "flyway.locations=filesystem:" + sql,
                "flyway.callbacks=io.pggit.flyway.PggitFlywayCallback",
                "flyway.pggit.trackSchemas=public",
                ""));
        return conf;
    }

    private ChildJvm.Result migrate(TestDb db, boolean slf4jNop) throws Exception {
        return ChildJvm.run(dir, classpath(slf4jNop), Map.of(), "org.flywaydb.commandline.Main",
                List.of("-configFiles=" + config(db), "migrate"));
    }

    @Test
    void migrateRecordsCommitsThroughTheConfigFilesCallbacksLine() throws Exception {
        TestDb db = TestDb.create("fw_cli");
        ChildJvm.Result migrate = migrate(db, false);
        assertEquals(0, migrate.exitCode(), migrate.toString());
        assertFalse(migrate.all().contains("NoClassDefFoundError"), migrate.toString());
        assertTrue(migrate.all().contains("V1 shop -> commit "), "pggit's line in Flyway's log: " + migrate);
        assertTrue(migrate.all().contains("V2 shop index -> commit ") && migrate.all().contains("+1 index"), migrate.toString());
        assertTrue(migrate.all().contains("pggit: no drift"), migrate.toString());
        assertEquals(List.of("1", "2"), db.column("SELECT migration_id FROM pggit.migration_link ORDER BY id"));
        assertEquals("public", db.value("SELECT array_to_string(track_schemas, ',') FROM pggit.build_rules WHERE source LIKE 'flyway:%'"),
                "flyway.pggit.* bound by Flyway's Jackson through the unrelocated annotations");

        // the same jar, its own command line, on the database Flyway migrated
        ChildJvm.Result check = ChildJvm.cli(dir, Map.of(), "check", "--url", db.jdbcUrl(), "--user", TestPostgres.get().user());
        assertEquals(PggitCli.OK, check.exitCode(), check.toString());
    }

    @Test
    void worksBesideSlf4jNop() throws Exception {
        TestDb db = TestDb.create("fw_cli_nop");
        ChildJvm.Result migrate = migrate(db, true);
        assertEquals(0, migrate.exitCode(), migrate.toString());
        assertFalse(migrate.all().contains("NoClassDefFoundError"), migrate.toString());
        assertEquals(List.of("1", "2"), db.column("SELECT migration_id FROM pggit.migration_link ORDER BY id"));
    }
}
