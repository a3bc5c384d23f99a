package io.pggit.flyway;

import io.pggit.core.PggitConfig;
import io.pggit.core.log.PggitLog;
import io.pggit.core.model.MigrationLink;
import io.pggit.core.run.MigrationRun;
import io.pggit.core.run.SideConnection;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Error;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.callback.Statement;
import org.flywaydb.core.api.configuration.Configuration;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * Records every Flyway migration as a pggit commit. Name it in Flyway's {@code callbacks} setting
 * ({@code flyway.callbacks=io.pggit.flyway.PggitFlywayCallback}); Flyway does not discover Java
 * callbacks by itself.
 *
 * <p>Events and where they run (Flyway's {@code Event}):
 * <ul>
 *   <li>{@code BEFORE_EACH_MIGRATE}, the first time: check or install pggit and open a deployment,
 *       on a connection of pggit's own (auto-commit, closed at once), for the session of Flyway's
 *       migration connection (its backend pid, read on it), so that a later run or check closes
 *       the deployment as interrupted once that session is gone (a killed JVM), and so that a
 *       concurrent {@code pggit.commit()} leaves that session's journal rows to the run;</li>
 *   <li>{@code AFTER_EACH_MIGRATE}: inside the migration's transaction: commit and link;</li>
 *   <li>{@code AFTER_EACH_MIGRATE_STATEMENT_ERROR}: remembers the statement that failed;</li>
 *   <li>{@code AFTER_EACH_MIGRATE_ERROR}: the migration's transaction is aborted: a failed link on
 *       a connection of pggit's own, with the failed statement (and its SQLSTATE and message where
 *       the Flyway edition provides them: see {@link #failureMessage});</li>
 *   <li>{@code AFTER_MIGRATE_OPERATION_FINISH} (a successful run): on the migration connection
 *       Flyway hands back, whose session ran the captures: copy installed rank and execution time
 *       from the history table, close the deployment, scan for drift;</li>
 *   <li>{@code AFTER_MIGRATE_ERROR} (a failed run): the same, as failed, on pggit's own connection.</li>
 * </ul>
 * {@code BEFORE_MIGRATE} and {@code AFTER_MIGRATE} are not used: Flyway opens a connection just to
 * call a callback on them. Settings: {@link PggitFlywayConfigurationExtension}. Holds no logic of
 * its own: each event is one call of {@link MigrationRun}, with pggit's lines going through
 * Flyway's logging ({@link FlywayLog}).
 */
public class PggitFlywayCallback implements Callback {

    private MigrationRun run;
    /** The statement of the current migration that failed (AFTER_EACH_MIGRATE_STATEMENT_ERROR), until its migration's error event. */
    private Statement failedStatement;

    @Override
    public boolean supports(Event event, Context context) {
        switch (event) {
            case BEFORE_EACH_MIGRATE:
            case AFTER_EACH_MIGRATE:
            case AFTER_EACH_MIGRATE_STATEMENT_ERROR:
            case AFTER_EACH_MIGRATE_ERROR:
            case AFTER_MIGRATE_ERROR:
            case AFTER_MIGRATE_OPERATION_FINISH:
                // Flyway before 11.20 asks about run-level events (AFTER_MIGRATE_ERROR) without a
                // context, to decide whether to open a connection for them; it asks again with one.
                return context == null || config(context.getConfiguration()).enabled();
            default:
                return false;
        }
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try (PggitLog.Installed log = PggitLog.using(FlywayLog.INSTANCE)) {
            handle(event, context, context.getConfiguration());
        }
    }

    private void handle(Event event, Context context, Configuration conf) {
        switch (event) {
            case BEFORE_EACH_MIGRATE:
                failedStatement = null;
                if (run == null) {
                    run = open(conf, context.getConnection());
                }
                break;
            case AFTER_EACH_MIGRATE:
                if (run != null) {
                    run.migrationSucceeded(context.getConnection(), record(context.getMigrationInfo()));
                }
                break;
            case AFTER_EACH_MIGRATE_STATEMENT_ERROR:
                failedStatement = context.getStatement();
                break;
            case AFTER_EACH_MIGRATE_ERROR:
                if (run != null) {
                    Statement failed = failedStatement;
                    Error error = failed == null || failed.getErrors() == null || failed.getErrors().isEmpty() ? null : failed.getErrors().get(0);
                    run.migrationFailed(record(context.getMigrationInfo()), failureMessage(failed, error),
                            error == null ? null : error.getState());
                }
                failedStatement = null;
                break;
            case AFTER_MIGRATE_OPERATION_FINISH:
                if (run == null) {
                    run = open(conf, context.getConnection());   // nothing to migrate: still one deployment and one drift scan per run
                }
                SideConnection warm = SideConnection.sharing(context.getConnection());
                run.backfillFlywayHistory(historySchema(conf), conf.getTable(), warm);
                run.close(true, warm);
                run = null;
                break;
            case AFTER_MIGRATE_ERROR:
                if (run != null) {
                    run.backfillFlywayHistory(historySchema(conf), conf.getTable());
                    run.close(false);
                    run = null;
                }
                break;
            default:
                break;
        }
    }

    /** Opens the run on pggit's own connection, for the session of Flyway's migration connection. */
    private static MigrationRun open(Configuration conf, Connection migrationConnection) {
        return MigrationRun.open(conf.getDataSource(), config(conf), "flyway", "flyway migrate",
                conf.getTarget() == null ? null : conf.getTarget().toString(), historySchema(conf), List.of(conf.getTable()),
                migrationConnection);
    }

    /**
     * A failed migration's error as Flyway lets a callback see it. Flyway passes no exception to any
     * callback event; {@code AFTER_EACH_MIGRATE_STATEMENT_ERROR} gives the failed statement, whose
     * error list (SQLSTATE and message) Flyway 13 fills in (13.12.1 does), and on the earlier lines
     * only Flyway's commercial editions. So: that error
     * when there is one, else the statement, else (a Java migration) a pointer to Flyway's output.
     */
    static String failureMessage(Statement failed, Error error) {
        if (failed == null) {
            return "migration failed; see Flyway's output";
        }
        String sql = failed.getSql() == null ? "" : failed.getSql().strip();
        if (sql.length() > MAX_STATEMENT) {
            sql = sql.substring(0, MAX_STATEMENT) + " ...";
        }
        return error != null && error.getMessage() != null
                ? error.getMessage() + " (statement: " + sql + ")"
                : "statement failed: " + sql + " (Flyway passes callbacks no error message: see its output)";
    }

    private static final int MAX_STATEMENT = 2000;

    @Override
    public String getCallbackName() {
        return "pggit";
    }

    static PggitConfig config(Configuration conf) {
        PggitFlywayConfigurationExtension ext = conf.getPluginRegister().getPlugin(PggitFlywayConfigurationExtension.class);
        return ext == null ? PggitConfig.DEFAULTS : ext.toConfig();
    }

    private static String historySchema(Configuration conf) {
        if (conf.getDefaultSchema() != null) {
            return conf.getDefaultSchema();
        }
        return conf.getSchemas().length > 0 ? conf.getSchemas()[0] : null;
    }

    static MigrationLink record(MigrationInfo info) {
        return MigrationLink.flyway(
                Optional.ofNullable(info.getVersion()).map(Object::toString),
                info.getType() == null ? null : info.getType().name(),
                info.getDescription(),
                info.getScript(),
                Optional.ofNullable(info.getChecksum()).map(String::valueOf));
    }
}
