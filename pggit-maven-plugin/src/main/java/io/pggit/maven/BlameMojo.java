package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Blame;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.List;

/**
 * Prints which commit and migration last changed each column and constraint of a table, or each
 * change of another object's definition ({@code pggit.blame}, git blame --first-parent):
 * {@code mvn pggit:blame -Dpggit.object=command.tb_meter}.
 */
@Mojo(name = "blame", threadSafe = true, requiresProject = false)
public class BlameMojo extends AbstractConnectionMojo {

    /** The object: a key ({@code table:command.tb_meter}) or an identity ({@code command.tb_meter}, {@code app.f(integer)}). */
    @Parameter(property = "pggit.object", required = true)
    private String object;

    /** The revision to blame at: {@code HEAD}, a branch, a commit id or a unique prefix, {@code HEAD~N}. */
    @Parameter(property = "pggit.rev", defaultValue = "HEAD")
    private String rev;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            List<Blame> lines = Pggit.builder(dataSource()).build().blame(object, rev);
            getLog().info("pggit blame " + object + " at " + rev + ":");
            int width = lines.stream().mapToInt(b -> b.part().length()).max().orElse(0);
            for (Blame b : lines) {
                getLog().info("  " + String.format("%-" + width + "s", b.part()) + "  "
                        + b.commitId().map(c -> c.substring(0, Math.min(12, c.length()))).orElse("(purged)    ")
                        + b.change().map(x -> " " + x).orElse("  ")
                        + b.committedAt().map(t -> " " + t.toLocalDate()).orElse("")
                        + b.author().map(a -> " " + a).orElse("")
                        + b.migration().map(m -> "  " + m).orElse(b.message().map(m -> "  " + m).orElse("")));
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
