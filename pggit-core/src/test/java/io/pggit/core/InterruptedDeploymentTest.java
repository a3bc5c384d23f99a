package io.pggit.core;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migration tool's deployment whose session is gone is closed as interrupted, by
 * {@code pggit.close_interrupted_deployments()}: a session is its backend pid and start time
 * (pids are reused), never a timeout.
 */
class InterruptedDeploymentTest {

    /** No Linux pid is this large (pid_max is at most 2^22). */
    static final String NO_SUCH_PID = "2147483647";

    TestDb db;

    @BeforeEach
    void freshDatabase(TestInfo info) {
        db = TestDb.withPggit(info.getTestMethod().orElseThrow().getName());
    }

    /** A deployment row as a run whose session is gone left it (the JVM was killed after opening it). */
    String deadRun(String name, String tool, String pid, String startedAt) {
        return db.value("INSERT INTO pggit.deployment (name, tool, backend_pid, backend_started_at, head_before) VALUES ('"
                + name + "', '" + tool + "', " + pid + ", " + startedAt + ", pggit.head_commit()) RETURNING id");
    }

    @Test
    void aRunWhoseSessionIsGoneIsClosedAsInterruptedAndALiveOneIsNot() throws SQLException {
        try (Connection live = db.dataSource().getConnection(); Statement s = live.createStatement()) {
            String liveRun;
            try (ResultSet rs = s.executeQuery("SELECT pggit.open_deployment('live run', 'flyway')")) {
                rs.next();
                liveRun = rs.getString(1);
            }
            String gone = deadRun("killed run", "flyway", NO_SUCH_PID, "now() - interval '1 hour'");
            // the pid of a live session, with another start time: the pid was reused by a newer backend
            String reused = deadRun("reused pid", "liquibase", "(SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                    + "AND datname = current_database() LIMIT 1)", "now() - interval '1 day'");
            String manual = deadRun("psql release", "manual", NO_SUCH_PID, "now() - interval '1 hour'");

            assertEquals(List.of(List.of("live run", "t"), List.of("killed run", "f"), List.of("reused pid", "f"),
                            List.of("psql release", "f")),
                    db.rows("SELECT name, session_alive FROM pggit.open_deployments ORDER BY id"));
            assertEquals(List.of(List.of(gone, "killed run", "flyway", "0"), List.of(reused, "reused pid", "liquibase", "0")),
                    db.rows("SELECT deployment_id, name, tool, links FROM pggit.close_interrupted_deployments() ORDER BY 1"));
            assertEquals(List.of(List.of(liveRun, "running"), List.of(gone, "interrupted"), List.of(reused, "interrupted"),
                            List.of(manual, "running")),
                    db.rows("SELECT id, outcome FROM pggit.deployment ORDER BY id"), "a manual deployment may span sessions: left open");
            assertEquals("t", db.value("SELECT bool_and(ended_at IS NOT NULL AND head_after IS NOT DISTINCT FROM head_before) "
                    + "FROM pggit.deployment WHERE outcome = 'interrupted'"));
            assertEquals(List.of(), db.rows("SELECT * FROM pggit.close_interrupted_deployments()"), "closed once");

            // the live run goes on and closes as usual
            s.execute("SELECT pggit.close_deployment(" + liveRun + ", 'success')");
            assertEquals("success", db.value("SELECT outcome FROM pggit.deployment WHERE id = " + liveRun));
        }
    }

    @Test
    void theNextRunClosesTheInterruptedOneAndItsFlywayLinksGetTheirInstalledRank() {
        db.exec("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200), "
                        + "type varchar(20), script varchar(1000), checksum int, installed_by varchar(100), "
                        + "installed_on timestamp NOT NULL DEFAULT now(), execution_time int, success boolean)",
                "INSERT INTO public.flyway_schema_history VALUES (1, '1', 'one', 'SQL', 'V1__one.sql', 11, 'me', now(), 7, true), "
                        + "(2, '2', 'two', 'SQL', 'V2__two.sql', 22, 'me', now(), 9, true)");
        String killed = deadRun("flyway migrate", "flyway", NO_SUCH_PID, "now() - interval '1 minute'");
        db.exec("CREATE TABLE public.one (a int)",
                "SELECT * FROM pggit.record_migration(" + killed + ", '{\"tool\":\"flyway\",\"id\":\"1\",\"description\":\"one\","
                        + "\"script\":\"V1__one.sql\",\"checksum\":\"11\"}', 'success')",
                "SELECT * FROM pggit.record_migration(" + killed + ", '{\"tool\":\"flyway\",\"id\":\"2\",\"description\":\"two\","
                        + "\"script\":\"V2__two.sql\",\"checksum\":\"22\"}', 'success')");
        String lastCommit = db.value("SELECT commit_id FROM pggit.migration_link WHERE migration_id = '1'");
        db.exec("CREATE TABLE public.after (a int)");
        db.pggit().commit("someone else's commit after the run died");

        String next = db.value("SELECT pggit.open_deployment('flyway migrate', 'flyway')");
        assertEquals(List.of(List.of("interrupted", lastCommit)),
                db.rows("SELECT outcome, head_after FROM pggit.deployment WHERE id = " + killed), "head_after: the run's last commit");
        assertEquals(List.of(List.of("1", "1", "7"), List.of("2", "2", "9")),
                db.rows("SELECT migration_id, installed_rank, execution_time_ms FROM pggit.migration_link WHERE deployment_id = "
                        + killed + " ORDER BY id"));
        assertEquals("running", db.value("SELECT outcome FROM pggit.deployment WHERE id = " + next));
    }

