package io.pggit.cli;

import io.pggit.core.model.Checkout;
import io.pggit.core.report.Lines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pggit checkout}: as {@code mvn pggit:checkout}. */
@Command(name = "checkout", description = {
        "Prints the plan from HEAD's tree to branch NAME's (a script on standard output), or with --apply runs it and moves HEAD,",
        "in one transaction. Refused while there are uncommitted changes or drift, and for a plan that loses data without --allow-data-loss."})
final class CheckoutCommand extends PggitCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "the branch to check out")
    String name;

    @Option(names = "--apply", description = "run the plan and move HEAD (default: print the plan only)")
    boolean apply;

    @Option(names = "--allow-data-loss", description = "run a plan that drops a table holding rows or a column holding values, narrows a type or rebuilds an enum")
    boolean allowDataLoss;

    @Override
    int run() {
        Checkout c = pggit().checkout(name, apply, allowDataLoss);
        if (!c.applied()) {
            out().print(c.planScript());
        }
        err().println(Lines.checkout(c));
        Lines.checkoutNotes(c).forEach(line -> err().println("pggit: " + line));
        return PggitCli.OK;
    }
}
