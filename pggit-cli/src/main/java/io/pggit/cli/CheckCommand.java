package io.pggit.cli;

import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.log.PggitLog;
import io.pggit.core.report.CheckReport;
import io.pggit.core.report.FailOn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;

/** {@code pggit check}: as {@code mvn pggit:check}. */
@Command(name = "check", description = {
        "Checks the database against its history: drift (objects no commit explains), gaps between the Flyway or Liquibase"
                + " history table and pggit's links, tracking paused or disabled, and the object store's integrity.",
        "Exits with 1 when an error finding belongs to a check named in --fail-on."})
final class CheckCommand extends PggitCommand {

    @Option(names = "--fail-on", defaultValue = "any", paramLabel = "CHECKS",
            description = "which checks fail: drift, gap, conflict, tracking, integrity, any or none, comma-separated; default: ${DEFAULT-VALUE}")
    String failOn;

    @Option(names = "--locations", split = ",", paramLabel = "DIR",
            description = "folders of Flyway migration files, to find files changed after they ran")
    List<Path> locations = List.of();

    @Option(names = "--verbose", description = "include definitions and history rows in the JSON report")
    boolean verbose;

    @Mixin
    ReportOptions report;

    @Override
    int run() throws Exception {
        FailOn fail = FailOn.parse(failOn, "--fail-on");
        List<Finding> findings;
        try (Connection c = connection.dataSource().getConnection()) {
            findings = ConsistencyCheck.run(c, locations, verbose, false, PggitLog.current()::info);
        }
        report.write(new CheckReport(findings, connection.target(), Instant.now()), out(), err());
        List<Finding> failing = fail.failing(findings);
        if (!failing.isEmpty()) {
            err().println("pggit check: " + failing.size() + " finding(s) fail the check (--fail-on " + failOn + "):\n  " + FailOn.describe(failing));
            return PggitCli.FINDINGS;
        }
        return PggitCli.OK;
    }
}
