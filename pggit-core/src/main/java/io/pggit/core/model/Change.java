package io.pggit.core.model;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

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
 * @param renamedColumns for a table, view or foreign table: its columns renamed, old name to new
 *                       (followed by column number in the live catalog, pg_attribute.attnum);
 *                       empty otherwise, and for diffs between two commits
 */
public record Change(ChangeType type, ObjectKey key, Optional<ObjectKey> oldKey,
                     Optional<String> oldDefinition, Optional<String> newDefinition, Map<String, String> renamedColumns) {
    public Change {
        requireNonNull(type, "type");
        requireNonNull(key, "key");
        requireNonNull(oldKey, "oldKey");
        requireNonNull(oldDefinition, "oldDefinition");
        requireNonNull(newDefinition, "newDefinition");
        renamedColumns = Map.copyOf(requireNonNull(renamedColumns, "renamedColumns"));
    }

    /** A change without column renames. */
    public Change(ChangeType type, ObjectKey key, Optional<ObjectKey> oldKey, Optional<String> oldDefinition,
                  Optional<String> newDefinition) {
        this(type, key, oldKey, oldDefinition, newDefinition, Map.of());
    }

    /**
     * {@code A table:app.t}, {@code R index:app.t.new <- index:app.t.old}, or
     * {@code M table:app.t (column a renamed to b)}.
     */
    @Override
    public String toString() {
        String renames = renamedColumns.isEmpty() ? "" : renamedColumns.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "column " + e.getKey() + " renamed to " + e.getValue()).collect(Collectors.joining(", ", " (", ")"));
        return type.code() + " " + key + oldKey.map(k -> " <- " + k).orElse("") + renames;
    }
}
