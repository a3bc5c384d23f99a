package io.pggit.core.model;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kinds of catalog object pggit versions, as the catalog reader ({@code pggit.read_catalog})
 * names them in object keys and trees ({@code docs/catalog-coverage.md} lists what the tests prove
 * for each). Owner, comment and privileges are parts of their object, not kinds.
 */
public enum ObjectKind {
    SCHEMA("schema"),
    EXTENSION("extension"),
    COLLATION("collation"),
    /** Enum, composite and range types. */
    TYPE("type"),
    DOMAIN("domain"),
    SEQUENCE("sequence"),
    FUNCTION("function"),
    PROCEDURE("procedure"),
    AGGREGATE("aggregate"),
    /** Tables, including partitioned tables and partitions. */
    TABLE("table"),
    FOREIGN_TABLE("foreign_table"),
    /** Primary key, unique, foreign key, check and exclusion constraints; a child of its table. */
    CONSTRAINT("constraint"),
    /** A child of its table; an index a constraint owns is part of the constraint. */
    INDEX("index"),
    VIEW("view"),
    MATERIALIZED_VIEW("materialized_view"),
    /** A child of its table. */
    TRIGGER("trigger"),
    /** A child of its table. */
    RULE("rule"),
    /** A row-level security policy, a child of its table. */
    POLICY("policy"),
    /**
     * An extended statistics object ({@code CREATE STATISTICS}, {@code pg_statistic_ext}), a child of
     * its table that lives in a schema of its own; its statistics target is part of it.
     */
    STATISTICS("statistics"),
    EVENT_TRIGGER("event_trigger"),
    PUBLICATION("publication"),
    SUBSCRIPTION("subscription"),
    FOREIGN_DATA_WRAPPER("foreign_data_wrapper"),
    SERVER("server"),
    USER_MAPPING("user_mapping"),
    /** {@code ALTER DEFAULT PRIVILEGES} entries, per role, schema (or the whole database) and object type. */
    DEFAULT_PRIVILEGES("default_privileges");

    private static final Map<String, ObjectKind> BY_SQL_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ObjectKind::sqlName, Function.identity()));

    private final String sqlName;

    ObjectKind(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The name in keys, trees and the SQL API, e.g. {@code materialized_view}. */
    public String sqlName() {
        return sqlName;
    }

    /** The name in words, as commit summaries write it, e.g. {@code materialized view}. */
    public String label() {
        return sqlName.replace('_', ' ');
    }

    /**
     * The kind of this SQL name.
     *
     * @throws IllegalArgumentException naming the unknown kind and the known ones
     */
    public static ObjectKind ofSqlName(String sqlName) {
        ObjectKind k = BY_SQL_NAME.get(sqlName);
        if (k == null) {
            throw new IllegalArgumentException("unknown object kind \"" + sqlName + "\" (known: "
                    + Arrays.stream(values()).map(ObjectKind::sqlName).collect(Collectors.joining(", ")) + ")");
        }
        return k;
    }

    /** {@link #sqlName()}. */
    @Override
    public String toString() {
        return sqlName;
    }
}
