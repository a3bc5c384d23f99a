package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.InstallResult;
import io.pggit.core.report.Lines;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.postgresql.ds.PGSimpleDataSource;

import java.util.Arrays;
import java.util.List;

/**
 * Installs or upgrades pggit's SQL layer in the database (needs a superuser: event triggers do).
 * A fresh install into a database with objects records a baseline commit of them.
 * {@code -Dpggit.grantTo=<role>[,<role>]} grants role pggit_writer to the migration roles.
 */
@Mojo(name = "install", threadSafe = true, requiresProject = false)
public class InstallMojo extends AbstractConnectionMojo {

    /**
     * Roles to grant {@code pggit_writer}, comma-separated ({@code app_migrator,ci}): the migration roles
     * that record runs, spelled as {@code pg_roles} spells them (case included, no quotes). Each must exist. Default: none.
     */
    @Parameter(property = "pggit.grantTo")
    private String grantTo;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            List<String> roles = grantTo == null ? List.of()
                    : Arrays.stream(grantTo.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            PGSimpleDataSource ds = dataSource();
            InstallResult r = Pggit.builder(ds).build().install(roles, "pggit.grantTo");
            getLog().info(Lines.installed(r, databaseName(ds)));
            r.grantedWriter().forEach(role -> getLog().info("pggit: granted pggit_writer to role " + role));
            roles.forEach(role -> getLog().info("pggit: role " + role + " holds pggit_writer"));
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
