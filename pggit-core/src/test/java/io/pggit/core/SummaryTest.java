package io.pggit.core;

import io.pggit.core.model.Summary;
import io.pggit.core.run.MigrationRun;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pggit.summary()}: what a status endpoint and a health probe read. The end-of-run drift scan
 * is recorded on its deployment ({@code pggit.record_drift_scan}), and the summary reports the last
 * one without scanning again.
 */
class SummaryTest {

    @Test
    void theSummaryReportsTheLatestRunTheLastRecordedScanConflictsAndInterruptedRuns() throws SQLException {
        TestDb db = TestDb.withPggit("summary");
        Pggit pggit = db.pggit();
        Summary empty = pggit.summary();
        assertEquals(Optional.empty(), empty.lastDeployment());
        assertEquals(Optional.empty(), empty.lastDriftScan(), "no run scanned yet");
        assertEquals(0, empty.openConflicts());
        assertEquals(0, empty.interruptedDeployments());

        MigrationRun clean = MigrationRun.open(db.dataSource(), PggitConfig.DEFAULTS, "flyway", "flyway migrate", null, List.of());
        clean.close(true);
        Summary afterClean = pggit.summary();
        assertEquals(pggit.head(), afterClean.head());
        Summary.Deployment last = afterClean.lastDeployment().orElseThrow();
        assertEquals(List.of(clean.deploymentId(), "flyway migrate", "flyway", "success"),
                List.of(last.id(), last.name(), last.tool(), last.outcome()));
        assertTrue(last.endedAt().isPresent());
        assertEquals(clean.deploymentId(), afterClean.lastDriftScan().orElseThrow().deploymentId());
        assertEquals(0, afterClean.lastDriftScan().orElseThrow().objects());

        // DDL nobody commits is drift for the next run's scan; a run without a scan leaves the last one standing
        db.exec("CREATE TABLE public.by_hand (a int)");
        MigrationRun scanned = MigrationRun.open(db.dataSource(), PggitConfig.DEFAULTS, "flyway", "flyway migrate", null, List.of());
        assertEquals(1, scanned.close(true).size());
        PggitConfig noScan = PggitConfig.from(java.util.Map.of("driftScan", "false"), "flyway.pggit.");
        MigrationRun unscanned = MigrationRun.open(db.dataSource(), noScan, "flyway", "flyway migrate", null, List.of());
        unscanned.close(true);
        Summary drifted = pggit.summary();
        assertEquals(unscanned.deploymentId(), drifted.lastDeployment().orElseThrow().id());
        assertEquals(scanned.deploymentId(), drifted.lastDriftScan().orElseThrow().deploymentId(), "the last run that scanned");
        assertEquals(1, drifted.lastDriftScan().orElseThrow().objects());

        db.exec("SELECT count(*) FROM pggit.record_conflicts()");
        assertEquals(1, pggit.summary().openConflicts());

        // a run killed after the last success counts until a later run succeeds
        db.exec("INSERT INTO pggit.deployment (name, tool, backend_pid, backend_started_at) VALUES ('killed', 'flyway', "
                + InterruptedDeploymentTest.NO_SUCH_PID + ", now())");
        assertEquals(1, pggit.summary().interruptedDeployments());
        assertEquals("running", pggit.summary().lastDeployment().orElseThrow().outcome());
        try (Connection migrations = db.dataSource().getConnection()) {   // the session of the next run's migrations, alive while it runs
            MigrationRun next = MigrationRun.open(db.dataSource(), PggitConfig.DEFAULTS, "flyway", "flyway migrate", null, List.of(),
                    migrations);
            assertEquals(1, pggit.summary().interruptedDeployments(), "closed as interrupted by the next run, which still runs");
            next.close(true);
        }
        assertEquals(0, pggit.summary().interruptedDeployments());
    }

    @Test
    void theSummaryScansNothing() throws SQLException {
        TestDb db = TestDb.withPggit("summary_no_scan");
        db.exec("CREATE TABLE public.t (a int)", "SELECT pggit.commit('t')");
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET track_functions = 'all'");
            c.setAutoCommit(false);
            s.execute("SELECT * FROM pggit.summary()");
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                    + "WHERE schemaname = 'pggit' AND funcname IN ('drift', 'read_catalog', 'gather_changes', 'compute_changes')")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "a probe reads the recorded scan, it does not scan");
            }
            s.execute("SELECT * FROM pggit.drift()");
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                    + "WHERE schemaname = 'pggit' AND funcname = 'drift'")) {
                rs.next();
                assertEquals(1, rs.getLong(1), "the counter sees a scan (so the assertion above can fail)");
            }
            c.rollback();
        }
    }
}
