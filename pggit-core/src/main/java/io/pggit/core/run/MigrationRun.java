package io.pggit.core.run;

import io.pggit.core.Pggit;
import io.pggit.core.PggitConfig;
import io.pggit.core.PggitException;
import io.pggit.core.PggitSession;
import io.pggit.core.PggitSetting;
import io.pggit.core.log.PggitLog;
import io.pggit.core.model.Change;
import io.pggit.core.model.InstallResult;
import io.pggit.core.model.MigrationLink;
import io.pggit.core.model.Rebaseline;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One run of a migration tool, as pggit records it: the shared core behind the Flyway callback
 * and the Liquibase listener, so that both only map their lifecycle onto these calls.
 *
 * <ol>
 *   <li>{@link #open}: checks (or installs) pggit, re-baselines a database restored or upgraded
 *       since its index was built, and opens a deployment, on a short-lived
 *       connection of its own (auto-commit, closed at once: no pggit transaction stays open while
 *       migrations run, which {@code CREATE INDEX CONCURRENTLY} would wait for);</li>
 *   <li>{@link #migrationSucceeded}: inside the migration's own transaction when it has one, commits
 *       what the migration changed and links it, in one round trip;</li>
 *   <li>{@link #migrationFailed}: a failed link, written on a connection of its own because the
 *       migration's transaction is aborted;</li>
 *   <li>{@link #close}: closes the deployment, scans the whole catalog once and reports drift.</li>
 * </ol>
 *
 * <p>Fail-open: unless {@link PggitConfig#failOnError()}, an error inside pggit while recording a
 * migration is logged and recorded in {@code pggit.capture_failure}, and the migration goes on.
 */
public final class MigrationRun {

    /** Through the tool's logging where the integration installed it ({@link PggitLog}), else SLF4J. */
    private static final PggitLog LOG = PggitLog.CURRENT;

    private final SideConnection side;
    private final PggitConfig config;
    private final String tool;
    private final long deploymentId;
    private int commits;
    private int linked;
    private int failures;
    private boolean toolDeploymentIdSet;
    private int failedMigrations;

    private MigrationRun(SideConnection side, PggitConfig config, String tool, long deploymentId) {
        this.side = side;
        this.config = config;
        this.tool = tool;
        this.deploymentId = deploymentId;
    }

    /**
     * Makes sure pggit is installed at the version this library needs (installing or upgrading it
     * when {@link PggitConfig#install()} is AUTO and the role may, and making the roles of
     * {@link PggitConfig#grantTo()} members of {@code pggit_writer}), then opens a deployment for the
     * session that opens it.
     *
     * @param tool   {@code flyway} or {@code liquibase}
     * @param name   the deployment's name, e.g. {@code flyway migrate}
     * @param target the tool's target (version, tag), or null
     * @param toolTables the tool's own tables (its history table's configured name), never tracked
     * @throws PggitException.NotInstalled when pggit is missing and cannot be installed
     * @throws PggitException.InvalidConfig when {@code grantTo} names a role that does not exist
     * @throws PggitException.NotPermitted when {@code grantTo} names a role that is not a member and
     *                                     this role may not grant it
     */
    public static MigrationRun open(DataSource dataSource, PggitConfig config, String tool, String name, String target,
                                    List<String> toolTables) {
        return open(SideConnection.of(requireNonNull(dataSource, "dataSource")), config, tool, name, target, null, toolTables, null);
    }

    /**
     * As {@link #open(DataSource, PggitConfig, String, String, String, List)}, for a run whose
     * migrations run on {@code migrationConnection}, not on the connection that opens the deployment
     * (Flyway): the deployment records that connection's session (backend pid and start time), so a
     * later run or check knows for sure when the run is gone and closes it as {@code interrupted}.
     * {@code migrationConnection} is only read (its backend pid), inside whatever transaction it has.
     */
    public static MigrationRun open(DataSource dataSource, PggitConfig config, String tool, String name, String target,
                                    List<String> toolTables, Connection migrationConnection) {
        return open(dataSource, config, tool, name, target, null, toolTables, migrationConnection);
    }

    /**
     * As {@link #open(DataSource, PggitConfig, String, String, String, List, Connection)}, naming the
     * schema of the tool's history table (the first of {@code toolTables}; null: the current schema):
     * the build's tracking rules belong to the tool and that table ({@link PggitSession#buildSource}),
     * so two services migrating one database with their own history tables keep their own rules.
     */
    public static MigrationRun open(DataSource dataSource, PggitConfig config, String tool, String name, String target,
                                    String historySchema, List<String> toolTables, Connection migrationConnection) {
        Integer pid = migrationConnection == null ? null : backendPid(migrationConnection);
        return open(SideConnection.of(requireNonNull(dataSource, "dataSource")), config, tool, name, target, historySchema, toolTables, pid);
    }

    /**
     * As {@link #open(DataSource, PggitConfig, String, String, String, List)}, with pggit's own
     * writes going through {@code side} (for tools that hand out one connection and no
     * credentials, such as Liquibase), whose session runs the migrations.
     */
    public static MigrationRun open(SideConnection side, PggitConfig config, String tool, String name, String target,
                                    List<String> toolTables) {
        return open(side, config, tool, name, target, null, toolTables, null);
    }

    /**
     * As {@link #open(SideConnection, PggitConfig, String, String, String, List)}, naming the schema
     * of the tool's history table (the first of {@code toolTables}; null: the current schema), whose
     * build's tracking rules these are ({@link PggitSession#buildSource}).
     */
    public static MigrationRun open(SideConnection side, PggitConfig config, String tool, String name, String target,
                                    String historySchema, List<String> toolTables) {
        return open(side, config, tool, name, target, historySchema, toolTables, null);
    }

    /**
     * The backend pid of a migration's connection: from PgJDBC without a round trip (a statement
     * that failed would abort the migration's transaction), else {@code pg_backend_pid()}.
     */
    private static Integer backendPid(Connection c) {
        try {
            if (c.isWrapperFor(PGConnection.class)) {
                return c.unwrap(PGConnection.class).getBackendPID();
            }
            return Pggit.on(c).backendPid();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("pggit could not read the backend pid of the migration connection; the deployment names the session "
                    + "that opens it: {}", e.getMessage());
            return null;
        }
    }

    private static MigrationRun open(SideConnection side, PggitConfig config, String tool, String name, String target,
                                     String historySchema, List<String> toolTables, Integer sessionPid) {
        long id = side.call(c -> {
            PggitSession s = Pggit.on(c);
            if (config.install() == PggitConfig.Install.AUTO) {
                InstallResult r = s.install(toolTables, config.grantTo(), tool + ".pggit." + PggitSetting.GRANT_TO.key());
                if (r.changed()) {
                    LOG.info("pggit {} installed{}{}", r.version(),
                            r.previousVersion().map(v -> " (upgraded from " + v + ")").orElse(""),
                            r.baselineCommit().map(h -> ", baseline commit " + h.substring(0, 7) + " records the existing schema").orElse(""));
                }
                r.grantedWriter().forEach(role -> LOG.info("pggit: granted pggit_writer to role \"{}\"", role));
            } else {
                if (!config.grantTo().isEmpty()) {
                    LOG.warn("pggit: {}.pggit.grantTo is not applied: {}.pggit.install=never changes nothing in the database "
                            + "(grant pggit_writer with mvn pggit:install -Dpggit.grantTo=..., or GRANT pggit_writer TO ...)", tool, tool);
                }
                s.requireInstalled();
                s.registerToolTables(toolTables);
            }
            // the build's rules belong to its tool and history table: its runs use them, other builds keep theirs
            String source = s.buildSource(tool, historySchema, toolTables.isEmpty() ? defaultHistoryTable(tool) : toolTables.get(0));
            s.configureTracking(config.tracking(), source);
            // a database restored (pg_dump/pg_restore) or upgraded (pg_upgrade) since its index was
            // built is re-baselined before its migrations run (open_deployment would do it silently)
            Rebaseline moved = s.rebaselineAfterMove();
            if (moved.moved()) {
                LOG.info(moved.message());
            }
            return s.openDeployment(name, tool, target, sessionPid, source);
        });
        LOG.info("pggit: deployment {} opened ({})", id, name);
        return new MigrationRun(side, config, tool, id);
    }

    /** The history table a tool uses by default, for a run that names none. */
    private static String defaultHistoryTable(String tool) {
        return switch (tool) {
            case "flyway" -> "flyway_schema_history";
            case "liquibase" -> "databasechangelog";
            default -> tool + "_history";
        };
    }

    public long deploymentId() {
        return deploymentId;
    }

    /**
     * Records a migration that succeeded, on the migration's connection (inside its transaction
     * when it is not in auto-commit mode). Fail-open, pggit's own errors are caught inside the
     * database (a subtransaction), recorded in {@code pggit.capture_failure} and logged.
     *
     * @return what was recorded, empty when pggit failed and {@code failOnError} is false
     * @throws PggitException when pggit failed and {@code failOnError} is true
     */
    public Optional<MigrationLink> migrationSucceeded(Connection migrationConnection, MigrationLink m) {
        return capture(migrationConnection, m, false);
    }

    /**
     * Records a rolled-back changeset, as {@link #migrationSucceeded}: a commit of origin
     * {@code rollback} holding what the rollback did, linked to the changeset it undid.
     */
    public Optional<MigrationLink> migrationRolledBack(Connection migrationConnection, MigrationLink m) {
        return capture(migrationConnection, m, true);
    }

    private Optional<MigrationLink> capture(Connection migrationConnection, MigrationLink m, boolean rollback) {
        PggitSession s = Pggit.on(migrationConnection);
        MigrationLink r;
        if (config.failOnError()) {
            // an error fails the migration: the tool rolls its transaction back
            r = rollback ? s.recordRollback(deploymentId, m) : s.recordMigration(deploymentId, m, true, null);
        } else {
            PggitSession.FailOpenResult result;
            try {
                result = s.recordFailOpen(deploymentId, m, rollback);
            } catch (RuntimeException e) {   // not even the call went through (connection, privileges)
                return captureFailed(m, e, null);
            }
            if (result.error().isPresent()) {
                failures++;
                LOG.error("pggit could not record {} (the migration goes on; {}.pggit.failOnError=true would stop it): {}",
                        m.label(), tool, result.error().get());
                return Optional.empty();
            }
            r = result.recorded().orElseThrow();
        }
        linked++;
        if (r.newCommit()) {
            commits++;
        }
        LOG.info("{}{} -> commit {}: {}", rollback ? "rollback of " : "", m.label(),
                r.commitId().map(id -> id.substring(0, 7)).orElse("(none)"), r.summary().orElse(""));
        return Optional.of(r);
    }

    /** Whether {@link #migrationFailed} was called in this run. */
    public boolean anyMigrationFailed() {
        return failedMigrations > 0;
    }

    /** Records the tool's own id of this run (Liquibase's deployment_id), once known. */
    public void toolDeploymentId(String toolDeploymentId) {
        if (toolDeploymentId == null || toolDeploymentIdSet) {
            return;
        }
        toolDeploymentIdSet = true;
        try {
            side.call(c -> {
                Pggit.on(c).setToolDeploymentId(deploymentId, toolDeploymentId);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("pggit could not record the tool's deployment id: {}", e.getMessage());
        }
    }

    /** Records a migration that failed: a link without a commit, on a connection of its own. */
    public void migrationFailed(MigrationLink m, String error) {
        migrationFailed(m, error, null);
    }

    /**
     * Records a migration that failed with {@code exception}: a link without a commit whose error
     * is the message and SQLSTATE of the first {@link SQLException} among its causes (the
     * database's error), else the exception's own message.
     */
    public void migrationFailed(MigrationLink m, Throwable exception) {
        SQLException sql = null;
        for (Throwable t = exception; t != null && sql == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException se) {
                sql = se;
            }
        }
        if (sql != null) {
            migrationFailed(m, sql.getMessage(), sql.getSQLState());
        } else {
            migrationFailed(m, exception == null ? null : exception.getMessage(), null);
        }
    }

    /**
     * Records a migration that failed: a link without a commit, with the error's message and
     * SQLSTATE (either may be null), on a connection of its own.
     */
    public void migrationFailed(MigrationLink m, String error, String sqlState) {
        try {
            failedMigrations++;
            side.call(c -> Pggit.on(c).recordMigration(deploymentId, m, false, error, sqlState));
            linked++;
            LOG.warn("{} failed: recorded as a failed link, no commit", m.label());
        } catch (RuntimeException e) {
            captureFailed(m, e, null);
        }
    }

    /**
     * Fail-open: logs the error and records it in {@code pggit.capture_failure}, on the migration's
     * connection when there is one (inside its transaction, which the tool commits: the side
     * connection must not commit or roll back a migration's work), else on the side connection.
     */
    private Optional<MigrationLink> captureFailed(MigrationLink m, Exception e, Connection migrationConnection) {
        failures++;
        String sqlState = e instanceof SQLException se ? se.getSQLState()
                : e.getCause() instanceof SQLException se2 ? se2.getSQLState() : null;
        if (config.failOnError()) {
            throw e instanceof PggitException pe ? pe : new PggitException("pggit could not record " + m.label() + ": " + e.getMessage(), e);
        }
        LOG.error("pggit could not record {} (the migration goes on; {}.pggit.failOnError=true would stop it): {}",
                m.label(), tool, e.getMessage());
        SideConnection where = migrationConnection != null ? SideConnection.within(migrationConnection) : side;
        try {
            where.call(c -> {
                Pggit.on(c).recordCaptureFailure(deploymentId, m.label(), sqlState, e.getMessage());
                return null;
            });
        } catch (RuntimeException again) {
            LOG.error("pggit could not record the capture failure either: {}", again.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Copies installed rank and execution time from Flyway's history table into this
     * deployment's links (Flyway writes its row after the migration's callback).
     */
    public void backfillFlywayHistory(String historySchema, String historyTable) {
        backfillFlywayHistory(historySchema, historyTable, side);
    }

    /** As {@link #backfillFlywayHistory(String, String)}, through {@code where}. */
    public void backfillFlywayHistory(String historySchema, String historyTable, SideConnection where) {
        try {
            where.call(c -> Pggit.on(c).backfillFlywayLinks(deploymentId,
                    // Flyway's default schema, when none is configured, is the connection's current schema
                    historySchema != null ? historySchema : c.getSchema(), historyTable));
        } catch (RuntimeException e) {
            LOG.warn("pggit could not copy Flyway's history into the links: {}", e.getMessage());
        }
    }

    /**
     * Copies the order executed from Liquibase's {@code databasechangelog} into this deployment's
     * links (Liquibase writes its row after the listener's {@code ran}) and sets the execution
     * times the listener measured, which the table does not keep.
     *
     * @param executionTimesMs link id to execution time in milliseconds
     */
    public void backfillLiquibaseHistory(String historySchema, String historyTable, java.util.Map<Long, Integer> executionTimesMs) {
        try {
            side.call(c -> Pggit.on(c).backfillLiquibaseLinks(deploymentId, historySchema != null ? historySchema : c.getSchema(),
                    historyTable, executionTimesMs));
        } catch (RuntimeException e) {
            LOG.warn("pggit could not copy Liquibase's history into the links: {}", e.getMessage());
        }
    }

    /**
     * Closes the deployment and, when {@link PggitConfig#driftScan()}, compares the whole catalog
     * with HEAD once, records the number of drifted objects on the deployment
     * ({@link PggitSession#recordDriftScan}, what {@link PggitSession#summary()} reports) and logs the drift.
     *
     * @return the drift found (empty when none, or when the scan is off)
     */
    public List<Change> close(boolean success) {
        return close(success, side);
    }

    /**
     * As {@link #close(boolean)}, through {@code where}: a connection whose session already ran the
     * captures scans the catalog with warm caches and cached plans, several times faster than a new
     * session (Flyway hands its migration connection back after a successful run).
     */
    public List<Change> close(boolean success, SideConnection where) {
        try {
            return where.call(c -> {
                PggitSession s = Pggit.on(c);
                s.closeDeployment(deploymentId, success ? "success" : "failed");
                LOG.info("pggit: deployment {} closed ({}): {} migration(s) linked, {} new commit(s){}", deploymentId,
                        success ? "success" : "failed", linked, commits,
                        failures == 0 ? "" : ", " + failures + " capture failure(s) (see pggit.capture_failure)");
                if (!config.driftScan()) {
                    return List.<Change>of();
                }
                List<Change> drift = s.recordDriftScan(deploymentId);   // recorded, for health probes (pggit.summary)
                if (drift.isEmpty()) {
                    LOG.info("pggit: no drift: the live catalog equals HEAD {}", s.head().map(h -> h.substring(0, 7)).orElse("(empty)"));
                } else {
                    LOG.warn("pggit: drift: {} object(s) differ from HEAD and no commit explains them:\n  {}", drift.size(),
                            drift.stream().map(Change::toString).collect(Collectors.joining("\n  ")));
                }
                return drift;
            });
        } catch (RuntimeException e) {
            LOG.error("pggit could not close deployment {}: {}", deploymentId, e.getMessage());
            if (config.failOnError()) {
                throw e instanceof PggitException pe ? pe : new PggitException("pggit could not close deployment " + deploymentId, e);
            }
            return List.of();
        }
    }
}
