package io.pggit.core.report;

import io.pggit.core.check.Finding;
import io.pggit.core.model.Branch;
import io.pggit.core.model.Checkout;
import io.pggit.core.model.Commit;
import io.pggit.core.model.InstallResult;
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
