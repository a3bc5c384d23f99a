package io.pggit.core.model;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One object of a commit's tree, as {@code pggit.list_objects(commit)} lists it.
 *
 * @param schemaName the schema it lives in
 * @param objectName its identity without the schema, e.g. {@code meter}, {@code meter.meter_pkey}, {@code latest(integer)}
 * @param objectType its kind, e.g. {@code table}
 * @param objectKey  its key, e.g. {@code table:app.meter}
 * @param createdAt  when the commit that added it (under this key, or renamed it to it) was written; empty when no change row says
 * @param createdBy  that commit's author; empty likewise
 * @param createdIn  that commit (64 hex digits); empty likewise
 */
public record SchemaObject(String schemaName, String objectName, String objectType, String objectKey, Optional<Instant> createdAt,
                           Optional<String> createdBy, Optional<String> createdIn) {
    public SchemaObject {
        requireNonNull(schemaName, "schemaName");
        requireNonNull(objectName, "objectName");
        requireNonNull(objectType, "objectType");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(createdBy, "createdBy");
        requireNonNull(createdIn, "createdIn");
    }
}
