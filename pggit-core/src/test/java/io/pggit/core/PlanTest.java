package io.pggit.core;

import io.pggit.core.model.Comparison;
import io.pggit.core.report.MigrationFiles;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plan between two recorded revisions (issue 15: the merge as a migration, checkout): run on a
 * database at the first revision's state, it gives the second's tree exactly, both ways.
 */
class PlanTest {

    private static final String[] STATE_A = {
            "CREATE SCHEMA app",
            "CREATE TABLE app.meter (id int PRIMARY KEY, serial text)",
            "CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 1'",
            "CREATE VIEW app.v AS SELECT id FROM app.meter",
    };

    private static final String[] TO_B = {
            "ALTER TABLE app.meter ADD COLUMN read_at timestamptz DEFAULT now()",
            "ALTER TABLE app.meter ALTER serial SET NOT NULL",
            "CREATE INDEX meter_read_idx ON app.meter (read_at)",
            "CREATE OR REPLACE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 2; -- a semicolon inside'",
            "DROP VIEW app.v",
            "CREATE VIEW app.v2 AS SELECT id, read_at FROM app.meter",
            "CREATE TABLE app.reading (id int PRIMARY KEY, meter_id int REFERENCES app.meter, \"Wert ü\" numeric)",
            "COMMENT ON TABLE app.reading IS 'readings'",
    };

    @Test
    void aPlanBetweenTwoRevisionsGivesTheSecondsTreeOnADatabaseAtTheFirstsBothWays(@TempDir Path dir) throws Exception {
        TestDb db = TestDb.withPggit("plan_source");
        db.exec(STATE_A);
        Pggit pggit = db.pggit();
        pggit.commit("state a");
        String treeA = db.headTree();
        db.exec(TO_B);
        pggit.commit("state b");
        String treeB = db.headTree();

        Comparison forward = pggit.plan("HEAD~1", "HEAD");
        assertTrue(forward.differences().size() >= 6, forward.differences().toString());
        TestDb atA = TestDb.withPggit("plan_target");
        atA.exec(STATE_A);
        atA.exec(forward.plan().toArray(String[]::new));
        assertEquals(treeB, atA.freshCaptureTree(), "the forward plan, on a database at HEAD~1:\n" + forward.planScript());

        Comparison back = pggit.plan("HEAD", "HEAD~1");
        TestDb atB = db.copy("back");
        atB.exec(back.plan().toArray(String[]::new));
        assertEquals(treeA, atB.freshCaptureTree(), "the backward plan, on a database at HEAD:\n" + back.planScript());

        assertEquals(List.of(), pggit.plan("HEAD", "main").plan(), "no statements between equal trees");

        // written where the tools pick it up
        Files.writeString(dir.resolve("V1__init.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("V1_9__more.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("R__view.sql"), "SELECT 1;");
        Path written = MigrationFiles.writeFlyway(dir, "from HEAD~1 to HEAD", forward.planScript());
        assertEquals("V1_10__from_HEAD_1_to_HEAD.sql", written.getFileName().toString());
        assertEquals(forward.planScript(), Files.readString(written));
        assertEquals("V1__pggit_plan.sql", MigrationFiles.writeFlyway(dir.resolve("empty"), null, "SELECT 1;").getFileName().toString());
        PggitException nothing = assertThrows(PggitException.class, () -> MigrationFiles.writeFlyway(dir, "x", ""));
        assertTrue(nothing.getMessage().contains("the plan is empty"), nothing.getMessage());

        Path changelog = MigrationFiles.appendLiquibase(dir.resolve("db/changelog.sql"), "pggit", "merge-1", forward.planScript());
        MigrationFiles.appendLiquibase(changelog, "pggit", "merge-2", "SELECT 2;");
        String text = Files.readString(changelog);
        assertTrue(text.startsWith("--liquibase formatted sql\n\n--changeset pggit:merge-1 splitStatements:false\n"), text);
        assertTrue(text.endsWith("\n--changeset pggit:merge-2 splitStatements:false\nSELECT 2;\n"), text);
    }
}
