package io.pggit.cli;

import io.pggit.core.check.Finding;
import io.pggit.core.report.CheckReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Instant;
import java.util.List;

/** {@code pggit fsck}: as {@code mvn pggit:fsck}. */
@Command(name = "fsck", description = {
        "Checks the object store's integrity, like git fsck: every definition, tree node and commit still hashes to its key,"
                + " everything a commit reaches is stored, and the index agrees with HEAD's tree.",
        "Exits with 1 on any error finding."})
final class FsckCommand extends PggitCommand {

    @Mixin
    ReportOptions report;

    @Override
    int run() throws Exception {
        List<Finding> findings = pggit().fsck();
        report.write(new CheckReport(findings, connection.target(), Instant.now()), out(), err());
        return findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR) ? PggitCli.FINDINGS : PggitCli.OK;
    }
}
