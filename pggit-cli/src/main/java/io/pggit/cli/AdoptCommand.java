package io.pggit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code pggit adopt}: as {@code mvn pggit:adopt}. */
@Command(name = "adopt", description = "Records the current drift as one commit (origin drift), so a hotfix made by hand becomes history.")
final class AdoptCommand extends PggitCommand {

    @Option(names = {"-m", "--message"}, defaultValue = "adopt drift", description = "the commit message; default: ${DEFAULT-VALUE}")
    String message;

    @Override
    int run() {
        Optional<String> id = pggit().adopt(message);
        out().println(id.map(i -> "pggit: drift adopted as commit " + i.substring(0, 7)).orElse("pggit: no drift to adopt"));
        return PggitCli.OK;
    }
}
