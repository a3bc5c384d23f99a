package io.pggit.core.model;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A checkout of a branch ({@code Pggit.checkout}): the plan from HEAD's tree to the branch's,
 * what would stop it, and whether it was applied.
 *
 * @param branch      the branch checked out (or to be)
 * @param fromCommit  the commit HEAD pointed at (the tree the plan starts from), empty before the first commit
 * @param toCommit    the commit the branch points at (the tree the plan reaches)
 * @param differences per object: ADDED (only on the branch), DELETED (only at HEAD) or MODIFIED, by key
 * @param plan        the statements, in order, that turn HEAD's tree into the branch's; empty when equal
 * @param dataLoss    each step that would lose data, with what (e.g. {@code table app.meter is dropped:
 *                    3 rows}); rows counted as the table's owner with {@code row_security = off}
 * @param refusals    why the checkout is (or would be) refused: uncommitted changes, drift, data loss
 *                    without {@code allowDataLoss}, an owner this role cannot become; empty when it may run
 * @param warnings    what does not stop it but should be known: migrations of the tools' history tables
 *                    that no commit the branch reaches is linked from ({@code pggit.unlinked_migrations})
 * @param applied     whether the plan ran and HEAD now names {@code branch}
 * @param head        the commit HEAD points at afterwards, when applied
 */
public record Checkout(String branch, Optional<String> fromCommit, String toCommit, List<Change> differences, List<String> plan,
                       List<String> dataLoss, List<String> refusals, List<String> warnings, boolean applied, Optional<String> head) {
    public Checkout {
        requireNonNull(branch, "branch");
        requireNonNull(fromCommit, "fromCommit");
        requireNonNull(toCommit, "toCommit");
        differences = List.copyOf(differences);
        plan = List.copyOf(plan);
        dataLoss = List.copyOf(dataLoss);
        refusals = List.copyOf(refusals);
        warnings = List.copyOf(warnings);
        requireNonNull(head, "head");
    }

    /** The plan as one script: the statements separated by blank lines, a newline at the end; empty without statements. */
    public String planScript() {
        return String.join("\n\n", plan) + (plan.isEmpty() ? "" : "\n");
    }
}
