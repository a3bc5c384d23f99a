package io.pggit.core;

import io.pggit.core.check.Finding;
import io.pggit.core.internal.install.Installer;
import io.pggit.core.internal.jdbc.Sql;
import io.pggit.core.model.Change;
import io.pggit.core.model.Commit;
import io.pggit.core.model.InstallResult;
import io.pggit.core.model.UninstallResult;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * pggit over a {@link DataSource}: install, commit, log, show, diff, status, drift.
 *
 * <p>Each method borrows one connection for one call of the SQL API in schema {@code pggit} and
 * gives it back; no transaction stays open between calls. To work on a connection you own (inside
 * a migration's transaction), use {@link #on(Connection)}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Pggit pggit = Pggit.builder(dataSource).build();
 * pggit.install();
 * pggit.log(10).forEach(c -> System.out.println(c.shortId() + " " + c.message()));
 * }</pre>
 */
public final class Pggit {

    /** The SQL layer version this library needs. */
    public static final String SQL_VERSION = Installer.CURRENT;

    private final DataSource dataSource;

    private Pggit(Builder b) {
        this.dataSource = b.dataSource;
    }

    /**
     * Compares two live databases object by object and plans the DDL that would bring
     * {@code target} to {@code source} (dependents dropped first, created after what they depend
     * on). Nothing is applied. Both databases need pggit installed, at one version: its catalog
     * reader reads them.
     *
     * @return the differences (added: only in source; deleted: only in target; modified) and the plan
     * @throws PggitException.NotInstalled naming the database, when pggit is not installed in one of
     *                                     them or the two versions differ (nothing is read then)
     * @throws PggitException when a database cannot be read
     */
    public static io.pggit.core.model.Comparison compare(DataSource source, DataSource target) {
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
            return io.pggit.core.internal.compare.Compare.compare(s, t).toComparison();
        } catch (SQLException e) {
            throw Sql.failure("compare the two databases", e);
        }
    }

    /** Starts configuring pggit over {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Operations on a connection the caller owns; nothing is committed or closed for you. */
    public static PggitSession on(Connection connection) {
        return new PggitSession(requireNonNull(connection, "connection"));
    }

    /**
     * Installs pggit, or upgrades it, under an advisory lock; a no-op when already current. A
     * fresh install into a database with objects records a baseline commit of them.
     *
     * @throws PggitException.NotInstalled when the role is not a superuser
     */
    public InstallResult install() {
        return with(PggitSession::install);
    }

    /**
     * As {@link #install()}, then grants role {@code pggit_writer} to each of {@code grantTo} (the
     * migration roles: what they need to record their runs; README, "Roles").
     */
    public InstallResult install(List<String> grantTo) {
        return with(s -> s.install(List.of(), grantTo));
    }

    /**
     * As {@link #install(List)}, with messages that name the setting the roles come from as the
     * caller spells it (e.g. {@code pggit.grantTo}); see {@link PggitSession#install(List, List, String)}.
     */
    public InstallResult install(List<String> grantTo, String grantToSetting) {
        return with(s -> s.install(List.of(), grantTo, grantToSetting));
    }

    /**
     * Removes pggit from the database: its event triggers and schema {@code pggit} with all the
     * history it recorded, in one transaction under the install lock; roles stay. A later install
     * starts a new history whose baseline commit says when the earlier one was removed.
     *
     * @param confirmDatabase the name of the database, as a confirmation
     * @param cascade         also drop user objects outside schema pggit that depend on it
     * @throws PggitException without changing anything when pggit is not installed, the
     *                        confirmation does not name the database, a deployment is open, user
     *                        objects depend on pggit and {@code cascade} is false, or the role is
     *                        not a superuser
     */
    public UninstallResult uninstall(String confirmDatabase, boolean cascade) {
        return with(s -> s.uninstall(confirmDatabase, cascade));
    }

    /** The installed SQL layer version, empty when pggit is not installed. */
    public Optional<String> installedVersion() {
        return with(PggitSession::installedVersion);
    }

    /** Commits journaled changes; empty when nothing tracked changed. */
    public Optional<String> commit(String message) {
        return with(s -> s.commit(message));
    }

    /** The commit HEAD points at, empty before the first commit. */
    public Optional<String> head() {
        return with(PggitSession::head);
    }

    /** Creates a branch at {@code fromRev} (null: HEAD); see {@link PggitSession#createBranch(String, String, String)}. */
    public String createBranch(String name, String fromRev, String description) {
        return with(s -> s.createBranch(name, fromRev, description));
    }

    /** Every branch; see {@link PggitSession#listBranches()}. */
    public List<io.pggit.core.model.Branch> listBranches() {
        return with(PggitSession::listBranches);
    }

    /** Deletes a branch; see {@link PggitSession#deleteBranch(String, boolean)}. */
    public void deleteBranch(String name, boolean force) {
        with(s -> {
            s.deleteBranch(name, force);
            return null;
        });
    }

    /** Proposes a merge of one branch into another; see {@link PggitSession#createMergeRequest(String, String, String, String, String)}. */
    public io.pggit.core.model.MergeRequest.Created createMergeRequest(String sourceBranch, String targetBranch, String title,
                                                                     String description, String reviewer) {
        return with(s -> s.createMergeRequest(sourceBranch, targetBranch, title, description, reviewer));
    }

    /** Approves a merge request as this data source's login role; see {@link PggitSession#approveMergeRequest(java.util.UUID, String)}. */
    public boolean approveMergeRequest(java.util.UUID id, String notes) {
        return with(s -> s.approveMergeRequest(id, notes));
    }

    /** Closes a merge request without merging it; see {@link PggitSession#closeMergeRequest(java.util.UUID, String)}. */
    public void closeMergeRequest(java.util.UUID id, String reason) {
        with(s -> {
            s.closeMergeRequest(id, reason);
            return null;
        });
    }

    /** The merge requests in flight; see {@link PggitSession#listMergeRequests()}. */
    public List<io.pggit.core.model.MergeRequest> listMergeRequests() {
        return with(PggitSession::listMergeRequests);
    }

    /** The merge base of two revisions; see {@link PggitSession#mergeBase(String, String)}. */
    public Optional<String> mergeBase(String a, String b) {
        return with(s -> s.mergeBase(a, b));
    }

    /**
     * Checks out branch {@code branch}: its plan from HEAD's tree, and with {@code apply} the plan run
     * and HEAD moved, in one transaction (see {@link PggitSession#checkout(String, boolean, boolean)}).
     */
    public io.pggit.core.model.Checkout checkout(String branch, boolean apply, boolean allowDataLoss) {
        return with(s -> s.checkout(branch, apply, allowDataLoss));
    }

    /** The statements that turn {@code fromRev}'s schema into {@code toRev}'s; see {@link PggitSession#plan(String, String)}. */
    public io.pggit.core.model.Comparison plan(String fromRev, String toRev) {
        return with(s -> s.plan(fromRev, toRev));
    }

    /** The dry run of a merge; see {@link PggitSession#detectMergeConflicts(String, String)}. */
    public List<io.pggit.core.model.MergeConflict> detectMergeConflicts(String sourceRev, String targetRev) {
        return with(s -> s.detectMergeConflicts(sourceRev, targetRev));
    }

    /** Where a merge stands now; see {@link PggitSession#mergeStatus(long)}. */
    public Optional<io.pggit.core.model.Merge> mergeStatus(long mergeId) {
        return with(s -> s.mergeStatus(mergeId));
    }

    /** The conflicts recorded for a merge, resolved or not; see {@link PggitSession#mergeConflicts(long)}. */
    public List<io.pggit.core.model.Merge.Conflict> mergeConflicts(long mergeId) {
        return with(s -> s.mergeConflicts(mergeId));
    }

    /** Merges a revision into a branch; see {@link PggitSession#merge(String, String, String, boolean)}. */
    public io.pggit.core.model.Merge merge(String sourceRev, String target, String strategy, boolean apply) {
        return with(s -> s.merge(sourceRev, target, strategy, apply));
    }

    /** Merges, refusing data loss unless allowed; see {@link PggitSession#merge(String, String, String, boolean, boolean)}. */
    public io.pggit.core.model.Merge merge(String sourceRev, String target, String strategy, boolean apply, boolean allowDataLoss) {
        return with(s -> s.merge(sourceRev, target, strategy, apply, allowDataLoss));
    }

    /** Completes a merge, refusing data loss unless allowed; see {@link PggitSession#completeMerge(long, boolean, boolean, boolean)}. */
    public io.pggit.core.model.Merge completeMerge(long mergeId, boolean keepTargetForOpen, boolean apply, boolean allowDataLoss) {
        return with(s -> s.completeMerge(mergeId, keepTargetForOpen, apply, allowDataLoss));
    }

    /** Rolls back a merge, refusing data loss unless allowed; see {@link PggitSession#rollbackMerge(long, String, boolean, boolean)}. */
    public io.pggit.core.model.Merge rollbackMerge(long mergeId, String reason, boolean apply, boolean allowDataLoss) {
        return with(s -> s.rollbackMerge(mergeId, reason, apply, allowDataLoss));
    }

    /** Completes a merge whose conflicts are resolved; see {@link PggitSession#completeMerge(long, boolean, boolean)}. */
    public io.pggit.core.model.Merge completeMerge(long mergeId, boolean keepTargetForOpen, boolean apply) {
        return with(s -> s.completeMerge(mergeId, keepTargetForOpen, apply));
    }

    /** Resolves a merge's conflicts one way, all or none; see {@link PggitSession#resolveMergeConflicts(long, List, String, String)}. */
    public int resolveMergeConflicts(long mergeId, List<String> objectKeys, String choice, String notes) {
        return with(s -> s.resolveMergeConflicts(mergeId, objectKeys, choice, notes));
    }

    /** Resolves a merge conflict with manual DDL, tried and rolled back; see {@link PggitSession#resolveMergeConflictManually(java.util.UUID, String, String)}. */
    public String resolveMergeConflictManually(java.util.UUID conflictId, String ddl, String reason) {
        return with(s -> s.resolveMergeConflictManually(conflictId, ddl, reason));
    }

    /** Resolves the conflict of a merge on one object key with manual DDL; see {@link PggitSession#resolveMergeConflictManually(long, String, String, String)}. */
    public String resolveMergeConflictManually(long mergeId, String objectKey, String ddl, String reason) {
        return with(s -> s.resolveMergeConflictManually(mergeId, objectKey, ddl, reason));
    }

    /** Rolls back a completed merge as a new commit; see {@link PggitSession#rollbackMerge(long, String, boolean)}. */
    public io.pggit.core.model.Merge rollbackMerge(long mergeId, String reason, boolean apply) {
        return with(s -> s.rollbackMerge(mergeId, reason, apply));
    }

    /** Who and which migration last changed each part of an object; see {@link PggitSession#blame(String, String)}. */
    public List<io.pggit.core.model.Blame> blame(String object, String rev) {
        return with(s -> s.blame(object, rev));
    }

    /** The history of HEAD, newest first, at most {@code maxCount} commits. */
    public List<Commit> log(int maxCount) {
        return with(s -> s.log(maxCount));
    }

    /** The schema state at HEAD; see {@link PggitSession#currentSchema()}. */
    public io.pggit.core.model.CurrentSchema currentSchema() {
        return with(PggitSession::currentSchema);
    }

    /** The objects of a revision's tree (null: HEAD); see {@link PggitSession#listObjects(String)}. */
    public List<io.pggit.core.model.SchemaObject> listObjects(String rev) {
        return with(s -> s.listObjects(rev));
    }

    /** A page of HEAD's history; see {@link PggitSession#commitHistory(int, int)}. */
    public List<Commit> commitHistory(int limit, int offset) {
        return with(s -> s.commitHistory(limit, offset));
    }

    /** An object's changes, newest first; see {@link PggitSession#objectHistory(String, String, int)}. */
    public List<io.pggit.core.model.ObjectHistoryEntry> objectHistory(String schema, String name, int limit) {
        return with(s -> s.objectHistory(schema, name, limit));
    }

    /** What changed between two revisions; see {@link PggitSession#diffCommits(String, String)}. */
    public List<Change> diffCommits(String oldRev, String newRev) {
        return with(s -> s.diffCommits(oldRev, newRev));
    }

    /** An object's kind, size and last change; see {@link PggitSession#objectMetadata(String, String, String)}. */
    public List<io.pggit.core.model.ObjectMetadata> objectMetadata(String schema, String name, String rev) {
        return with(s -> s.objectMetadata(schema, name, rev));
    }

    /** What one commit changed; {@code rev} as in {@link PggitSession#resolve(String)}. */
    public List<Change> show(String rev) {
        return with(s -> s.show(rev));
    }

    /** Differences between the trees of two revisions. */
    public List<Change> diff(String fromRev, String toRev) {
        return with(s -> s.diff(fromRev, toRev));
    }

    /** Differences between the tips of two branches; see {@link PggitSession#diffBranches(String, String)}. */
    public List<Change> diffBranches(String fromBranch, String toBranch) {
        return with(s -> s.diffBranches(fromBranch, toBranch));
    }

    /**
     * Differences between the tree of {@code rev} and the live database: {@link #drift()}, which
     * compares with HEAD, so {@code rev} must name HEAD's commit.
     *
     * @throws PggitException when {@code rev} is not HEAD (nothing is read then)
     */
    public List<Change> diffWithLive(String rev) {
        return with(s -> {
            if (!s.head().map(h -> h.equals(s.resolve(rev))).orElse(false)) {
                throw new PggitException("a diff against the live database compares HEAD with it: " + rev
                        + " is not HEAD; name a second revision to compare two commits");
            }
            return s.drift();
        });
    }

    /** Journaled but uncommitted changes. */
    public List<Change> status() {
        return with(PggitSession::status);
    }

    /** Resolves a revision (id, unique prefix, branch, HEAD, optional ~N) to a full commit id. */
    public String resolve(String rev) {
        return with(s -> s.resolve(rev));
    }

    /** Records all current drift as one commit of origin drift ({@code pggit.adopt}); empty when there is none. */
    public Optional<String> adopt(String message) {
        return with(s -> s.adopt(message));
    }

    /** Exports the schema at {@code rev} into {@code dir} (see {@link PggitSession#export}). */
    public List<java.nio.file.Path> export(String rev, java.nio.file.Path dir) {
        return with(s -> s.export(rev, dir));
    }

    /** Whether this database moved since its index was built (see {@link PggitSession#serverMoved()}). */
    public io.pggit.core.model.ServerMove serverMoved() {
        return with(PggitSession::serverMoved);
    }

    /** Re-baselines a database that moved (see {@link PggitSession#rebaselineAfterMove()}). */
    public io.pggit.core.model.Rebaseline rebaselineAfterMove() {
        return with(PggitSession::rebaselineAfterMove);
    }

    /** The whole live catalog compared with HEAD; empty when equal. */
    public List<Change> drift() {
        return with(PggitSession::drift);
    }

    /**
     * HEAD, the latest deployment, the last recorded drift scan, open conflicts and interrupted runs,
     * read without a scan (see {@link PggitSession#summary()}).
     */
    public io.pggit.core.model.Summary summary() {
        return with(PggitSession::summary);
    }

    /** The object store's integrity ({@code pggit.fsck}, see {@link PggitSession#fsck()}); empty when intact. */
    public List<Finding> fsck() {
        return with(PggitSession::fsck);
    }

    private <T> T with(Function<PggitSession, T> call) {
        try (Connection c = dataSource.getConnection()) {
            return call.apply(new PggitSession(c));
        } catch (SQLException e) {
            throw Sql.failure("connect", e);
        }
    }

    /** Options for {@link Pggit}; {@link #build()} gives an immutable instance. */
    public static final class Builder {
        private final DataSource dataSource;

        private Builder(DataSource dataSource) {
            this.dataSource = requireNonNull(dataSource, "dataSource");
        }

        public Pggit build() {
            return new Pggit(this);
        }
    }
}
