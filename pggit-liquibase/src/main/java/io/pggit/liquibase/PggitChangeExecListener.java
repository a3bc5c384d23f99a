package io.pggit.liquibase;

import io.pggit.core.log.PggitLog;
import io.pggit.core.model.MigrationLink;
import io.pggit.core.run.MigrationRun;
import liquibase.Scope;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.ChecksumVersion;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;

import java.sql.Connection;

/**
 * Records each changeset Liquibase runs as a pggit commit. Attached by {@link PggitCommandStep}
 * beside any listener the user has; naming it explicitly
 * ({@code --change-exec-listener-class=io.pggit.liquibase.PggitChangeExecListener}) attaches the
 * same listener, never a second one.
 *
 * <p>Where Liquibase calls it: {@code ran()} after the changeset's own transaction committed, in
 * the transaction that writes its {@code databasechangelog} row (pggit commits and links there);
 * {@code runFailed()} after the changeset's rollback (the failed link goes in a transaction of its
 * own); {@code rolledBack()} after a rollback's statements ran, before Liquibase commits.
 * Each event is one call of {@link MigrationRun}, its lines going through Liquibase's log service
 * ({@link LiquibaseLog}): this class holds no logic of its own.
 */
public class PggitChangeExecListener extends AbstractChangeExecListener implements ChangeExecListener {

    /** The instance Liquibase created on this thread from {@code --change-exec-listener-class}. */
    private static final ThreadLocal<PggitChangeExecListener> CREATED_BY_NAME = new ThreadLocal<>();

    private MigrationRun run;
    /** When each changeset started (willRun), to measure what databasechangelog does not keep. */
    private final java.util.Map<ChangeSet, Long> started = new java.util.IdentityHashMap<>();
    /** Link id to the changeset's execution time in ms, copied into the links at the end of the run. */
    private final java.util.Map<Long, Integer> executionTimesMs = new java.util.LinkedHashMap<>();

    /** Used by {@link PggitCommandStep}. */
    PggitChangeExecListener() {
    }

    /**
     * For Liquibase's {@code --change-exec-listener-class} (it prefers this constructor); the
     * instance is bound to the run by {@link PggitCommandStep}, so it records once.
     */
    public PggitChangeExecListener(Database database) {
        CREATED_BY_NAME.set(this);
    }

    /**
     * The listener the user named, when it is pggit's: the instance given as an argument, or the
     * one Liquibase created from the class name.
     */
    static PggitChangeExecListener namedByUser(ChangeExecListener instance, String className) {
        if (instance instanceof PggitChangeExecListener p) {
            return p;
        }
        PggitChangeExecListener created = CREATED_BY_NAME.get();
        CREATED_BY_NAME.remove();
        return PggitChangeExecListener.class.getName().equals(className) ? created : null;
    }

    void bind(MigrationRun run) {
        this.run = run;
    }

    MigrationRun run() {
        return run;
    }

    /** Link id to execution time (ms) of the changesets recorded so far. */
    java.util.Map<Long, Integer> executionTimesMs() {
        return executionTimesMs;
    }

    @Override
    public void willRun(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database, ChangeSet.RunStatus runStatus) {
        if (run != null) {
            started.put(changeSet, System.nanoTime());
        }
    }

    private void timed(ChangeSet changeSet, java.util.Optional<MigrationLink> recorded) {
        Long t0 = started.remove(changeSet);
        if (t0 != null && recorded.isPresent() && recorded.get().linkId().isPresent()) {
            executionTimesMs.put(recorded.get().linkId().getAsLong(), (int) ((System.nanoTime() - t0) / 1_000_000));
        }
    }

    @Override
    public void ran(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database, ChangeSet.ExecType execType) {
        if (run == null) {
            return;
        }
        try (PggitLog.Installed log = PggitLog.using(LiquibaseLog.INSTANCE)) {
            run.toolDeploymentId(Scope.getCurrentScope().getDeploymentId());
            MigrationLink m = record(changeSet, execType.name());
            if (execType == ChangeSet.ExecType.FAILED) {
                run.migrationFailed(m, "changeset failed with failOnError=false");
            } else if (execType != ChangeSet.ExecType.SKIPPED) {
                timed(changeSet, run.migrationSucceeded(connection(database), m));
            }
        }
    }

    @Override
    public void runFailed(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database, Exception exception) {
        if (run != null) {
            try (PggitLog.Installed log = PggitLog.using(LiquibaseLog.INSTANCE)) {
                run.migrationFailed(record(changeSet, "FAILED"), exception);
            }
        }
    }

    @Override
    public void rolledBack(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database) {
        if (run != null) {
            try (PggitLog.Installed log = PggitLog.using(LiquibaseLog.INSTANCE)) {
                run.migrationRolledBack(connection(database), record(changeSet, "ROLLED_BACK"));
            }
        }
    }

    @Override
    public void rollbackFailed(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database, Exception exception) {
        if (run != null) {
            try (PggitLog.Installed log = PggitLog.using(LiquibaseLog.INSTANCE)) {
                run.migrationFailed(record(changeSet, "ROLLBACK_FAILED"), exception);
            }
        }
    }

    static Connection connection(Database database) {
        return ((JdbcConnection) database.getConnection()).getUnderlyingConnection();
    }

    static MigrationLink record(ChangeSet cs, String execType) {
        String contexts = cs.getContextFilter() == null || cs.getContextFilter().isEmpty() ? null : cs.getContextFilter().toString();
        String labels = cs.getLabels() == null || cs.getLabels().isEmpty() ? null : cs.getLabels().toString();
        String description = cs.getComments() != null && !cs.getComments().isBlank() ? cs.getComments() : cs.getDescription();
        return MigrationLink.liquibase(cs.getId(), cs.getAuthor(), cs.getFilePath(), description,
                cs.generateCheckSum(ChecksumVersion.latest()).toString(), contexts, labels, execType);
    }
}
