package io.pggit.cli;

import io.pggit.core.Pggit;
import io.pggit.core.model.Change;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code pggit diff}: as {@code mvn pggit:diff}. */
@Command(name = "diff", description = "Prints the objects that differ between two commits, or, with one revision (HEAD), between it and the live database.")
final class DiffCommand extends PggitCommand {

    @Parameters(index = "0", arity = "0..1", defaultValue = "HEAD", paramLabel = "FROM", description = "default: ${DEFAULT-VALUE}")
    String from;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TO", description = "the other revision; without it, the live database")
    String to;

    @Option(names = "--exit-code", description = "exit with 1 when there are differences (as git diff --exit-code)")
    boolean exitCode;

    @Override
    int run() {
        Pggit pggit = pggit();
        List<Change> diff = to == null ? pggit.diffWithLive(from) : pggit.diff(from, to);
        out().println("pggit diff " + from + " " + (to == null ? "(live database)" : to) + ": " + diff.size() + " object(s)");
        diff.forEach(c -> out().println("  " + c));
        return exitCode && !diff.isEmpty() ? PggitCli.FINDINGS : PggitCli.OK;
    }
}
