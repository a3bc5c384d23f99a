package io.pggit.liquibase;

import io.pggit.core.Pggit;
import io.pggit.core.model.Change;
import liquibase.command.AbstractCommandStep;
import liquibase.command.CommandDefinition;
import liquibase.command.CommandResultsBuilder;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code liquibase pggit-status}: journaled but uncommitted changes ({@code pggit.status()}). */
public class PggitStatusCommandStep extends AbstractCommandStep {

    public static final String[] COMMAND_NAME = {"pggitStatus"};

    @Override
    public String[][] defineCommandNames() {
        return new String[][] {COMMAND_NAME};
    }

    @Override
    public List<Class<?>> requiredDependencies() {
        return List.of(Database.class);
    }

    @Override
    public void adjustCommandDefinition(CommandDefinition commandDefinition) {
        commandDefinition.setShortDescription("pggit: list the schema changes not yet committed");
    }

    @Override
    public void run(CommandResultsBuilder resultsBuilder) throws Exception {
        Database database = (Database) resultsBuilder.getCommandScope().getDependency(Database.class);
        List<Change> status = Pggit.on(((JdbcConnection) database.getConnection()).getUnderlyingConnection()).status();
        Writer out = new OutputStreamWriter(resultsBuilder.getOutputStream(), StandardCharsets.UTF_8);
        out.write(status.isEmpty() ? "pggit: nothing to commit\n" : "pggit: " + status.size() + " uncommitted change(s):\n");
        for (Change c : status) {
            out.write("  " + c + "\n");
        }
        out.flush();
        resultsBuilder.addResult("changes", status.size());
    }
}
