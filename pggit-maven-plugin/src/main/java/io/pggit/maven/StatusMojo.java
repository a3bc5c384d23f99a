package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Change;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

import java.util.List;

/** Prints the journaled but uncommitted changes ({@code pggit.status()}). */
@Mojo(name = "status", threadSafe = true, requiresProject = false)
public class StatusMojo extends AbstractConnectionMojo {

    @Override
    public void execute() throws MojoExecutionException {
        try {
            List<Change> status = Pggit.builder(dataSource()).build().status();
            getLog().info(status.isEmpty() ? "pggit: nothing to commit" : "pggit: " + status.size() + " uncommitted change(s):");
            status.forEach(c -> getLog().info("  " + c));
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
