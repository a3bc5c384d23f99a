package io.pggit.cli;

import io.pggit.core.model.Commit;
import io.pggit.core.report.Lines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code pggit log}: as {@code mvn pggit:log}. */
@Command(name = "log", description = "Prints the history of HEAD, newest first: short id, time, origin, message, what changed by kind.")
final class LogCommand extends PggitCommand {

    @Option(names = {"-n", "--max-count"}, defaultValue = "50", description = "at most this many commits; default: ${DEFAULT-VALUE}")
    int maxCount;

    @Override
    int run() {
        List<Commit> log = pggit().log(maxCount);
        out().println("pggit log (" + log.size() + " commit(s), newest first):");
        log.forEach(c -> out().println("  " + Lines.commit(c)));
        return PggitCli.OK;
    }
}
