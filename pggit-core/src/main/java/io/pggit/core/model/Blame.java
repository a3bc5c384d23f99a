package io.pggit.core.model;

import java.time.OffsetDateTime;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One line of {@code pggit.blame}: a part of an object and the commit that last changed it (for a
 * routine, view or other object: one change of its definition), along the revision's first parents.
 *
 * @param part        {@code column <name>}, {@code table} (the table's own properties), {@code <kind> <name>}
 *                    for a constraint, index, trigger, policy or rule on the table, or {@code definition}
 * @param objectKey   the object the part belongs to (the table's key for columns; the child's own key otherwise)
 * @param commitId    the commit; empty when history no longer has it (purged)
 * @param change      that commit's change of {@link #objectKey}: A, M or R; empty with the commit
 * @param author      the commit's author (the session's login role)
 * @param committedAt when it was committed
 * @param message     its message
 * @param migration   the migration linked to that commit ({@code pggit.migration_link}), if any
 */
public record Blame(String part, String objectKey, Optional<String> commitId, Optional<String> change, Optional<String> author,
                    Optional<OffsetDateTime> committedAt, Optional<String> message, Optional<Migration> migration) {

    /**
     * The migration of a blamed commit.
     *
     * @param tool        {@code flyway}, {@code liquibase}, or the name given to {@code pggit.link_migration}
     * @param id          Flyway's version or Liquibase's changeset id (null for a repeatable migration)
     * @param description the migration's description
     * @param script      Flyway's script or Liquibase's changelog file, if recorded
     */
    public record Migration(String tool, String id, String description, String script) {
        public Migration {
            requireNonNull(tool, "tool");
        }

        @Override
        public String toString() {
            return tool + (id == null ? "" : " " + id) + (description == null ? "" : " " + description) + (script == null ? "" : " (" + script + ")");
        }
    }

    public Blame {
        requireNonNull(part, "part");
        requireNonNull(objectKey, "objectKey");
    }
}
