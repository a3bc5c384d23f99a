package io.pggit.core.model;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One change of an object, as {@code pggit.get_object_history(schema, name, limit)} lists it (renames followed back).
 *
 * @param commit               the commit (64 hex digits)
 * @param changeType           A (added), M (modified), R (renamed from {@code oldKey}) or D (deleted)
 * @param author               the commit's author
 * @param committedAt          when it was written
 * @param message              its message
 * @param objectKey            the object's key in that commit
 * @param oldKey               for a rename, the key it had before
 * @param migrationTool        the tool of the migration that made the commit (its first link), e.g. {@code flyway}
 * @param migrationId          that migration's version or changeset id
 * @param migrationDescription its description
 * @param migrationScript      its script (Flyway) or changelog (Liquibase)
 * @param deploymentId         the commit's deployment
 */
public record ObjectHistoryEntry(String commit, String changeType, String author, Instant committedAt, String message, String objectKey,
                                 Optional<String> oldKey, Optional<String> migrationTool, Optional<String> migrationId,
                                 Optional<String> migrationDescription, Optional<String> migrationScript, Optional<Long> deploymentId) {
    public ObjectHistoryEntry {
        requireNonNull(commit, "commit");
        requireNonNull(changeType, "changeType");
        requireNonNull(committedAt, "committedAt");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(oldKey, "oldKey");
        requireNonNull(migrationTool, "migrationTool");
        requireNonNull(migrationId, "migrationId");
        requireNonNull(migrationDescription, "migrationDescription");
        requireNonNull(migrationScript, "migrationScript");
        requireNonNull(deploymentId, "deploymentId");
    }
}
