package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Checkout;
import io.pggit.core.report.Lines;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks out a branch ({@code Pggit.checkout}), as {@code git checkout}: prints the plan from HEAD's
 * tree to the branch's ({@code mvn pggit:checkout -Dpggit.branch=feature/meter}), and with
 * {@code -Dpggit.apply=true} runs it and moves HEAD, in one transaction. Refused (the build fails,
 * nothing changed) while there are uncommitted changes or drift, and when the plan would lose data
 * unless {@code -Dpggit.allowDataLoss=true}. Warns when the migration tool's history table lists
 * migrations the branch's history does not link.
 */
@Mojo(name = "checkout", threadSafe = true, requiresProject = false)
public class CheckoutMojo extends AbstractConnectionMojo {

    /** The branch to check out. */
    @Parameter(property = "pggit.branch", required = true)
    private String branch;

    /** Run the plan and move HEAD; false (the default): print the plan only. */
    @Parameter(property = "pggit.apply", defaultValue = "false")
    private boolean apply;

    /**
     * Run a plan that loses data: drops a table holding rows or a column holding non-null values,
     * narrows a column's type, rebuilds an enum.
     */
    @Parameter(property = "pggit.allowDataLoss", defaultValue = "false")
    private boolean allowDataLoss;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            Checkout c = Pggit.builder(dataSource()).build().checkout(branch, apply, allowDataLoss);
            getLog().info(Lines.checkout(c));
            if (!c.applied()) {
                for (String line : c.planScript().split("\n", -1)) {
                    if (!line.isEmpty()) {
                        getLog().info("  " + line);
                    }
                }
            }
            Lines.checkoutNotes(c).forEach(line -> getLog().warn("pggit: " + line));
            if (!c.applied() && c.refusals().isEmpty() && !c.plan().isEmpty()) {
                getLog().info("pggit: apply it with -Dpggit.apply=true");
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
