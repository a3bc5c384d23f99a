package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitDataSources;
import io.pggit.core.PggitException;
import io.pggit.core.model.Comparison;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * Compares two live databases (e.g. staging, the source, and production, the target) object by
 * object and writes the ordered DDL plan that would bring the target to the source to
 * {@code plan.sql}. Plan only: this goal never applies it. pggit must be installed in both, at one
 * version (the goal says which database lacks it and what to do).
 *
 * <p>The target's role: {@code pggit.targetUser} (or the username of {@code pggit.targetServerId}),
 * else a {@code user} in {@code pggit.targetUrl}, else the source's. Its password:
 * {@code pggit.targetPassword} (or the server's), else a {@code password} in the URL, else the
 * source's, but only when the target's role is the source's: a password is never sent for another role.
 */
@Mojo(name = "compare", threadSafe = true, requiresProject = false)
public class CompareMojo extends AbstractConnectionMojo {

    /**
     * JDBC URL of the target database, the one the plan would change, as {@code url}
     * ({@code jdbc:postgresql://host[:port]/database}); the source is {@code url}. Required.
     */
    @Parameter(property = "pggit.targetUrl", required = true)
    private String targetUrl;

    /**
     * The target's role. Default: the username of {@code targetServerId}, else a {@code user} in
     * {@code targetUrl}, else the source's.
     */
    @Parameter(property = "pggit.targetUser")
    private String targetUser;

    /**
     * The target's password. Default: the password of {@code targetServerId}, else a {@code password} in
     * {@code targetUrl}, else the source's, but only when the target's role is the source's.
     */
    @Parameter(property = "pggit.targetPassword")
    private String targetPassword;

    /** The id of a {@code <server>} in settings.xml with the target's username and password. Default: none. */
    @Parameter(property = "pggit.targetServerId")
    private String targetServerId;

    /**
     * The file the plan is written to: the DDL statements that would bring the target to the source,
     * in order, separated by blank lines; empty when the databases agree. Replaced when it exists.
     */
    @Parameter(property = "pggit.planFile", defaultValue = "${project.build.directory}/pggit/plan.sql")
    private File planFile;

    @Override
    public void execute() throws MojoExecutionException {
        PGSimpleDataSource source = dataSource();
        Server server = server(targetServerId, "pggit.targetServerId");
        PGSimpleDataSource target = target(source, targetUrl, targetUser != null || server == null ? targetUser : server.getUsername(),
                targetPassword != null || server == null ? targetPassword : server.getPassword());
        try {
            Comparison c = Pggit.compare(source, target);
            getLog().info("pggit compare: " + c.differences().size() + " object(s) differ");
            c.differences().forEach(d -> getLog().info("  " + d));
            Files.createDirectories(planFile.toPath().getParent());
            Files.writeString(planFile.toPath(), c.planScript(), StandardCharsets.UTF_8);
            getLog().info("pggit: plan of " + c.plan().size() + " statement(s) written to " + planFile + " (not applied)");
        } catch (PggitException | IOException e) {
            throw new MojoExecutionException("pggit compare failed: " + e.getMessage(), e);
        }
    }

    /**
     * The target's data source: {@code url} with {@code user} and {@code password} when given, else
     * what the URL says, else the source's user, and the source's password only with the source's user.
     */
    static PGSimpleDataSource target(PGSimpleDataSource source, String url, String user, String password) {
        return PggitDataSources.target(source, url, user, password);
    }
}
