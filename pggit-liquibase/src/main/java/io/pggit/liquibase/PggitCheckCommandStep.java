package io.pggit.liquibase;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.report.CheckReport;
import liquibase.Scope;
import liquibase.command.CommandArgumentDefinition;
import liquibase.command.CommandBuilder;
import liquibase.command.CommandResultsBuilder;
import liquibase.exception.CommandExecutionException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code liquibase pggit-check}: pggit's consistency checks (drift, gaps between
 * {@code databasechangelog} and pggit's links, tracking state, the object store's integrity) from
 * Liquibase's command line,
 * with Liquibase's own connection arguments. Prints the text report, writes all four reports when
 * {@code --report-directory} is given, and fails when an error is found.
 */
public class PggitCheckCommandStep extends AbstractPggitCommandStep {

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

    public PggitCheckCommandStep() {
        super(COMMAND_NAME, "pggit: check the database for drift and for gaps between databasechangelog and pggit's history");
    }

    @Override
    public void run(CommandResultsBuilder resultsBuilder) throws Exception {
        List<Finding> findings = ConsistencyCheck.run(connection(resultsBuilder), List.of(), false, false,
                line -> Scope.getCurrentScope().getLog(PggitCheckCommandStep.class).info(line));
        CheckReport report = new CheckReport(findings, database(resultsBuilder).getConnection().getURL(), Instant.now());
        print(resultsBuilder, report.text());
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
