package io.pggit.flyway;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seed 003's developer surface (issue 16) on a history written by real Flyway migrations: each
 * change of an object names the migration that made it, and the objects and metadata name the
 * migrations' commits.
 */
class FlywayDeveloperSurfaceTest {

    @TempDir
    Path migrations;

    @Test
    void objectHistoryListsObjectsAndMetadataNameTheMigrations() throws IOException {
        TestDb db = TestDb.create("flyway_developer_surface");
        Files.writeString(migrations.resolve("V1__meters.sql"), "CREATE SCHEMA command; CREATE TABLE command.tb_meter (id uuid PRIMARY KEY, serial text);",
                StandardCharsets.UTF_8);
        Files.writeString(migrations.resolve("V2__readings.sql"), "CREATE TABLE command.tb_reading (meter uuid REFERENCES command.tb_meter, v numeric);",
                StandardCharsets.UTF_8);
        Files.writeString(migrations.resolve("V3__meter_kind.sql"), "ALTER TABLE command.tb_meter ADD COLUMN kind text;", StandardCharsets.UTF_8);
        Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + migrations).callbacks(new PggitFlywayCallback()).load().migrate();

        String v1 = db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '1'");
        String v3 = db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '3'");
        assertEquals(List.of(List.of("M", v3, "flyway", "3", "meter kind", "V3__meter_kind.sql"),
                        List.of("A", v1, "flyway", "1", "meters", "V1__meters.sql")),
                db.rows("SELECT change_type, commit_sha, migration_tool, migration_id, migration_description, migration_script "
                        + "FROM pggit.get_object_history('command', 'tb_meter')"));
        assertEquals(List.of(List.of("tb_meter", v1), List.of("tb_reading", db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '2'"))),
                db.rows("SELECT object_name, created_in FROM pggit.list_objects() WHERE object_type = 'table' ORDER BY 1"));
        assertEquals(List.of(List.of("table", v3)), db.rows("SELECT object_type, last_commit_sha FROM pggit.get_object_metadata('command', 'tb_meter')"));
        assertEquals("2", db.value("SELECT count(*) FROM pggit.author_activity WHERE deployment_id IS NOT NULL "
                + "AND object_key LIKE 'table:command.%' AND change_type = 'A'"), "the tables, added inside the Flyway run's deployment");
    }
}
