package io.pggit.core.internal.jdbc;

import io.pggit.core.PggitException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one place where pggit's Java side prepares, binds, runs and closes statements of the SQL
 * API. Each call names what it does ({@code "open a deployment"}); a {@link SQLException} arrives
 * as {@link PggitException} "pggit could not &lt;what&gt;: &lt;message&gt; [SQLSTATE xxxxx]" with the
 * {@link SQLException} as cause.
 *
 * <p>Parameters bind by their Java type ({@code String}, {@code Long}, {@code Integer},
 * {@code Boolean}); a {@code null} binds as a text null, so parameters that may be null and are not
 * text go through {@link #bigint}, {@link #bool} or {@link #textArray}, which carry their SQL type.
 * Never commits, rolls back or closes the connection.
 */
public final class Sql {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work on the connection that needs more than one statement (the installer, the exporter). */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /** The first column as text (null stays null). */
    public static final Row<String> TEXT = rs -> rs.getString(1);

    private final Connection connection;

    public Sql(Connection connection) {
        this.connection = requireNonNull(connection, "connection");
    }

    /** A bigint parameter that may be null. */
    public static Object bigint(Long value) {
        return new Typed(value, Types.BIGINT);
    }

    /** An integer parameter that may be null. */
    public static Object integer(Integer value) {
        return new Typed(value, Types.INTEGER);
    }

    /** A boolean parameter that may be null. */
    public static Object bool(Boolean value) {
        return new Typed(value, Types.BOOLEAN);
    }

    /** A text[] parameter; an empty list binds as null. */
    public static Object textArray(List<String> values) {
        return array("text", values);
    }

    /**
     * An array parameter of {@code elementType} (a PostgreSQL type name such as {@code bigint});
     * an empty list binds as null.
     */
    public static Object array(String elementType, List<?> values) {
        return new Typed(values == null || values.isEmpty() ? null : List.copyOf(values), Types.ARRAY, elementType);
    }

    private record Typed(Object value, int sqlType, String elementType) {
        Typed(Object value, int sqlType) {
            this(value, sqlType, null);
        }
    }

    /**
     * Runs a query and maps its first row.
     *
     * @throws PggitException when the statement fails or returns no row
     */
    public <T> T one(String what, String sql, Row<T> row, Object... params) {
        return run(what, sql, params, rs -> {
            if (!rs.next()) {
                throw new PggitException("pggit could not " + what + ": " + sql + " returned no row");
            }
            return row.map(rs);
        });
    }

    /** Runs a query and maps every row, in order. */
    public <T> List<T> list(String what, String sql, Row<T> row, Object... params) {
        return run(what, sql, params, rs -> {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        });
    }

    /** Runs a statement for its effect (a {@code SELECT pggit.f(...)} whose result is not needed). */
    public void execute(String what, String sql, Object... params) {
        call(what, c -> {
            try (PreparedStatement ps = prepare(sql, params)) {
                ps.execute();
                return null;
            }
        });
    }

    /** Runs {@code work} on the connection, translating its {@link SQLException}. */
    public <T> T call(String what, Work<T> work) {
        try {
            return work.apply(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** "pggit could not &lt;what&gt;: &lt;message&gt; [SQLSTATE xxxxx]", with {@code e} as cause. */
    public static PggitException failure(String what, SQLException e) {
        String message = "pggit could not " + what + ": " + e.getMessage()
                + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]");
        return "42501".equals(e.getSQLState()) ? new PggitException.NotPermitted(message + ". " + ROLES_HINT, e)
                : new PggitException(message, e);
    }

    /** What to grant, for a refused call (README, "Roles"). */
    public static final String ROLES_HINT = "pggit's privileges are held by roles pggit_reader (history, status, drift, checks, export), "
            + "pggit_writer (recording migrations, commits, deployments, the build's tracking rules; includes reader) and pggit_admin "
            + "(pause, emergency, purge, conflict resolution, adopting drift; includes writer): a superuser grants the one needed, "
            + "e.g. GRANT pggit_writer TO <migration role>, or mvn pggit:install -Dpggit.grantTo=<migration role> "
            + "(or a superuser's run with the setting flyway.pggit.grantTo / liquibase.pggit.grantTo)";

    private <T> T run(String what, String sql, Object[] params, Row<T> whole) {
        return call(what, c -> {
            try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
                return whole.map(rs);
            }
        });
    }

    private PreparedStatement prepare(String sql, Object[] params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                bind(ps, i + 1, params[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private void bind(PreparedStatement ps, int i, Object p) throws SQLException {
        if (p instanceof Typed t) {
            if (t.value() == null) {
                ps.setNull(i, t.sqlType());
            } else if (t.sqlType() == Types.ARRAY) {
                ps.setArray(i, connection.createArrayOf(t.elementType(), ((List<?>) t.value()).toArray()));
            } else {
                ps.setObject(i, t.value(), t.sqlType());
            }
        } else if (p == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setObject(i, p);
        }
    }
}
