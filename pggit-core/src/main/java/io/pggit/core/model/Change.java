package io.pggit.core.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One object's difference between two states (two commits, a commit and the live catalog, or
 * HEAD and the journal).
 *
 * @param type          added, modified, deleted or renamed
 * @param key           the object's key in the newer state (the old key for deletions)
 * @param oldKey        for renames, the key before
 * @param oldDefinition canonical JSON before (absent when added, or when not requested)
 * @param newDefinition canonical JSON after (absent when deleted, or when not requested)
 */
public record Change(ChangeType type, ObjectKey key, Optional<ObjectKey> oldKey,
                     Optional<String> oldDefinition, Optional<String> newDefinition) {
    public Change {
        requireNonNull(type, "type");
        requireNonNull(key, "key");
        requireNonNull(oldKey, "oldKey");
        requireNonNull(oldDefinition, "oldDefinition");
        requireNonNull(newDefinition, "newDefinition");
    }

    /** {@code A table:app.t}, or {@code R index:app.t.new <- index:app.t.old}. */
    @Override
    public String toString() {
        return type.code() + " " + key + oldKey.map(k -> " <- " + k).orElse("");
    }
}
