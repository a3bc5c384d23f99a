package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Commit;
import io.pggit.core.report.Lines;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.List;

/**
 * Prints the history of HEAD, newest first ({@code pggit.log()}): short id, time, origin, message,
 * what changed by kind and the migrations linked to each commit.
 */
@Mojo(name = "log", threadSafe = true, requiresProject = false)
public class LogMojo extends AbstractConnectionMojo {

    /** At most this many commits, newest first; a positive number. */
    @Parameter(property = "pggit.maxCount", defaultValue = "50")
    private int maxCount;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            List<Commit> log = Pggit.builder(dataSource()).build().log(maxCount);
            getLog().info("pggit log (" + log.size() + " commit(s), newest first):");
            for (Commit c : log) {
                getLog().info("  " + Lines.commit(c));
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
