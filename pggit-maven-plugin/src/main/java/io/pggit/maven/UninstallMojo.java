package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.UninstallResult;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Removes pggit from the database: its event triggers and schema {@code pggit} with all the history
 * it recorded (roles stay: they are cluster-wide). Needs a superuser, and
 * {@code -Dpggit.confirm=<database name>}; refuses while a deployment is open, and while user
 * objects depend on pggit unless {@code -Dpggit.cascade=true}. A later install starts a new
 * history, whose baseline commit says when the earlier one was removed; {@code pggit:check} then
 * reports the restart while the migration tool's history table holds older migrations.
 */
@Mojo(name = "uninstall", threadSafe = true, requiresProject = false)
public class UninstallMojo extends AbstractConnectionMojo {

    /**
     * The name of the database to uninstall from, exactly as the server names it, as a confirmation:
     * without it, or with another name, the goal refuses and changes nothing. Required in effect.
     */
    @Parameter(property = "pggit.confirm")
    private String confirm;

    /**
     * {@code true} also drops user objects outside schema pggit that depend on it (a column of type
     * {@code pggit.cqrs_change}, a view over a pggit view); {@code false} refuses while there are any, naming them.
     */
    @Parameter(property = "pggit.cascade", defaultValue = "false")
    private boolean cascade;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            UninstallResult r = Pggit.builder(dataSource()).build().uninstall(confirm, cascade);
            getLog().info("pggit " + r.version() + " uninstalled from database " + r.database() + ":");
            r.removed().forEach(line -> getLog().info("  removed " + line));
            r.dependents().forEach(line -> getLog().info("  dropped dependent " + line));
            getLog().info("  marker: ALTER DATABASE " + r.database() + " SET pggit.uninstalled_at = '" + r.uninstalledAt()
                    + "' (a later install's baseline commit reports it)");
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
