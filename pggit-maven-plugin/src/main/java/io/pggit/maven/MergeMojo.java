package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Comparison;
import io.pggit.core.model.Merge;
import io.pggit.core.model.ObjectKey;
import io.pggit.core.report.Lines;
import io.pggit.core.report.MigrationFiles;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.List;
import java.util.Set;

/**
 * Merges a branch into another, three-way from their merge base, as {@code git merge --no-ff}
 * ({@code Pggit.merge}: {@code pggit.merge_branch}), and carries a merge with conflicts to its end.
 *
 * <ul>
 *   <li>{@code mvn pggit:merge -Dpggit.source=feature/meter} merges into the checked-out branch and
 *       runs the plan (HEAD's schema to the merged tree) on the database in the merge's
 *       transaction: afterwards the live catalog is HEAD, the merge commit with two parents.
 *       {@code -Dpggit.target=<branch>} merges into another branch (only history changes there).</li>
 *   <li>{@code -Dpggit.flywayMigration=src/main/resources/db/migration} (or
 *       {@code -Dpggit.liquibaseChangelog=<file.sql>}) runs nothing: the plan is written as the next
 *       migration and the merge waits (status ready) until the tool runs it; that run's capture becomes
 *       the merge commit. {@code -Dpggit.apply=false} alone prints the plan and waits likewise.</li>
 *   <li>Conflicts (strategy {@code recursive}) are listed, one line each with its type and object, and
 *       fail the build with the command that resolves them, unless {@code -Dpggit.failOnConflicts=false}.
 *       Then {@code -Dpggit.mergeId=<id> -Dpggit.resolve=source|target|base -Dpggit.objects=<key,key>}
 *       resolves them ({@code -Dpggit.manualDdl=<DDL>} with one key: that conflict as the DDL, tried on
 *       the target's version and rolled back, makes it), {@code -Dpggit.complete} (in the same run or a later one) completes the merge,
 *       and {@code -Dpggit.mergeId=<id>} alone shows where it stands.</li>
 *   <li>{@code -Dpggit.mergeId=<id> -Dpggit.rollback=<reason>} rolls a completed merge back as a new
 *       commit (the reverse plan runs on the checked-out target).</li>
 * </ul>
 *
 * <p>Fails on pggit's refusals (an unknown branch, uncommitted changes or drift on the checked-out
 * target, a merge that needs an approved merge request) with pggit's message; nothing of a refused
 * merge is left behind.
 */
@Mojo(name = "merge", threadSafe = true, requiresProject = false)
public class MergeMojo extends AbstractConnectionMojo {

    private static final Set<String> STRATEGIES = Set.of("recursive", "ours", "theirs");
    private static final Set<String> CHOICES = Set.of("source", "target", "base");

    /**
     * The branch or revision to merge (a branch name, commit id or prefix, HEAD~N), e.g.
     * {@code feature/meter}. Required to start a merge; not with {@code mergeId}.
     */
    @Parameter(property = "pggit.source")
    private String source;

    /** With {@code source}: the branch to merge into. Default: the checked-out branch. */
    @Parameter(property = "pggit.target")
    private String target;

    /**
     * With {@code source}: {@code recursive} (conflicts wait for a resolution), {@code ours} (each
     * conflict keeps the target's side) or {@code theirs} (each takes the source's).
     */
    @Parameter(property = "pggit.strategy", defaultValue = "recursive")
    private String strategy;

    /**
     * Run the plan on the database when the target is the checked-out branch. False: print it, and the
     * merge waits (status ready) for a migration that brings the live catalog to the merged tree.
     * Ignored (as false) when {@code flywayMigration} or {@code liquibaseChangelog} is set.
     */
    @Parameter(property = "pggit.apply", defaultValue = "true")
    private boolean apply;

    /**
     * Instead of running the plan, write it as the next Flyway versioned migration in this folder
     * ({@code V<highest version + 1>__<description>.sql}), e.g. {@code src/main/resources/db/migration}:
     * the merge as a migration; when {@code flyway:migrate} runs it, its capture is the merge commit.
     */
    @Parameter(property = "pggit.flywayMigration")
    private java.io.File flywayMigration;

