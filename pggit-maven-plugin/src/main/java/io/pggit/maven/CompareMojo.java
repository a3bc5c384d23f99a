package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Comparison;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * Compares two live databases (e.g. staging, the source, and production, the target) object by
 * object and writes the ordered DDL plan that would bring the target to the source to
 * {@code plan.sql}. Plan only: this goal never applies it. pggit must be installed in both.
 */
@Mojo(name = "compare", threadSafe = true, requiresProject = false)
public class CompareMojo extends AbstractConnectionMojo {

    /** JDBC URL of the target database (the source is pggit.url). */
    @Parameter(property = "pggit.targetUrl", required = true)
    private String targetUrl;

    @Parameter(property = "pggit.targetUser")
    private String targetUser;

    @Parameter(property = "pggit.targetPassword")
    private String targetPassword;

    @Parameter(property = "pggit.planFile", defaultValue = "${project.build.directory}/pggit/plan.sql")
    private File planFile;

    @Override
    public void execute() throws MojoExecutionException {
        PGSimpleDataSource target = new PGSimpleDataSource();
        target.setUrl(targetUrl);
        if (targetUser != null) {
            target.setUser(targetUser);
        }
        if (targetPassword != null) {
            target.setPassword(targetPassword);
        }
        try {
            Comparison c = Pggit.compare(dataSource(), target);
            getLog().info("pggit compare: " + c.differences().size() + " object(s) differ");
            c.differences().forEach(d -> getLog().info("  " + d));
            Files.createDirectories(planFile.toPath().getParent());
            Files.writeString(planFile.toPath(), String.join("\n\n", c.plan()) + (c.plan().isEmpty() ? "" : "\n"), StandardCharsets.UTF_8);
            getLog().info("pggit: plan of " + c.plan().size() + " statement(s) written to " + planFile + " (not applied)");
        } catch (PggitException | IOException e) {
            throw new MojoExecutionException("pggit compare failed: " + e.getMessage(), e);
        }
    }
}
