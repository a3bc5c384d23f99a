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

    /**
     * Splits a comma-separated list of object keys as a user types them on a command line
     * ({@code table:app.t,function:app.f(integer, text)}): at the commas outside parentheses and
     * double quotes, each key trimmed, empty ones left out. The keys are not checked.
     *
     * @return the keys in order; empty for null or blank text
     */
    public static java.util.List<String> splitList(String keys) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (keys == null) {
            return out;
        }
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= keys.length(); i++) {
            char c = i < keys.length() ? keys.charAt(i) : ',';
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ',' && (i == keys.length() || (!quoted && depth == 0))) {
                String key = keys.substring(start, i).trim();
                if (!key.isEmpty()) {
                    out.add(key);
                }
                start = i + 1;
            }
        }
        return java.util.List.copyOf(out);
    }

    @Override
    public String toString() {
        return kind.sqlName() + ":" + identity;
    }
}
