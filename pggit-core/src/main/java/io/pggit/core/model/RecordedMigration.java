package io.pggit.core.model;

import java.util.Optional;

/**
 * What recording one migration produced.
 *
 * @param linkId    id of the row in {@code pggit.migration_link}
 * @param commitId  the commit it is linked to: new, or HEAD when it changed nothing tracked;
 *                  empty for failed migrations, or when nothing was ever committed
 * @param newCommit whether this migration produced {@code commitId}
 * @param summary   counts by kind ({@code +2 tables, ~1 function}) or {@code no tracked changes}
 */
public record RecordedMigration(long linkId, Optional<String> commitId, boolean newCommit, String summary) {
}
