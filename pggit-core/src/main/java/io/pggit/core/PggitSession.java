package io.pggit.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.internal.install.Installer;
import io.pggit.core.internal.install.Uninstaller;
import io.pggit.core.model.Change;
import io.pggit.core.model.ChangeType;
import io.pggit.core.model.Commit;
import io.pggit.core.model.InstallResult;
import io.pggit.core.model.MigrationRecord;
import io.pggit.core.model.ObjectKey;
import io.pggit.core.model.RecordedMigration;
import io.pggit.core.model.UninstallResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pggit's operations on a connection the caller owns (for instance Flyway's migration connection,
 * inside the migration's transaction). Each method is one call of the SQL API in schema
 * {@code pggit}; none opens, commits or rolls back a transaction of its own except
 * {@link #install()}, and none keeps a transaction open after it returns when the connection is
 * in auto-commit mode.
 *
 * <p>Not thread-safe (a JDBC connection is not). Errors from the database arrive as
 * {@link PggitException} with the {@link SQLException} as cause.
 */
public final class PggitSession {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;

    PggitSession(Connection connection) {
        this.connection = connection;
    }

    /** The connection this session uses. */
    public Connection connection() {
        return connection;
    }

    /**
     * Installs or upgrades pggit in this database (see {@link Pggit#install()}).
     *
     * @throws PggitException.NotInstalled when the role may not install it
     */
    public InstallResult install() {
        return install(List.of());
    }

    /**
     * Installs or upgrades pggit, registering {@code toolTables} (a migration tool's history table
     * under a configured name) as never tracked, before a baseline is taken.
     *
     * @throws PggitException.NotInstalled when the role may not install it
     */
    public InstallResult install(List<String> toolTables) {
        try {
            return Installer.install(connection, toolTables);
        } catch (SQLException e) {
            throw failure("install pggit", e);
        }
    }

    /**
     * Uninstalls pggit from this database (see {@link Pggit#uninstall(String, boolean)}), in a
     * transaction of its own.
     *
     * @throws PggitException saying what to do when it refuses
     */
    public UninstallResult uninstall(String confirmDatabase, boolean cascade) {
        try {
            return Uninstaller.uninstall(connection, confirmDatabase, cascade);
        } catch (SQLException e) {
            throw failure("uninstall pggit", e);
        }
    }

    /** The installed version of the SQL layer ({@code pggit.version()}), empty when not installed. */
    public Optional<String> installedVersion() {
        try {
            return Installer.installedVersion(connection);
        } catch (SQLException e) {
            throw failure("read the installed pggit version", e);
        }
    }

    /**
     * Fails unless pggit is installed at the version this library needs.
     *
     * @throws PggitException.NotInstalled naming the found and the needed version and what to run
     */
    public void requireInstalled() {
        Optional<String> v = installedVersion();
        if (v.isEmpty() || !v.get().equals(Installer.CURRENT)) {
            throw new PggitException.NotInstalled(v.map(x -> "pggit " + x + " is installed in schema \"pggit\", this library needs "
                    + Installer.CURRENT).orElse("pggit is not installed in this database")
                    + ": run mvn pggit:install, or Pggit.install() with a superuser");
        }
    }

    /**
     * Applies tracking rules from a build's configuration ({@code pggit.configure_tracking} for the
     * lists that are set, {@code pggit.add_ignore_pattern} for each pattern,
     * {@code pggit.configure_properties} for the owner/privilege/comment switches that are set; a
     * switch that changes is recorded as a commit of the whole catalog).
     *
     * @throws PggitException naming the bad setting, as the database reports it
     */
    public void configureTracking(PggitConfig.Tracking t) {
        if (!t.any()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.configure_tracking(?, ?, ?, ?)");
             PreparedStatement add = connection.prepareStatement("SELECT pggit.add_ignore_pattern(?)")) {
            List<List<String>> lists = List.of(t.trackSchemas(), t.ignoreSchemas(), t.trackOperations(), t.ignoreOperations());
            for (int i = 0; i < lists.size(); i++) {
                ps.setArray(i + 1, lists.get(i).isEmpty() ? null : connection.createArrayOf("text", lists.get(i).toArray()));
            }
            ps.execute();
            for (String p : t.ignorePatterns()) {
                add.setString(1, p);
                add.execute();
            }
            if (t.anyProperty()) {
                try (PreparedStatement props = connection.prepareStatement("SELECT pggit.configure_properties(?, ?, ?)")) {
                    props.setObject(1, t.trackOwners().orElse(null), java.sql.Types.BOOLEAN);
                    props.setObject(2, t.trackPrivileges().orElse(null), java.sql.Types.BOOLEAN);
                    props.setObject(3, t.trackComments().orElse(null), java.sql.Types.BOOLEAN);
                    props.execute();
                }
            }
        } catch (SQLException e) {
            throw failure("apply the tracking rules of the build's configuration", e);
        }
    }

    /** Never tracks tables of these names ({@code pggit.register_tool_table}). */
    public void registerToolTables(List<String> names) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.register_tool_table(?)")) {
            for (String n : names) {
                ps.setString(1, n);
                ps.execute();
            }
        } catch (SQLException e) {
            throw failure("register tool tables " + names, e);
        }
    }

    /** Opens a deployment ({@code pggit.open_deployment}); returns its id. */
    public long openDeployment(String name, String tool, String target) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.open_deployment(?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, tool);
            ps.setString(3, target);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("open a deployment", e);
        }
    }

    /**
     * Closes a deployment ({@code pggit.close_deployment}).
     *
     * @param outcome {@code success}, {@code failed} or {@code abandoned}
     */
    public void closeDeployment(long deploymentId, String outcome) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.close_deployment(?, ?)")) {
            ps.setLong(1, deploymentId);
            ps.setString(2, outcome);
            ps.execute();
        } catch (SQLException e) {
            throw failure("close deployment " + deploymentId, e);
        }
    }

    /**
     * Records one migration ({@code pggit.record_migration}): for a success, commits what it changed
     * (re-reading only the objects its journal rows imply) and links it to that commit, or to HEAD
     * when it changed nothing tracked; for a failure, a link without a commit.
     *
     * @param deploymentId the open deployment, or null
     * @param success      whether the migration succeeded
     * @param error        the failure's message, or null
     */
    public RecordedMigration recordMigration(Long deploymentId, MigrationRecord m, boolean success, String error) {
        return record(deploymentId, m, success, error, "migration");
    }

    /**
     * Records a rolled-back changeset: commits what the rollback did (origin {@code rollback}) and
     * links it to the changeset it undid.
     */
    public RecordedMigration recordRollback(Long deploymentId, MigrationRecord m) {
        return record(deploymentId, m, true, null, "rollback");
    }

    /**
     * Records a successful migration fail-open ({@code pggit.record_migration_fail_open}): an error
     * inside pggit is recorded in {@code pggit.capture_failure} and returned, not raised, so the
     * migration's transaction goes on. One round trip.
     *
     * @param rollback whether it records a rolled-back changeset (origin rollback)
     * @return what was recorded, or the error pggit caught
     */
    public FailOpenResult recordFailOpen(Long deploymentId, MigrationRecord m, boolean rollback) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT link_id, commit_id, new_commit, summary, capture_error, "
                + "capture_sqlstate FROM pggit.record_migration_fail_open(?, ?::jsonb, ?)")) {
            if (deploymentId == null) {
                ps.setNull(1, Types.BIGINT);
            } else {
                ps.setLong(1, deploymentId);
            }
            ps.setString(2, toJson(m));
            ps.setString(3, rollback ? "rollback" : "migration");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(5) != null) {
                    return new FailOpenResult(Optional.empty(), Optional.of(rs.getString(5)), Optional.ofNullable(rs.getString(6)));
                }
                return new FailOpenResult(Optional.of(new RecordedMigration(rs.getLong(1), Optional.ofNullable(rs.getString(2)),
                        rs.getBoolean(3), rs.getString(4))), Optional.empty(), Optional.empty());
            }
        } catch (SQLException e) {
            throw failure("record migration " + m.label(), e);
        }
    }

    /**
     * The outcome of {@link #recordFailOpen}: what was recorded, or the error pggit caught.
     *
     * @param recorded the link and commit, when capture worked
     * @param error    pggit's own error, when it did not (recorded in {@code pggit.capture_failure})
     * @param sqlState that error's SQLSTATE
     */
    public record FailOpenResult(Optional<RecordedMigration> recorded, Optional<String> error, Optional<String> sqlState) {
    }

    private RecordedMigration record(Long deploymentId, MigrationRecord m, boolean success, String error, String origin) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT link_id, commit_id, new_commit, summary FROM pggit.record_migration(?, ?::jsonb, ?, ?, ?)")) {
            if (deploymentId == null) {
                ps.setNull(1, Types.BIGINT);
            } else {
                ps.setLong(1, deploymentId);
            }
            ps.setString(2, toJson(m));
            ps.setString(3, success ? "success" : "failed");
            ps.setString(4, error);
            ps.setString(5, origin);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new RecordedMigration(rs.getLong(1), Optional.ofNullable(rs.getString(2)), rs.getBoolean(3), rs.getString(4));
            }
        } catch (SQLException e) {
            throw failure("record migration " + m.label(), e);
        }
    }

    private static String toJson(MigrationRecord m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tool", m.tool());
        m.migrationId().ifPresent(v -> o.put("id", v));
        o.put("type", m.type());
        o.put("description", m.description());
        o.put("script", m.script());
        m.checksum().ifPresent(v -> o.put("checksum", v));
        m.author().ifPresent(v -> o.put("author", v));
        m.contexts().ifPresent(v -> o.put("contexts", v));
        m.labels().ifPresent(v -> o.put("labels", v));
        m.execType().ifPresent(v -> o.put("exec_type", v));
        return o.toString();
    }

    /** Records the tool's own id of this run (Liquibase's deployment_id) on the deployment. */
    public void setToolDeploymentId(long deploymentId, String toolDeploymentId) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.set_tool_deployment_id(?, ?)")) {
            ps.setLong(1, deploymentId);
            ps.setString(2, toolDeploymentId);
            ps.execute();
        } catch (SQLException e) {
            throw failure("record the tool's deployment id", e);
        }
    }

    /** Records an error of pggit's own during a migration ({@code pggit.record_capture_failure}). */
    public void recordCaptureFailure(Long deploymentId, String migration, String sqlState, String error) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.record_capture_failure(?, ?, ?, ?)")) {
            if (deploymentId == null) {
                ps.setNull(1, Types.BIGINT);
            } else {
                ps.setLong(1, deploymentId);
            }
            ps.setString(2, migration);
            ps.setString(3, sqlState);
            ps.setString(4, error == null ? "(no message)" : error);
            ps.execute();
        } catch (SQLException e) {
            throw failure("record a capture failure", e);
        }
    }

    /**
     * Copies installed rank and execution time from Flyway's history table into the deployment's
     * links ({@code pggit.backfill_flyway_links}).
     *
     * @param historySchema the history table's schema (unquoted), null for the current schema
     * @param historyTable  the history table's name (unquoted), e.g. {@code flyway_schema_history}
     * @return the number of links updated
     */
    public int backfillFlywayLinks(long deploymentId, String historySchema, String historyTable) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.backfill_flyway_links(?, ?, ?)")) {
            ps.setLong(1, deploymentId);
            ps.setString(2, historySchema);
            ps.setString(3, historyTable);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw failure("backfill Flyway history into links", e);
        }
    }

    /**
     * Commits journaled changes on HEAD ({@code pggit.commit}).
     *
     * @return the new commit id, empty when nothing tracked changed
     */
    public Optional<String> commit(String message) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.commit(?)")) {
            ps.setString(1, message);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure("commit", e);
        }
    }

    /** Records all current drift as one commit of origin drift ({@code pggit.adopt}); empty when there is none. */
    public Optional<String> adopt(String message) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.adopt(?)")) {
            ps.setString(1, message);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure("adopt drift", e);
        }
    }

    /**
     * Writes the schema at {@code rev} as {@code schema.sql} (dependency order), one file per object
     * under {@code <schema>/<kind>/<name>.sql}, and {@code manifest.json}; byte-identical when
     * repeated.
     *
     * @return the files written
     */
    public List<java.nio.file.Path> export(String rev, java.nio.file.Path dir) {
        try {
            return io.pggit.core.internal.ddl.Exporter.export(connection, resolve(rev), dir);
        } catch (SQLException e) {
            throw failure("export " + rev, e);
        }
    }

    /** The commit HEAD points at, empty before the first commit. */
    public Optional<String> head() {
        return queryOne("SELECT pggit.head_commit()", "read HEAD");
    }

    /** Resolves a revision (id, unique prefix, branch, HEAD, with optional ~N) to a full commit id. */
    public String resolve(String rev) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pggit.resolve(?)")) {
            ps.setString(1, rev);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw failure("resolve revision " + rev, e);
        }
    }

    /** The history of HEAD, newest first, at most {@code maxCount} commits ({@code pggit.log}). */
    public List<Commit> log(int maxCount) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT commit_id, committed_at, author, origin, message, summary, deployment_id, migration FROM pggit.log(?)")) {
            ps.setInt(1, maxCount);
            try (ResultSet rs = ps.executeQuery()) {
                List<Commit> out = new ArrayList<>();
                while (rs.next()) {
                    long dep = rs.getLong(7);
                    Optional<Long> deployment = rs.wasNull() ? Optional.empty() : Optional.of(dep);
                    String migrations = rs.getString(8);
                    out.add(new Commit(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), deployment,
                            migrations == null ? List.of() : Arrays.asList(migrations.split(", "))));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failure("read the log", e);
        }
    }

    /** What one commit changed, with definitions before and after ({@code pggit.show}). */
    public List<Change> show(String rev) {
        return changes("SELECT change, object_key, old_key, old_definition::text, new_definition::text, detail -> 'renamed_columns' FROM pggit.show(?)",
                "show " + rev, rev);
    }

    /** Differences between the trees of two revisions, with definitions ({@code pggit.diff}). */
    public List<Change> diff(String fromRev, String toRev) {
        return changes("SELECT change, object_key, NULL, old_definition::text, new_definition::text, NULL FROM pggit.diff(?, ?)",
                "diff " + fromRev + " " + toRev, fromRev, toRev);
    }

    /** Journaled but uncommitted changes ({@code pggit.status}); definitions are not included. */
    public List<Change> status() {
        return changes("SELECT change, object_key, old_key, NULL, NULL, detail -> 'renamed_columns' FROM pggit.status()", "read status");
    }

    /** The live catalog against the tree at HEAD ({@code pggit.drift}); empty when they are equal. */
    public List<Change> drift() {
        return changes("SELECT change, object_key, old_key, NULL, NULL, NULL FROM pggit.drift()", "scan for drift");
    }

    private List<Change> changes(String sql, String what, String... args) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Change> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Change(ChangeType.ofCode(rs.getString(1)), ObjectKey.parse(rs.getString(2)),
                            Optional.ofNullable(rs.getString(3)).map(ObjectKey::parse),
                            Optional.ofNullable(rs.getString(4)), Optional.ofNullable(rs.getString(5)), renames(rs.getString(6))));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** {"old": "new", ...} as a map (pggit.change.detail -> 'renamed_columns'). */
    private static Map<String, String> renames(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            Map<String, String> m = new java.util.TreeMap<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).fields()
                    .forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (java.io.IOException e) {
            throw new PggitException("pggit returned column renames that are not JSON: " + json, e);
        }
    }

    private Optional<String> queryOne(String sql, String what) {
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Optional.ofNullable(rs.getString(1));
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    static PggitException failure(String what, SQLException e) {
        return new PggitException("pggit could not " + what + ": " + e.getMessage()
                + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]"), e);
    }
}
