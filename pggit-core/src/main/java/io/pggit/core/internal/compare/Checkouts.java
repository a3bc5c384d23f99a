package io.pggit.core.internal.compare;

import io.pggit.core.PggitException;
import io.pggit.core.model.Checkout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checkout of a branch: the plan from HEAD's tree to the branch's (the planner of {@link Compare}),
 * the checks that refuse it (uncommitted changes, drift, data loss, owners this role cannot
 * become), and with apply the plan run in one transaction, each statement as its object's recorded
 * owner, then {@code pggit.finish_checkout}, which moves HEAD and verifies that the live catalog
 * holds the branch's tree exactly (or raises, and everything rolls back).
 *
 * <p>Transactions: on a connection in auto-commit mode this is one transaction of its own
 * (committed when applied, rolled back otherwise: a plan only writes nothing); inside the caller's
 * transaction it works under a savepoint, released when applied and rolled back to otherwise, and
 * the caller commits. The planner writes no statement that cannot run in a transaction block (no
 * {@code CREATE INDEX CONCURRENTLY}, enums are created whole, never extended by {@code ADD VALUE}).
 *
 * <p>Internal: no compatibility promise.
 */
public final class Checkouts {

    private static final int LISTED = 10;

    private Checkouts() {
    }

    /** Plans (and with {@code apply} runs) the checkout of {@code branch}. */
    public static Checkout checkout(Connection c, String branch, boolean apply, boolean allowDataLoss) throws SQLException {
        boolean auto = c.getAutoCommit();
        Savepoint sp = null;
        if (auto) {
            c.setAutoCommit(false);
        } else {
            sp = c.setSavepoint("pggit_checkout");
        }
        try {
            Checkout result = plan(c, branch, apply, allowDataLoss);
            if (result.applied()) {
                if (auto) {
                    c.commit();
                } else {
                    c.releaseSavepoint(sp);
                }
            } else {
                undo(c, auto, sp);
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                undo(c, auto, sp);
            } catch (SQLException s) {
                e.addSuppressed(s);
            }
            throw e;
        } finally {
            if (auto) {
                c.setAutoCommit(true);
            }
        }
    }

    private static void undo(Connection c, boolean auto, Savepoint sp) throws SQLException {
        if (auto) {
            c.rollback();
        } else {
            c.rollback(sp);
        }
    }

    private static Checkout plan(Connection c, String branch, boolean apply, boolean allowDataLoss) throws SQLException {
        String tip = text(c, "SELECT commit_id FROM pggit.ref WHERE name = ?", branch);
        if (tip == null) {
            throw new PggitException("pggit: no branch \"" + branch + "\" to check out: pggit.list_branches() (mvn pggit:branch) lists them, "
                    + "pggit.create_branch makes one");
        }
        String from = text(c, "SELECT pggit.head_commit()");
        if (from == null) {
            throw new PggitException("pggit: nothing to check out from: HEAD has no commit yet");
        }
        List<String> refusals = new ArrayList<>(PlanRunner.liveRefusals(c, "checkout"));
        // what history says was renamed between HEAD and the branch is renamed in place, keeping its rows
        Compare.Result r = Compare.betweenTrees(c, text(c, "SELECT tree FROM pggit.commit WHERE id = ?", from),
                text(c, "SELECT tree FROM pggit.commit WHERE id = ?", tip), Compare.Rename.fromJson(text(c, "SELECT pggit.renames_between(?, ?)::text", from, tip)));
        PlanRunner.Assessment assessment = PlanRunner.assess(c, r);
        refusals.addAll(assessment.refusals());
        List<String> dataLoss = assessment.dataLoss();
        if (!dataLoss.isEmpty() && !allowDataLoss) {
            refusals.add("the plan would lose data (" + String.join("; ", dataLoss) + "): check out with allowDataLoss "
                    + "(-Dpggit.allowDataLoss=true, --allow-data-loss, pggit.checkout(..., allow_data_loss => true)) if it may be lost");
        }
        List<String> warnings = column(c, "SELECT message FROM pggit.unlinked_migrations(?)", branch).stream()
                .map(m -> m + ": the migration tool's history table disagrees with branch " + branch + "'s history").toList();

        Optional<String> fromCommit = Optional.of(from);
        List<io.pggit.core.model.Change> differences = r.toComparison().differences();
        if (!apply) {
            return new Checkout(branch, fromCommit, tip, differences, r.plan(), dataLoss, refusals, warnings, false, Optional.empty());
        }
        if (!refusals.isEmpty()) {
            throw new PggitException("pggit: cannot check out " + branch + ": " + String.join("; ", refusals) + ". Nothing was changed");
        }
        PlanRunner.run(c, r, "checkout of " + branch);
        String head;
        try {
            head = text(c, "SELECT pggit.finish_checkout(?)", branch);
        } catch (SQLException e) {
            throw new PggitException("pggit: checkout of " + branch + " failed after its " + r.steps().size() + " step(s) ran: "
                    + e.getMessage() + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]")
                    + ". Nothing was changed (the transaction rolled back)", e);
        }
        return new Checkout(branch, fromCommit, tip, differences, r.plan(), dataLoss, refusals, warnings, true, Optional.of(head));
    }

    private static String text(Connection c, String sql, Object... params) throws SQLException {
        return PlanRunner.text(c, sql, params);
    }

    private static List<String> column(Connection c, String sql, Object... params) throws SQLException {
        return PlanRunner.column(c, sql, params);
    }
}
