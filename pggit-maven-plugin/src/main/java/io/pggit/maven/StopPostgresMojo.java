package io.pggit.maven;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.IOException;

/**
 * Stops the embedded PostgreSQL that {@code pggit:start-postgres} started for this project, the one
 * whose URL it published in {@code urlProperty}, and deletes its data directory.
 */
@Mojo(name = "stop-postgres", defaultPhase = LifecyclePhase.POST_INTEGRATION_TEST, threadSafe = true)
public class StopPostgresMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The URL property that {@code pggit:start-postgres} was given: the server it names is stopped. */
    @Parameter(property = "pggit.urlProperty", defaultValue = "pggit.jdbc.url")
    private String urlProperty;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            if (!StartPostgresMojo.stop(StartPostgresMojo.key(project, urlProperty))) {
                getLog().info("pggit: no embedded PostgreSQL runs for " + project.getId() + " (property " + urlProperty + ")");
                return;
            }
            getLog().info("pggit: embedded PostgreSQL stopped (property " + urlProperty + ")");
        } catch (IOException e) {
            throw new MojoExecutionException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
