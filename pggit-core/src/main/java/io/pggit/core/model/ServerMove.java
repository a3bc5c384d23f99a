package io.pggit.core.model;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Whether the database moved since its index was built ({@code pggit.server_moved}): restored with
 * pg_dump/pg_restore into another database or cluster, copied with {@code CREATE DATABASE ...
 * TEMPLATE}, or upgraded with pg_upgrade. Objects keep their keys there but not all their OIDs, so
 * the index is re-mapped by object key before pggit compares the catalog again
 * ({@link Rebaseline}).
 *
 * @param moved      whether the system identifier, the database OID or the major version differs
 *                   from the recorded server's
 * @param recordedAt when the server the index is built on was recorded; empty when not yet
 * @param message    what moved (from which server to which) and what to run, or that nothing did
 */
public record ServerMove(boolean moved, Optional<Instant> recordedAt, String message) {
    public ServerMove {
        requireNonNull(recordedAt, "recordedAt");
        requireNonNull(message, "message");
    }
}
