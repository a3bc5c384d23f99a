package io.pggit.liquibase;

import io.pggit.core.testing.TestDb;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;

/** Runs a Liquibase command through {@link CommandScope}, as the CLI and the Maven plugin do. */
final class LiquibaseRunner {
    private LiquibaseRunner() {
    }

    /**
     * Runs {@code command} (Liquibase's camelCase name: update, updateSql, rollbackCount …) with the
     * changelog {@code changelog} under {@code dir}; {@code scopeValues} become Liquibase
     * configuration values (e.g. {@code liquibase.pggit.failOnError}).
     *
     * @return what the command wrote to its output (for the *-sql commands)
     */
    static String run(TestDb db, Path dir, String changelog, String command, Map<String, Object> args,
                      Map<String, Object> scopeValues) throws Exception {
        return run(db.dataSource(), dir, changelog, command, args, scopeValues);
    }

    /** As {@link #run(TestDb, Path, String, String, Map, Map)}, connected through {@code dataSource} (another role). */
    static String run(DataSource dataSource, Path dir, String changelog, String command, Map<String, Object> args,
                      Map<String, Object> scopeValues) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            database.setDefaultSchemaName("public");
            Map<String, Object> scope = new HashMap<>(scopeValues);
            scope.put(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(dir.toFile()));
            Scope.child(scope, () -> {
                CommandScope cs = new CommandScope(command)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .setOutput(out);
                if (changelog != null) {
                    cs.addArgumentValue("changelogFile", changelog);
                }
                args.forEach(cs::addArgumentValue);
                cs.execute();
            });
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
