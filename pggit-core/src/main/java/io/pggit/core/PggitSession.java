package io.pggit.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.check.Finding;
import io.pggit.core.internal.ddl.Exporter;
import io.pggit.core.internal.install.Installer;
import io.pggit.core.internal.install.Uninstaller;
import io.pggit.core.internal.jdbc.Sql;
import io.pggit.core.model.Branch;
import io.pggit.core.model.Change;
import io.pggit.core.model.ChangeType;
import io.pggit.core.model.Checkout;
import io.pggit.core.model.Commit;
import io.pggit.core.model.InstallResult;
import io.pggit.core.model.MigrationLink;
import io.pggit.core.model.ObjectKey;
import io.pggit.core.model.Rebaseline;
import io.pggit.core.model.ServerMove;
import io.pggit.core.model.Summary;
import io.pggit.core.model.UninstallResult;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * pggit's operations on a connection the caller owns (for instance Flyway's migration connection,
 * inside the migration's transaction). Each method is one call of the SQL API in schema
 * {@code pggit}; none opens, commits or rolls back a transaction of its own except
 * {@link #install()}, {@link #uninstall} and {@link #checkout} (on an auto-commit connection), and none keeps a transaction open after it returns when the connection is
 * in auto-commit mode.
 *
 * <p>Not thread-safe (a JDBC connection is not). Errors from the database arrive as
 * {@link PggitException} with the {@link SQLException} as cause.
 */
public final class PggitSession {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final Sql sql;

    PggitSession(Connection connection) {
        this.connection = connection;
        this.sql = new Sql(connection);
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
        return install(toolTables, List.of());
    }

    /**
     * Installs or upgrades pggit as {@link #install(List)}, then grants {@code pggit_writer} to each
     * role of {@code grantTo} (the migration roles), as {@link #install(List, List, String)}.
     *
     * @throws PggitException.NotInstalled when the role may not install it
     * @throws PggitException.InvalidConfig naming a role of {@code grantTo} that does not exist
     */
    public InstallResult install(List<String> toolTables, List<String> grantTo) {
        return install(toolTables, grantTo, "grantTo");
    }

    /**
     * Installs or upgrades pggit as {@link #install(List)} and makes each role of {@code grantTo}
     * (exact names) a member of {@code pggit_writer}, in the same transaction, also when pggit is
     * current already: a role that is a member (directly or through {@code pggit_admin}) is left as
     * it is, any other is granted it, which needs a superuser or a role holding {@code pggit_writer}
     * WITH ADMIN OPTION. Nothing is revoked. When a role is missing or may not be granted, nothing
     * is installed, upgraded or granted.
     *
     * @param grantToSetting how the caller spells the setting that names the roles, for messages
     *                       (e.g. {@code flyway.pggit.grantTo})
     * @throws PggitException.NotInstalled  when the role may not install it
     * @throws PggitException.InvalidConfig naming the setting and a role that does not exist
     * @throws PggitException.NotPermitted  naming the setting, a role that is not a member, and the
     *                                      {@code GRANT} a superuser runs, when this role may not grant it
     */
    public InstallResult install(List<String> toolTables, List<String> grantTo, String grantToSetting) {
        return sql.call("install pggit", c -> Installer.install(c, toolTables, grantTo, grantToSetting));
    }

    /**
     * Uninstalls pggit from this database (see {@link Pggit#uninstall(String, boolean)}), in a
     * transaction of its own.
     *
     * @throws PggitException saying what to do when it refuses
     */
    public UninstallResult uninstall(String confirmDatabase, boolean cascade) {
        return sql.call("uninstall pggit", c -> Uninstaller.uninstall(c, confirmDatabase, cascade));
    }

    /** The installed version of the SQL layer ({@code pggit.version()}), empty when not installed. */
    public Optional<String> installedVersion() {
        return sql.call("read the installed pggit version", Installer::installedVersion);
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
     * Sets the tracking rules a build's configuration names for its source
     * ({@code pggit.apply_build_rules}): the source's rules become exactly the lists the build sets,
     * each the whole set of its kind for the source's runs (a deployment opened with that source,
     * {@link #openDeployment(String, String, String, Integer, String)}); an unset kind leaves the
     * database's rules (set from SQL) in force for its runs; neither the database's rules nor another
     * source's change; all at once, so one bad value changes nothing. Called with a source on every
     * run, also when the build names none, so that rules it no longer names are forgotten. Then
     * {@code pggit.configure_properties} for the owner/privilege/comment switches that are set
     * (properties are the database's: a switch that changes is recorded as a commit of the whole catalog).
     *
     * @param source the build's tool and history table ({@link #buildSource}), whose rules these are
     * @throws PggitException naming the bad setting, as the database reports it
     */
    public void configureTracking(PggitConfig.Tracking t, String source) {
        java.util.Objects.requireNonNull(source, "source");
        String what = "apply the tracking rules of the build's configuration";
        sql.execute(what, "SELECT pggit.apply_build_rules(?, ?, ?, ?, ?, ?)", source,
                Sql.textArray(t.trackSchemas()), Sql.textArray(t.ignoreSchemas()), Sql.textArray(t.trackOperations()),
                Sql.textArray(t.ignoreOperations()), Sql.textArray(t.ignorePatterns()));
        if (t.anyProperty()) {
            sql.execute(what, "SELECT pggit.configure_properties(?, ?, ?)", Sql.bool(t.trackOwners().orElse(null)),
                    Sql.bool(t.trackPrivileges().orElse(null)), Sql.bool(t.trackComments().orElse(null)));
        }
    }

    /** Never tracks tables of these names ({@code pggit.register_tool_table}). */
    public void registerToolTables(List<String> names) {
        names.forEach(n -> sql.execute("register tool tables " + names, "SELECT pggit.register_tool_table(?)", n));
    }

    /**
     * The source of a build's tracking rules: its tool and its history table, schema-qualified,
     * e.g. {@code flyway:public.flyway_schema_history} (two services migrating one database with
     * their own history tables are two sources).
     *
     * @param historySchema the history table's schema, or null for this session's current schema
     */
    public String buildSource(String tool, String historySchema, String historyTable) {
        String schema = historySchema != null && !historySchema.isBlank() ? historySchema
                : sql.one("read the current schema", "SELECT coalesce(current_schema(), 'public')", rs -> rs.getString(1));
        return tool + ":" + schema + "." + historyTable;
    }

    /** Opens a deployment for this session ({@code pggit.open_deployment}); returns its id. */
    public long openDeployment(String name, String tool, String target) {
        return openDeployment(name, tool, target, null);
    }

    /**
     * Opens a deployment ({@code pggit.open_deployment}) for the session that runs the migrations,
     * first closing as interrupted the deployments whose session is gone; returns its id.
     *
     * @param sessionPid the backend pid of the session that runs the migrations ({@link #backendPid()}
     *                   on its connection), or null for this session
     */
    public long openDeployment(String name, String tool, String target, Integer sessionPid) {
        return openDeployment(name, tool, target, sessionPid, null);
    }

    /**
     * As {@link #openDeployment(String, String, String, Integer)}, for a run of a build whose
     * captures use the tracking rules of {@code rulesSource} ({@link #buildSource}, as given to
     * {@link #configureTracking(PggitConfig.Tracking, String)}); null: the rules outside a run.
     */
    public long openDeployment(String name, String tool, String target, Integer sessionPid, String rulesSource) {
        return sql.one("open a deployment", "SELECT pggit.open_deployment(?, ?, ?, ?, ?)", rs -> rs.getLong(1), name, tool, target,
                Sql.integer(sessionPid), rulesSource);
    }

    /** This session's backend pid ({@code pg_backend_pid()}). */
    public int backendPid() {
        return sql.one("read the backend pid", "SELECT pg_backend_pid()", rs -> rs.getInt(1));
    }

    /**
     * Closes a deployment ({@code pggit.close_deployment}).
     *
     * @param outcome {@code success}, {@code failed} or {@code abandoned}
     */
    public void closeDeployment(long deploymentId, String outcome) {
        sql.execute("close deployment " + deploymentId, "SELECT pggit.close_deployment(?, ?)", deploymentId, outcome);
    }

    /**
     * Records one migration ({@code pggit.record_migration}): for a success, commits what it changed
     * (re-reading only the objects its journal rows imply) and links it to that commit, or to HEAD
     * when it changed nothing tracked; for a failure, a link without a commit.
     *
     * @param deploymentId the open deployment, or null
     * @param success      whether the migration succeeded
     * @param error        the failure's message, or null
     * @return {@code m} as recorded: with its link id, commit and summary
     */
    public MigrationLink recordMigration(Long deploymentId, MigrationLink m, boolean success, String error) {
        return recordMigration(deploymentId, m, success, error, null);
    }

    /**
     * As {@link #recordMigration(Long, MigrationLink, boolean, String)}, for a failure with the
     * error's SQLSTATE ({@code migration_link.error_sqlstate}).
     *
     * @param errorSqlState the failure's SQLSTATE (e.g. 42601), or null when the tool gave none
     */
    public MigrationLink recordMigration(Long deploymentId, MigrationLink m, boolean success, String error, String errorSqlState) {
        return record(deploymentId, m, success, error, "migration", errorSqlState);
    }

    /**
     * Records a rolled-back changeset: commits what the rollback did (origin {@code rollback}) and
     * links it to the changeset it undid.
     *
     * @return {@code m} as recorded
     */
    public MigrationLink recordRollback(Long deploymentId, MigrationLink m) {
        return record(deploymentId, m, true, null, "rollback", null);
    }

    private MigrationLink record(Long deploymentId, MigrationLink m, boolean success, String error, String origin, String errorSqlState) {
        return sql.one("record migration " + m.label(), "SELECT link_id, commit_id, new_commit, summary "
                + "FROM pggit.record_migration(?, ?::jsonb, ?, ?, ?, ?)", rs -> recorded(m, rs),
                Sql.bigint(deploymentId), toJson(m), success ? "success" : "failed", error, origin, errorSqlState);
    }

    /**
     * Records a successful migration fail-open ({@code pggit.record_migration_fail_open}): an error
     * inside pggit is recorded in {@code pggit.capture_failure} and returned, not raised, so the
     * migration's transaction goes on. One round trip.
     *
     * @param rollback whether it records a rolled-back changeset (origin rollback)
     * @return what was recorded, or the error pggit caught
     */
    public FailOpenResult recordFailOpen(Long deploymentId, MigrationLink m, boolean rollback) {
        return sql.one("record migration " + m.label(), "SELECT link_id, commit_id, new_commit, summary, capture_error, "
                + "capture_sqlstate FROM pggit.record_migration_fail_open(?, ?::jsonb, ?)", rs -> rs.getString(5) != null
                        ? new FailOpenResult(Optional.empty(), Optional.of(rs.getString(5)), Optional.ofNullable(rs.getString(6)))
                        : new FailOpenResult(Optional.of(recorded(m, rs)), Optional.empty(), Optional.empty()),
                Sql.bigint(deploymentId), toJson(m), rollback ? "rollback" : "migration");
    }

    /**
     * The outcome of {@link #recordFailOpen}: what was recorded, or the error pggit caught.
     *
     * @param recorded the migration as recorded (link and commit), when capture worked
     * @param error    pggit's own error, when it did not (recorded in {@code pggit.capture_failure})
     * @param sqlState that error's SQLSTATE
     */
    public record FailOpenResult(Optional<MigrationLink> recorded, Optional<String> error, Optional<String> sqlState) {
    }

    /** Records the tool's own id of this run (Liquibase's deployment_id) on the deployment. */
    public void setToolDeploymentId(long deploymentId, String toolDeploymentId) {
        sql.execute("record the tool's deployment id", "SELECT pggit.set_tool_deployment_id(?, ?)", deploymentId, toolDeploymentId);
    }

    /** Records an error of pggit's own during a migration ({@code pggit.record_capture_failure}). */
    public void recordCaptureFailure(Long deploymentId, String migration, String sqlState, String error) {
        sql.execute("record a capture failure", "SELECT pggit.record_capture_failure(?, ?, ?, ?)", Sql.bigint(deploymentId),
                migration, sqlState, error == null ? "(no message)" : error);
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
        return sql.one("backfill Flyway history into links", "SELECT pggit.backfill_flyway_links(?, ?, ?)", rs -> rs.getInt(1),
                deploymentId, historySchema, historyTable);
    }

    /**
     * Copies the order executed from Liquibase's {@code databasechangelog} into a deployment's links
     * and sets the execution times the listener measured ({@code pggit.backfill_liquibase_links}).
     *
     * @param executionTimesMs link id to the changeset's execution time in milliseconds
     * @return the links ranked
     */
    public int backfillLiquibaseLinks(long deploymentId, String historySchema, String historyTable, Map<Long, Integer> executionTimesMs) {
        List<Long> ids = new ArrayList<>(executionTimesMs.keySet());
        return sql.one("backfill Liquibase history into links", "SELECT pggit.backfill_liquibase_links(?, ?, ?, ?, ?)",
                rs -> rs.getInt(1), deploymentId, historySchema, historyTable, Sql.array("bigint", ids),
                Sql.array("integer", ids.stream().map(executionTimesMs::get).toList()));
    }

    /**
     * Commits journaled changes on HEAD ({@code pggit.commit}).
     *
     * @return the new commit id, empty when nothing tracked changed
     */
    public Optional<String> commit(String message) {
        return Optional.ofNullable(sql.one("commit", "SELECT pggit.commit(?)", Sql.TEXT, message));
    }

    /** Records all current drift as one commit of origin drift ({@code pggit.adopt}); empty when there is none. */
    public Optional<String> adopt(String message) {
        return Optional.ofNullable(sql.one("adopt drift", "SELECT pggit.adopt(?)", Sql.TEXT, message));
    }

    /**
     * Writes the schema at {@code rev} as {@code schema.sql} (dependency order), one file per object
     * under {@code <schema>/<kind>/<name>.sql} (names percent-encoded, upper case included: distinct
     * on every file system, decoding to the object key; see docs/architecture.md), and
     * {@code manifest.json}; byte-identical when repeated. An earlier export in {@code dir} is
     * replaced; a non-empty {@code dir} that holds no export is refused, untouched.
     *
     * @return the files written
     * @throws PggitException when {@code dir} is not empty and holds no pggit export, or cannot be written
     */
    public List<Path> export(String rev, Path dir) {
        String commitId = resolve(rev);
        return sql.call("export " + rev, c -> Exporter.export(c, commitId, dir));
    }

    /** The commit HEAD points at, empty before the first commit. */
    public Optional<String> head() {
        return Optional.ofNullable(sql.one("read HEAD", "SELECT pggit.head_commit()", Sql.TEXT));
    }

    /** Resolves a revision (id, unique prefix, branch, HEAD, with optional ~N) to a full commit id. */
    public String resolve(String rev) {
        return sql.one("resolve revision " + rev, "SELECT pggit.resolve(?)", Sql.TEXT, rev);
    }

    /**
     * Creates branch {@code name} at revision {@code fromRev} (null: HEAD) and returns the commit id
     * it points at ({@code pggit.create_branch}); HEAD stays where it is.
     *
     * @param description why the branch exists, or null
     * @throws PggitException when the name breaks git's branch-name rules ({@code pggit.check_branch_name}),
     *                        the branch exists, or {@code fromRev} names no commit
     */
    public String createBranch(String name, String fromRev, String description) {
        return sql.one("create branch " + name, "SELECT pggit.create_branch(?, ?, ?)", Sql.TEXT, name, fromRev, description);
    }

    /** Every branch, the checked-out one first, with ahead and behind counts against {@code main} ({@code pggit.list_branches}). */
    public List<Branch> listBranches() {
        return sql.list("list branches", "SELECT branch_name, head_sha, created_at, created_by, description, is_head, ahead, behind "
                + "FROM pggit.list_branches()", rs -> {
                    long ahead = rs.getLong(7);
                    boolean none = rs.wasNull();
                    long behind = rs.getLong(8);
                    return new Branch(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                            Optional.ofNullable(rs.getString(5)), rs.getBoolean(6),
                            none ? OptionalLong.empty() : OptionalLong.of(ahead), none ? OptionalLong.empty() : OptionalLong.of(behind));
                });
    }

    /**
     * Deletes branch {@code name} ({@code pggit.delete_branch}).
     *
     * @param force delete it even when the checked-out branch does not reach all of its commits
     * @throws PggitException for the checked-out branch, an unknown one, or (without force) an unmerged one
     */
    public void deleteBranch(String name, boolean force) {
        sql.execute("delete branch " + name, "SELECT pggit.delete_branch(?, ?)", name, force);
    }

    /**
     * The merge base of two revisions ({@code pggit.find_merge_base}: their lowest common ancestor;
     * after criss-cross merges the best common ancestor of the greatest generation); empty when they
     * share no history.
     */
    public Optional<String> mergeBase(String a, String b) {
        return Optional.ofNullable(sql.one("find the merge base of " + a + " and " + b, "SELECT pggit.find_merge_base(?, ?)", Sql.TEXT, a, b));
    }

    /**
     * The statements that turn the schema recorded at {@code fromRev} into the one at {@code toRev}
     * (the planner of {@link Pggit#compare}, on the two trees' definitions: what only {@code toRev}
     * has is created in dependency order, what only {@code fromRev} has is dropped, a changed table is
     * altered in place where it can be), with the objects that differ. A plan only: nothing runs. Run
     * on a database at {@code fromRev}'s state (as a Flyway migration, say), it gives {@code toRev}'s.
     *
     * @throws PggitException when a revision names nothing
     */
    public io.pggit.core.model.Comparison plan(String fromRev, String toRev) {
        String from = resolve(fromRev);
        String to = resolve(toRev);
        return sql.call("plan " + fromRev + " -> " + toRev, c -> io.pggit.core.internal.compare.Compare.between(c, from, to).toComparison());
    }

    /**
     * Checks out branch {@code branch}: the plan from HEAD's tree to the branch's (the planner of
     * {@link #plan}), and with {@code apply} the plan run and HEAD moved to the branch, in one
     * transaction, or nothing changed.
     *
     * <p>Without {@code apply}, a plan only: nothing runs, and {@link Checkout#refusals()} says what
     * would stop an apply. With {@code apply} it refuses (nothing changed) while {@code pggit.status()}
     * or {@code pggit.drift()} is not empty (the live catalog must be HEAD's tree), when the plan
     * would lose data and {@code allowDataLoss} is false (a table holding rows dropped or rebuilt, a
     * column holding non-null values dropped, a column's type changed to one that may not hold every
     * value, an enum rebuilt; rows counted as the table's owner with {@code row_security = off}), and
     * when a step's recorded owner is a role this session cannot become. Each statement runs as its
     * object's recorded owner ({@code SET LOCAL ROLE}; as this session where owners are not recorded);
     * then {@code pggit.finish_checkout} moves HEAD and re-syncs the index without a commit, verifying
     * that the live catalog now holds the branch's tree exactly: if not, it raises and everything rolls
     * back. {@link Checkout#warnings()} lists the migrations of the tools' history tables that no
     * commit the branch reaches is linked from.
     *
     * <p>On a connection in auto-commit mode this is a transaction of its own; inside the caller's
     * transaction it works under a savepoint (rolled back to on failure, and for a plan only) and the
     * caller commits. Needs {@code pggit_admin} to apply.
     *
     * @throws PggitException when {@code branch} does not exist, when an apply is refused (saying
     *                        why and what to do), or when a step fails (naming it; nothing changed)
     */
    public Checkout checkout(String branch, boolean apply, boolean allowDataLoss) {
        java.util.Objects.requireNonNull(branch, "branch");
        return sql.call("check out " + branch, c -> io.pggit.core.internal.compare.Checkouts.checkout(c, branch, apply, allowDataLoss));
    }

    /**
     * The dry run of merging {@code sourceRev} into {@code targetRev} ({@code pggit.detect_merge_conflicts}):
     * every object either side changed since their merge base, by object key, with the outcome of the
     * three-way comparison. Writes nothing.
     *
     * @throws PggitException when a revision names nothing
     */
    public List<io.pggit.core.model.MergeConflict> detectMergeConflicts(String sourceRev, String targetRev) {
        return sql.list("compare " + sourceRev + " with " + targetRev + " for a merge",
                "SELECT object_path, kind, conflict_type, conflicting_parts, base_definition::text, source_definition::text, "
                        + "target_definition::text FROM pggit.detect_merge_conflicts(?, ?)",
                rs -> new io.pggit.core.model.MergeConflict(rs.getString(1), rs.getString(2),
                        io.pggit.core.model.MergeConflict.Type.valueOf(rs.getString(3)), Arrays.asList((String[]) rs.getArray(4).getArray()),
                        Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7))),
                sourceRev, targetRev);
    }

    /**
     * The conflicts recorded for merge {@code mergeId} ({@code pggit.get_conflicts_by_type}), resolved
     * or not, by object key; empty for a merge without conflicts or an unknown id. Writes nothing.
     */
    public List<io.pggit.core.model.Merge.Conflict> mergeConflicts(long mergeId) {
        return sql.list("read the conflicts of merge " + mergeId,
                "SELECT conflict_id, object_path, kind, conflict_type, conflicting_parts, resolution, reason, detail FROM pggit.get_conflicts_by_type(?)",
                rs -> new io.pggit.core.model.Merge.Conflict(rs.getObject(1, java.util.UUID.class), rs.getString(2), rs.getString(3),
                        io.pggit.core.model.MergeConflict.Type.valueOf(rs.getString(4)), Arrays.asList((String[]) rs.getArray(5).getArray()),
                        Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), Optional.ofNullable(rs.getString(8))),
                mergeId);
    }

    /**
     * Merges {@code sourceRev} into branch {@code target} (null: the checked-out one) three-way from
     * their merge base ({@code pggit.merge_branch}, strategy {@code recursive}, {@code ours} or
     * {@code theirs}), in one transaction. Without an open conflict: a target that is not checked out
     * gets its merge commit at once; on the checked-out target the plan from HEAD's schema to the
     * merged tree ({@link #plan}'s planner) is run when {@code apply} (then the merge commit is a
     * capture of the live catalog, which must equal the merged tree) or returned for a migration
     * (status {@code ready}: the migration's capture becomes the merge commit). With conflicts the
     * merge waits: {@link #resolveMergeConflicts}, then {@link #completeMerge}.
     *
     * @throws PggitException for an unknown branch or revision, a bad strategy, a plan that fails
     *                        (nothing is left behind: the whole merge rolls back), or a live catalog
     *                        that is not HEAD's tree (uncommitted changes or drift)
     */
    public io.pggit.core.model.Merge merge(String sourceRev, String target, String strategy, boolean apply) {
        return merge(sourceRev, target, strategy, apply, false);
    }

    /**
     * As {@link #merge(String, String, String, boolean)}; a plan that would lose data (a table with
     * rows or a column with values dropped, a narrowing type change, an enum rebuilt: as checkout
     * counts them) is refused unless {@code allowDataLoss}.
     */
    public io.pggit.core.model.Merge merge(String sourceRev, String target, String strategy, boolean apply, boolean allowDataLoss) {
        return inTransaction("merge " + sourceRev + " into " + (target == null ? "the checked-out branch" : target), c -> {
            if (apply && (target == null || target.equals(checkedOut()))) {
                refuseUnlessClean(c, "merge");
            }
            long id = sql.one("merge " + sourceRev, "SELECT merge_id FROM pggit.merge_branch(?, ?, ?)", rs -> rs.getLong(1),
                    sourceRev, target, strategy == null ? "recursive" : strategy);
            return applyIfReady(c, id, apply, allowDataLoss);
        });
    }

    /**
     * Completes merge {@code mergeId} once its conflicts are resolved ({@code pggit.complete_merge}),
     * applying the plan to the checked-out target when {@code apply}, as {@link #merge} does.
     *
     * @param keepTargetForOpen complete with open conflicts, keeping the target's side of each
     *                          ({@code verify_all_resolved => false})
     */
    public io.pggit.core.model.Merge completeMerge(long mergeId, boolean keepTargetForOpen, boolean apply) {
        return completeMerge(mergeId, keepTargetForOpen, apply, false);
    }

    /** As {@link #completeMerge(long, boolean, boolean)}, refusing a plan that would lose data unless {@code allowDataLoss}. */
    public io.pggit.core.model.Merge completeMerge(long mergeId, boolean keepTargetForOpen, boolean apply, boolean allowDataLoss) {
        return inTransaction("complete merge " + mergeId, c -> {
            if (apply && checkedOut().equals(sql.one("read merge " + mergeId, "SELECT target_branch FROM pggit.merge WHERE id = ?", Sql.TEXT, mergeId))) {
                refuseUnlessClean(c, "merge");
            }
            sql.execute("complete merge " + mergeId, "SELECT * FROM pggit.complete_merge(?, ?)", mergeId, !keepTargetForOpen);
            return applyIfReady(c, mergeId, apply, allowDataLoss);
        });
    }

    /**
     * Resolves the conflicts of merge {@code mergeId} on {@code objectKeys} all one way
     * ({@code pggit.resolve_conflicts_batch}: all or none).
     *
     * @param choice {@code source}, {@code target} or {@code base}
     * @return how many were resolved
     */
    public int resolveMergeConflicts(long mergeId, List<String> objectKeys, String choice, String notes) {
        return sql.one("resolve conflicts of merge " + mergeId, "SELECT pggit.resolve_conflicts_batch(?, ?, ?, ?)", rs -> rs.getInt(1),
                mergeId, Sql.array("text", objectKeys), choice, notes);
    }

    /**
     * Resolves merge conflict {@code conflictId} with manual DDL ({@code pggit.resolve_conflict_manually}):
     * {@code ddl} runs as this session's role on the target's version of the object (the merge's target
     * must be checked out, its live object equal to the target's) in a subtransaction that is rolled
     * back; the definition it gave is what the merged tree takes (for {@code BOTH_MODIFIED} over the
     * merge of both sides, so the source's disjoint changes stay; a DDL that drops it: the merge
     * drops it). Nothing of the DDL remains in the live catalog or pggit's journal; complete the merge
     * with {@link #completeMerge} to apply it.
     *
     * @return what the merged tree will take (and other objects the DDL changed, which it does not take)
     * @throws PggitException with the DDL's own error (nothing recorded), or when the target is not
     *                        checked out, moved, or its live object is not the target's version
     */
    public String resolveMergeConflictManually(java.util.UUID conflictId, String ddl, String reason) {
        return sql.one("resolve merge conflict " + conflictId + " with manual DDL", "SELECT pggit.resolve_conflict_manually(?, ?, ?)", Sql.TEXT,
                conflictId, ddl, reason);
    }

    /**
     * As {@link #resolveMergeConflictManually(java.util.UUID, String, String)}, for the conflict of merge
     * {@code mergeId} on {@code objectKey}.
     *
     * @throws PggitException also when the merge has no conflict on that key
     */
    public String resolveMergeConflictManually(long mergeId, String objectKey, String ddl, String reason) {
        java.util.UUID id = sql.one("read the conflict of merge " + mergeId + " on " + objectKey,
                "SELECT id FROM pggit.merge_conflict WHERE merge_id = ? AND object_key = ?", rs -> rs.getObject(1, java.util.UUID.class), mergeId, objectKey);
        if (id == null) {
            throw new PggitException("pggit: merge " + mergeId + " has no conflict on " + objectKey
                    + " (SELECT object_path FROM pggit.get_conflicts_by_type(" + mergeId + ") lists them)");
        }
        return resolveMergeConflictManually(id, ddl, reason);
    }

    /**
     * Rolls back completed merge {@code mergeId} ({@code pggit.rollback_merge}): a new commit with the
     * target's tree before the merge; on the checked-out target the reverse plan runs first when
     * {@code apply} (otherwise, there, it is refused), refusing data loss unless {@code allowDataLoss}.
     */
    public io.pggit.core.model.Merge rollbackMerge(long mergeId, String reason, boolean apply, boolean allowDataLoss) {
        return inTransaction("roll back merge " + mergeId, c -> {
            List<String> m = sql.one("read merge " + mergeId, "SELECT ARRAY[m.target_branch, (SELECT h.branch FROM pggit.head h), "
                    + "(SELECT t.tree FROM pggit.commit t WHERE t.id = m.target_commit), "
                    + "(SELECT t.tree FROM pggit.commit t WHERE t.id = pggit.resolve(m.target_branch)), m.renames::text] FROM pggit.merge m WHERE m.id = ?",
                    rs -> Arrays.asList((String[]) rs.getArray(1).getArray()), mergeId);
            List<String> plan = List.of();
            if (m != null && m.get(0).equals(m.get(1)) && !m.get(2).equals(m.get(3)) && apply) {
                refuseUnlessClean(c, "rollback of merge " + mergeId);
                // the merge's renames undone (when the target moved on after the merge, those its later commits kept)
                io.pggit.core.internal.compare.Compare.Result r = io.pggit.core.internal.compare.Compare.betweenTrees(c, m.get(3), m.get(2),
                        io.pggit.core.internal.compare.Compare.Rename.fromJson(m.get(4)).stream()
                                .map(io.pggit.core.internal.compare.Compare.Rename::reversed).toList());
                refuseRisks(c, r, allowDataLoss, "rollback of merge " + mergeId);
                io.pggit.core.internal.compare.PlanRunner.run(c, r, "rollback of merge " + mergeId);
                plan = r.plan();
            }
            String cid = sql.one("roll back merge " + mergeId, "SELECT pggit.rollback_merge(?, ?)", Sql.TEXT, mergeId, reason);
            io.pggit.core.model.Merge state = mergeState(mergeId, plan, !plan.isEmpty());
            return new io.pggit.core.model.Merge(mergeId, state.status(), Optional.of(cid), state.conflictObjects(), state.openConflicts(),
                    plan, !plan.isEmpty());
        });
    }

    /** As {@link #rollbackMerge(long, String, boolean, boolean)} without allowing data loss. */
    public io.pggit.core.model.Merge rollbackMerge(long mergeId, String reason, boolean apply) {
        return rollbackMerge(mergeId, reason, apply, false);
    }

    private String checkedOut() {
        return sql.one("read HEAD", "SELECT branch FROM pggit.head", Sql.TEXT);
    }

    /** Uncommitted changes or drift on the live catalog refuse a plan run on it (checkout's rule). */
    private static void refuseUnlessClean(Connection c, String what) throws SQLException {
        List<String> refusals = io.pggit.core.internal.compare.PlanRunner.liveRefusals(c, what);
        if (!refusals.isEmpty()) {
            throw new PggitException("pggit: cannot run the " + what + " on the live catalog: " + String.join("; ", refusals) + ". Nothing was changed");
        }
    }

    /** Owners the session cannot become, and data the plan would lose unless allowed, refuse it. */
    private static void refuseRisks(Connection c, io.pggit.core.internal.compare.Compare.Result r, boolean allowDataLoss, String what)
            throws SQLException {
        io.pggit.core.internal.compare.PlanRunner.Assessment a = io.pggit.core.internal.compare.PlanRunner.assess(c, r);
        List<String> refusals = new ArrayList<>(a.refusals());
        if (!a.dataLoss().isEmpty() && !allowDataLoss) {
            refusals.add("the plan would lose data (" + String.join("; ", a.dataLoss()) + "): allow it (allowDataLoss, -Dpggit.allowDataLoss=true, "
                    + "--allow-data-loss) if it may be lost");
        }
        if (!refusals.isEmpty()) {
            throw new PggitException("pggit: cannot run the " + what + ": " + String.join("; ", refusals) + ". Nothing was changed");
        }
    }

    /**
     * Where merge {@code mergeId} stands now (a row of {@code pggit.merge}), without a plan
     * ({@link io.pggit.core.model.Merge#plan()} empty, not applied). Writes nothing.
     *
     * @return empty for an unknown id
     */
    public Optional<io.pggit.core.model.Merge> mergeStatus(long mergeId) {
        boolean known = sql.one("read merge " + mergeId, "SELECT EXISTS (SELECT 1 FROM pggit.merge m WHERE m.id = ?)", rs -> rs.getBoolean(1), mergeId);
        return known ? Optional.of(mergeState(mergeId, List.of(), false)) : Optional.empty();
    }

    /** After merge_branch or complete_merge: a ready merge on the checked-out target gets its plan, run when apply. */
    private io.pggit.core.model.Merge applyIfReady(Connection c, long id, boolean apply, boolean allowDataLoss) throws SQLException {
        io.pggit.core.model.Merge state = mergeState(id, List.of(), false);
        if (!state.status().equals("ready")) {
            return state;
        }
        String[] trees = sql.one("read merge " + id, "SELECT ARRAY[m.merged_tree, (SELECT t.tree FROM pggit.commit t WHERE t.id = pggit.head_commit()), "
                        + "m.renames::text] FROM pggit.merge m WHERE m.id = ?",
                rs -> (String[]) rs.getArray(1).getArray(), id);
        io.pggit.core.internal.compare.Compare.Result r = io.pggit.core.internal.compare.Compare.betweenTrees(c, trees[1], trees[0],
                io.pggit.core.internal.compare.Compare.Rename.fromJson(trees[2]));
        if (!apply) {
            // the plan a migration will run, tried first (rolled back) where it can be: on a clean live
            // catalog, as owners this session can become; a step that fails there would fail the migration
            if (io.pggit.core.internal.compare.PlanRunner.liveRefusals(c, "merge").isEmpty()
                    && io.pggit.core.internal.compare.PlanRunner.assess(c, r).refusals().isEmpty()) {
                List<io.pggit.core.internal.compare.PlanRunner.Failure> f = io.pggit.core.internal.compare.PlanRunner.trial(c, r, false,
                        x -> lostWithTheSteps(x, r, trees[0]));
                if (!f.isEmpty()) {
                    return dependencyConflicts(id, f);
                }
            }
            return mergeState(id, r.plan(), false);
        }
        refuseRisks(c, r, allowDataLoss, "merge " + id);
        // run once, under a savepoint: a failing step is rolled back and waits as a DEPENDENCY conflict
        List<io.pggit.core.internal.compare.PlanRunner.Failure> f = io.pggit.core.internal.compare.PlanRunner.trial(c, r, true,
                x -> lostWithTheSteps(x, r, trees[0]));
        if (!f.isEmpty()) {
            return dependencyConflicts(id, f);
        }
        sql.execute("complete merge " + id, "SELECT * FROM pggit.complete_merge(?)", id);
        return mergeState(id, r.plan(), true);
    }

    /**
     * A step of merge {@code id}'s plan failed when tried (rolled back): recorded as a DEPENDENCY
     * conflict on its object ({@code pggit.record_dependency_conflict}), and the merge waits again.
     * A step of no object cannot be resolved by a side: that failure is raised as it is.
     */
    private io.pggit.core.model.Merge dependencyConflicts(long id, List<io.pggit.core.internal.compare.PlanRunner.Failure> failures) {
        for (io.pggit.core.internal.compare.PlanRunner.Failure f : failures) {
            if (f.key().isEmpty()) {
                throw new PggitException("pggit: merge " + id + " failed at step " + f.step() + " of its plan: " + f.message() + "\n  " + f.sql()
                        + "\nNothing was changed: the catalog, HEAD and the index are as they were");
            }
        }
        for (io.pggit.core.internal.compare.PlanRunner.Failure f : failures) {
            sql.execute("record a dependency conflict of merge " + id, "SELECT pggit.record_dependency_conflict(?, ?, ?, ?)", id, f.key(),
                    f.sql(), f.message());
        }
        return mergeState(id, List.of(), false);
    }

    /**
     * After every step of the merged plan succeeded: the objects of the merged tree that the live
     * catalog does not have as the tree has them, which PostgreSQL dropped (or changed) along with
     * what a step did (an index on a column a step drops goes with the column). Each is a failure
     * of the step on its relation (or of the plan, when no step is on it).
     */
    private static List<io.pggit.core.internal.compare.PlanRunner.Failure> lostWithTheSteps(Connection c,
            io.pggit.core.internal.compare.Compare.Result r, String mergedTree) throws SQLException {
        List<io.pggit.core.internal.compare.PlanRunner.Failure> out = new ArrayList<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("WITH l AS MATERIALIZED (SELECT r.object_key, r.hash FROM pggit.read_catalog() r) "
                + "SELECT m.object_key, NOT EXISTS (SELECT 1 FROM l WHERE l.object_key = m.object_key) "
                + "FROM (SELECT t.object_key, t.hash FROM pggit.tree_objects(?) t EXCEPT SELECT l.object_key, l.hash FROM l) m ORDER BY 1")) {
            ps.setString(1, mergedTree);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    String identity = key.substring(key.indexOf(':') + 1);
                    int n = 0;
                    io.pggit.core.internal.compare.Compare.Step on = null;
                    for (io.pggit.core.internal.compare.Compare.Step s : r.steps()) {
                        n++;
                        String k = s.key();
                        if (!k.isEmpty() && identity.startsWith(k.substring(k.indexOf(':') + 1) + ".")) {
                            on = s;
                            break;
                        }
                    }
                    String why = "every step of the plan succeeded, but the live catalog then " + (rs.getBoolean(2) ? "lacks " : "has another definition of ")
                            + key + ", which the merged tree keeps: PostgreSQL " + (rs.getBoolean(2) ? "dropped" : "changed") + " it along with "
                            + (on == null ? "a step" : "step " + n + " (" + on.key() + ")")
                            + " (an index or constraint on a column the other side drops goes with the column)";
                    // both objects wait: the one lost, and the one whose step took it with it
                    out.add(new io.pggit.core.internal.compare.PlanRunner.Failure(on == null ? 0 : n, key, on == null ? "(the plan)" : on.sql(), why));
                    String onKey = on == null ? null : on.key();
                    if (onKey != null && out.stream().noneMatch(f -> f.key().equals(onKey))) {
                        out.add(new io.pggit.core.internal.compare.PlanRunner.Failure(n, on.key(), on.sql(), why));
                    }
                }
            }
        }
        return out;
    }

    private io.pggit.core.model.Merge mergeState(long id, List<String> plan, boolean applied) {
        return sql.one("read merge " + id, "SELECT m.status, m.merge_commit, "
                + "ARRAY(SELECT x.object_key FROM pggit.merge_conflict x WHERE x.merge_id = m.id ORDER BY 1), "
                + "ARRAY(SELECT x.object_key FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL ORDER BY 1) "
                + "FROM pggit.merge m WHERE m.id = ?",
                rs -> new io.pggit.core.model.Merge(id, rs.getString(1), Optional.ofNullable(rs.getString(2)),
                        Arrays.asList((String[]) rs.getArray(3).getArray()), Arrays.asList((String[]) rs.getArray(4).getArray()), plan, applied), id);
    }

    /**
     * Runs {@code work} in one transaction: begun here when the connection is in auto-commit mode
     * (committed when it returns, rolled back when it throws, auto-commit restored), else the caller's.
     */
    private <T> T inTransaction(String what, Sql.Work<T> work) {
        return sql.call(what, c -> {
            boolean auto = c.getAutoCommit();
            if (!auto) {
                return work.apply(c);
            }
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /**
     * Proposes merging branch {@code sourceBranch} into branch {@code targetBranch}
     * ({@code pggit.create_merge_request}): an open merge request created by this session's login
     * role, which another role approves.
     *
     * @param description more about it, or null
     * @param reviewer    the role (exactly as {@code pg_roles.rolname} spells it) that, or whose members,
     *                    alone may approve it; null: any pggit_writer but this session's role
     * @return its id, status ({@link io.pggit.core.model.MergeRequest.Status#OPEN}) and whether the merge conflicts now
     * @throws PggitException for a branch that does not exist (branch names only), source = target, a
     *                        blank title, a reviewer that is no role or is this session's role, or when
     *                        an open request for the two branches exists (the message names it)
     */
    public io.pggit.core.model.MergeRequest.Created createMergeRequest(String sourceBranch, String targetBranch, String title,
                                                                     String description, String reviewer) {
        return sql.one("create a merge request of " + sourceBranch + " into " + targetBranch,
                "SELECT mr_id, status, conflicts FROM pggit.create_merge_request(?, ?, ?, ?, ?)",
                rs -> new io.pggit.core.model.MergeRequest.Created(rs.getObject(1, java.util.UUID.class),
                        io.pggit.core.model.MergeRequest.Status.of(rs.getString(2)), rs.getBoolean(3)),
                sourceBranch, targetBranch, title, description, reviewer);
    }

    /**
     * Approves merge request {@code id} as this session's login role ({@code pggit.approve_merge_request}),
     * at the source branch's tip: a commit on the source after it makes the approval stale.
     *
     * @param notes the approver's notes, or null
     * @return true
     * @throws PggitException for an unknown, merged or closed request, a deleted source branch, and
     *                        (a {@link PggitException.NotPermitted}) when this role created the request or
     *                        the request names another reviewer
     */
    public boolean approveMergeRequest(java.util.UUID id, String notes) {
        return sql.one("approve merge request " + id, "SELECT pggit.approve_merge_request(?, ?)", rs -> rs.getBoolean(1), id, notes);
    }

    /**
     * Closes merge request {@code id} without merging it ({@code pggit.close_merge_request}).
     *
     * @throws PggitException for an unknown, merged or closed request, or a blank reason
     */
    public void closeMergeRequest(java.util.UUID id, String reason) {
        sql.execute("close merge request " + id, "SELECT pggit.close_merge_request(?, ?)", id, reason);
    }

    /**
     * The merge requests in flight, open or approved, oldest first ({@code pggit.open_merge_requests}),
     * with ahead and behind counts and whether each merge conflicts now (a dry run per request).
     */
    public List<io.pggit.core.model.MergeRequest> listMergeRequests() {
        return sql.list("list merge requests", "SELECT mr_id, source_branch, target_branch, title, description, reviewer, created_by, "
                + "created_at, status, approved_by, approved_at, approval_notes, approval_stale, ahead, behind, conflicts "
                + "FROM pggit.open_merge_requests ORDER BY created_at, mr_id", rs -> {
                    long ahead = rs.getLong(14);
                    boolean noCounts = rs.wasNull();
                    long behind = rs.getLong(15);
                    boolean conflicts = rs.getBoolean(16);
                    boolean noConflicts = rs.wasNull();
                    java.sql.Timestamp approvedAt = rs.getTimestamp(11);
                    return new io.pggit.core.model.MergeRequest(rs.getObject(1, java.util.UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)), rs.getString(7),
                            rs.getTimestamp(8).toInstant(), io.pggit.core.model.MergeRequest.Status.of(rs.getString(9)),
                            Optional.ofNullable(rs.getString(10)), Optional.ofNullable(approvedAt).map(java.sql.Timestamp::toInstant),
                            Optional.ofNullable(rs.getString(12)), rs.getBoolean(13),
                            noCounts ? OptionalLong.empty() : OptionalLong.of(ahead), noCounts ? OptionalLong.empty() : OptionalLong.of(behind),
                            noConflicts ? Optional.empty() : Optional.of(conflicts));
                });
    }

    /**
     * The history of HEAD, newest first, at most {@code maxCount} commits ({@code pggit.log}), each
     * with its tree and parents.
     */
    public List<Commit> log(int maxCount) {
        return sql.list("read the log", "SELECT commit_id, tree, parents, committed_at, author, origin, message, summary, "
                + "deployment_id, migration FROM pggit.log(?)", PggitSession::commit, maxCount);
    }

    /**
     * Which commit, migration, author and time last changed each column and constraint of a table, or
     * each change of another object's definition ({@code pggit.blame}: git blame --first-parent).
     *
     * @param object a key ({@code table:app.orders}) or an identity ({@code app.orders}, {@code app.f(integer)})
     * @param rev    the revision to blame at ({@code HEAD}, a branch, a commit id)
     * @throws PggitException when no such object is at {@code rev}
     */
    public List<io.pggit.core.model.Blame> blame(String object, String rev) {
        return sql.list("blame " + object, "SELECT part, object_key, commit_id, change, author, committed_at, message, tool, migration, "
                + "description, script FROM pggit.blame(?, ?)", rs -> {
                    String tool = rs.getString(8);
                    return new io.pggit.core.model.Blame(rs.getString(1), rs.getString(2),
                            Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)), Optional.ofNullable(rs.getString(5)),
                            Optional.ofNullable(rs.getObject(6, java.time.OffsetDateTime.class)), Optional.ofNullable(rs.getString(7)),
                            tool == null ? Optional.empty()
                                    : Optional.of(new io.pggit.core.model.Blame.Migration(tool, rs.getString(9), rs.getString(10), rs.getString(11))));
                }, object, rev);
    }

    /** The schema state at HEAD: branch, commit and objects per kind ({@code pggit.get_current_schema()}). */
    public io.pggit.core.model.CurrentSchema currentSchema() {
        return sql.one("read the current schema", "SELECT branch, commit_sha, tree, committed_at, author, message, coalesce(total_objects, 0), "
                + "ARRAY(SELECT e.key FROM jsonb_each_text(coalesce(object_counts, '{}')) e ORDER BY e.key), "
                + "ARRAY(SELECT e.value::bigint FROM jsonb_each_text(coalesce(object_counts, '{}')) e ORDER BY e.key) "
                + "FROM pggit.get_current_schema()", rs -> {
                    String[] kinds = (String[]) rs.getArray(8).getArray();
                    Long[] counts = (Long[]) rs.getArray(9).getArray();
                    Map<String, Long> byKind = new TreeMap<>();
                    for (int i = 0; i < kinds.length; i++) {
                        byKind.put(kinds[i], counts[i]);
                    }
                    return new io.pggit.core.model.CurrentSchema(rs.getString(1), Optional.ofNullable(rs.getString(2)),
                            Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getTimestamp(4)).map(java.sql.Timestamp::toInstant),
                            Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)), rs.getLong(7), byKind);
                });
    }

    /**
     * Every object of revision {@code rev}'s tree (null: HEAD) with the commit that added it ({@code pggit.list_objects}).
     *
     * @throws PggitException when {@code rev} names nothing
     */
    public List<io.pggit.core.model.SchemaObject> listObjects(String rev) {
        return sql.list("list the objects of " + rev, "SELECT schema_name, object_name, object_type, object_key, created_at, created_by, created_in "
                + "FROM pggit.list_objects(?)", rs -> new io.pggit.core.model.SchemaObject(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), Optional.ofNullable(rs.getTimestamp(5)).map(java.sql.Timestamp::toInstant),
                        Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7))), rev);
    }

    /**
     * A page of HEAD's history, newest first: {@code limit} commits after skipping {@code offset}
     * ({@code pggit.get_commit_history}), each as {@link #log(int)} gives it.
     */
    public List<Commit> commitHistory(int limit, int offset) {
        return sql.list("read the commit history", "SELECT c.id, c.tree, c.parents, c.committed_at, c.author, c.origin, c.message, "
                + "pggit.commit_summary(c.id), c.deployment_id, (SELECT string_agg(l.tool || ' ' || coalesce(l.migration_id, l.script), ', ' ORDER BY l.id) "
                + "FROM pggit.migration_link l WHERE l.commit_id = c.id AND l.new_commit) "
                + "FROM pggit.get_commit_history(?, ?) WITH ORDINALITY h JOIN pggit.commit c ON c.id = h.commit_sha ORDER BY h.ordinality",
                PggitSession::commit, limit, offset);
    }

    /**
     * The newest {@code limit} changes of an object, renames followed back, each with the migration
     * that made it ({@code pggit.get_object_history}); {@code schema} null: {@code name} is a key or identity.
     */
    public List<io.pggit.core.model.ObjectHistoryEntry> objectHistory(String schema, String name, int limit) {
        return sql.list("read the history of " + name, "SELECT commit_sha, change_type, author, committed_at, message, object_key, old_key, "
                + "migration_tool, migration_id, migration_description, migration_script, deployment_id FROM pggit.get_object_history(?, ?, ?)", rs -> {
                    long dep = rs.getLong(12);
                    Optional<Long> deployment = rs.wasNull() ? Optional.empty() : Optional.of(dep);
                    return new io.pggit.core.model.ObjectHistoryEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), Optional.ofNullable(rs.getString(7)),
                            Optional.ofNullable(rs.getString(8)), Optional.ofNullable(rs.getString(9)), Optional.ofNullable(rs.getString(10)),
                            Optional.ofNullable(rs.getString(11)), deployment);
                }, schema, name, limit);
    }

    /** What changed between two revisions' trees, with definitions ({@code pggit.diff_commits}; {@code newRev} null: HEAD). */
    public List<Change> diffCommits(String oldRev, String newRev) {
        return sql.list("diff " + oldRev + " " + newRev, "SELECT change_type, object_path, NULL, old_definition::text, "
                + "new_definition::text, NULL FROM pggit.diff_commits(?, ?)", PggitSession::change, oldRev, newRev);
    }

    /**
     * Kind, stored size and last change of an object at revision {@code rev} (null: HEAD), one per
     * object of that name ({@code pggit.get_object_metadata}).
     *
     * @throws PggitException when the tree there has no such object
     */
    public List<io.pggit.core.model.ObjectMetadata> objectMetadata(String schema, String name, String rev) {
        return sql.list("read the metadata of " + name, "SELECT object_type, size, last_modified_at, modified_by, object_key, definition_hash, "
                + "last_commit_sha FROM pggit.get_object_metadata(?, ?, ?)", rs -> new io.pggit.core.model.ObjectMetadata(rs.getString(1),
                        rs.getLong(2), Optional.ofNullable(rs.getTimestamp(3)).map(java.sql.Timestamp::toInstant), Optional.ofNullable(rs.getString(4)),
                        rs.getString(5), rs.getString(6), Optional.ofNullable(rs.getString(7))), schema, name, rev);
    }

    /** What one commit changed, with definitions before and after ({@code pggit.show}). */
    public List<Change> show(String rev) {
        return sql.list("show " + rev, "SELECT change, object_key, old_key, old_definition::text, new_definition::text, "
                + "detail -> 'renamed_columns' FROM pggit.show(?)", PggitSession::change, rev);
    }

    /** Differences between the trees of two revisions, with definitions ({@code pggit.diff}). */
    public List<Change> diff(String fromRev, String toRev) {
        return sql.list("diff " + fromRev + " " + toRev, "SELECT change, object_key, NULL, old_definition::text, "
                + "new_definition::text, NULL FROM pggit.diff(?, ?)", PggitSession::change, fromRev, toRev);
    }

    /**
     * Differences between the tips of branches {@code fromBranch} and {@code toBranch}
     * ({@code pggit.diff_branches}), by object key, with definitions: as {@link #diff} of the two
     * tips (A: only {@code toBranch} has it, D: only {@code fromBranch}, M: both, differently).
     *
     * @throws PggitException when a name is no branch (revisions are {@link #diff}'s)
     */
    public List<Change> diffBranches(String fromBranch, String toBranch) {
        return sql.list("diff branches " + fromBranch + " " + toBranch, "SELECT change_type, object_path, NULL, old_definition::text, "
                + "new_definition::text, NULL FROM pggit.diff_branches(?, ?)", PggitSession::change, fromBranch, toBranch);
    }

    /** Journaled but uncommitted changes ({@code pggit.status}); definitions are not included. */
    public List<Change> status() {
        return sql.list("read status", "SELECT change, object_key, old_key, NULL, NULL, detail -> 'renamed_columns' "
                + "FROM pggit.status()", PggitSession::change);
    }

    /**
     * Whether this database moved since its index was built ({@code pggit.server_moved}; reads only):
     * restored with pg_dump/pg_restore, copied as a template, or upgraded with pg_upgrade.
     */
    public ServerMove serverMoved() {
        return sql.one("check whether the database moved", "SELECT moved, recorded_at, message FROM pggit.server_moved()",
                rs -> new ServerMove(rs.getBoolean(1), Optional.ofNullable(rs.getTimestamp(2)).map(java.sql.Timestamp::toInstant),
                        rs.getString(3)));
    }

    /**
     * On a database that moved ({@link #serverMoved()}), re-maps the index by object key, records the
     * server and, on a new major version, commits the definitions it prints differently (origin
     * {@code server-upgrade}) ({@code pggit.rebaseline_after_move}); does nothing otherwise. Every
     * commit and the start of every migration run do it too.
     */
    public Rebaseline rebaselineAfterMove() {
        return sql.one("re-baseline after a server move", "SELECT moved, remapped, unmatched, changed, journal_rows_dropped, "
                + "commit_id, message FROM pggit.rebaseline_after_move()", rs -> new Rebaseline(rs.getBoolean(1), rs.getInt(2),
                rs.getInt(3), rs.getInt(4), rs.getInt(5), Optional.ofNullable(rs.getString(6)), rs.getString(7)));
    }

    /**
     * The live catalog against the tree at HEAD ({@code pggit.drift}); empty when they are equal.
     *
     * @throws PggitException on a database that moved since its index was built, saying so ({@link #serverMoved()})
     */
    public List<Change> drift() {
        return sql.list("scan for drift", "SELECT change, object_key, old_key, NULL, NULL, NULL FROM pggit.drift()", PggitSession::change);
    }

    /**
     * The end-of-run drift scan ({@code pggit.record_drift_scan}): as {@link #drift()}, one scan, and
     * its number of objects recorded on the deployment, where {@link #summary()} reads it.
     *
     * @throws PggitException when the deployment does not exist, and as {@link #drift()}
     */
    public List<Change> recordDriftScan(long deploymentId) {
        return sql.list("scan for drift", "SELECT change, object_key, old_key, NULL, NULL, NULL FROM pggit.record_drift_scan(?)",
                PggitSession::change, deploymentId);
    }

    /**
     * HEAD, the latest deployment, the last recorded drift scan, open conflicts and interrupted runs,
     * in one read without a scan ({@code pggit.summary()}; reads only, so a probe may call it as often
     * as it likes, on a hot standby too).
     */
    public Summary summary() {
        return sql.one("read the summary", "SELECT head, deployment_id, deployment_name, tool, outcome, started_at, ended_at, "
                + "drift_deployment_id, drift_scanned_at, drift_objects, open_conflicts, interrupted_deployments FROM pggit.summary()",
                rs -> {
                    long dep = rs.getLong(2);
                    Optional<Summary.Deployment> last = rs.wasNull() ? Optional.empty() : Optional.of(new Summary.Deployment(dep,
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant(),
                            Optional.ofNullable(rs.getTimestamp(7)).map(java.sql.Timestamp::toInstant)));
                    long scanDep = rs.getLong(8);
                    Optional<Summary.DriftScan> scan = rs.wasNull() ? Optional.empty()
                            : Optional.of(new Summary.DriftScan(scanDep, rs.getTimestamp(9).toInstant(), rs.getInt(10)));
                    return new Summary(Optional.ofNullable(rs.getString(1)), last, scan, rs.getLong(11), rs.getLong(12));
                });
    }

    /**
     * The object store's integrity, like {@code git fsck} ({@code pggit.fsck}): every blob, tree
     * node and commit hash recomputed, the tree nodes and definitions each commit reaches, parents,
     * branches, tags and links, and the index against HEAD's tree.
     *
     * @return one finding per problem (check {@code integrity}); empty when the store is intact
     */
    public List<Finding> fsck() {
        return sql.list("check the object store's integrity", "SELECT check_name, kind, severity, subject, message, hint, "
                + "details::text FROM pggit.fsck()", Finding::ofRow);
    }

    // ---- rows of the SQL API as model records ----

    /** {@code m} as recorded: link_id, commit_id, new_commit, summary. */
    private static MigrationLink recorded(MigrationLink m, ResultSet rs) throws SQLException {
        return m.recorded(rs.getLong(1), Optional.ofNullable(rs.getString(2)), rs.getBoolean(3), rs.getString(4));
    }

    private static Commit commit(ResultSet rs) throws SQLException {
        long dep = rs.getLong(9);
        Optional<Long> deployment = rs.wasNull() ? Optional.empty() : Optional.of(dep);
        String migrations = rs.getString(10);
        return new Commit(rs.getString(1), rs.getString(2), Arrays.asList((String[]) rs.getArray(3).getArray()),
                rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), deployment,
                migrations == null ? List.of() : Arrays.asList(migrations.split(", ")));
    }

    private static Change change(ResultSet rs) throws SQLException {
        return new Change(ChangeType.ofCode(rs.getString(1)), ObjectKey.parse(rs.getString(2)),
                Optional.ofNullable(rs.getString(3)).map(ObjectKey::parse),
                Optional.ofNullable(rs.getString(4)), Optional.ofNullable(rs.getString(5)), renames(rs.getString(6)));
    }

    /** {"old": "new", ...} as a map (pggit.change.detail -> 'renamed_columns'). */
    private static Map<String, String> renames(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            Map<String, String> m = new TreeMap<>();
            JSON.readTree(json).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new PggitException("pggit returned column renames that are not JSON: " + json, e);
        }
    }

    /** A migration as {@code pggit.record_migration} takes it. */
    private static String toJson(MigrationLink m) {
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
}
