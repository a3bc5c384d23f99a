package io.pggit.core.model;

import static java.util.Objects.requireNonNull;

/**
 * The stable identity of a versioned object: its kind and its identity, written {@code kind:identity}.
 *
 * <p>Identities quote names as PostgreSQL does ({@code quote_ident}): {@code table:command.tb_meter},
 * {@code table:command."Meter Readings"}, {@code function:app.process_meter(uuid, jsonb)} (identity
 * argument types from {@code oidvectortypes(pg_proc.proargtypes)}, so overloads are distinct),
 * {@code index:command.tb_meter.idx_meter_time} (children carry their table). Keys never contain OIDs.
 *
 * @param kind     one of the {@link ObjectKind}s the catalog reader produces
 * @param identity the qualified name as above
 */
public record ObjectKey(ObjectKind kind, String identity) {
    public ObjectKey {
        requireNonNull(kind, "kind");
        requireNonNull(identity, "identity");
    }

    /**
     * Parses {@code kind:identity}.
     *
     * @throws IllegalArgumentException when there is no {@code :}, or the kind is not an {@link ObjectKind}
     */
    public static ObjectKey parse(String key) {
        int colon = key.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("object key must look like kind:identity, e.g. table:app.t, but was \"" + key + "\"");
        }
        return new ObjectKey(ObjectKind.ofSqlName(key.substring(0, colon)), key.substring(colon + 1));
    }

    @Override
    public String toString() {
        return kind.sqlName() + ":" + identity;
    }
}
