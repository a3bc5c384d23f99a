package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Branch;
import io.pggit.core.report.Lines;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Lists the branches, or creates or deletes one ({@code pggit.list_branches}, {@code create_branch},
 * {@code delete_branch}), as {@code git branch}: {@code mvn pggit:branch} lists them,
 * {@code mvn pggit:branch -Dpggit.branch=feature/meter -Dpggit.from=HEAD~2} creates one,
 * {@code -Dpggit.deleteBranch=true} deletes it.
 */
@Mojo(name = "branch", threadSafe = true, requiresProject = false)
public class BranchMojo extends AbstractConnectionMojo {

    /**
     * The branch to create (or, with {@code deleteBranch}, to delete); unset: list the branches.
     * Names follow git's rules ({@code pggit.check_branch_name}), e.g. {@code feature/meter}.
     */
    @Parameter(property = "pggit.branch")
    private String branch;

    /** With {@code branch}: the revision to create it at (a commit id, prefix, branch, HEAD~N); default HEAD. */
    @Parameter(property = "pggit.from")
    private String from;

    /** With {@code branch}: why the branch exists, stored with it. */
    @Parameter(property = "pggit.description")
    private String description;

    /**
     * With {@code branch}: delete it instead of creating it. Refused for the checked-out branch and,
     * unless {@code force}, for one with commits the checked-out branch does not reach.
     */
    @Parameter(property = "pggit.deleteBranch", defaultValue = "false")
    private boolean deleteBranch;

    /** With {@code deleteBranch}: delete the branch even when it has commits only it reaches. */
    @Parameter(property = "pggit.force", defaultValue = "false")
    private boolean force;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            Pggit pggit = Pggit.builder(dataSource()).build();
            if (branch == null || branch.isBlank()) {
                if (deleteBranch) {
                    throw new MojoExecutionException("pggit.deleteBranch needs pggit.branch: the branch to delete");
                }
                getLog().info("pggit branches:");
                for (Branch b : pggit.listBranches()) {
                    getLog().info("  " + Lines.branch(b));
                }
            } else if (deleteBranch) {
                pggit.deleteBranch(branch, force);
                getLog().info(Lines.branchDeleted(branch));
            } else {
                getLog().info(Lines.branchCreated(branch, pggit.createBranch(branch, from, description)));
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
