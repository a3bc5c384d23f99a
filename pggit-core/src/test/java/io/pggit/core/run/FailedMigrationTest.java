package io.pggit.core.run;

import io.pggit.core.PggitConfig;
import io.pggit.core.model.MigrationLink;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed migration's link says what failed: the database's message and SQLSTATE. */
class FailedMigrationTest {

    @Test
    void aFailedMigrationsLinkCarriesTheSqlStateAndMessageOfTheDatabasesError() {
        TestDb db = TestDb.withPggit("failed_migration_sqlstate");
        MigrationRun run = MigrationRun.open(db.dataSource(), PggitConfig.DEFAULTS, "liquibase", "liquibase update", null, List.of());
        SQLException syntax = assertThrows(SQLException.class, () -> {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABEL public.bad (a int)");
            }
        });
        // as a tool hands it over: wrapped, the database's error among the causes
        run.migrationFailed(MigrationLink.liquibase("1", "a", "changelog.xml", "bad", null, null, null, "FAILED"),
                new RuntimeException("Migration failed for changeset changelog.xml::1::a", syntax));
        run.migrationFailed(MigrationLink.flyway(Optional.of("2"), "SQL", "no sqlstate", "V2__x.sql", Optional.empty()),
                "migration failed; see the tool's output");
        run.close(false);

        List<List<String>> links = db.rows("SELECT migration_id, outcome, error_sqlstate, error, commit_id FROM pggit.migration_link ORDER BY id");
        assertEquals(List.of("1", "failed", "42601"), links.get(0).subList(0, 3));
        assertTrue(links.get(0).get(3).contains("syntax error at or near \"TABEL\""), links.get(0).get(3));
        assertEquals(null, links.get(0).get(4), "no commit");
        assertEquals(java.util.Arrays.asList("2", "failed", null, "migration failed; see the tool's output", null), links.get(1));
    }
}
