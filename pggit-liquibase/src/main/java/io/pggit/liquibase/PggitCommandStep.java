package io.pggit.liquibase;

import io.pggit.core.MigrationRun;
import io.pggit.core.PggitConfig;
import io.pggit.core.SideConnection;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.changelog.visitor.DefaultChangeExecListener;
import liquibase.command.CleanUpCommandStep;
import liquibase.command.CommandOverride;
import liquibase.command.CommandResultsBuilder;
import liquibase.command.CommandScope;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.database.Database;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;

import java.util.List;
import java.util.Set;

/**
 * Joins Liquibase's update and rollback pipelines without the user naming a listener: it takes
 * the place of Liquibase's {@link ChangeExecListenerCommandStep} (found through
 * {@code META-INF/services/liquibase.command.CommandStep}), builds the same listener chain — the
 * user's own listener stays in it — and adds {@link PggitChangeExecListener}. It opens a pggit
 * deployment before the first changeset and closes it, with a drift scan, in {@link #cleanUp}.
 *
 * <p>Recorded: {@code update}, {@code update-count}, {@code update-to-tag},
 * {@code update-testing-rollback}, {@code rollback}, {@code rollback-count},
 * {@code rollback-to-date}. Everything else, and every {@code *-sql} command, writes nothing.
 */
@CommandOverride(override = ChangeExecListenerCommandStep.class)
public class PggitCommandStep extends ChangeExecListenerCommandStep implements CleanUpCommandStep {

    static final Set<String> RECORDED = Set.of("update", "updateCount", "updateToTag", "updateTestingRollback",
            "rollback", "rollbackCount", "rollbackToDate");

    private MigrationRun run;

    @Override
    public void run(CommandResultsBuilder resultsBuilder) throws Exception {
        CommandScope scope = resultsBuilder.getCommandScope();
        String command = String.join(" ", scope.getCommand().getName());
        Database database = (Database) scope.getDependency(Database.class);
        boolean record = RECORDED.contains(command) && database instanceof PostgresDatabase;
        PggitConfig config = record ? PggitLiquibaseConfiguration.current() : PggitConfig.DEFAULTS;
        record = record && config.enabled();

        ChangeExecListener given = scope.getArgumentValue(CHANGE_EXEC_LISTENER_ARG);
        boolean explicitlyOurs = given instanceof PggitChangeExecListener
                || PggitChangeExecListener.class.getName().equals(scope.getArgumentValue(CHANGE_EXEC_LISTENER_CLASS_ARG));
        if (!explicitlyOurs) {
            super.run(resultsBuilder);
        }
        if (!record) {
            if (explicitlyOurs) {
                scope.provideDependency(ChangeExecListener.class, new DefaultChangeExecListener());
            }
            return;
        }
        PggitChangeExecListener pggit = given instanceof PggitChangeExecListener p ? p : new PggitChangeExecListener();
        run = MigrationRun.open(SideConnection.sharing(((JdbcConnection) database.getConnection()).getUnderlyingConnection()),
                config, "liquibase", "liquibase " + command, null,
                List.of(database.getDatabaseChangeLogTableName(), database.getDatabaseChangeLogLockTableName()));
        pggit.bind(run);
        ChangeExecListener chain = explicitlyOurs ? null : (ChangeExecListener) scope.getDependency(ChangeExecListener.class);
        DefaultChangeExecListener composite = chain instanceof DefaultChangeExecListener d ? d : new DefaultChangeExecListener(chain);
        composite.addListener(pggit);
        scope.provideDependency(ChangeExecListener.class, composite);
    }

    @Override
    public void cleanUp(CommandResultsBuilder resultsBuilder) {
        if (run != null) {
            run.close(!run.anyMigrationFailed());
            run = null;
        }
    }
}
