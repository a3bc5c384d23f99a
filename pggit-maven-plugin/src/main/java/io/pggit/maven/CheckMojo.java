package io.pggit.maven;

import io.pggit.core.PggitException;
import io.pggit.core.check.ConsistencyCheck;
import io.pggit.core.check.Finding;
import io.pggit.core.report.CheckReport;
import io.pggit.core.report.FailOn;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the database against its history: drift (objects no commit explains), gaps between the
 * Flyway and Liquibase history tables and pggit's links (unlinked, missing, checksum mismatch,
 * failed, out of order; with {@code locations}, migration files changed after they ran),
 * tracking paused or disabled, and the object store's integrity ({@code pggit.fsck}: hashes,
 * missing tree nodes, definitions and parents, the index out of step with HEAD). Writes {@code check.txt}, {@code check.json},
 * {@code TEST-pggit-check.xml} (JUnit) and {@code check.sarif} (SARIF 2.1.0) under
 * {@code reportDirectory}, and fails the build when an error finding belongs to a check named in
 * {@code failOn}.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true, requiresProject = false)
public class CheckMojo extends AbstractConnectionMojo {

    /**
     * Which checks fail the build when they find an error: a comma-separated list of {@code drift},
     * {@code gap}, {@code conflict}, {@code tracking}, {@code integrity}, or {@code any} (all of them), or
     * {@code none} (report only); e.g. {@code drift,gap}. Warnings never fail the build.
     */
    @Parameter(property = "pggit.failOn", defaultValue = "any")
    private String failOn;

    /**
     * Folders of Flyway migration files (paths, not {@code classpath:} or {@code filesystem:} locations),
     * to find files changed after they ran; on the command line comma-separated. Default: none (no such check).
     */
    @Parameter(property = "pggit.locations")
    private File[] locations;

    /**
     * The folder of the reports {@code check.txt}, {@code check.json}, {@code TEST-pggit-check.xml} and
     * {@code check.sarif}; created when missing, the files replaced.
     */
    @Parameter(property = "pggit.reportDirectory", defaultValue = "${project.build.directory}/pggit")
    private File reportDirectory;

    /** {@code true} includes the objects' definitions and the history rows in {@code check.json}. */
    @Parameter(property = "pggit.verbose", defaultValue = "false")
    private boolean verbose;

    /** {@code true} skips the check: no connection, no reports. */
    @Parameter(property = "pggit.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("pggit: check skipped (pggit.skip=true)");
            return;
        }
        FailOn fail;
        try {
            fail = FailOn.parse(failOn, "pggit.failOn");
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        List<Path> dirs = locations == null ? List.of() : Arrays.stream(locations).map(File::toPath).toList();
        List<Finding> findings;
        getLog().info("pggit: checking " + target() + " (drift, gaps" + (dirs.isEmpty() ? "" : ", " + dirs.size() + " Flyway location(s)")
                + ", tracking, integrity)");
        try (Connection c = dataSource().getConnection()) {
            findings = ConsistencyCheck.run(c, dirs, verbose, false, getLog()::info);
        } catch (SQLException | PggitException e) {
            throw new MojoExecutionException("pggit check failed: " + e.getMessage(), e);
        }
        CheckReport report = new CheckReport(findings, target(), Instant.now());
        report.writeAll(reportDirectory.toPath());
        for (String line : report.text().split("\n")) {
            if (findings.isEmpty()) {
                getLog().info(line);
            } else {
                getLog().warn(line);
            }
        }
        getLog().info("pggit: reports in " + reportDirectory + " (check.txt, check.json, TEST-pggit-check.xml, check.sarif)");
        List<Finding> failing = fail.failing(findings);
        if (!failing.isEmpty()) {
            throw new MojoFailureException("pggit check: " + failing.size() + " finding(s) fail the build (failOn=" + failOn + "):\n  "
                    + FailOn.describe(failing));
        }
    }
}
