package io.pggit.core.run;

import io.pggit.core.PggitException;
import io.pggit.core.internal.jdbc.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

import static java.util.Objects.requireNonNull;

/**
 * Where pggit's own short writes during a migration run go (opening and closing the deployment,
 * failed links, capture failures): each {@link #call} is one transaction of its own, committed
 * before it returns, so no pggit transaction stays open while migrations run ({@link #within} is
 * the exception: it joins a migration's transaction).
 */
@FunctionalInterface
public interface SideConnection {

    /** Work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own and commits it.
     *
     * @throws PggitException wrapping any {@link SQLException}
     */
    <T> T call(Work<T> work);

    /** A new auto-commit connection from {@code dataSource} per call, closed afterwards (Flyway). */
    static SideConnection of(DataSource dataSource) {
        requireNonNull(dataSource, "dataSource");
        return new SideConnection() {
            @Override
            public <T> T call(Work<T> work) {
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(true);
                    return work.apply(c);
                } catch (SQLException e) {
                    throw failed(e, () -> { });
                }
            }
        };
    }

    /**
     * The tool's own connection, for tools that hand out one connection and no credentials
     * (Liquibase): the work runs on it and, when the connection is not in auto-commit mode, is
     * committed at once. Only call it between migrations, never while one is open.
     */
    static SideConnection sharing(Connection connection) {
        requireNonNull(connection, "connection");
        return new SideConnection() {
            @Override
            public <T> T call(Work<T> work) {
                try {
                    T result = work.apply(connection);
                    if (!connection.getAutoCommit()) {
                        connection.commit();
                    }
                    return result;
                } catch (SQLException e) {
                    throw failed(e, () -> {
                        if (!connection.getAutoCommit()) {
                            connection.rollback();
                        }
                    });
                }
            }
        };
    }

    /**
     * Work inside the transaction a connection already has, under a savepoint when it is in one,
     * neither committing nor rolling back that transaction (the caller's tool does).
     */
    static SideConnection within(Connection connection) {
        requireNonNull(connection, "connection");
        return new SideConnection() {
            @Override
            public <T> T call(Work<T> work) {
                Savepoint sp = null;
                try {
                    if (!connection.getAutoCommit()) {
                        sp = connection.setSavepoint("pggit_side");
                    }
                    T result = work.apply(connection);
                    if (sp != null) {
                        connection.releaseSavepoint(sp);
                    }
                    return result;
                } catch (SQLException e) {
                    Savepoint taken = sp;
                    throw failed(e, () -> {
                        if (taken != null) {
                            connection.rollback(taken);
                        }
                    });
                }
            }
        };
    }

    /** Undoes a side call's work after it failed. */
    @FunctionalInterface
    interface Undo {
        void run() throws SQLException;
    }

    /** The failure of a side call, after {@code undo} (whose own failure is kept as suppressed). */
    private static PggitException failed(SQLException e, Undo undo) {
        try {
            undo.run();
        } catch (SQLException undoFailure) {
            e.addSuppressed(undoFailure);
        }
        return Sql.failure("write pggit's run records", e);
    }
}
