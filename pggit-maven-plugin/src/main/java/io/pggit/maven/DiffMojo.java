package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Change;
import io.pggit.core.report.MigrationFiles;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.List;

/**
 * Prints the objects that differ between two commits ({@code pggit.diff}), or, without
 * {@code to}, between a commit and the live database ({@code pggit.drift} when from is HEAD). With
 * {@code flywayMigration} or {@code liquibaseChangelog} it also writes the plan from {@code from}'s
 * schema to {@code to}'s as the next migration ({@code Pggit.plan}).
 */
@Mojo(name = "diff", threadSafe = true, requiresProject = false)
public class DiffMojo extends AbstractConnectionMojo {

    /**
     * The first revision: a commit id, a unique prefix of one (at least 4 hex digits), a branch name or {@code HEAD},
     * each optionally followed by {@code ~N} (N commits back, e.g. {@code HEAD~1}). Must be HEAD when
     * {@code to} is empty.
     */
    @Parameter(property = "pggit.from", defaultValue = "HEAD")
    private String from;

    /**
     * The second revision, in the form of {@code from}. Default: none, which compares {@code from}
     * (HEAD) with the live database (the drift).
     */
    @Parameter(property = "pggit.to")
    private String to;

    /**
     * With {@code to}: also write the plan that turns {@code from}'s schema into {@code to}'s as the
     * next Flyway versioned migration in this folder ({@code V<highest version + 1>__<description>.sql}),
     * e.g. {@code src/main/resources/db/migration}: the merge of a branch as a migration. Default: none.
     */
    @Parameter(property = "pggit.flywayMigration")
    private java.io.File flywayMigration;

    /**
     * With {@code to}: also append the plan to this Liquibase formatted-SQL changelog (created when
     * missing) as changeset {@code pggit:<description>}. Default: none.
     */
    @Parameter(property = "pggit.liquibaseChangelog")
    private java.io.File liquibaseChangelog;

    /**
     * The written migration's description (the Flyway file name's, the Liquibase changeset's id);
     * default {@code pggit <from> to <to>}.
     */
    @Parameter(property = "pggit.description")
    private String description;

    @Override
    public void execute() throws MojoExecutionException {
        try {
            Pggit pggit = Pggit.builder(dataSource()).build();
            List<Change> diff;
            if (to == null || to.isBlank()) {
                diff = pggit.diffWithLive(from);
                getLog().info("pggit diff " + from + " (live database): " + diff.size() + " object(s)");
            } else {
                diff = pggit.diff(from, to);
                getLog().info("pggit diff " + from + " " + to + ": " + diff.size() + " object(s)");
            }
            diff.forEach(c -> getLog().info("  " + c));
            if (flywayMigration != null || liquibaseChangelog != null) {
                if (to == null || to.isBlank()) {
                    throw new MojoExecutionException("pggit.flywayMigration and pggit.liquibaseChangelog write the plan between two "
                            + "revisions: set pggit.to too (e.g. -Dpggit.from=main -Dpggit.to=feature/meter)");
                }
                for (String line : MigrationFiles.write(pggit.plan(from, to), from, to,
                        flywayMigration == null ? null : flywayMigration.toPath(),
                        liquibaseChangelog == null ? null : liquibaseChangelog.toPath(), description)) {
                    getLog().info(line);
                }
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }
}
