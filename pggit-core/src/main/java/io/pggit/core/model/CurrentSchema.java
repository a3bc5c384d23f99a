package io.pggit.core.model;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The schema state at HEAD, as {@code pggit.get_current_schema()} returns it.
 *
 * @param branch       the checked-out branch
 * @param commit       the commit it points at (64 hex digits); empty before the first commit
 * @param tree         that commit's root tree hash; empty before the first commit
 * @param committedAt  when that commit was written
 * @param author       its author
 * @param message      its message
 * @param totalObjects the objects of its tree (0 before the first commit)
 * @param objectCounts its objects per kind, e.g. {@code table -> 12}, sorted by kind
 */
public record CurrentSchema(String branch, Optional<String> commit, Optional<String> tree, Optional<Instant> committedAt,
                            Optional<String> author, Optional<String> message, long totalObjects, Map<String, Long> objectCounts) {
    public CurrentSchema {
        requireNonNull(branch, "branch");
        requireNonNull(commit, "commit");
        requireNonNull(tree, "tree");
        requireNonNull(committedAt, "committedAt");
        requireNonNull(author, "author");
        requireNonNull(message, "message");
        objectCounts = Map.copyOf(objectCounts);
    }
}
