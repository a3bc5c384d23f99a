package io.pggit.core.internal.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.PggitException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The DDL that recreates a set of objects, in dependency order, from the catalog reader's canonical
 * definitions (JSON), written by pggit's one DDL writer: {@code pggit.ddl_statements} in SQL
 * (pggit-core/src/main/sql/ddl/writer.sql; its phases are {@code pggit.ddl_phases()}), which
 * {@code pggit.get_object_definition} and {@code pggit.export_schema_snapshot} use too. Java calls it
 * through the connection of the database it works on (every database pggit exports from, compares or
 * plans on has pggit installed). What remains here are the small pieces of DDL the compare planner
 * writes for changes in place (a column, a partition index attachment, a reset of default privileges)
 * and the quoting both use.
 *
 * <p>Function bodies are not checked at creation ({@code SET check_function_bodies = off}), as
 * {@code pg_dump} does. The roles named as owners and grantees must exist where the script runs.
 * A subscription is created without connecting ({@code connect = false}) and with an empty
 * connection string: pggit never records the connection string (it holds a password).
 *
 * <p>Internal: no compatibility promise.
 */
public final class DdlWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One object of a tree: key ({@code kind:identity}), kind, schema and definition. */
    public record Item(String key, String kind, String schema, JsonNode definition) {
        public String identity() {
            return key.substring(key.indexOf(':') + 1);
        }
    }

    /** One statement and the object it belongs to (the empty key for the leading SET). */
    public record Statement(String key, String sql) {
    }

    private DdlWriter() {
    }

    /**
     * The statements that recreate {@code items} on an empty database, in dependency order, as
     * {@code pggit.ddl_statements} writes them on {@code c} (a database with pggit installed).
     */
    public static List<Statement> create(Connection c, List<Item> items) throws SQLException {
        ArrayNode objects = JSON.createArrayNode();
        for (Item i : items) {
            ObjectNode o = objects.addObject();
            o.put("key", i.key());
            o.put("kind", i.kind());
            o.put("schema", i.schema());
            o.set("definition", i.definition());
        }
        List<Statement> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT object_key, statement FROM pggit.ddl_statements(?::jsonb) ORDER BY ord")) {
            ps.setString(1, JSON.writeValueAsString(objects));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Statement(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PggitException("cannot write the definitions as JSON: " + e.getMessage(), e);
        }
        return out;
    }

    /** The whole script: one statement per line group, ending with a newline. */
    public static String script(List<Statement> statements) {
        StringBuilder sb = new StringBuilder();
        for (Statement s : statements) {
            sb.append(s.sql()).append("\n\n");
        }
        return sb.toString();
    }

    /** {@code OPTIONS (k 'v', ...)} from the catalog's {@code k=v} strings, or nothing. */
    private static String options(JsonNode options) {
        if (options.isMissingNode() || options.isEmpty()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        options.forEach(o -> {
            String kv = o.asText();
            int eq = kv.indexOf('=');
            out.add(q(kv.substring(0, eq)) + " " + lit(kv.substring(eq + 1)));
        });
        return " OPTIONS (" + String.join(", ", out) + ")";
    }

    /** The grantee of an ACL item as GRANT and REVOKE name it: PUBLIC or a quoted role. */
    private static String grantee(Acl acl) {
        return acl.grantee().isEmpty() ? "PUBLIC" : q(acl.grantee());
    }

    /** {@code ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s]} of a default-privileges definition. */
    private static String defaultPrivilegesPrefix(JsonNode d) {
        return "ALTER DEFAULT PRIVILEGES FOR ROLE " + q(d.path("role").asText())
                + (d.has("schema") ? " IN SCHEMA " + q(d.path("schema").asText()) : "");
    }

    /**
     * Statements that remove a default-privileges entry: its grants revoked and, for a
     * database-wide entry, the built-in default granted back (owner: all; PUBLIC: EXECUTE on
     * functions, USAGE on types), after which PostgreSQL deletes the entry.
     */
    public static String resetDefaultPrivileges(JsonNode d) {
        String role = q(d.path("role").asText());
        String objects = d.path("on").asText().toUpperCase(java.util.Locale.ROOT);
        String prefix = defaultPrivilegesPrefix(d);
        List<String> out = new ArrayList<>();
        d.path("acl").forEach(a -> {
            Acl acl = Acl.parse(a.asText());
            out.add(prefix + " REVOKE ALL ON " + objects + " FROM " + grantee(acl) + ";");
        });
        if (!d.has("schema")) {
            out.add(prefix + " GRANT ALL ON " + objects + " TO " + role + ";");
            if (objects.equals("FUNCTIONS")) {
                out.add(prefix + " GRANT EXECUTE ON FUNCTIONS TO PUBLIC;");
            } else if (objects.equals("TYPES")) {
                out.add(prefix + " GRANT USAGE ON TYPES TO PUBLIC;");
            }
        }
        return String.join("\n", out);
    }

    /** One column of a table definition as in CREATE TABLE and ALTER TABLE ADD COLUMN: name, type, collation, generation, identity, default, NOT NULL. */
    public static String column(JsonNode c) {
        StringBuilder sb = new StringBuilder(q(c.path("name").asText())).append(' ').append(c.path("type").asText());
        sb.append(options(c.path("options")));
        if (c.has("collation")) {
            sb.append(" COLLATE ").append(c.path("collation").asText());
        }
        if (c.has("generated")) {
            sb.append(" GENERATED ALWAYS AS (").append(c.path("generated").asText()).append(") STORED");
        }
        if (c.has("identity")) {
            sb.append(" GENERATED ").append(c.path("identity").asText().equals("always") ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY");
        }
        if (c.has("default")) {
            sb.append(" DEFAULT ").append(c.path("default").asText());
        }
        if (c.path("not_null").asBoolean(false)) {
            sb.append(" NOT NULL");
        }
        return sb.toString();
    }

    /**
     * {@code ALTER INDEX <partitioned index> ATTACH PARTITION <schema>.<index>;} for the definition of
     * a partition's index (or of the constraint that owns it) attached to a partitioned index, or
     * null when the definition has no {@code attached_to}.
     */
    public static String attachPartition(String schema, JsonNode definition) {
        return definition.has("attached_to")
                ? "ALTER INDEX " + definition.path("attached_to").asText() + " ATTACH PARTITION " + q(schema) + "."
                  + q(definition.path("name").asText()) + ";"
                : null;
    }

    /** A quoted identifier (always quoted: the same name PostgreSQL would fold to). */
    public static String q(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A string literal, escaping quotes as PostgreSQL's standard strings do. */
    public static String lit(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
