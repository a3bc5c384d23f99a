package io.pggit.maven;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.IOException;

/** Stops the embedded PostgreSQL that {@code pggit:start-postgres} started for this project. */
@Mojo(name = "stop-postgres", defaultPhase = LifecyclePhase.POST_INTEGRATION_TEST, threadSafe = true)
public class StopPostgresMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    public void execute() throws MojoExecutionException {
        EmbeddedPostgres pg = StartPostgresMojo.RUNNING.remove(project.getId());
        if (pg == null) {
            getLog().info("pggit: no embedded PostgreSQL runs for " + project.getId());
            return;
        }
        try {
            pg.close();
            getLog().info("pggit: embedded PostgreSQL stopped");
        } catch (IOException e) {
            throw new MojoExecutionException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
