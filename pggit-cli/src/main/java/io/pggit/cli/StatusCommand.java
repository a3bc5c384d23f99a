package io.pggit.cli;

import io.pggit.core.model.Change;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code pggit status}: as {@code mvn pggit:status}. */
@Command(name = "status", description = "Lists the journaled but uncommitted changes (pggit.status()).")
final class StatusCommand extends PggitCommand {

    @Override
    int run() {
        List<Change> status = pggit().status();
        out().println(status.isEmpty() ? "pggit: nothing to commit" : "pggit: " + status.size() + " uncommitted change(s):");
        status.forEach(c -> out().println("  " + c));
        return PggitCli.OK;
    }
}