    /**
     * Instead of running the plan, append it to this Liquibase formatted-SQL changelog (created when
     * missing) as changeset {@code pggit:<description>}; {@code liquibase:update} runs it.
     */
    @Parameter(property = "pggit.liquibaseChangelog")
    private java.io.File liquibaseChangelog;

    /** The written migration's description; default {@code pggit merge <id> of <source>}. */
    @Parameter(property = "pggit.description")
    private String description;

    /** A merge to continue (its id, as this goal prints it and {@code pggit.merge_history} lists it). Alone: show where it stands. */
    @Parameter(property = "pggit.mergeId")
    private Long mergeId;

    /**
     * With {@code mergeId} and {@code objects}: resolve those conflicts all one way, {@code source},
     * {@code target} or {@code base} (all or none).
     */
    @Parameter(property = "pggit.resolve")
    private String resolve;

    /**
     * With {@code resolve}: the object keys of the conflicts to resolve, comma-separated, e.g.
     * {@code table:public.meter,function:public.f(integer, text)} (commas inside parentheses or quotes
     * do not split).
     */
    @Parameter(property = "pggit.objects")
    private String objects;

    /**
     * With {@code mergeId} and {@code objects} (one key): resolve that conflict with this DDL, tried on
     * the checked-out target's version of the object and rolled back; the merged tree takes the
     * definition it gives ({@code pggit.resolve_conflict_manually}).
     */
    @Parameter(property = "pggit.manualDdl")
    private String manualDdl;

    /** With {@code resolve} or {@code manualDdl}: why, stored with each resolution. */
    @Parameter(property = "pggit.notes")
    private String notes;

    /** With {@code mergeId}: complete the merge (after {@code resolve}, when given), applying or writing its plan as a new merge does. */
    @Parameter(property = "pggit.complete", defaultValue = "false")
    private boolean complete;

    /** With {@code mergeId}: roll the completed merge back as a new commit, for this reason. */
    @Parameter(property = "pggit.rollback")
    private String rollback;

