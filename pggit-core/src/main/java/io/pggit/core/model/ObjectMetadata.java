package io.pggit.core.model;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Metadata of an object at a commit, as {@code pggit.get_object_metadata(schema, name, commit)} returns it.
 *
 * @param objectType     its kind, e.g. {@code table}
 * @param size           bytes of its stored definition (the canonical JSON text its hash is over)
 * @param lastModifiedAt when the commit that gave it this definition was written
 * @param modifiedBy     that commit's author
 * @param objectKey      its key, e.g. {@code table:app.meter}
 * @param definitionHash its definition's hash (64 hex digits)
 * @param lastCommit     the commit that gave it this definition (64 hex digits); the three empty when no change row gave it
 */
public record ObjectMetadata(String objectType, long size, Optional<Instant> lastModifiedAt, Optional<String> modifiedBy, String objectKey,
                             String definitionHash, Optional<String> lastCommit) {
    public ObjectMetadata {
        requireNonNull(objectType, "objectType");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(definitionHash, "definitionHash");
        requireNonNull(lastModifiedAt, "lastModifiedAt");
        requireNonNull(modifiedBy, "modifiedBy");
        requireNonNull(lastCommit, "lastCommit");
    }
}
