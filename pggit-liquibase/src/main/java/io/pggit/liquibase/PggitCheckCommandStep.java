package io.pggit.liquibase;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.report.CheckReport;
import liquibase.command.AbstractCommandStep;
import liquibase.command.CommandArgumentDefinition;
import liquibase.command.CommandBuilder;
import liquibase.command.CommandDefinition;
import liquibase.command.CommandResultsBuilder;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.CommandExecutionException;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code liquibase pggit-check}: pggit's consistency checks (drift, gaps between
 * {@code databasechangelog} and pggit's links, tracking state) from Liquibase's command line,
 * with Liquibase's own connection arguments. Prints the text report, writes all four reports when
 * {@code --report-directory} is given, and fails when an error is found.
 */
public class PggitCheckCommandStep extends AbstractCommandStep {

    public static final String[] COMMAND_NAME = {"pggitCheck"};
    public static final CommandArgumentDefinition<String> REPORT_DIRECTORY_ARG;
    public static final CommandArgumentDefinition<Boolean> FAIL_ARG;

    static {
        CommandBuilder builder = new CommandBuilder(COMMAND_NAME);
        REPORT_DIRECTORY_ARG = builder.argument("reportDirectory", String.class)
                .description("pggit: where to write check.txt, check.json, TEST-pggit-check.xml and check.sarif").build();
        FAIL_ARG = builder.argument("failOnFindings", Boolean.class).defaultValue(true)
                .description("pggit: fail when an error is found (default true)").build();
    }

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
        commandDefinition.setShortDescription("pggit: check the database for drift and for gaps between databasechangelog and pggit's history");
    }

    @Override
    public void run(CommandResultsBuilder resultsBuilder) throws Exception {
        Database database = (Database) resultsBuilder.getCommandScope().getDependency(Database.class);
        List<Finding> findings = ConsistencyCheck.run(((JdbcConnection) database.getConnection()).getUnderlyingConnection(),
                List.of(), false, false);
        CheckReport report = new CheckReport(findings, database.getConnection().getURL(), Instant.now());
        Writer out = new OutputStreamWriter(resultsBuilder.getOutputStream(), StandardCharsets.UTF_8);
        out.write(report.text());
        out.flush();
        String dir = resultsBuilder.getCommandScope().getArgumentValue(REPORT_DIRECTORY_ARG);
        if (dir != null && !dir.isBlank()) {
            report.writeAll(Path.of(dir));
        }
        long errors = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
        resultsBuilder.addResult("findings", findings.size());
        resultsBuilder.addResult("errors", errors);
        if (errors > 0 && Boolean.TRUE.equals(resultsBuilder.getCommandScope().getArgumentValue(FAIL_ARG))) {
            throw new CommandExecutionException("pggit check found " + errors + " error(s); see the report above");
        }
    }
}
