package io.pggit.liquibase;

import io.pggit.core.PggitConfig;
import io.pggit.core.log.PggitLog;
import io.pggit.core.run.MigrationRun;
import io.pggit.core.run.SideConnection;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.changelog.visitor.DefaultChangeExecListener;
import liquibase.command.CommandOverride;
import liquibase.command.CommandResultsBuilder;
import liquibase.command.CommandScope;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.database.Database;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Joins Liquibase's update and rollback pipelines without the user naming a listener.
 *
 * <p>Found through {@code META-INF/services/liquibase.command.CommandStep}, it takes the place of
 * Liquibase's {@link DatabaseChangelogCommandStep} ({@link CommandOverride}; Liquibase's commercial
 * extension, which the Maven plugin and the CLI ship, already overrides the listener step and the
 * update steps, and a step may have one override only). It does everything that step does — parse
 * the changelog, provide it — and, because it also requires the {@link ChangeExecListener}
 * dependency, runs after the listener chain exists and before the update or rollback step that
 * needs the changelog: there it adds {@link PggitChangeExecListener} beside the user's listeners
 * and opens a pggit deployment, which {@link #cleanUp} closes with a drift scan.
 *
 * <p>Recorded: {@code update}, {@code update-count}, {@code update-to-tag},
 * {@code update-testing-rollback}, {@code rollback}, {@code rollback-count},
 * {@code rollback-to-date}. Every other command, and every {@code *-sql} command, writes nothing.
 */
@CommandOverride(override = DatabaseChangelogCommandStep.class)
public class PggitCommandStep extends DatabaseChangelogCommandStep {

    static final Set<String> RECORDED = Set.of("update", "updateCount", "updateToTag", "updateTestingRollback",
            "rollback", "rollbackCount", "rollbackToDate");

    private MigrationRun run;
    private PggitChangeExecListener listener;
    private String historySchema;
    private String historyTable;

    @Override
    public List<Class<?>> requiredDependencies() {
        List<Class<?>> deps = new ArrayList<>(super.requiredDependencies());
        deps.add(ChangeExecListener.class);
        return deps;
    }

    @Override
    public void run(CommandResultsBuilder resultsBuilder) throws Exception {
        super.run(resultsBuilder);
        try (PggitLog.Installed log = PggitLog.using(LiquibaseLog.INSTANCE)) {
            open(resultsBuilder);
        }
    }

    /** Opens pggit's run and adds its listener, for the commands that record. */
    private void open(CommandResultsBuilder resultsBuilder) {
        CommandScope scope = resultsBuilder.getCommandScope();
        String command = String.join(" ", scope.getCommand().getName());
        Database database = (Database) scope.getDependency(Database.class);
        if (!RECORDED.contains(command) || !(database instanceof PostgresDatabase)) {
            return;
        }
        PggitConfig config = PggitLiquibaseConfiguration.current();
        if (!config.enabled()) {
            return;
        }
        ChangeExecListener chain = (ChangeExecListener) scope.getDependency(ChangeExecListener.class);
        PggitChangeExecListener named = PggitChangeExecListener.namedByUser(scope.getArgumentValue(
                ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG), scope.getArgumentValue(
                ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_CLASS_ARG));
        PggitChangeExecListener pggit = named != null ? named : new PggitChangeExecListener();
        run = MigrationRun.open(SideConnection.sharing(((JdbcConnection) database.getConnection()).getUnderlyingConnection()),
                config, "liquibase", "liquibase " + command, null, database.getLiquibaseSchemaName(),
                List.of(database.getDatabaseChangeLogTableName(), database.getDatabaseChangeLogLockTableName()));
        pggit.bind(run);
        listener = pggit;
        historySchema = database.getLiquibaseSchemaName();
        historyTable = database.getDatabaseChangeLogTableName();
        if (named == null) {
            DefaultChangeExecListener composite = chain instanceof DefaultChangeExecListener d ? d : new DefaultChangeExecListener(chain);
            composite.addListener(pggit);
            scope.provideDependency(ChangeExecListener.class, composite);
        }
    }

    @Override
    public void cleanUp(CommandResultsBuilder resultsBuilder) {
        try (PggitLog.Installed log = PggitLog.using(LiquibaseLog.INSTANCE)) {
            if (run != null) {
                run.backfillLiquibaseHistory(historySchema, historyTable, listener.executionTimesMs());
                run.close(!run.anyMigrationFailed());
                run = null;
            }
        } finally {
            super.cleanUp(resultsBuilder);
        }
    }
}
