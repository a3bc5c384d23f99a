package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Change;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.List;

/**
 * Prints the objects that differ between two commits ({@code pggit.diff}), or, without
 * {@code to}, between a commit and the live database ({@code pggit.drift} when from is HEAD).
 */
@Mojo(name = "diff", threadSafe = true, requiresProject = false)
public class DiffMojo extends AbstractConnectionMojo {

    /**
     * The first revision: a commit id, a unique prefix of one (at least 4 hex digits), a branch name or {@code HEAD},
     * each optionally followed by {@code ~N} (N commits back, e.g. {@code HEAD~1}). Must be HEAD when
     * {@code to} is empty.
     */
    @Parameter(property = "pggit.from", defaultValue = "HEAD")
    private String from;

    /**
     * The second revision, in the form of {@code from}. Default: none, which compares {@code from}
     * (HEAD) with the live database (the drift).
     */
    @Parameter(property = "pggit.to")
    private String to;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            Pggit pggit = Pggit.builder(dataSource()).build();
            List<Change> diff;
            if (to == null || to.isBlank()) {
                diff = pggit.diffWithLive(from);
                getLog().info("pggit diff " + from + " (live database): " + diff.size() + " object(s)");
            } else {
                diff = pggit.diff(from, to);
                getLog().info("pggit diff " + from + " " + to + ": " + diff.size() + " object(s)");
            }
            diff.forEach(c -> getLog().info("  " + c));
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
