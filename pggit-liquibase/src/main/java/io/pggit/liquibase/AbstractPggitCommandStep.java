package io.pggit.liquibase;

import liquibase.command.AbstractCommandStep;
import liquibase.command.CommandDefinition;
import liquibase.command.CommandResultsBuilder;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;

/** What pggit's own Liquibase commands share: a name, a description, Liquibase's connection, text output. */
abstract class AbstractPggitCommandStep extends AbstractCommandStep {

    private final String[] name;
    private final String description;

    AbstractPggitCommandStep(String[] name, String description) {
        this.name = name;
        this.description = description;
    }

    @Override
    public String[][] defineCommandNames() {
        return new String[][] {name};
    }

    @Override
    public List<Class<?>> requiredDependencies() {
        return List.of(Database.class);
    }

    @Override
    public void adjustCommandDefinition(CommandDefinition commandDefinition) {
        commandDefinition.setShortDescription(description);
    }

    static Database database(CommandResultsBuilder resultsBuilder) {
        return (Database) resultsBuilder.getCommandScope().getDependency(Database.class);
    }

    static Connection connection(CommandResultsBuilder resultsBuilder) {
        return ((JdbcConnection) database(resultsBuilder).getConnection()).getUnderlyingConnection();
    }

    static void print(CommandResultsBuilder resultsBuilder, String text) throws IOException {
        Writer out = new OutputStreamWriter(resultsBuilder.getOutputStream(), StandardCharsets.UTF_8);
        out.write(text);
        out.flush();
    }
}
