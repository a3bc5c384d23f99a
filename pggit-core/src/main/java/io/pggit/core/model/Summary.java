package io.pggit.core.model;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The state of a database's history in one read, without a scan ({@code pggit.summary()}): what a
 * status endpoint shows and a health probe decides on, as often as it is asked (on a hot standby
 * too).
 *
 * @param head                   the commit HEAD points at; empty before the first commit
 * @param lastDeployment         the latest deployment (a migration run, or a manual one); empty when none
 * @param lastDriftScan          the last drift scan a run recorded (the end-of-run scan,
 *                               {@code pggit.record_drift_scan}); empty when no run scanned
 *                               ({@code driftScan=false}, or no run yet)
 * @param openConflicts          conflicts not resolved ({@code pggit.conflict}, recorded by {@code pggit:check})
 * @param interruptedDeployments migration-tool runs whose session ended without closing them (closed
 *                               as interrupted, or still running with their session gone) that
 *                               started after the latest successful deployment; a later successful
 *                               run clears them
 */
public record Summary(Optional<String> head, Optional<Deployment> lastDeployment, Optional<DriftScan> lastDriftScan,
                      long openConflicts, long interruptedDeployments) {

    public Summary {
        requireNonNull(head, "head");
        requireNonNull(lastDeployment, "lastDeployment");
        requireNonNull(lastDriftScan, "lastDriftScan");
    }

    /**
     * A deployment as {@code pggit.deployment} holds it.
     *
     * @param outcome   {@code running}, {@code success}, {@code failed}, {@code abandoned} or {@code interrupted}
     * @param endedAt   empty while it runs
     */
    public record Deployment(long id, String name, String tool, String outcome, Instant startedAt, Optional<Instant> endedAt) {
        public Deployment {
            requireNonNull(name, "name");
            requireNonNull(tool, "tool");
            requireNonNull(outcome, "outcome");
            requireNonNull(startedAt, "startedAt");
            requireNonNull(endedAt, "endedAt");
        }
    }

    /**
     * A recorded drift scan.
     *
     * @param deploymentId the run whose end it was
     * @param scannedAt    when it ran
     * @param objects      how many objects differed from HEAD then (0: none)
     */
    public record DriftScan(long deploymentId, Instant scannedAt, int objects) {
        public DriftScan {
            requireNonNull(scannedAt, "scannedAt");
        }
    }
}
