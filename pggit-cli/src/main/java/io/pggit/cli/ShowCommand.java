package io.pggit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pggit show}: as {@code mvn pggit:show}. */
@Command(name = "show", description = "Prints what one commit changed (pggit.show).")
final class ShowCommand extends PggitCommand {

    @Parameters(index = "0", arity = "0..1", defaultValue = "HEAD", paramLabel = "REV",
            description = "a commit id, a unique prefix, a branch, HEAD, optionally ~N; default: ${DEFAULT-VALUE}")
    String rev;

    @Option(names = "--verbose", description = "print the definitions before (-) and after (+)")
    boolean verbose;

    @Override
    int run() {
        out().println("pggit show " + rev + ":");
        pggit().show(rev).forEach(c -> {
            out().println("  " + c);
            if (verbose) {
                c.oldDefinition().ifPresent(d -> out().println("    - " + d));
                c.newDefinition().ifPresent(d -> out().println("    + " + d));
            }
        });
        return PggitCli.OK;
    }
}
