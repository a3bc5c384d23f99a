package io.pggit.flyway;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kestra's 26 real PostgreSQL Flyway migrations ({@code ../shared/corpora/flyway-kestra}, see its
 * SOURCE.md), migrated by the real Flyway with pggit. Skipped with a message when the corpus is not
 * beside the project.
 */
class KestraCorpusTest {

    static TestDb db;

    static Path corpus() {
        return TestDb.corpus("flyway-kestra");
    }

    @BeforeAll
    static void migrateTheCorpus() {
        Path dir = corpus();
        assumeTrue(Files.isDirectory(dir.resolve("migrations")),
                "corpus not found at " + dir + " (it sits beside the project only where CI runs); skipping");
        db = TestDb.create("kestra");
        Flyway.configure()
                .dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + dir.resolve("migrations"))
                .callbacks(new PggitFlywayCallback())
                .load()
                .migrate();
    }

    static List<String> changesOf(String version) {
        return db.column("SELECT change || ' ' || object_key || coalesce(' <- ' || old_key, '') FROM pggit.show("
                + "(SELECT commit_id FROM pggit.migration_link WHERE migration_id = '" + version + "')) ORDER BY 1");
    }

    @Test
    void everyMigrationHasASuccessfulLinkAndACommit() {
        assertEquals("26", db.value("SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL"));
        assertEquals("26", db.value("SELECT count(*) FROM pggit.migration_link WHERE outcome = 'success' AND commit_id IS NOT NULL"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.migration_link l WHERE installed_rank IS NULL "
                + "OR NOT EXISTS (SELECT 1 FROM flyway_schema_history h WHERE h.version = l.migration_id "
                + "AND h.checksum::text = l.checksum AND h.installed_rank = l.installed_rank)"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.capture_failure"));
        assertEquals("success", db.value("SELECT outcome FROM pggit.deployment"));
    }

    @Test
    void anExportOfHeadAppliedToAnEmptyDatabaseGivesTheSameTree(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertEquals(db.headTree(), db.exportRoundTripTree(dir));
    }

    @Test
    void headEqualsAFreshFullCaptureOfTheCatalog() {
        assertEquals(List.of(), db.column("SELECT change || ' ' || object_key FROM pggit.drift()"));
        assertEquals(db.freshCaptureTree(), db.headTree());
        // the counts SOURCE.md reports for PostgreSQL 17.7: 18 tables, 9 functions, 3 enum types
        assertEquals("18", db.value("SELECT count(*) FROM pggit.object_map WHERE kind = 'table'"));
        assertEquals("9", db.value("SELECT count(*) FROM pggit.object_map WHERE kind = 'function'"));
        assertEquals("3", db.value("SELECT count(*) FROM pggit.object_map WHERE kind = 'type'"));
    }

    @Test
    void aCleanMigrateHasNoFindings() throws Exception {
        try (java.sql.Connection c = db.dataSource().getConnection()) {
            assertEquals(List.of(), io.pggit.core.check.ConsistencyCheck.run(c, List.of(corpus().resolve("migrations")), false, false));
        }
    }

    @Test
    void droppingAPrimaryKeyAndAddingAHashIndex() {
        // V1_4: ALTER TABLE queues DROP CONSTRAINT queues_pkey; CREATE INDEX queues_offset ... USING hash
        assertEquals(List.of("A index:public.queues.queues_offset", "D constraint:public.queues.queues_pkey"), changesOf("1.4"));
    }

    @Test
    void renamingATableRenamesItsChildren() {
        // V1_14: ALTER TABLE workertaskexecutions RENAME TO subflow_executions; ALTER TYPE queue_type ADD VALUE ...
        List<String> changes = changesOf("1.14");
        assertTrue(changes.contains("R table:public.subflow_executions <- table:public.workertaskexecutions"), changes.toString());
        assertTrue(changes.contains("M type:public.queue_type"), changes.toString());
        assertTrue(changes.stream().allMatch(c -> c.startsWith("R ") || c.equals("M type:public.queue_type")),
                "nothing but the rename and its re-keyed children, and the enum: " + changes);
        assertTrue(changes.stream().filter(c -> c.startsWith("R constraint:public.subflow_executions.")).count() >= 1, changes.toString());
    }

    @Test
    void droppingATableDropsItsConstraints() {
        // V1_20: DROP TABLE IF EXISTS worker_instance (created in V1_2 with a primary key)
        assertEquals(List.of("D constraint:public.worker_instance.worker_instance_pkey", "D table:public.worker_instance"),
                changesOf("1.20"));
    }

    @Test
    void replacingAnIndex() {
        // V1_23: DROP INDEX execution_queued__flow; CREATE INDEX execution_queued__flow_date ...
        assertEquals(List.of("A index:public.execution_queued.execution_queued__flow_date",
                "D index:public.execution_queued.execution_queued__flow"), changesOf("1.23"));
    }

    @Test
    void addingAnEnumValue() {
        // V1_26: ALTER TYPE state_type ADD VALUE IF NOT EXISTS 'SKIPPED'
        assertEquals(List.of("M type:public.state_type"), changesOf("1.26"));
        assertTrue(db.value("SELECT b.definition::text FROM pggit.change c JOIN pggit.blob b ON b.hash = c.new_hash "
                + "WHERE c.object_key = 'type:public.state_type' AND c.commit_id = "
                + "(SELECT commit_id FROM pggit.migration_link WHERE migration_id = '1.26')").contains("SKIPPED"));
    }
}
