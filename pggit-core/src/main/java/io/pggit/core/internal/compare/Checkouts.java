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
        List<String> refusals = new ArrayList<>();
        List<String> status = column(c, "SELECT change || ' ' || object_key FROM pggit.status() ORDER BY object_key");
        if (!status.isEmpty()) {
            refusals.add(status.size() + " uncommitted change(s) (" + listed(status) + "): commit them first (pggit.commit('message'), "
                    + "mvn pggit:commit) or undo them; checkout would overwrite them");
        }
        // drift compares the live catalog with HEAD, so it lists the uncommitted changes too: only the others are drift
        List<String> drift = column(c, "SELECT change || ' ' || object_key FROM pggit.drift() ORDER BY object_key").stream()
                .filter(d -> !status.contains(d)).toList();
        if (!drift.isEmpty()) {
            refusals.add("the live catalog has drifted from HEAD in " + drift.size() + " object(s) (" + listed(drift) + "): record it "
                    + "(pggit.adopt('message')) or put it back (pggit.resolve_conflict), then check out");
        }
        Compare.Result r = Compare.between(c, from, tip);

        String before = text(c, "SELECT current_setting('role')");
        Map<String, String> cannotBecome = new HashMap<>();
        for (Compare.Step s : r.steps()) {
            if (s.owner() != null && !cannotBecome.containsKey(s.owner())) {
                cannotBecome.put(s.owner(), whyNot(c, s.owner()));
            }
        }
        cannotBecome.forEach((owner, why) -> {
            if (why != null) {
                refusals.add(why);
            }
        });

        List<String> dataLoss = new ArrayList<>();
        for (Compare.Risk risk : r.risks()) {
            String loss = loss(c, risk, cannotBecome.get(risk.owner()) == null ? risk.owner() : null, before);
            if (loss != null) {
                dataLoss.add(loss);
            }
        }
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
        int n = 0;
        for (Compare.Step s : r.steps()) {
            n++;
            String sql = s.key().isEmpty() && s.sql().startsWith("SET ") ? s.sql().replaceFirst("^SET ", "SET LOCAL ") : s.sql();
            try {
                if (s.owner() != null) {
                    setRole(c, s.owner());
                }
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
                if (s.owner() != null) {
                    setRole(c, before);
                }
            } catch (SQLException e) {
                throw new PggitException("pggit: checkout of " + branch + " failed at step " + n + " of " + r.steps().size()
                        + (s.key().isEmpty() ? "" : " (" + s.key() + (s.owner() == null ? "" : ", as " + s.owner()) + ")") + ": "
                        + e.getMessage() + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]") + "\n  " + sql
                        + "\nNothing was changed: the catalog, HEAD and the index are as they were (the transaction rolled back)", e);
            }
        }
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

    /** Null when the session can become {@code owner} (SET ROLE), else why not. */
    private static String whyNot(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT r.rolname IS NOT NULL, r.rolname IS NOT NULL AND pg_has_role(session_user, r.rolname, 'MEMBER'), "
                + "session_user FROM (SELECT 1) x LEFT JOIN pg_roles r ON r.rolname = ?")) {
            ps.setString(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return "role \"" + owner + "\", an owner in the plan, does not exist here: create it first (pggit never runs a step "
                            + "with other rights than its owner's)";
                }
                if (!rs.getBoolean(2)) {
                    return "steps run as their object's owner \"" + owner + "\", and role \"" + rs.getString(3) + "\" cannot become it: "
                            + "check out as a member of \"" + owner + "\" (or a superuser)";
                }
                return null;
            }
        }
    }

    /**
     * What {@code risk} loses on the live catalog, or null when nothing: rows of a dropped table,
     * non-null values of a dropped or retyped column (counted as {@code owner}, when given, with
     * {@code row_security = off}, so that no policy hides rows; counting that fails counts as a
     * loss), and always an enum rebuilt.
     */
    private static String loss(Connection c, Compare.Risk risk, String owner, String before) throws SQLException {
        if (risk.what().equals("enum_rebuilt")) {
            return risk.detail() + ": the values of its columns cannot be kept";
        }
        String query = risk.column() == null ? "SELECT count(*) FROM " + risk.table()
                : "SELECT count(*) FROM " + risk.table() + " WHERE " + io.pggit.core.internal.ddl.DdlWriter.q(risk.column()) + " IS NOT NULL";
        Savepoint sp = c.setSavepoint();
        long n;
        try {
            if (owner != null) {
                setRole(c, owner);
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL row_security = off");
                try (ResultSet rs = st.executeQuery(query)) {
                    rs.next();
                    n = rs.getLong(1);
                }
            }
            c.rollback(sp);   // the role and row_security as they were
        } catch (SQLException e) {
            c.rollback(sp);
            return risk.detail() + ": its rows cannot be counted" + (owner == null ? "" : " as its owner \"" + owner + "\"")
                    + " with row_security = off (" + e.getMessage() + "), so it counts as a loss";
        }
        if (n == 0) {
            return null;
        }
        return risk.detail() + ": " + n + (risk.column() == null ? (n == 1 ? " row" : " rows") : (n == 1 ? " non-null value" : " non-null values"));
    }

    private static void setRole(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('role', ?, true)")) {
            ps.setString(1, role);
            ps.execute();
        }
    }

    private static String listed(List<String> items) {
        return String.join(", ", items.subList(0, Math.min(LISTED, items.size()))) + (items.size() > LISTED ? ", ..." : "");
    }

    private static String text(Connection c, String sql, Object... params) throws SQLException {
        List<String> rows = column(c, sql, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static List<String> column(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
