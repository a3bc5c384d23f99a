package io.pggit.flyway;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each finding of pggit:check made to happen for real after a Flyway migrate, and nothing else found. */
class FlywayCheckTest {

    @TempDir
    Path migrations;
    TestDb db;

    @BeforeEach
    void freshDatabase(TestInfo info) throws IOException {
        db = TestDb.create(info.getTestMethod().orElseThrow().getName());
        Files.writeString(migrations.resolve("V1__meters.sql"), "CREATE TABLE public.meter (id int PRIMARY KEY);");
        Files.writeString(migrations.resolve("V2__readings.sql"), "CREATE TABLE public.reading (meter int REFERENCES public.meter);");
    }

    FluentConfiguration flyway() {
        return Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + migrations).callbacks(new PggitFlywayCallback());
    }

    List<String> findings() throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return ConsistencyCheck.run(c, List.of(migrations), false, false).stream()
                    .map(f -> f.check() + " " + f.kind() + " " + f.subject()).sorted().toList();
        }
    }

    @Test
    void aCleanMigrateHasNoFindings() throws SQLException {
        flyway().load().migrate();
        assertEquals(List.of(), findings());
    }

    @Test
    void anUninstallAndReinstallIsARestartedHistoryWhileTheHistoryTableHoldsOlderMigrations() throws SQLException, IOException {
        flyway().load().migrate();
        db.pggit().uninstall(db.name(), false);
        Files.writeString(migrations.resolve("V3__units.sql"), "CREATE TABLE public.unit (id int);");
        flyway().load().migrate();   // the callback installs pggit again: a new history from a baseline
        assertEquals(List.of("gap restarted_history public.flyway_schema_history"), findings());
        assertEquals("1", db.value("SELECT count(*) FROM pggit.migration_link WHERE migration_id = '3'"), "V3 is linked in the new history");
    }

    @Test
    void ddlTypedOutsideAnyMigrationIsDrift() throws SQLException {
        flyway().load().migrate();
        db.exec("CREATE INDEX meter_hotfix ON public.meter ((id * 2))");
        assertEquals(List.of("drift drift_added index:public.meter.meter_hotfix"), findings());
    }

    @Test
    void aMigrationFileEditedAfterItRanIsAGap() throws SQLException, IOException {
        flyway().load().migrate();
        Files.writeString(migrations.resolve("V2__readings.sql"), "CREATE TABLE public.reading (meter int REFERENCES public.meter, v int);");
        assertEquals(List.of("gap file_checksum V2 readings"), findings());
    }

    @Test
    void aDeletedHistoryRowIsAGap() throws SQLException {
        flyway().load().migrate();
        db.exec("DELETE FROM flyway_schema_history WHERE version = '2'");
        assertEquals(List.of("gap missing_migration V2 readings"), findings());
    }

    @Test
    void aRepairedChecksumIsAGap() throws SQLException {
        flyway().load().migrate();
        db.exec("UPDATE flyway_schema_history SET checksum = 42 WHERE version = '1'");
        List<String> found = findings();
        assertEquals(List.of("gap checksum_mismatch V1 meters", "gap file_checksum V1 meters"), found);
    }

    @Test
    void aFailedMigrationIsAGap() throws SQLException, IOException {
        Files.writeString(migrations.resolve("V3__boom.sql"), "CREATE TABLE public.half (a int); SELECT 1/0;");
        assertThrows(RuntimeException.class, () -> flyway().load().migrate());
        // PostgreSQL rolls a failed transactional migration back with its history row; a non-transactional
        // one leaves a failed row, as here
        db.exec("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, "
                + "execution_time, success) VALUES (99, '3', 'boom', 'SQL', 'V3__boom.sql', 0, 'me', 1, false)");
        assertEquals(List.of("gap failed_migration V3 boom"), findings());
    }

    @Test
    void aMigrationAppliedOutOfOrderIsAWarning() throws SQLException, IOException {
        Files.writeString(migrations.resolve("V2__readings.sql"), "CREATE TABLE public.reading (meter int);");
        Files.move(migrations.resolve("V2__readings.sql"), migrations.resolve("V3__readings.sql"));
        flyway().load().migrate();
        Files.writeString(migrations.resolve("V2__late.sql"), "CREATE TABLE public.late (a int);");
        flyway().outOfOrder(true).load().migrate();
        List<Finding> found;
        try (Connection c = db.dataSource().getConnection()) {
            found = ConsistencyCheck.run(c, List.of(migrations), false, false);
        }
        assertEquals(List.of("gap out_of_order V2 late warning"),
                found.stream().map(f -> f.check() + " " + f.kind() + " " + f.subject() + " " + f.severity().code()).toList());
    }

    @Test
    void aMigrationThatRanWithoutTheCallbackIsUnlinked() throws SQLException, IOException {
        flyway().load().migrate();
        Files.writeString(migrations.resolve("V3__sneaky.sql"), "CREATE TABLE public.sneaky (a int);");
        Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + migrations).load().migrate();
        assertEquals(List.of("drift drift_added table:public.sneaky", "gap unlinked_migration V3 sneaky"), findings());
    }

    @Test
    void flywayChecksumsAreComputedAsFlywayDoes() {
        Path v11 = KestraCorpusTest.corpus().resolve("migrations/V1_1__initial.sql");
        assumeTrue(Files.isRegularFile(v11), "corpus not found at " + v11 + "; skipping");
        assertEquals(1950250757, ConsistencyCheck.flywayChecksum(v11), "the checksum SOURCE.md records for V1_1");
    }
}
