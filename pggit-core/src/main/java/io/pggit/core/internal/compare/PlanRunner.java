package io.pggit.core.internal.compare;

import io.pggit.core.PggitException;

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

/**
 * Running a plan of {@link Compare} on the live catalog, for checkout and the merge: the checks
 * that refuse it (uncommitted changes, drift, owners this role cannot become, data it would lose)
 * and the run, each statement as its object's recorded owner (SET LOCAL ROLE), in the caller's
 * transaction.
 *
 * <p>Internal: no compatibility promise.
 */
public final class PlanRunner {

    private static final int LISTED = 10;

    /** What would refuse a plan: owners the session cannot become, and the data it would lose (each a line). */
    public record Assessment(List<String> refusals, List<String> dataLoss) {
    }

    private PlanRunner() {
    }

    /**
     * Why the live catalog may not be changed by a plan from HEAD's tree now: uncommitted changes
     * ({@code pggit.status}) and drift ({@code pggit.drift}, less those); empty when it may.
     *
     * @param what the operation, for the message ("checkout", "merge")
     */
    public static List<String> liveRefusals(Connection c, String what) throws SQLException {
        List<String> refusals = new ArrayList<>();
        List<String> status = column(c, "SELECT change || ' ' || object_key FROM pggit.status() ORDER BY object_key");
        if (!status.isEmpty()) {
            refusals.add(status.size() + " uncommitted change(s) (" + listed(status) + "): commit them first (pggit.commit('message'), "
                    + "mvn pggit:commit) or undo them; " + what + " would overwrite them");
        }
        // drift compares the live catalog with HEAD, so it lists the uncommitted changes too: only the others are drift
        List<String> drift = column(c, "SELECT change || ' ' || object_key FROM pggit.drift() ORDER BY object_key").stream()
                .filter(d -> !status.contains(d)).toList();
        if (!drift.isEmpty()) {
            refusals.add("the live catalog has drifted from HEAD in " + drift.size() + " object(s) (" + listed(drift) + "): record it "
                    + "(pggit.adopt('message')) or put it back (pggit.resolve_conflict), then " + (what.equals("checkout") ? "check out" : "try again"));
        }
        return refusals;
    }

    /** The owners in {@code r}'s steps the session cannot become, and what its risks would lose on the live catalog. */
    public static Assessment assess(Connection c, Compare.Result r) throws SQLException {
        List<String> refusals = new ArrayList<>();

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
        return new Assessment(List.copyOf(refusals), List.copyOf(dataLoss));
    }

    /**
     * Runs {@code r}'s steps in order in the caller's transaction, each as its object's recorded
     * owner where the plan knows it ({@code SET} lines as {@code SET LOCAL}).
     *
     * @param what the operation, for the message
     * @throws PggitException at the first step that fails, naming it; the caller rolls back
     */
    public static void run(Connection c, Compare.Result r, String what) throws SQLException {
        Failed f = runSteps(c, r);
        if (f != null) {
            Compare.Step s = f.step();
            throw new PggitException("pggit: " + what + " failed at step " + f.n() + " of " + r.steps().size()
                    + (s.key().isEmpty() ? "" : " (" + s.key() + (s.owner() == null ? "" : ", as " + s.owner()) + ")") + ": "
                    + f.e().getMessage() + (f.e().getSQLState() == null ? "" : " [SQLSTATE " + f.e().getSQLState() + "]") + "\n  " + f.sql()
                    + "\nNothing was changed: the catalog, HEAD and the index are as they were (the transaction rolled back)", f.e());
        }
    }

    /** The step that failed: its number from 1, the step, its statement as run and PostgreSQL's error. */
    private record Failed(int n, Compare.Step step, String sql, SQLException e) {
    }

    /** Runs the steps in order, each as its owner; stops at the first that fails and returns it (null: all ran). */
    private static Failed runSteps(Connection c, Compare.Result r) throws SQLException {
        String before = text(c, "SELECT current_setting('role')");
        int n = 0;
        for (Compare.Step s : r.steps()) {
            n++;
            String sql = statement(s);
            try {
                runStep(c, s, sql, before);
            } catch (SQLException e) {
                return new Failed(n, s, sql, e);
            }
        }
        return null;
    }

    /**
     * A step of a plan that failed when tried ({@link #trial}).
     *
     * @param step    its number, from 1
     * @param key     its object's key (empty for a step of no object)
     * @param sql     the statement
     * @param message PostgreSQL's message, then its DETAIL and HINT lines where it gave them, and the SQLSTATE
     */
    public record Failure(int step, String key, String sql, String message) {
    }

    /** What a trial checks once every step succeeded, before the savepoint is kept or rolled back. */
    @FunctionalInterface
    public interface Check {
        /** What is wrong with the catalog the steps left (each a failure to report); empty when nothing. */
        List<Failure> after(Connection c) throws SQLException;
    }

    /**
     * Runs {@code r}'s steps as {@link #run} does, under a savepoint, then {@code check}: when a step
     * fails, or the check finds something, rolled back to it (the catalog as it was) and that step,
     * or what the check found, returned; otherwise kept ({@code keep}, the savepoint released) or
     * rolled back (a trial only). The caller's transaction stays usable either way.
     *
     * @return empty when every step succeeded and the check found nothing
     */
    public static List<Failure> trial(Connection c, Compare.Result r, boolean keep, Check check) throws SQLException {
        Savepoint sp = c.setSavepoint();
        Failed f = runSteps(c, r);
        if (f != null) {
            c.rollback(sp);
            return List.of(new Failure(f.n(), f.step().key(), f.sql(), describe(f.e())));
        }
        List<Failure> found;
        try {
            found = check.after(c);
        } catch (SQLException e) {
            c.rollback(sp);
            throw e;
        }
        if (keep && found.isEmpty()) {
            c.releaseSavepoint(sp);
        } else {
            c.rollback(sp);
        }
        return found;
    }

    /** PostgreSQL's message of {@code e}, with its DETAIL and HINT lines and SQLSTATE, as psql prints them. */
    static String describe(SQLException e) {
        StringBuilder b = new StringBuilder();
        if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
            org.postgresql.util.ServerErrorMessage m = p.getServerErrorMessage();
            b.append(m.getSeverity() == null ? "ERROR" : m.getSeverity()).append(":  ").append(m.getMessage());
            if (m.getDetail() != null) {
                b.append("\nDETAIL:  ").append(m.getDetail());
            }
            if (m.getHint() != null) {
                b.append("\nHINT:  ").append(m.getHint());
            }
        } else {
            b.append(e.getMessage());
        }
        if (e.getSQLState() != null) {
            b.append("\nSQLSTATE: ").append(e.getSQLState());
        }
        return b.toString();
    }

    private static String statement(Compare.Step s) {
        return s.key().isEmpty() && s.sql().startsWith("SET ") ? s.sql().replaceFirst("^SET ", "SET LOCAL ") : s.sql();
    }

    private static void runStep(Connection c, Compare.Step s, String sql, String before) throws SQLException {
        if (s.owner() != null) {
            setRole(c, s.owner());
        }
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
        if (s.owner() != null) {
            setRole(c, before);
        }
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

    static String text(Connection c, String sql, Object... params) throws SQLException {
        List<String> rows = column(c, sql, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static List<String> column(Connection c, String sql, Object... params) throws SQLException {
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
