package io.pggit.cli;

import io.pggit.core.Pggit;
import io.pggit.core.PggitDataSources;
import io.pggit.core.model.Comparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code pggit compare}: as {@code mvn pggit:compare}. */
@Command(name = "compare", description = {
        "Compares two live databases object by object (--url the source, --target-url the target) and prints the ordered DDL"
                + " that would bring the target to the source, as a script whose comments list the differences. A plan: never applied.",
        "pggit must be installed in both, at one version."})
final class CompareCommand extends PggitCommand {

    @Option(names = "--target-url", required = true, paramLabel = "JDBC_URL", description = "JDBC URL of the target database")
    String targetUrl;

    @Option(names = "--target-user", description = "the target's role; default: a user in --target-url, else the source's")
    String targetUser;

    @Option(names = "--target-password", defaultValue = "${env:PGGIT_TARGET_PASSWORD}", showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "the target's password (default: PGGIT_TARGET_PASSWORD; else the source's, only when the target's role is the source's)")
    String targetPassword;

    @Option(names = "--output", paramLabel = "FILE", description = "write the plan to FILE (as pggit:compare's plan.sql) instead of standard output")
    Path output;

    @Option(names = "--exit-code", description = "exit with 1 when the databases differ")
    boolean exitCode;

    @Override
    int run() throws Exception {
        var source = connection.dataSource();
        Comparison c = Pggit.compare(source, PggitDataSources.target(source, targetUrl, targetUser, targetPassword));
        StringBuilder sb = new StringBuilder("-- pggit compare: " + c.differences().size() + " object(s) differ\n");
        c.differences().forEach(d -> sb.append("--   ").append(d).append('\n'));
        sb.append("-- plan of ").append(c.plan().size()).append(" statement(s), not applied\n").append(c.planScript());
        if (output == null) {
            out().print(sb);
        } else {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, c.planScript(), StandardCharsets.UTF_8);
            out().print(sb.substring(0, sb.indexOf("-- plan of")));
            err().println("pggit: plan of " + c.plan().size() + " statement(s) written to " + output + " (not applied)");
        }
        return exitCode && !c.differences().isEmpty() ? PggitCli.FINDINGS : PggitCli.OK;
    }
}
