package io.pggit.core.report;

import io.pggit.core.check.Finding;
import io.pggit.core.model.Branch;
import io.pggit.core.model.Checkout;
import io.pggit.core.model.Commit;
import io.pggit.core.model.InstallResult;
import io.pggit.core.model.Merge;
import io.pggit.core.model.MergeRequest;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The text lines the front ends print for a result (the Maven goals into the build log, the
 * command line to its output), so that every front end prints one result alike.
 */
public final class Lines {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Lines() {
    }

    /** A commit in the log: short id, time (UTC), origin, message, what changed by kind. */
    public static String commit(Commit c) {
        return String.format("%s %s %-9s %s  [%s]", c.shortId(), TIME.format(c.committedAt()), c.origin(), c.message(), c.summary());
    }

    /**
     * A branch in a listing, as git branch -v: {@code * } for the checked-out one, name, short id,
     * commits ahead of and behind main (for branches other than main), description.
     */
    public static String branch(Branch b) {
        String counts = b.ahead().isPresent() && !b.name().equals("main")
                ? String.format("  (%d ahead, %d behind main)", b.ahead().getAsLong(), b.behind().getAsLong()) : "";
        return (b.checkedOut() ? "* " : "  ") + b.name() + " " + b.headCommit().substring(0, 7) + counts
                + b.description().map(d -> "  " + d).orElse("");
    }

    /** A branch created at a commit. */
    public static String branchCreated(String name, String commitId) {
        return "pggit: created branch " + name + " at " + commitId.substring(0, Math.min(7, commitId.length()));
    }

    /** A branch deleted. */
    public static String branchDeleted(String name) {
        return "pggit: deleted branch " + name;
    }

    /**
     * A merge request in flight: id, source -> target, status (with its approver, and "stale" when
     * the source moved since), commits ahead and behind, whether it conflicts now, title, creator.
     */
    public static String mergeRequest(MergeRequest m) {
        String status = m.status().sql() + m.approvedBy().map(a -> " by " + a).orElse("") + (m.approvalStale() ? " (stale: the source moved since)" : "")
                + m.reviewer().filter(r -> m.status() == MergeRequest.Status.OPEN).map(r -> " (for " + r + ")").orElse("");
        String counts = m.ahead().isPresent() ? String.format("%d ahead, %d behind", m.ahead().getAsLong(), m.behind().getAsLong()) : "a branch is gone";
        String conflicts = m.conflicts().map(c -> c ? ", conflicts" : ", merges cleanly").orElse("");
        return String.format("%s %s -> %s  %s  %s%s  \"%s\" (%s)", m.id(), m.sourceBranch(), m.targetBranch(), status, counts, conflicts,
                m.title(), m.createdBy());
    }

    /** A merge request created. */
    public static String mergeRequestCreated(String source, String target, MergeRequest.Created c) {
        return "pggit: merge request " + c.id() + " of " + source + " into " + target + " is " + c.status().sql()
                + (c.conflicts() ? "; merging it conflicts now (mvn pggit:merge-request lists it, pggit.detect_merge_conflicts says where)" : "; it merges cleanly now");
    }

    /**
     * A checkout's first line: applied (the branch, its commit, how many statements ran), or a plan
     * (from which commit to which, how many statements, whether it may be applied).
     */
    public static String checkout(Checkout c) {
        int n = c.plan().size();
        if (c.applied()) {
            return "pggit: checked out " + c.branch() + " at " + shortId(c.toCommit()) + " (" + n + " statement(s) run; HEAD -> " + c.branch() + ")";
        }
        return "pggit: checkout of " + c.branch() + " (" + c.fromCommit().map(Lines::shortId).orElse("none") + " -> " + shortId(c.toCommit())
                + "): plan of " + n + " statement(s), not applied" + (c.refusals().isEmpty() ? "" : "; an apply would be refused");
    }

