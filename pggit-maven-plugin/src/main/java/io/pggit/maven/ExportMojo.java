package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the schema at a commit (default HEAD) as files: {@code schema.sql} in dependency order,
 * one file per object under {@code <schema>/<kind>/<name>.sql} ({@code _database/<kind>/} for objects of no
 * schema: event triggers, publications, subscriptions, servers ...), and {@code manifest.json}.
 * Names are the object keys percent-encoded (upper case too), so they are distinct on every file
 * system. Exporting twice gives byte-identical output; an earlier export in the folder is replaced,
 * and a non-empty folder that holds no export is refused, untouched.
 */
@Mojo(name = "export", threadSafe = true, requiresProject = false)
public class ExportMojo extends AbstractConnectionMojo {

    /**
     * The commit to export: a commit id, a unique prefix of one (at least 4 hex digits), a branch name or {@code HEAD},
     * each optionally followed by {@code ~N} (N commits back).
     */
    @Parameter(property = "pggit.rev", defaultValue = "HEAD")
    private String rev;

    /**
     * The folder to write into: created when missing, an earlier export in it replaced; a non-empty
     * folder that holds no export is refused.
     */
    @Parameter(property = "pggit.exportDirectory", defaultValue = "${project.build.directory}/pggit/export")
    private File exportDirectory;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            List<Path> files = Pggit.builder(dataSource()).build().export(rev, exportDirectory.toPath());
            getLog().info("pggit: exported " + rev + " to " + exportDirectory + " (" + (files.size() - 2) + " object file(s), schema.sql, manifest.json)");
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
