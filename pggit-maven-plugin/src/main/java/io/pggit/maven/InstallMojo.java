package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.InstallResult;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Installs or upgrades pggit's SQL layer in the database (needs a superuser: event triggers do).
 * A fresh install into a database with objects records a baseline commit of them.
 */
@Mojo(name = "install", threadSafe = true, requiresProject = false)
public class InstallMojo extends AbstractConnectionMojo {

    @Override
    public void execute() throws MojoExecutionException {
        try {
            InstallResult r = Pggit.builder(dataSource()).build().install();
            getLog().info(r.changed()
                    ? "pggit " + r.version() + " installed" + r.previousVersion().map(v -> " (upgraded from " + v + ")").orElse("")
                      + r.baselineCommit().map(id -> "; baseline commit " + id.substring(0, 7)).orElse("")
                    : "pggit " + r.version() + " is already installed");
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
