package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Prints what one commit changed ({@code pggit.show}), with definitions when {@code pggit.verbose}. */
@Mojo(name = "show", threadSafe = true, requiresProject = false)
public class ShowMojo extends AbstractConnectionMojo {

    /**
     * The commit to show: a commit id, a unique prefix of one (at least 4 hex digits), a branch name or {@code HEAD}, each
     * optionally followed by {@code ~N} (N commits back, e.g. {@code HEAD~1}).
     */
    @Parameter(property = "pggit.rev", defaultValue = "HEAD")
    private String rev;

    /** {@code true} also prints each object's definition before ({@code -}) and after ({@code +}). */
    @Parameter(property = "pggit.verbose", defaultValue = "false")
    private boolean verbose;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            Pggit pggit = Pggit.builder(dataSource()).build();
            getLog().info("pggit show " + rev + ":");
            pggit.show(rev).forEach(c -> {
                getLog().info("  " + c);
                if (verbose) {
                    c.oldDefinition().ifPresent(d -> getLog().info("    - " + d));
                    c.newDefinition().ifPresent(d -> getLog().info("    + " + d));
                }
            });
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
