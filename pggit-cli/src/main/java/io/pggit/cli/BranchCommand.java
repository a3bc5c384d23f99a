package io.pggit.cli;

import io.pggit.core.model.Branch;
import io.pggit.core.report.Lines;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


/**
 * {@code pggit branch}: lists branches, or creates or deletes one ({@code pggit.list_branches},
 * {@code create_branch}, {@code delete_branch}), as {@code git branch}.
 */
@Command(name = "branch", description = {"Lists the branches (the checked-out one marked *, with commits ahead of and behind main),",
        "or creates NAME at --from (default HEAD), or deletes NAME with --delete (--force for an unmerged one)."})
final class BranchCommand extends PggitCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the branch to create (or, with --delete, to delete)")
    String name;

    @ArgGroup(exclusive = true)
    Mode mode;

    static final class Mode {
        @Option(names = "--from", paramLabel = "REV", description = "create NAME at this revision (a commit id, prefix, branch, HEAD~N); default HEAD")
        String from;

        @Option(names = {"-d", "--delete"}, description = "delete NAME; refused for the checked-out branch and, without --force, for one with commits it alone has")
        boolean delete;
    }

    @Option(names = {"-f", "--force"}, description = "with --delete: delete NAME even if the checked-out branch does not reach all of its commits")
    boolean force;

    @Option(names = {"-m", "--description"}, description = "with NAME: why the branch exists")
    String description;

    @Override
    int run() {
        boolean delete = mode != null && mode.delete;
        if (name == null) {
            if (delete || (mode != null && mode.from != null) || force || description != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "NAME is missing: --from, --delete, --force and --description need one");
            }
            for (Branch b : pggit().listBranches()) {
                out().println(Lines.branch(b));
            }
            return PggitCli.OK;
        }
        if (delete) {
            pggit().deleteBranch(name, force);
            out().println(Lines.branchDeleted(name));
        } else {
            out().println(Lines.branchCreated(name, pggit().createBranch(name, mode == null ? null : mode.from, description)));
        }
        return PggitCli.OK;
    }
}
