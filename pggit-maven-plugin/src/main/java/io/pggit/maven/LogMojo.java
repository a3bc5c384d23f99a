package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Commit;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Prints the history of HEAD, newest first ({@code pggit.log()}): short id, time, origin, message,
 * what changed by kind and the migrations linked to each commit.
 */
@Mojo(name = "log", threadSafe = true, requiresProject = false)
public class LogMojo extends AbstractConnectionMojo {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** At most this many commits, newest first; a positive number. */
    @Parameter(property = "pggit.maxCount", defaultValue = "50")
    private int maxCount;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            List<Commit> log = Pggit.builder(dataSource()).build().log(maxCount);
            getLog().info("pggit log (" + log.size() + " commit(s), newest first):");
            for (Commit c : log) {
                getLog().info(String.format("  %s %s %-9s %s  [%s]", c.shortId(), TIME.format(c.committedAt()), c.origin(),
                        c.message(), c.summary()));
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
