package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.Optional;

/** Records the current drift as one commit (origin drift, {@code pggit.adopt}), so a hotfix made by hand becomes history. */
@Mojo(name = "adopt", threadSafe = true, requiresProject = false)
public class AdoptMojo extends AbstractConnectionMojo {

    /** The commit message of the adopted drift, free text. */
    @Parameter(property = "pggit.message", defaultValue = "adopt drift")
    private String message;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            Optional<String> id = Pggit.builder(dataSource()).build().adopt(message);
            getLog().info(id.map(i -> "pggit: drift adopted as commit " + i.substring(0, 7)).orElse("pggit: no drift to adopt"));
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
