package io.pggit.core.model;

import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * A migration link: one migration (Flyway) or changeset (Liquibase) as its tool describes it and,
 * once pggit has recorded it, the commit it produced. Stored in {@code pggit.migration_link}.
 *
 * <p>The integrations build it with {@link #flyway} or {@link #liquibase} (not yet recorded:
 * {@link #linkId()} empty); recording it ({@code PggitSession.recordMigration}) returns the same
 * link with its id, commit and summary ({@link #recorded}).
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
 * @param linkId      id of the row in {@code pggit.migration_link}; empty until recorded
 * @param commitId    the commit it is linked to: new, or HEAD when it changed nothing tracked;
 *                    empty until recorded, for failed migrations, or when nothing was ever committed
 * @param newCommit   whether this migration produced {@code commitId}
 * @param summary     counts by kind ({@code +2 tables, ~1 function}) or {@code no tracked changes};
 *                    empty until recorded
 */
public record MigrationLink(String tool, Optional<String> migrationId, String type, String description, String script,
                            Optional<String> checksum, Optional<String> author, Optional<String> contexts,
                            Optional<String> labels, Optional<String> execType,
                            OptionalLong linkId, Optional<String> commitId, boolean newCommit, Optional<String> summary) {
    public MigrationLink {
        requireNonNull(tool, "tool");
        requireNonNull(migrationId, "migrationId");
        requireNonNull(checksum, "checksum");
        requireNonNull(author, "author");
        requireNonNull(contexts, "contexts");
        requireNonNull(labels, "labels");
        requireNonNull(execType, "execType");
        requireNonNull(linkId, "linkId");
        requireNonNull(commitId, "commitId");
        requireNonNull(summary, "summary");
    }

    /** A Flyway migration, not yet recorded: version empty for repeatable ones. */
    public static MigrationLink flyway(Optional<String> version, String type, String description, String script,
                                       Optional<String> checksum) {
        return new MigrationLink("flyway", version, type, description, script, checksum,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.empty(), Optional.empty(), false, Optional.empty());
    }

    /** A Liquibase changeset, not yet recorded. */
    public static MigrationLink liquibase(String id, String author, String changelog, String description, String checksum,
                                          String contexts, String labels, String execType) {
        return new MigrationLink("liquibase", Optional.of(id), null, description, changelog, Optional.ofNullable(checksum),
                Optional.ofNullable(author), Optional.ofNullable(contexts), Optional.ofNullable(labels),
                Optional.ofNullable(execType), OptionalLong.empty(), Optional.empty(), false, Optional.empty());
    }

    /** A copy with another exec type. */
    public MigrationLink withExecType(String newExecType) {
        return new MigrationLink(tool, migrationId, type, description, script, checksum, author, contexts, labels,
                Optional.ofNullable(newExecType), linkId, commitId, newCommit, summary);
    }

    /** This migration as pggit recorded it: its link row, the commit it is linked to, the summary. */
    public MigrationLink recorded(long newLinkId, Optional<String> linkedCommit, boolean producedCommit, String commitSummary) {
        return new MigrationLink(tool, migrationId, type, description, script, checksum, author, contexts, labels, execType,
                OptionalLong.of(newLinkId), linkedCommit, producedCommit, Optional.ofNullable(commitSummary));
    }

    /** Whether pggit has recorded it ({@link #linkId()} is present). */
    public boolean isRecorded() {
        return linkId.isPresent();
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
