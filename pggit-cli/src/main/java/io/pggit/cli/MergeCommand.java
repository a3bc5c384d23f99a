package io.pggit.cli;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.Comparison;
import io.pggit.core.model.Merge;
import io.pggit.core.model.ObjectKey;
import io.pggit.core.report.Lines;
import io.pggit.core.report.MigrationFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code pggit merge}: as {@code mvn pggit:merge}. Exit codes: 0 done, 1 open conflicts (unless
 * {@code --no-fail-on-conflicts}), 2 usage, 3 pggit refused or failed.
 */
@Command(name = "merge", description = {"Merges SOURCE (a branch or revision) into --target (default: the checked-out branch) three-way,",
        "running the plan on the checked-out target's database, or, with --flyway-migration / --liquibase-changelog, writing it",
        "as the next migration (whose run becomes the merge commit). Lists conflicts (exit 1 while any is open); --merge-id",
        "continues a merge: --resolve or --manual-ddl with --objects, --complete, --rollback; alone it shows where the merge stands."})
final class MergeCommand extends PggitCommand {

    enum Strategy { recursive, ours, theirs }

    enum Choice { source, target, base }

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "the branch or revision to merge; not with --merge-id")
    String source;

    @Option(names = "--target", paramLabel = "BRANCH", description = "with SOURCE: the branch to merge into; default: the checked-out one")
    String target;

    @Option(names = "--strategy", defaultValue = "recursive", paramLabel = "STRATEGY",
            description = "with SOURCE: recursive (conflicts wait for a resolution), ours (keep the target's side), theirs (take the source's); default ${DEFAULT-VALUE}")
    Strategy strategy;

    @Option(names = "--apply", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "run the plan on the checked-out target's database (default); --no-apply prints it and the merge waits for a migration")
    boolean apply;

    @Option(names = "--flyway-migration", paramLabel = "DIR",
            description = "instead of running the plan, write it as the next Flyway versioned migration in DIR")
    Path flywayMigration;

    @Option(names = "--liquibase-changelog", paramLabel = "FILE",
            description = "instead of running the plan, append it to this Liquibase formatted-SQL changelog as changeset pggit:<description>")
    Path liquibaseChangelog;

    @Option(names = "--description", description = "the written migration's description; default: pggit merge <id> of SOURCE")
    String description;

    @Option(names = "--merge-id", paramLabel = "ID", description = "a merge to continue (its id, as merge prints it); alone: show where it stands")
    Long mergeId;

    @Option(names = "--resolve", paramLabel = "CHOICE", description = "with --merge-id and --objects: resolve those conflicts for the source, the target or the base (all or none)")
    Choice resolve;

    @Option(names = "--manual-ddl", paramLabel = "DDL", description = {"with --merge-id and --objects (one key): resolve that conflict with this DDL, tried on the",
            "checked-out target's version of the object and rolled back; the merged tree takes the definition it gives"})
    String manualDdl;

    @Option(names = "--objects", paramLabel = "KEYS", description = "with --resolve: the conflicts' object keys, comma-separated (commas inside parentheses or quotes do not split)")
    String objects;

    @Option(names = "--notes", description = "with --resolve or --manual-ddl: why, stored with each resolution")
    String notes;

    @Option(names = "--complete", description = "with --merge-id: complete the merge (after --resolve), running or writing its plan as a new merge does")
    boolean complete;

    @Option(names = "--rollback", paramLabel = "REASON", description = "with --merge-id: roll the completed merge back as a new commit, for this reason")
    String rollback;

    @Option(names = "--fail-on-conflicts", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "exit 1 while the merge has open conflicts (default); --no-fail-on-conflicts lists them and exits 0")
    boolean failOnConflicts;

    @Override
    int run() {
        boolean writeMigration = flywayMigration != null || liquibaseChangelog != null;
        check(writeMigration);
        Pggit pggit = pggit();
        boolean runPlan = apply && !writeMigration;
        Merge m;
        if (source != null) {
            m = pggit.merge(source, target, strategy.name(), runPlan);
        } else if (rollback != null) {
            m = pggit.rollbackMerge(mergeId, rollback, runPlan);
        } else {
            if (resolve != null) {
                int n = pggit.resolveMergeConflicts(mergeId, ObjectKey.splitList(objects), resolve.name(), notes);
                out().println("pggit: resolved " + n + " conflict(s) of merge " + mergeId + " for the " + resolve);
            }
            if (manualDdl != null) {
                out().println("pggit: " + pggit.resolveMergeConflictManually(mergeId, ObjectKey.splitList(objects).get(0), manualDdl, notes));
            }
            m = complete ? pggit.completeMerge(mergeId, false, runPlan)
                    : pggit.mergeStatus(mergeId).orElseThrow(() -> new PggitException("pggit: no merge with id " + mergeId
                            + " (SELECT * FROM pggit.merge_history lists the merges)"));
        }
        out().println(Lines.merge(m));
        List<Merge.Conflict> conflicts = pggit.mergeConflicts(m.id());
        conflicts.forEach(c -> out().println("  " + Lines.mergeConflict(c)));
        if (!m.applied() && !m.plan().isEmpty()) {
            out().println("pggit: the plan, to run on the live database:");
            m.plan().forEach(s -> out().println("  " + s));
        }
        boolean written = writeMigration && m.status().equals("ready") && !m.plan().isEmpty();
        if (written) {
            String what = description == null || description.isBlank() ? "pggit merge " + m.id() + (source == null ? "" : " of " + source) : description;
            MigrationFiles.write(new Comparison(List.of(), m.plan()), target == null ? "HEAD" : target, "merge " + m.id(),
                    flywayMigration, liquibaseChangelog, what).forEach(out()::println);
        } else if (writeMigration) {
            out().println("pggit: no migration written: merge " + m.id() + " is " + m.status()
                    + (m.status().equals("completed") ? " (its target is not checked out, or its tree did not change)" : ""));
        }
        List<String> open = conflicts.stream().filter(Merge.Conflict::open).map(Merge.Conflict::objectKey).toList();
        Lines.mergeNextSteps(m, open, written, false).forEach(s -> out().println("next: " + s));
        return failOnConflicts && !open.isEmpty() ? PggitCli.FINDINGS : PggitCli.OK;
    }

    /** The options make one request: start a merge, or continue one. */
    private void check(boolean writeMigration) {
        if (source != null && mergeId != null) {
            throw usage("merge starts a merge (SOURCE) or continues one (--merge-id), not both");
        }
        if (source == null && mergeId == null) {
            throw usage("SOURCE is missing: the branch or revision to merge (or --merge-id to continue a merge)");
        }
        if (source != null && (complete || resolve != null || rollback != null || objects != null || manualDdl != null)) {
            throw usage("--complete, --resolve, --manual-ddl, --objects and --rollback continue a merge: they need --merge-id, not SOURCE");
        }
        if (manualDdl != null && (resolve != null || rollback != null || ObjectKey.splitList(objects).size() != 1)) {
            throw usage("--manual-ddl resolves one conflict: give its object key alone in --objects, without --resolve or --rollback");
        }
        if (mergeId != null && !complete && rollback == null && writeMigration) {
            throw usage("--flyway-migration and --liquibase-changelog write the plan of a merge: start one (SOURCE) or complete one (--complete)");
        }
        if (rollback != null && (complete || resolve != null || writeMigration)) {
            throw usage("--rollback undoes a completed merge, running its reverse plan here: not with --complete, --resolve or a migration to write");
        }
        if (resolve != null && ObjectKey.splitList(objects).isEmpty()) {
            throw usage("--resolve needs --objects: the object keys of the conflicts to resolve, comma-separated (--merge-id " + mergeId + " alone lists them)");
        }
        if (objects != null && resolve == null && manualDdl == null) {
            throw usage("--objects goes with --resolve: the side (source, target or base) to take for them");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
