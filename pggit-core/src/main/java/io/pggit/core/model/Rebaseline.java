package io.pggit.core.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What {@code pggit.rebaseline_after_move} did on a database that moved ({@link ServerMove}).
 *
 * @param moved              whether the database had moved (false: nothing was done, or the server
 *                           was recorded for the first time)
 * @param remapped           index entries given the live address of their object key
 * @param unmatched          index entries whose key this database does not have (they show as drift)
 * @param changedDefinitions definitions the new major version prints differently, recorded in
 *                           {@code commitId}
 * @param journalRowsDropped journal rows whose address named an object of the old server
 * @param commitId           the commit of origin {@code server-upgrade}, when a definition changed
 * @param message            what was done, as pggit logs it
 */
public record Rebaseline(boolean moved, int remapped, int unmatched, int changedDefinitions, int journalRowsDropped,
                         Optional<String> commitId, String message) {
    public Rebaseline {
        requireNonNull(commitId, "commitId");
        requireNonNull(message, "message");
    }
}
