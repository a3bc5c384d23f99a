package io.pggit.flyway;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kill -9 of the Flyway JVM midway through a migrate: the next run completes, every applied
 * migration is linked exactly once, the killed run's deployment is closed as interrupted with its
 * links' installed ranks, and the check reports it as a warning, nothing else.
 */
class KilledRunTest {

    static final int MIGRATIONS = 50;
    static final String APPLICATION = "pggit-killed-run";

    @TempDir
    Path migrations;
    @TempDir
    Path output;

    @Test
    void theRunAfterAKilledOneCompletesAndTheKilledDeploymentIsInterrupted() throws Exception {
        long seed = Long.getLong("pggit.killedRun.seed", System.nanoTime());
        System.out.println("KilledRunTest seed: " + seed + " (rerun with -Dpggit.killedRun.seed=" + seed + ")");
        Random random = new Random(seed);
        int killAfter = 3 + random.nextInt(40);   // links recorded before the kill: at least a few, never all
        int thenWithinMs = random.nextInt(60);    // and then a moment more: the kill lands anywhere in a migration

        TestDb db = TestDb.withPggit("killed_run");   // installed beforehand: the child run only records
        for (int i = 1; i <= MIGRATIONS; i++) {
            Files.writeString(migrations.resolve("V" + i + "__slow_" + i + ".sql"),
                    "SELECT pg_sleep(0.05);\nCREATE TABLE public.t_" + i + " (id int PRIMARY KEY, note text);\n");
        }

        Process child = startChild(db);
        Path log = output.resolve("child.log");
        while (Integer.parseInt(db.value("SELECT count(*) FROM pggit.migration_link")) < killAfter) {
            if (!child.isAlive()) {
                fail("the child run ended (exit " + child.exitValue() + ") before " + killAfter + " links:\n" + Files.readString(log));
            }
            Thread.sleep(5);
        }
        Thread.sleep(thenWithinMs);
        assertTrue(child.isAlive(), "the child was still migrating when killed");
        child.destroyForcibly();   // SIGKILL: no callback, no close, no rollback from the client
        child.waitFor();
        // the server notices the dead client when it next talks to it; until then its session is
        // alive (and a check would rightly leave the deployment running)
        while (!db.value("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + APPLICATION + "'").equals("0")) {
            Thread.sleep(10);
        }
        int linkedBeforeKill = Integer.parseInt(db.value("SELECT count(*) FROM pggit.migration_link"));
        assertTrue(linkedBeforeKill >= killAfter && linkedBeforeKill < MIGRATIONS, "links of the killed run: " + linkedBeforeKill);
        assertEquals(List.of(List.of("running", "f")), db.rows("SELECT d.outcome, o.session_alive FROM pggit.deployment d "
                + "JOIN pggit.open_deployments o USING (id)"), "left running, its session gone");
        String killed = db.value("SELECT id FROM pggit.deployment");

        // the next run, in this JVM
        Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + migrations).callbacks(new PggitFlywayCallback()).load().migrate();

        List<String> versions = IntStream.rangeClosed(1, MIGRATIONS).mapToObj(String::valueOf).toList();
        assertEquals(versions, db.column("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"));
        assertEquals("0", db.value("SELECT count(*) FROM flyway_schema_history WHERE NOT success"));
        // each applied version linked exactly once, as a success: the migration the kill hit was
        // rolled back (its link with it, in the same transaction) and ran again in the next run
        assertEquals(versions.stream().map(v -> List.of(v, "1", "success")).toList(),
                db.rows("SELECT migration_id, count(*), string_agg(outcome, ',') FROM pggit.migration_link "
                        + "GROUP BY migration_id ORDER BY migration_id::int"));
        assertEquals(List.of(), db.rows("SELECT * FROM pggit.drift()"), "no drift");
        assertEquals(List.of(List.of(killed, "interrupted"), List.of(String.valueOf(Long.parseLong(killed) + 1), "success")),
                db.rows("SELECT id, outcome FROM pggit.deployment ORDER BY id"));
        // the killed run's links: the first versions, with the installed rank and execution time of their history rows
        assertEquals(versions.subList(0, linkedBeforeKill).stream().map(v -> List.of(v, "t", "t")).toList(),
                db.rows("SELECT l.migration_id, (l.installed_rank = h.installed_rank)::text, (l.execution_time_ms = h.execution_time)::text "
                        + "FROM pggit.migration_link l LEFT JOIN flyway_schema_history h ON h.version = l.migration_id "
                        + "WHERE l.deployment_id = " + killed + " ORDER BY l.id").stream()
                        .map(r -> List.of(r.get(0), r.get(1) == null ? "null" : r.get(1).substring(0, 1),
                                r.get(2) == null ? "null" : r.get(2).substring(0, 1))).toList());
        assertEquals("0", db.value("SELECT count(*) FROM pggit.migration_link WHERE installed_rank IS NULL"));

        List<Finding> findings;
        try (Connection c = db.dataSource().getConnection()) {
            findings = ConsistencyCheck.run(c, List.of(migrations), false, false);
        }
        assertEquals(List.of("tracking interrupted_deployment WARNING deployment " + killed),
                findings.stream().map(f -> f.check() + " " + f.kind() + " " + f.severity() + " " + f.subject()).toList());
        assertTrue(findings.get(0).message().contains("after " + linkedBeforeKill + " migration(s) linked"), findings.get(0).message());
    }

    Process startChild(TestDb db) throws IOException {
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=" + APPLICATION;
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledRunMain.class.getName(),
                url, TestPostgres.get().user(), TestPostgres.get().password(), migrations.toString());
        pb.environment().put("REDGATE_DISABLE_TELEMETRY", "true");
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.resolve("child.log").toFile());
        return pb.start();
    }
}