    /** A checkout's further lines: each data loss, refusal and warning, one a line, as {@code data loss: ...}. */
    public static List<String> checkoutNotes(Checkout c) {
        List<String> out = new ArrayList<>();
        c.dataLoss().forEach(d -> out.add("data loss: " + d));
        c.refusals().forEach(r -> out.add("refused: " + r));
        c.warnings().forEach(w -> out.add("warning: " + w));
        return out;
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(7, id.length()));
    }

    /**
     * Where a merge stands ({@code Pggit.merge}, {@code completeMerge}, {@code rollbackMerge}): its id,
     * status, merge commit, open conflicts, and what happened to its plan.
     */
    public static String merge(Merge m) {
        String head = "pggit: merge " + m.id() + " ";
        String ran = m.applied() ? "; its plan (" + m.plan().size() + " statement(s)) ran on the live database" : "";
        String commit = m.mergeCommit().map(c -> c.substring(0, Math.min(7, c.length()))).orElse("-");
        return switch (m.status()) {
            case "completed" -> head + "completed: merge commit " + commit + ran;
            case "up_to_date" -> head + "is up to date: the source is in the target already, nothing to merge";
            case "conflicts" -> m.openConflicts().isEmpty()
                    ? head + "has its " + m.conflictObjects().size() + " conflict(s) resolved and waits to be completed"
                    : head + "has " + m.openConflicts().size() + " open conflict(s) of " + m.conflictObjects().size();
            case "ready" -> head + "is ready: its plan (" + m.plan().size() + " statement(s)) must run on the live database, "
                    + "whose capture then becomes the merge commit";
            case "rolled_back" -> head + "rolled back by commit " + commit + ran;
            default -> head + "is " + m.status();
        };
    }

    /** A conflict of a merge: type, object, the parts both sides changed, and its resolution or "open". */
    public static String mergeConflict(Merge.Conflict c) {
        return c.type() + " " + c.objectKey() + (c.conflictingParts().isEmpty() ? "" : " (" + String.join(", ", c.conflictingParts()) + ")")
                + ": " + c.resolution().map(r -> (r.equals("manual_ddl") ? "resolved with manual DDL" : "resolved for the " + r) + c.reason().map(n -> " (" + n + ")").orElse("")).orElse("open");
    }

    /**
     * What to run next for merge {@code m}, spelled for Maven ({@code mvn pggit:merge -Dpggit.mergeId=...})
     * or, when {@code maven} is false, the command line ({@code pggit merge --merge-id ...}); empty when
     * nothing is left to do.
     *
     * @param openKeys         the keys of its open conflicts, for the command that resolves them
     * @param migrationWritten whether the front end wrote its plan as a migration just now
     */
    public static List<String> mergeNextSteps(Merge m, List<String> openKeys, boolean migrationWritten, boolean maven) {
        String self = maven ? "mvn pggit:merge -Dpggit.mergeId=" + m.id() : "pggit merge --merge-id " + m.id();
        String complete = maven ? " -Dpggit.complete" : " --complete";
        List<String> steps = new ArrayList<>();
        switch (m.status()) {
            case "conflicts" -> {
                if (!openKeys.isEmpty()) {
                    String keys = String.join(",", openKeys);
                    steps.add("resolve them, each for the source, the target or the base, and complete the merge: " + self
                            + (maven ? " -Dpggit.resolve=source -Dpggit.objects=" + keys : " --resolve source --objects " + keys) + complete);
                }
                steps.add("complete the merge" + (openKeys.isEmpty() ? "" : " once they are resolved") + ": " + self + complete);
            }
            case "ready" -> {
                if (migrationWritten) {
                    steps.add("run the migration written from its plan (flyway:migrate, liquibase:update): its capture becomes the merge commit");
                } else {
                    steps.add("write its plan as the next migration: " + self + complete + (maven ? " -Dpggit.flywayMigration=<dir> (or -Dpggit.liquibaseChangelog=<file>)"
                            : " --flyway-migration DIR (or --liquibase-changelog FILE)") + "; the tool's run of it becomes the merge commit");
                }
                steps.add("or run the plan on this database now: " + self + complete);
            }
            case "completed" -> steps.add("to undo it, a new commit with the target's tree before it: " + self
                    + (maven ? " -Dpggit.rollback=<reason>" : " --rollback <reason>"));
            default -> {
            }
        }
        return steps;
    }

    /** A finding of fsck: severity, kind, subject, message (its hint on a line of its own: {@link #hint}). */
    public static String finding(Finding f) {
        return String.format("[%s] %s %s: %s", f.severity().code(), f.kind(), f.subject(), f.message());
    }

    /** The hint line under a finding, indented by the caller. */
    public static String hint(Finding f) {
        return "    -> " + f.hint();
    }

    /** What an install step did in database {@code database}. */
    public static String installed(InstallResult r, String database) {
        String in = "database \"" + database + "\"";
        return r.changed()
                ? "pggit " + r.version() + " installed into " + in + r.previousVersion().map(v -> " (upgraded from " + v + ")").orElse("")
                  + r.baselineCommit().map(id -> "; baseline commit " + id.substring(0, 7)).orElse("")
                : "pggit " + r.version() + " is already installed in " + in;
    }
}
