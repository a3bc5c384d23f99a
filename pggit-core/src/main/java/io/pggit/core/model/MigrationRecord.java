package io.pggit.core.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One migration as a migration tool describes it, to be linked to the commit it produced.
 *
 * @param tool        {@code flyway} or {@code liquibase}
 * @param migrationId Flyway version (empty for repeatable migrations) or Liquibase changeset id
 * @param type        the tool's migration type, e.g. {@code SQL}, {@code JDBC}
 * @param description the tool's description
 * @param script      script name or changelog path
 * @param checksum    as the tool stores it in its history table
 */
public record MigrationRecord(String tool, Optional<String> migrationId, String type, String description,
                              String script, Optional<String> checksum) {
    public MigrationRecord {
        requireNonNull(tool, "tool");
        requireNonNull(migrationId, "migrationId");
        requireNonNull(checksum, "checksum");
    }

    /** {@code V3 add meter readings} / {@code R refresh views}: how build logs name it. */
    public String label() {
        String head = migrationId.map(v -> "V" + v).orElse("R");
        return description == null || description.isBlank() ? head : head + " " + description;
    }
}
