package io.pggit.liquibase;

import io.pggit.core.Pggit;
import io.pggit.core.model.Change;
import liquibase.command.CommandResultsBuilder;

import java.util.List;
import java.util.stream.Collectors;

/** {@code liquibase pggit-status}: journaled but uncommitted changes ({@code pggit.status()}). */
public class PggitStatusCommandStep extends AbstractPggitCommandStep {

    public static final String[] COMMAND_NAME = {"pggitStatus"};

    public PggitStatusCommandStep() {
        super(COMMAND_NAME, "pggit: list the schema changes not yet committed");
    }

    @Override
    public void run(CommandResultsBuilder resultsBuilder) throws Exception {
        List<Change> status = Pggit.on(connection(resultsBuilder)).status();
        print(resultsBuilder, (status.isEmpty() ? "pggit: nothing to commit\n" : "pggit: " + status.size() + " uncommitted change(s):\n")
                + status.stream().map(c -> "  " + c + "\n").collect(Collectors.joining()));
        resultsBuilder.addResult("changes", status.size());
    }
}
