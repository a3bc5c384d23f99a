package io.pggit.core.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One migration (Flyway) or changeset (Liquibase) as its tool describes it, to be linked to the
 * commit it produced. Stored in {@code pggit.migration_link}.
 *
 * @param tool        {@code flyway} or {@code liquibase}
 * @param migrationId Flyway version (empty for repeatable migrations) or Liquibase changeset id
 * @param type        the tool's migration type, e.g. {@code SQL}, {@code JDBC}; may be null
 * @param description the tool's description or comment; may be null
 * @param script      Flyway script name, or the Liquibase changelog file path
 * @param checksum    as the tool stores it in its history table ({@code flyway_schema_history.checksum},
 *                    {@code databasechangelog.md5sum})
 * @param author      Liquibase changeset author
 * @param contexts    Liquibase contexts expression
 * @param labels      Liquibase labels expression
 * @param execType    Liquibase exec type (EXECUTED, RERAN, MARK_RAN, FAILED)
 */
public record MigrationRecord(String tool, Optional<String> migrationId, String type, String description, String script,
                              Optional<String> checksum, Optional<String> author, Optional<String> contexts,
                              Optional<String> labels, Optional<String> execType) {
    public MigrationRecord {
        requireNonNull(tool, "tool");
        requireNonNull(migrationId, "migrationId");
        requireNonNull(checksum, "checksum");
        requireNonNull(author, "author");
        requireNonNull(contexts, "contexts");
        requireNonNull(labels, "labels");
        requireNonNull(execType, "execType");
    }

    /** A Flyway migration: version empty for repeatable ones. */
    public static MigrationRecord flyway(Optional<String> version, String type, String description, String script,
                                         Optional<String> checksum) {
        return new MigrationRecord("flyway", version, type, description, script, checksum,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A Liquibase changeset. */
    public static MigrationRecord liquibase(String id, String author, String changelog, String description, String checksum,
                                            String contexts, String labels, String execType) {
        return new MigrationRecord("liquibase", Optional.of(id), null, description, changelog, Optional.ofNullable(checksum),
                Optional.ofNullable(author), Optional.ofNullable(contexts), Optional.ofNullable(labels),
                Optional.ofNullable(execType));
    }

    /** A copy with another exec type. */
    public MigrationRecord withExecType(String newExecType) {
        return new MigrationRecord(tool, migrationId, type, description, script, checksum, author, contexts, labels,
                Optional.ofNullable(newExecType));
    }

    /**
     * How build logs name it: {@code V3 add meter readings} or {@code R refresh views} for Flyway,
     * {@code 42::alice (changelog.xml)} for Liquibase.
     */
    public String label() {
        if (tool.equals("liquibase")) {
            return migrationId.orElse("?") + author.map(a -> "::" + a).orElse("") + (script == null ? "" : " (" + script + ")");
        }
        String head = migrationId.map(v -> "V" + v).orElse("R");
        return description == null || description.isBlank() ? head : head + " " + description;
    }
}
