package io.pggit.flyway;

import io.pggit.core.MigrationRun;
import io.pggit.core.PggitConfig;
import io.pggit.core.model.MigrationRecord;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.Configuration;

import java.util.List;
import java.util.Optional;

/**
 * Records every Flyway migration as a pggit commit. Name it in Flyway's {@code callbacks} setting
 * ({@code flyway.callbacks=io.pggit.flyway.PggitFlywayCallback}); Flyway does not discover Java
 * callbacks by itself.
 *
 * <p>Events and where they run (Flyway's {@code Event}):
 * <ul>
 *   <li>{@code BEFORE_MIGRATE}: check or install pggit, open a deployment (own connection);</li>
 *   <li>{@code AFTER_EACH_MIGRATE}: inside the migration's transaction: commit and link;</li>
 *   <li>{@code AFTER_EACH_MIGRATE_ERROR}: the migration's transaction is aborted: a failed link on
 *       a connection of pggit's own;</li>
 *   <li>{@code AFTER_MIGRATE} / {@code AFTER_MIGRATE_ERROR}: copy installed rank and execution time
 *       from the history table, close the deployment, scan for drift.</li>
 * </ul>
 * Settings: {@link PggitFlywayConfigurationExtension}. Holds no logic of its own: each event is one
 * call of {@link MigrationRun}.
 */
public class PggitFlywayCallback implements Callback {

    private MigrationRun run;

    @Override
    public boolean supports(Event event, Context context) {
        switch (event) {
            case BEFORE_MIGRATE:
            case AFTER_EACH_MIGRATE:
            case AFTER_EACH_MIGRATE_ERROR:
            case AFTER_MIGRATE:
            case AFTER_MIGRATE_ERROR:
                return config(context.getConfiguration()).enabled();
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
        Configuration conf = context.getConfiguration();
        switch (event) {
            case BEFORE_MIGRATE:
                run = MigrationRun.open(conf.getDataSource(), config(conf), "flyway", "flyway migrate",
                        conf.getTarget() == null ? null : conf.getTarget().toString(), List.of(conf.getTable()));
                break;
            case AFTER_EACH_MIGRATE:
                if (run != null) {
                    run.migrationSucceeded(context.getConnection(), record(context.getMigrationInfo()));
                }
                break;
            case AFTER_EACH_MIGRATE_ERROR:
                if (run != null) {
                    run.migrationFailed(record(context.getMigrationInfo()), "migration failed; see Flyway's output");
                }
                break;
            case AFTER_MIGRATE:
            case AFTER_MIGRATE_ERROR:
                if (run != null) {
                    run.backfillFlywayHistory(historySchema(conf), conf.getTable());
                    run.close(event == Event.AFTER_MIGRATE);
                    run = null;
                }
                break;
            default:
                break;
        }
    }

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

    static MigrationRecord record(MigrationInfo info) {
        return MigrationRecord.flyway(
                Optional.ofNullable(info.getVersion()).map(Object::toString),
                info.getType() == null ? null : info.getType().name(),
                info.getDescription(),
                info.getScript(),
                Optional.ofNullable(info.getChecksum()).map(String::valueOf));
    }
}
