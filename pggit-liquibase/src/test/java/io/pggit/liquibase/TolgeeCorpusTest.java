package io.pggit.liquibase;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tolgee's real Liquibase changelog ({@code ../shared/corpora/liquibase-tolgee}: 839 changesets, 20
 * outside a transaction, two with failOnError=false, the pg_trgm, unaccent and btree_gist
 * extensions), run by the real Liquibase with pggit on the classpath. Skipped with a message when
 * the corpus is not beside the project.
 */
class TolgeeCorpusTest {

    static TestDb db;

    static Path corpus() {
        return TestDb.corpus("liquibase-tolgee");
    }

    @BeforeAll
    static void updateWithTheCorpus() throws Exception {
        Path dir = corpus().resolve("changelog");
        assumeTrue(Files.isRegularFile(dir.resolve("schema.xml")),
                "corpus not found at " + corpus() + " (it sits beside the project only where CI runs); skipping");
        db = TestDb.create("tolgee");
        LiquibaseRunner.run(db, dir, "schema.xml", "update", Map.of(), Map.of());
    }

    static List<String> changesOf(String id) {
        return db.column("SELECT change || ' ' || object_key FROM pggit.show((SELECT commit_id FROM pggit.migration_link "
                + "WHERE migration_id = '" + id + "')) ORDER BY 1");
    }

    @Test
    void everyExecutedChangesetIsLinked() {
        assertEquals("839", db.value("SELECT count(*) FROM databasechangelog"));
        assertEquals("0", db.value("SELECT count(*) FROM databasechangelog h WHERE NOT EXISTS (SELECT 1 FROM pggit.migration_link l "
                + "WHERE l.migration_id = h.id AND l.author = h.author AND l.script = h.filename AND l.checksum = h.md5sum "
                + "AND l.exec_type = h.exectype AND l.outcome = 'success' AND l.commit_id IS NOT NULL)"));
        assertEquals("1", db.value("SELECT count(*) FROM pggit.migration_link WHERE exec_type = 'MARK_RAN'"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.capture_failure"));
        assertEquals(List.of(List.of("success", "true")),
                db.rows("SELECT outcome, (tool_deployment_id = (SELECT max(deployment_id) FROM databasechangelog))::text FROM pggit.deployment"));
    }

    @Test
    void anExportOfHeadAppliedToAnEmptyDatabaseGivesTheSameTree(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertEquals(db.headTree(), db.exportRoundTripTree(dir));
    }

    @Test
    void headEqualsAFreshFullCaptureAndExtensionsAreTrackedWhole() {
        assertEquals(List.of(), db.column("SELECT change || ' ' || object_key FROM pggit.drift()"));
        assertEquals(db.freshCaptureTree(), db.headTree());
        assertEquals(List.of("extension:btree_gist", "extension:pg_trgm", "extension:unaccent"),
                db.column("SELECT object_key FROM pggit.object_map WHERE kind = 'extension' ORDER BY 1"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.object_map WHERE object_key LIKE 'function:public.gtrgm%'"),
                "extension members are not the user's schema");
        // the counts SOURCE.md reports: 97 tables
        assertEquals("97", db.value("SELECT count(*) FROM pggit.object_map WHERE kind = 'table'"));
    }

    @Test
    void aCleanUpdateHasNoFindings() {
        assertEquals(List.of(), db.column("SELECT kind || ' ' || subject FROM pggit.verify_consistency()"));
    }

    @Test
    void aChecksumLiquibaseUpgradedFromVersion8To9IsNotAGap() {
        String id = "1782996347000-1";
        db.exec("UPDATE pggit.migration_link SET checksum = '8:0123456789abcdef0123456789abcdef' WHERE migration_id = '" + id + "'");
        assertEquals(List.of(), db.column("SELECT kind || ' ' || subject FROM pggit.verify_consistency()"));
        db.exec("UPDATE pggit.migration_link SET checksum = '9:0123456789abcdef0123456789abcdef' WHERE migration_id = '" + id + "'");
        assertEquals(List.of("checksum_mismatch " + id + "::jirikuchynka (generated) (schema.xml)"),
                db.column("SELECT kind || ' ' || subject FROM pggit.verify_consistency()"));
        db.exec("UPDATE pggit.migration_link l SET checksum = h.md5sum FROM databasechangelog h WHERE l.migration_id = h.id AND h.id = '" + id + "'");
    }

    @Test
    void createTableWithACompositePrimaryKey() {
        assertEquals(List.of("A constraint:public.permission_suggest_manage_languages.\"permission_suggest_manage_languagesPK\"",
                "A table:public.permission_suggest_manage_languages"), changesOf("1782996347000-1"));
    }

    @Test
    void addForeignKeyConstraint() {
        assertEquals(List.of("A constraint:public.permission_suggest_manage_languages.\"FK_perm_suggest_manage_languages_language\""),
                changesOf("1782996347000-2"));
    }

    @Test
    void sqlFileWithATriggerFunctionAndAConstraintTrigger() {
        assertEquals(List.of("A function:public.track_project_contributor()",
                "A trigger:public.activity_revision.track_project_contributor"), changesOf("1784467200000-2"));
    }

    @Test
    void addNotNullConstraintsModifyOneTable() {
        assertEquals(List.of("M table:public.translation_suggestion"), changesOf("spring-boot-4-translation-suggestion-fks-not-null"));
    }

    @Test
    void concurrentIndexOutsideATransaction() {
        assertEquals(List.of("A index:public.activity_revision.\"IDXcg7y08d599p7jxdebbxwavak0\""), changesOf("1769694787155-164"));
    }
}
