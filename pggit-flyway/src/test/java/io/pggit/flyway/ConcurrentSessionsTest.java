package io.pggit.flyway;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrent sessions during a migration run (not timed): 8 sessions doing CREATE / ALTER / DROP in
 * loops, each change its own transaction, and a session calling pggit.commit() over and over, while
 * Flyway runs 40 migrations with the pggit callback. Afterwards every migration's commit holds only
 * objects of its own script (schema app), never another session's (schemas s0..s7); the other
 * sessions' changes went into pggit.commit()'s commits, none into a migration's; after a final
 * commit nothing is pending and there is no drift. 10 rounds, each with its seed printed
 * ({@code -Dpggit.concurrency.seed=S -Dpggit.concurrency.rounds=1} re-runs one).
 */
class ConcurrentSessionsTest {

    static final int SESSIONS = 8;
    static final int MIGRATIONS = 40;
    /** Each session's loop stops after this many tables, so that a round's size does not depend on the machine's speed. */
    static final int CHANGES_PER_SESSION = 80;

    @TempDir
    Path migrations;

    @Test
    void otherSessionsDdlIsNeverLostNorAttributedToAMigration() throws Exception {
        long seed0 = Long.getLong("pggit.concurrency.seed", System.nanoTime());
        int rounds = Integer.getInteger("pggit.concurrency.rounds", 10);
        writeMigrations();
        for (int round = 0; round < rounds; round++) {
            long seed = seed0 + round;
            System.out.println("ConcurrentSessionsTest round " + round + ": -Dpggit.concurrency.seed=" + seed + " -Dpggit.concurrency.rounds=1");
            round(seed);
        }
    }

    void writeMigrations() throws Exception {
        Files.writeString(migrations.resolve("V1__app.sql"), "CREATE SCHEMA app; CREATE TABLE app.t1 (id int PRIMARY KEY);"
                + " CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE VIEW app.v AS SELECT id FROM app.t1;");
        for (int n = 2; n <= MIGRATIONS; n++) {
            Files.writeString(migrations.resolve("V" + n + "__step.sql"),
                    "CREATE TABLE app.t" + n + " (id int PRIMARY KEY, up int REFERENCES app.t" + (n - 1) + ");"
                            + " ALTER TABLE app.t" + (n - 1) + " ADD COLUMN c" + n + " text;"
                            + " CREATE OR REPLACE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT " + n + "';"
                            + " DROP VIEW app.v; CREATE VIEW app.v AS SELECT id FROM app.t" + n + ";"
                            + " SELECT pg_sleep(0.01);");
        }
    }

    void round(long seed) throws Exception {
        TestDb db = TestDb.withPggit("concurrent_" + Long.toUnsignedString(seed % 100000));
        for (int i = 0; i < SESSIONS; i++) {
            db.exec("CREATE SCHEMA s" + i);
        }
        db.pggit().commit("session schemas");
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS + 1);
        List<Future<Integer>> workers = new ArrayList<>();
        try {
            for (int i = 0; i < SESSIONS; i++) {
                int session = i;
                Random random = new Random(seed * 31 + i);
                workers.add(pool.submit(() -> ddlLoop(db, session, random, stop)));
            }
            workers.add(pool.submit(() -> commitLoop(db, stop)));
            Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                    .locations("filesystem:" + migrations).callbacks(new PggitFlywayCallback()).load().migrate();
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        int changes = 0;
        for (Future<Integer> w : workers) {
            changes += w.get();
        }
        // every migration linked, and its commit holds only objects of schema app (or is HEAD for none)
        assertEquals(List.of(), db.column("SELECT migration || ': ' || error FROM pggit.capture_failure"), "capture failures (seed " + seed + ")");
        assertEquals(String.valueOf(MIGRATIONS), db.value("SELECT count(*) FROM pggit.migration_link WHERE tool = 'flyway' AND outcome = 'success'"));
        assertEquals(List.of(), db.column("SELECT l.migration_id || ': ' || ch.change || ' ' || ch.object_key FROM pggit.migration_link l "
                + "JOIN pggit.change ch ON ch.commit_id = l.commit_id WHERE l.new_commit AND ch.object_key NOT LIKE '%:app.%' "
                + "AND ch.object_key <> 'schema:app' ORDER BY 1"), "another session's object in a migration's commit (seed " + seed + ")");
        // each migration's own objects are in its commit: V<n> adds app.t<n>
        assertEquals(List.of(), db.column("SELECT l.migration_id FROM pggit.migration_link l WHERE l.tool = 'flyway' AND NOT EXISTS ("
                + "SELECT 1 FROM pggit.change ch WHERE ch.commit_id = l.commit_id AND ch.change = 'A' "
                + "AND ch.object_key = 'table:app.t' || l.migration_id) ORDER BY 1"), "a migration's own table missing from its commit (seed " + seed + ")");
        // the sessions' changes: none lost; after a final commit nothing pending, no drift
        db.pggit().commit("after the round");
        assertEquals(List.of(), db.column("SELECT object_key FROM pggit.status()"), "pending after the final commit (seed " + seed + ")");
        assertEquals(List.of(), db.column("SELECT change || ' ' || object_key FROM pggit.drift()"), "drift (seed " + seed + ", " + changes + " session changes)");
        assertEquals(db.freshCaptureTree(), db.headTree(), "HEAD equals a fresh capture (seed " + seed + ")");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.journal"), "the journal is consumed (seed " + seed + ")");
    }

    /** One session's CREATE / ALTER / DROP loop in its own schema; returns how many changes it made. */
    static int ddlLoop(TestDb db, int session, Random random, AtomicBoolean stop) throws SQLException {
        int n = 0;
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            while (!stop.get() && n < CHANGES_PER_SESSION) {
                String t = "s" + session + ".x" + n;
                s.execute("CREATE TABLE " + t + " (a int)");
                if (random.nextBoolean()) {
                    s.execute("ALTER TABLE " + t + " ADD COLUMN b text");
                }
                if (random.nextInt(3) == 0) {
                    s.execute("CREATE INDEX ON " + t + " (a)");
                }
                if (n > 2 && random.nextBoolean()) {
                    s.execute("DROP TABLE IF EXISTS s" + session + ".x" + (n - 2 - random.nextInt(2)));
                }
                n++;
                s.execute("SELECT pg_sleep(" + random.nextInt(20) / 1000.0 + ")");   // spread over the run
            }
        }
        return n;
    }

    /** pggit.commit() over and over from another session. */
    static int commitLoop(TestDb db, AtomicBoolean stop) throws SQLException {
        int commits = 0;
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                s.execute("SELECT pggit.commit('concurrent commit')");
                commits++;
            }
        }
        return commits;
    }
}