    /** Fail the build while the merge has open conflicts. False: list them and pass. */
    @Parameter(property = "pggit.failOnConflicts", defaultValue = "true")
    private boolean failOnConflicts;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        boolean writeMigration = flywayMigration != null || liquibaseChangelog != null;
        check(writeMigration);
        try {
            Pggit pggit = Pggit.builder(dataSource()).build();
            boolean run = apply && !writeMigration;
            Merge m;
            if (source != null) {
                m = pggit.merge(source, target, strategy, run);
            } else if (rollback != null) {
                m = pggit.rollbackMerge(mergeId, rollback, run);
            } else {
                if (resolve != null) {
                    int n = pggit.resolveMergeConflicts(mergeId, ObjectKey.splitList(objects), resolve, notes);
                    getLog().info("pggit: resolved " + n + " conflict(s) of merge " + mergeId + " for the " + resolve);
                }
                if (manualDdl != null) {
                    getLog().info("pggit: " + pggit.resolveMergeConflictManually(mergeId, ObjectKey.splitList(objects).get(0), manualDdl, notes));
                }
                m = complete ? pggit.completeMerge(mergeId, false, run)
                        : pggit.mergeStatus(mergeId).orElseThrow(() -> new PggitException("pggit: no merge with id " + mergeId
                                + " (SELECT * FROM pggit.merge_history lists the merges)"));
            }
            getLog().info(Lines.merge(m));
            List<Merge.Conflict> conflicts = pggit.mergeConflicts(m.id());
            conflicts.forEach(c -> getLog().info("  " + Lines.mergeConflict(c)));
            if (!m.applied() && !m.plan().isEmpty()) {
                getLog().info("pggit: the plan, to run on the live database:");
                m.plan().forEach(s -> getLog().info("  " + s));
            }
            boolean written = writeMigration && m.status().equals("ready") && !m.plan().isEmpty();
            if (writeMigration) {
                if (written) {
                    String what = description == null || description.isBlank()
                            ? "pggit merge " + m.id() + (source == null ? "" : " of " + source) : description;
                    MigrationFiles.write(new Comparison(List.of(), m.plan()), target == null ? "HEAD" : target, "merge " + m.id(),
                            flywayMigration == null ? null : flywayMigration.toPath(),
                            liquibaseChangelog == null ? null : liquibaseChangelog.toPath(), what).forEach(getLog()::info);
                } else {
                    getLog().info("pggit: no migration written: merge " + m.id() + " is " + m.status()
                            + (m.status().equals("completed") ? " (its target is not checked out, or its tree did not change)" : ""));
                }
            }
            List<String> open = conflicts.stream().filter(Merge.Conflict::open).map(Merge.Conflict::objectKey).toList();
            List<String> next = Lines.mergeNextSteps(m, open, written, true);
            next.forEach(s -> getLog().info("next: " + s));
            if (failOnConflicts && !open.isEmpty()) {
                throw new MojoFailureException("pggit: merge " + m.id() + " has " + open.size() + " open conflict(s): "
                        + String.join(", ", conflicts.stream().filter(Merge.Conflict::open).map(c -> c.type() + " " + c.objectKey()).toList())
                        + "\n" + String.join("\n", next) + "\n(-Dpggit.failOnConflicts=false lists them without failing)");
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    /** The parameters make one request: start a merge, or continue one. */
    private void check(boolean writeMigration) throws MojoExecutionException {
        if (source != null && source.isBlank()) {
            source = null;
        }
        if (source != null && mergeId != null) {
            throw new MojoExecutionException("pggit:merge starts a merge (pggit.source) or continues one (pggit.mergeId), not both");
        }
        if (source == null && mergeId == null) {
            throw new MojoExecutionException("pggit:merge needs pggit.source: the branch or revision to merge, e.g. -Dpggit.source=feature/meter "
                    + "(or pggit.mergeId to continue a merge)");
        }
        if (mergeId != null && !complete && rollback == null && writeMigration) {
            throw new MojoExecutionException("pggit.flywayMigration and pggit.liquibaseChangelog write the plan of a merge: start one "
                    + "(pggit.source) or complete one (pggit.mergeId with pggit.complete)");
        }
        if (source != null && (complete || resolve != null || rollback != null || objects != null || manualDdl != null)) {
            throw new MojoExecutionException("pggit.complete, pggit.resolve, pggit.manualDdl, pggit.objects and pggit.rollback continue a merge: "
                    + "they need pggit.mergeId, not pggit.source");
        }
        if (manualDdl != null && (resolve != null || rollback != null || ObjectKey.splitList(objects).size() != 1)) {
            throw new MojoExecutionException("pggit.manualDdl resolves one conflict: give its object key alone in pggit.objects "
                    + "(e.g. -Dpggit.objects=table:public.meter), without pggit.resolve or pggit.rollback");
        }
        if (strategy == null || strategy.isBlank()) {
            strategy = "recursive";
        }
        if (source != null && !STRATEGIES.contains(strategy)) {
            throw new MojoExecutionException("pggit.strategy must be recursive, ours or theirs, not \"" + strategy + "\"");
        }
        if (rollback != null && (complete || resolve != null)) {
            throw new MojoExecutionException("pggit.rollback undoes a completed merge: not with pggit.complete or pggit.resolve");
        }
        if (rollback != null && writeMigration) {
            throw new MojoExecutionException("pggit.rollback runs its reverse plan here: pggit.flywayMigration and pggit.liquibaseChangelog "
                    + "are not supported with it");
        }
        if (resolve != null && !CHOICES.contains(resolve)) {
            throw new MojoExecutionException("pggit.resolve must be source, target or base, not \"" + resolve + "\"");
        }
        if (resolve != null && ObjectKey.splitList(objects).isEmpty()) {
            throw new MojoExecutionException("pggit.resolve needs pggit.objects: the object keys of the conflicts to resolve, comma-separated "
                    + "(e.g. -Dpggit.objects=table:public.meter; -Dpggit.mergeId=" + mergeId + " alone lists them)");
        }
        if (objects != null && resolve == null && manualDdl == null) {
            throw new MojoExecutionException("pggit.objects goes with pggit.resolve: the side (source, target or base) to take for them");
        }
    }
}
