package io.pggit.flyway;

import io.pggit.core.Pggit;
import io.pggit.core.report.MigrationFiles;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan between two revisions written as the next Flyway migration (issue 15, the merge as a
 * migration): {@code flyway migrate} of that folder, on a database at the first revision's state,
 * gives the second revision's tree exactly.
 */
class MergeAsMigrationTest {

    @Test
    void theWrittenMigrationGivesTheLaterTreeExactly(@TempDir Path dir) throws Exception {
        TestDb latest = CompareTest.migrated("plan_migration_latest", "latest");
        Pggit pggit = latest.pggit();
        String atV4 = latest.value("SELECT commit_id FROM pggit.migration_link WHERE tool = 'flyway' AND migration_id = '4'");

        // the folder a team has at V4, and the plan to HEAD as its next migration
        try (Stream<Path> files = Files.list(CompareTest.EXAMPLE)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("V[1-4]__.*")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        List<String> lines = MigrationFiles.write(pggit.plan(atV4, "HEAD"), atV4.substring(0, 7), "HEAD", dir, null, "merge of the query side");
        assertEquals(1, lines.size());
        Path written = dir.resolve("V5__merge_of_the_query_side.sql");
        assertTrue(Files.isRegularFile(written), lines + " " + dir);

        TestDb fresh = TestDb.withPggit("plan_migration_fresh");
        Flyway.configure().dataSource(fresh.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + dir).callbacks(new PggitFlywayCallback()).load().migrate();
        assertEquals(latest.headTree(), fresh.freshCaptureTree(), "the migrated schema is HEAD's:\n" + Files.readString(written));
        assertEquals(latest.headTree(), fresh.headTree(), "and pggit recorded it so");
        assertEquals(List.of(), fresh.rows("SELECT * FROM pggit.drift()"));
    }
}
