package io.pggit.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A commit: a tree of the tracked catalog plus parents and metadata. Its id is the hex SHA-256 of
 * tree, parents, author, time, origin and message (deterministic, never random).
 *
 * @param id           64 hex digits
 * @param tree         the hash of its root tree node (64 hex digits): equal trees, equal schema states
 * @param parents      the ids of its parent commits, first parent first; empty for a root commit
 *                     (the baseline, or the oldest commit kept by a purge), two for a merge
 * @param committedAt  when it was written
 * @param author       the database role (or the author a tool gave)
 * @param origin       baseline, migration, deployment, manual, drift, rollback or server-upgrade
 * @param message      the commit message
 * @param summary      counts by kind, e.g. {@code +2 tables, ~1 function}
 * @param deploymentId the deployment it belongs to, if any
 * @param migrations   the migrations that produced it, e.g. {@code flyway 3}
 */
public record Commit(String id, String tree, List<String> parents, Instant committedAt, String author, String origin, String message, String summary,
                     Optional<Long> deploymentId, List<String> migrations) {
    public Commit {
        requireNonNull(id, "id");
        requireNonNull(tree, "tree");
        parents = List.copyOf(parents);
        requireNonNull(committedAt, "committedAt");
        requireNonNull(deploymentId, "deploymentId");
        migrations = List.copyOf(migrations);
    }

    /** The first 7 hex digits, as git abbreviates. */
    public String shortId() {
        return id.substring(0, Math.min(7, id.length()));
    }
}
