package io.pggit.maven;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pggit:merge on two branches that diverged ({@link TestDb#diverged}: {@code pggit.head}
 * moved by hand, the source side's DDL undone on the live catalog before the target side's): a clean
 * merge applied and rolled back, the merge written as a Flyway migration whose run completes it, and
 * conflicts that fail the build until they are resolved and the merge completed.
 */
class MergeMojoTest {

    /** Clean: src adds a table and a column, main another table. */
    static TestDb clean(String name) {
        return TestDb.diverged(name, List.of("CREATE TABLE public.meter (id int PRIMARY KEY)"),
                List.of("CREATE TABLE public.reading (meter int, at timestamptz)", "ALTER TABLE public.meter ADD COLUMN serial text"),
                List.of("DROP TABLE public.reading", "ALTER TABLE public.meter DROP COLUMN serial"),
                List.of("CREATE TABLE public.site (id int)"));
    }

    static MergeMojo goal(TestDb db, Object... parameters) {
        MergeMojo mojo = new MergeMojo();
        Goals.set(mojo, "url", db.jdbcUrl());
        Goals.set(mojo, "user", TestPostgres.get().user());
        Goals.set(mojo, "password", TestPostgres.get().password());
        Goals.set(mojo, "strategy", "recursive");
        Goals.set(mojo, "apply", true);
        Goals.set(mojo, "failOnConflicts", true);
        for (int i = 0; i < parameters.length; i += 2) {
            Goals.set(mojo, (String) parameters[i], parameters[i + 1]);
        }
        return mojo;
    }

    static String shortHead(TestDb db) {
        return db.value("SELECT left(pggit.head_commit(), 7)");
    }

    @Test
    void aCleanMergeRunsItsPlanSoThatTheLiveDatabaseIsHeadAndARollbackUndoesIt() throws Exception {
        TestDb db = clean("merge_goal_clean");
        String before = db.headTree();
        MergeMojo merge = goal(db, "source", "src");
        List<String> log = Goals.captureInfo(merge);
        merge.execute();
        String id = db.value("SELECT max(id) FROM pggit.merge");
        assertTrue(log.get(0).matches("pggit: merge " + id + " completed: merge commit " + shortHead(db)
                + "; its plan \\(\\d+ statement\\(s\\)\\) ran on the live database"), log.toString());
        assertEquals(List.of("next: to undo it, a new commit with the target's tree before it: mvn pggit:merge -Dpggit.mergeId=" + id
                + " -Dpggit.rollback=<reason>"), log.subList(1, log.size()), "no conflicts, no plan left to run");
        assertEquals(db.freshCaptureTree(), db.headTree(), "live == HEAD");
        assertEquals(List.of(), db.pggit().drift());
        assertEquals("2", db.value("SELECT cardinality(parents) FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals("1", db.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.meter'::regclass AND attname = 'serial'"));

        MergeMojo back = goal(db, "mergeId", Long.valueOf(id), "rollback", "the column broke a report");
        List<String> undone = Goals.captureInfo(back);
        back.execute();
        assertTrue(undone.get(0).startsWith("pggit: merge " + id + " rolled back by commit " + shortHead(db) + "; its plan ("), undone.toString());
        assertEquals(before, db.headTree());
        assertEquals(db.freshCaptureTree(), db.headTree());
    }

    @Test
    void theMergeWrittenAsAFlywayMigrationCompletesWhenThatMigrationRuns(@TempDir Path dir) throws Exception {
        TestDb db = clean("merge_goal_flyway");
        Path migrations = dir.resolve("db/migration");
        Files.createDirectories(migrations);
        Files.writeString(migrations.resolve("V1__meter.sql"), "CREATE TABLE public.meter (id int PRIMARY KEY);\n");
        String before = db.headTree();
        MergeMojo merge = goal(db, "source", "src", "flywayMigration", migrations.toFile());
        List<String> log = Goals.captureInfo(merge);
        merge.execute();
        String id = db.value("SELECT max(id) FROM pggit.merge");
        int statements = Integer.parseInt(log.get(0).replaceAll(".*its plan \\((\\d+) statement.*", "$1"));
        assertEquals("pggit: merge " + id + " is ready: its plan (" + statements + " statement(s)) must run on the live database, "
                + "whose capture then becomes the merge commit", log.get(0));
        assertEquals(before, db.headTree(), "nothing ran");
        assertEquals(db.freshCaptureTree(), before);
        Path file = migrations.resolve("V2__pggit_merge_" + id + "_of_src.sql");
        assertTrue(log.contains("pggit: plan HEAD -> merge " + id + " (" + statements + " statement(s)) written as " + file), log.toString());
        String script = Files.readString(file);
        assertTrue(script.contains("CREATE TABLE public.reading") && script.contains("ALTER TABLE public.meter ADD COLUMN \"serial\" text"), script);
        assertTrue(log.contains("pggit: the plan, to run on the live database:") && log.stream().anyMatch(l -> l.startsWith("  CREATE TABLE public.reading")),
                "the plan is printed: " + log);
        assertEquals("next: run the migration written from its plan (flyway:migrate, liquibase:update): its capture becomes the merge commit",
                log.get(log.size() - 2));

        // the same ready merge, completed later without running: its plan appended to a changelog
        Path changelog = dir.resolve("changelog.sql");
        goal(db, "mergeId", Long.valueOf(id), "complete", true, "liquibaseChangelog", changelog.toFile()).execute();
        assertTrue(Files.readString(changelog).contains("--changeset pggit:pggit-merge-" + id + " splitStatements:false"), Files.readString(changelog));
        assertEquals("ready", db.value("SELECT status FROM pggit.merge WHERE id = " + id));

        // Flyway runs the file; pggit's callback commits the capture, which is the merge commit
        db.exec(script, "SELECT pggit.commit('V2__pggit_merge_" + id + "_of_src')");
        assertEquals("completed " + db.value("SELECT pggit.head_commit()"), db.value("SELECT status || ' ' || merge_commit FROM pggit.merge WHERE id = " + id));
        assertEquals(List.of(db.value("SELECT target_commit FROM pggit.merge WHERE id = " + id), db.value("SELECT pggit.resolve('src')")),
                db.column("SELECT unnest(parents) FROM pggit.commit WHERE id = pggit.head_commit()"), "two parents: the target, then the source");
        assertEquals(List.of(), db.pggit().drift());
    }

    @Test
    void conflictsFailTheBuildUntilTheyAreResolvedAndTheMergeCompleted() throws Exception {
        TestDb db = TestDb.diverged("merge_goal_conflicts",
                List.of("CREATE TABLE public.t (id int, b text)"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(20)", "CREATE TABLE public.s (id int)"),
                List.of("DROP TABLE public.s", "ALTER TABLE public.t ALTER b TYPE text"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(10)"));
        MojoExecutionException strategy = assertThrows(MojoExecutionException.class, () -> goal(db, "source", "src", "strategy", "mine").execute());
        assertEquals("pggit.strategy must be recursive, ours or theirs, not \"mine\"", strategy.getMessage());
        MojoExecutionException noSource = assertThrows(MojoExecutionException.class, () -> goal(db).execute());
        assertTrue(noSource.getMessage().startsWith("pggit:merge needs pggit.source"), noSource.getMessage());

        MergeMojo merge = goal(db, "source", "src");
        List<String> log = Goals.captureInfo(merge);
        MojoFailureException failed = assertThrows(MojoFailureException.class, merge::execute);
        String id = db.value("SELECT max(id) FROM pggit.merge");
        String resolve = "mvn pggit:merge -Dpggit.mergeId=" + id + " -Dpggit.resolve=source -Dpggit.objects=table:public.t -Dpggit.complete";
        assertTrue(failed.getMessage().startsWith("pggit: merge " + id + " has 1 open conflict(s): BOTH_MODIFIED table:public.t\n"), failed.getMessage());
        assertTrue(failed.getMessage().contains(resolve), failed.getMessage());
        assertEquals(List.of("pggit: merge " + id + " has 1 open conflict(s) of 1", "  BOTH_MODIFIED table:public.t (column b): open"), log.subList(0, 2));

        MergeMojo status = goal(db, "mergeId", Long.valueOf(id), "failOnConflicts", false);
        List<String> shown = Goals.captureInfo(status);
        status.execute();
        assertEquals(log.subList(0, 2), shown.subList(0, 2), "the merge's state, without failing");
        MojoExecutionException choice = assertThrows(MojoExecutionException.class,
                () -> goal(db, "mergeId", Long.valueOf(id), "resolve", "sideways", "objects", "table:public.t").execute());
        assertEquals("pggit.resolve must be source, target or base, not \"sideways\"", choice.getMessage());

        MergeMojo done = goal(db, "mergeId", Long.valueOf(id), "resolve", "source", "objects", "table:public.t", "notes", "wider wins", "complete", true);
        List<String> completed = Goals.captureInfo(done);
        done.execute();
        assertEquals("pggit: resolved 1 conflict(s) of merge " + id + " for the source", completed.get(0));
        assertTrue(completed.get(1).startsWith("pggit: merge " + id + " completed: merge commit " + shortHead(db)), completed.toString());
        assertEquals("  BOTH_MODIFIED table:public.t (column b): resolved for the source (wider wins)", completed.get(2));
        assertEquals(List.of("character varying(20)"), db.column("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'public.t'::regclass AND attname = 'b'"));
        assertEquals(db.freshCaptureTree(), db.headTree());
        assertEquals(List.of(), db.pggit().drift());
        assertEquals("2", db.value("SELECT cardinality(parents) FROM pggit.commit WHERE id = pggit.head_commit()"));
    }

    @Test
    void aConflictResolvedWithManualDdlTakesTheDefinitionItGives() throws Exception {
        TestDb db = TestDb.diverged("merge_goal_manual",
                List.of("CREATE TABLE public.t (id int, b text)"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(20)"),
                List.of("ALTER TABLE public.t ALTER b TYPE text"),
                List.of("ALTER TABLE public.t ALTER b TYPE varchar(10)"));
        assertThrows(MojoFailureException.class, goal(db, "source", "src")::execute);
        Long id = Long.valueOf(db.value("SELECT max(id) FROM pggit.merge"));
        MojoExecutionException two = assertThrows(MojoExecutionException.class,
                () -> goal(db, "mergeId", id, "manualDdl", "SELECT 1", "objects", "table:public.t,table:public.u").execute());
        assertTrue(two.getMessage().startsWith("pggit.manualDdl resolves one conflict"), two.getMessage());
        MergeMojo done = goal(db, "mergeId", id, "manualDdl", "ALTER TABLE public.t ALTER b TYPE varchar(50)", "objects", "table:public.t",
                "notes", "fits both", "complete", true);
        List<String> log = Goals.captureInfo(done);
        done.execute();
        assertEquals("pggit: table:public.t: BOTH_MODIFIED takes the definition the manual DDL gives", log.get(0));
        assertEquals("  BOTH_MODIFIED table:public.t (column b): resolved with manual DDL (fits both)", log.get(2));
        assertEquals(List.of("character varying(50)"), db.column("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'public.t'::regclass AND attname = 'b'"));
        assertEquals(db.freshCaptureTree(), db.headTree());
    }
}