    @Test
    void aSessionThatEndedIsGoneForSure() throws SQLException {
        String pid;
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pggit.open_deployment('liquibase update', 'liquibase'), pg_backend_pid()")) {
                rs.next();
                pid = rs.getString(2);
            }
            assertEquals(List.of(), db.rows("SELECT * FROM pggit.close_interrupted_deployments()"), "its session is alive");
        }
        awaitGone(pid);
        assertEquals(List.of("liquibase update"), db.column("SELECT name FROM pggit.close_interrupted_deployments()"));
        assertEquals("interrupted", db.value("SELECT outcome FROM pggit.deployment"));
    }

    @Test
    void openDeploymentNamesTheSessionThatRunsTheMigrations() throws SQLException {
        try (Connection runner = db.dataSource().getConnection(); Statement s = runner.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid(), backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")) {
            rs.next();
            String pid = rs.getString(1);
            String id = db.value("SELECT pggit.open_deployment('flyway migrate', 'flyway', NULL, " + pid + ")");
            assertEquals(List.of(List.of(pid, "t", "t")), db.rows("SELECT backend_pid, backend_started_at = '" + rs.getString(2)
                    + "'::timestamptz, session_alive FROM pggit.open_deployments WHERE id = " + id));
        }
        SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pggit.open_deployment('x', 'flyway', NULL, " + NO_SUCH_PID + ")");
            }
        });
        assertEquals("22023", e.getSQLState());
        assertTrue(e.getMessage().contains("no session with backend pid " + NO_SUCH_PID), e.getMessage());
    }

    @Test
    void theNextCheckClosesAndReportsEachRecentInterruptedRunAsAWarning() throws SQLException {
        String killed = deadRun("flyway migrate", "flyway", NO_SUCH_PID, "now() - interval '1 minute'");
        db.exec("SELECT * FROM pggit.record_migration(" + killed + ", '{\"tool\":\"flyway\",\"id\":\"1\",\"script\":\"V1__a.sql\"}', 'success')");
        String old = deadRun("a run last month", "liquibase", NO_SUCH_PID, "now() - interval '1 minute'");
        db.exec("UPDATE pggit.deployment SET started_at = now() - interval '30 days' WHERE id = " + old);
        // the tracking check in a read-only transaction (as on a standby): reported, not closed
        String inReadOnly = "SELECT check_name, kind, severity, subject, message FROM pggit.verify_consistency(checks => '{tracking}') "
                + "WHERE kind = 'interrupted_deployment'";
        List<List<String>> readOnly;
        try (Connection c = db.dataSource().getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            readOnly = rows(c, inReadOnly);
            c.rollback();
        }
        assertEquals(1, readOnly.size(), readOnly.toString());
        assertEquals(List.of("running", "running"), db.column("SELECT outcome FROM pggit.deployment ORDER BY id"));

        List<List<String>> findings = db.rows("SELECT check_name, kind, severity, subject, message FROM pggit.verify_consistency() "
                + "WHERE severity <> 'info'");
        assertEquals(1, findings.size(), findings.toString());
        List<String> f = findings.get(0);
        assertEquals(List.of("tracking", "interrupted_deployment", "warning", "deployment " + killed), f.subList(0, 4));
        assertTrue(f.get(4).startsWith("deployment " + killed + " \"flyway migrate\" (flyway, started "), f.get(4));
        assertTrue(f.get(4).endsWith("after 1 migration(s) linked"), f.get(4));
        assertEquals(readOnly, List.of(f));
        assertEquals(List.of("running", "running"), db.column("SELECT outcome FROM pggit.deployment ORDER BY id"),
                "verify_consistency is a reader's call: it writes nothing");
        // pggit:check, where it may write, closes them first
        List<io.pggit.core.check.Finding> checked;
        try (Connection c = db.dataSource().getConnection()) {
            checked = io.pggit.core.check.ConsistencyCheck.run(c, List.of(), false, false);
        }
        assertEquals(List.of("interrupted", "interrupted"), db.column("SELECT outcome FROM pggit.deployment ORDER BY id"),
                "both closed; only the recent one is reported");
        assertEquals(List.of("interrupted_deployment deployment " + killed),
                checked.stream().map(x -> x.kind() + " " + x.subject()).toList());
        assertEquals(findings, db.rows("SELECT check_name, kind, severity, subject, message FROM pggit.verify_consistency() "
                + "WHERE severity <> 'info'"), "reported by every check while it is recent");
    }

    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> out = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new java.util.ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Waits until the backend with this pid has exited (a closed connection's backend ends a moment later). */
    void awaitGone(String pid) {
        while (!db.value("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid).equals("0")) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
