package io.pggit.core.internal.ddl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DDL that recreates a tree, in dependency order, from the catalog reader's canonical
 * definitions (JSON): schemas, extensions, enum and range types, composite types, domains,
 * sequences, functions that use no table type, tables (inheritance and partition parents first),
 * sequence ownership, functions that do, primary/unique/check/exclusion constraints, indexes,
 * foreign keys (after every table, so mutual references need no special case), views (one before
 * another whose query names it), materialized views and their indexes, triggers, then comments.
 *
 * <p>Function bodies are not checked at creation ({@code SET check_function_bodies = off}), as
 * {@code pg_dump} does. Owners and privileges are not written yet: a script recreates the schema
 * as the role that runs it.
 *
 * <p>Internal: no compatibility promise.
 */
public final class DdlWriter {

    /** One object of a tree: key ({@code kind:identity}), kind, schema and definition. */
    public record Item(String key, String kind, String schema, JsonNode definition) {
        String identity() {
            return key.substring(key.indexOf(':') + 1);
        }
    }

    /** One statement and the object it belongs to. */
    public record Statement(String key, String sql) {
    }

    private DdlWriter() {
    }

    /** The statements that recreate {@code items} on an empty database, in dependency order. */
    public static List<Statement> create(List<Item> items) {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(Item::key));
        Map<String, List<Statement>> phases = new LinkedHashMap<>();
        for (String p : List.of("settings", "schema", "extension", "type", "composite", "domain", "sequence", "function",
                "table", "owned", "function_late", "constraint", "index", "foreign_key", "view", "materialized_view",
                "matview_index", "trigger", "comment")) {
            phases.put(p, new ArrayList<>());
        }
        phases.get("settings").add(new Statement("", "SET check_function_bodies = off;"));
        List<String> tableTypes = sorted.stream().filter(i -> i.kind().equals("table")).map(Item::identity).toList();
        List<String> matviews = sorted.stream().filter(i -> i.kind().equals("materialized_view")).map(Item::identity).toList();
        for (Item i : sorted) {
            JsonNode d = i.definition();
            switch (i.kind()) {
                case "schema" -> phases.get("schema").add(st(i, "CREATE SCHEMA IF NOT EXISTS " + q(d.path("name").asText()) + ";"));
                case "extension" -> phases.get("extension").add(st(i, "CREATE EXTENSION IF NOT EXISTS " + q(d.path("name").asText())
                        + " WITH SCHEMA " + q(d.path("schema").asText()) + " VERSION " + lit(d.path("version").asText()) + ";"));
                case "type" -> type(i, phases);
                case "domain" -> phases.get("domain").add(st(i, domain(i)));
                case "sequence" -> sequence(i, phases);
                case "function", "procedure", "aggregate" -> routine(i, tableTypes, phases);
                case "table" -> phases.get("table").add(st(i, table(i)));
                case "constraint" -> phases.get(d.path("type").asText().equals("foreign key") ? "foreign_key" : "constraint")
                        .add(st(i, "ALTER TABLE " + d.path("table").asText() + " ADD CONSTRAINT " + q(d.path("name").asText()) + " "
                                + d.path("definition").asText() + ";"));
                case "index" -> phases.get(matviews.contains(d.path("table").asText()) ? "matview_index" : "index")
                        .add(st(i, d.path("definition").asText() + ";"));
                case "view" -> phases.get("view").add(st(i, "CREATE VIEW " + i.identity() + " AS\n" + stripSemicolon(d.path("query").asText()) + ";"));
                case "materialized_view" -> phases.get("materialized_view").add(st(i, "CREATE MATERIALIZED VIEW " + i.identity() + " AS\n"
                        + stripSemicolon(d.path("query").asText()) + ";"));
                case "trigger" -> {
                    phases.get("trigger").add(st(i, d.path("definition").asText() + ";"));
                    if (d.has("enabled")) {
                        String how = switch (d.path("enabled").asText()) {
                            case "disabled" -> "DISABLE TRIGGER ";
                            case "replica" -> "ENABLE REPLICA TRIGGER ";
                            default -> "ENABLE ALWAYS TRIGGER ";
                        };
                        phases.get("trigger").add(st(i, "ALTER TABLE " + d.path("table").asText() + " " + how + q(d.path("name").asText()) + ";"));
                    }
                }
                default -> throw new IllegalArgumentException("no DDL for objects of kind " + i.kind() + " (" + i.key() + ")");
            }
            comments(i, phases.get("comment"));
        }
        orderParentsFirst(phases.get("table"), sorted);
        orderByReference(phases.get("function"));
        orderByReference(phases.get("function_late"));
        orderByReference(phases.get("view"));
        orderByReference(phases.get("materialized_view"));
        List<Statement> out = new ArrayList<>();
        phases.values().forEach(out::addAll);
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

    private static void type(Item i, Map<String, List<Statement>> phases) {
        JsonNode d = i.definition();
        switch (d.path("type").asText()) {
            case "enum" -> {
                List<String> labels = new ArrayList<>();
                d.path("labels").forEach(l -> labels.add(lit(l.asText())));
                phases.get("type").add(st(i, "CREATE TYPE " + i.identity() + " AS ENUM (" + String.join(", ", labels) + ");"));
            }
            case "range" -> phases.get("type").add(st(i, "CREATE TYPE " + i.identity() + " AS RANGE (SUBTYPE = " + d.path("subtype").asText() + ");"));
            case "composite" -> {
                List<String> attrs = new ArrayList<>();
                d.path("attributes").forEach(a -> attrs.add(q(a.path("name").asText()) + " " + a.path("type").asText()));
                phases.get("composite").add(st(i, "CREATE TYPE " + i.identity() + " AS (" + String.join(", ", attrs) + ");"));
            }
            default -> throw new IllegalArgumentException("no DDL for type " + i.key());
        }
    }

    private static String domain(Item i) {
        JsonNode d = i.definition();
        StringBuilder sb = new StringBuilder("CREATE DOMAIN " + i.identity() + " AS " + d.path("base_type").asText());
        if (d.has("default")) {
            sb.append(" DEFAULT ").append(d.path("default").asText());
        }
        if (d.path("not_null").asBoolean(false)) {
            sb.append(" NOT NULL");
        }
        d.path("constraints").forEach(c -> sb.append(" CONSTRAINT ").append(q(c.path("name").asText())).append(' ')
                .append(c.path("definition").asText()));
        return sb.append(';').toString();
    }

    private static void sequence(Item i, Map<String, List<Statement>> phases) {
        JsonNode d = i.definition();
        phases.get("sequence").add(st(i, "CREATE " + (d.path("unlogged").asBoolean(false) ? "UNLOGGED " : "") + "SEQUENCE " + i.identity()
                + " AS " + d.path("type").asText() + " INCREMENT BY " + d.path("increment").asText() + " MINVALUE " + d.path("min").asText()
                + " MAXVALUE " + d.path("max").asText() + " START WITH " + d.path("start").asText() + " CACHE " + d.path("cache").asText()
                + (d.path("cycle").asBoolean(false) ? " CYCLE" : " NO CYCLE") + ";"));
        if (d.has("owned_by")) {
            phases.get("owned").add(st(i, "ALTER SEQUENCE " + i.identity() + " OWNED BY " + d.path("owned_by").asText() + ";"));
        }
    }

    private static void routine(Item i, List<String> tableTypes, Map<String, List<Statement>> phases) {
        JsonNode d = i.definition();
        String sql;
        if (i.kind().equals("aggregate")) {
            JsonNode a = d.path("aggregate");
            StringBuilder sb = new StringBuilder("CREATE AGGREGATE " + q(d.path("schema").asText()) + "." + q(d.path("name").asText())
                    + "(" + d.path("arguments").asText() + ") (SFUNC = " + a.path("sfunc").asText() + ", STYPE = " + a.path("stype").asText());
            if (a.has("finalfunc")) {
                sb.append(", FINALFUNC = ").append(a.path("finalfunc").asText());
            }
            if (a.has("combinefunc")) {
                sb.append(", COMBINEFUNC = ").append(a.path("combinefunc").asText());
            }
            if (a.has("initcond")) {
                sb.append(", INITCOND = ").append(lit(a.path("initcond").asText()));
            }
            sql = sb.append(");").toString();
        } else {
            sql = d.path("definition").asText().stripTrailing() + ";";
        }
        String signature = d.path("arguments").asText() + " " + d.path("returns").asText();
        boolean usesTable = tableTypes.stream().anyMatch(signature::contains);
        phases.get(usesTable ? "function_late" : "function").add(st(i, sql));
    }

    private static String table(Item i) {
        JsonNode d = i.definition();
        StringBuilder sb = new StringBuilder("CREATE ");
        if (d.path("unlogged").asBoolean(false)) {
            sb.append("UNLOGGED ");
        }
        sb.append("TABLE ").append(i.identity());
        if (d.has("partition_of")) {
            sb.append(" PARTITION OF ").append(d.path("partition_of").asText()).append(' ').append(d.path("partition_bound").asText());
        } else {
            List<String> cols = new ArrayList<>();
            d.path("columns").forEach(c -> cols.add(column(c)));
            sb.append(" (\n    ").append(String.join(",\n    ", cols)).append("\n)");
            if (d.has("inherits")) {
                List<String> parents = new ArrayList<>();
                d.path("inherits").forEach(p -> parents.add(p.asText()));
                sb.append(" INHERITS (").append(String.join(", ", parents)).append(')');
            }
        }
        if (d.has("partition_key")) {
            sb.append(" PARTITION BY ").append(d.path("partition_key").asText());
        }
        if (d.has("options")) {
            List<String> opts = new ArrayList<>();
            d.path("options").forEach(o -> opts.add(o.asText()));
            sb.append(" WITH (").append(String.join(", ", opts)).append(')');
        }
        sb.append(';');
        if (d.path("row_security").asBoolean(false)) {
            sb.append("\nALTER TABLE ").append(i.identity()).append(" ENABLE ROW LEVEL SECURITY;");
        }
        if (d.path("force_row_security").asBoolean(false)) {
            sb.append("\nALTER TABLE ").append(i.identity()).append(" FORCE ROW LEVEL SECURITY;");
        }
        return sb.toString();
    }

    /** One column of a table definition as in CREATE TABLE and ALTER TABLE ADD COLUMN: name, type, collation, generation, identity, default, NOT NULL. */
    public static String column(JsonNode c) {
        StringBuilder sb = new StringBuilder(q(c.path("name").asText())).append(' ').append(c.path("type").asText());
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

    private static void comments(Item i, List<Statement> out) {
        JsonNode d = i.definition();
        String target = switch (i.kind()) {
            case "schema" -> "SCHEMA " + q(d.path("name").asText());
            case "extension" -> "EXTENSION " + q(d.path("name").asText());
            case "table" -> "TABLE " + i.identity();
            case "view" -> "VIEW " + i.identity();
            case "materialized_view" -> "MATERIALIZED VIEW " + i.identity();
            case "sequence" -> "SEQUENCE " + i.identity();
            case "index" -> "INDEX " + d.path("table").asText().replaceAll("\\.[^.]*$", "") + "." + q(d.path("name").asText());
            case "constraint" -> "CONSTRAINT " + q(d.path("name").asText()) + " ON " + d.path("table").asText();
            case "trigger" -> "TRIGGER " + q(d.path("name").asText()) + " ON " + d.path("table").asText();
            case "function" -> "FUNCTION " + i.identity();
            case "procedure" -> "PROCEDURE " + i.identity();
            case "aggregate" -> "AGGREGATE " + i.identity();
            case "type" -> "TYPE " + i.identity();
            case "domain" -> "DOMAIN " + i.identity();
            default -> null;
        };
        if (target != null && d.has("comment")) {
            out.add(st(i, "COMMENT ON " + target + " IS " + lit(d.path("comment").asText()) + ";"));
        }
        if (i.kind().equals("table")) {
            d.path("columns").forEach(c -> {
                if (c.has("comment")) {
                    out.add(st(i, "COMMENT ON COLUMN " + i.identity() + "." + q(c.path("name").asText()) + " IS "
                            + lit(c.path("comment").asText()) + ";"));
                }
            });
        }
    }

    /** Inheritance and partition parents before their children (stable otherwise). */
    private static void orderParentsFirst(List<Statement> tables, List<Item> items) {
        Map<String, List<String>> parents = new LinkedHashMap<>();
        for (Item i : items) {
            if (i.kind().equals("table")) {
                List<String> ps = new ArrayList<>();
                if (i.definition().has("partition_of")) {
                    ps.add(i.definition().path("partition_of").asText());
                }
                i.definition().path("inherits").forEach(p -> ps.add(p.asText()));
                parents.put(i.identity(), ps);
            }
        }
        tables.sort(Comparator.comparingInt(t -> depth(t.key().substring(t.key().indexOf(':') + 1), parents, 0)));
    }

    private static int depth(String table, Map<String, List<String>> parents, int guard) {
        int d = 0;
        if (guard < 100) {
            for (String p : parents.getOrDefault(table, List.of())) {
                d = Math.max(d, 1 + depth(p, parents, guard + 1));
            }
        }
        return d;
    }

    /** Views (routines) that name another view (routine) come after it (stable otherwise). */
    private static void orderByReference(List<Statement> views) {
        List<Statement> pending = new ArrayList<>(views);
        List<Statement> ordered = new ArrayList<>();
        while (!pending.isEmpty()) {
            Statement next = pending.stream()
                    .filter(v -> pending.stream().noneMatch(o -> o != v && mentions(v.sql(), o.key())))
                    .findFirst().orElse(pending.get(0));   // a cycle cannot happen between views; keep going
            ordered.add(next);
            pending.remove(next);
        }
        views.clear();
        views.addAll(ordered);
    }

    private static boolean mentions(String sql, String key) {
        String identity = key.substring(key.indexOf(':') + 1);
        int paren = identity.indexOf('(');
        if (paren > 0) {   // a routine, called by name (a SQL-standard body is parsed when it is created)
            String body = sql.substring(sql.indexOf('\n') + 1);   // past the CREATE line that names the routine itself
            return body.contains(identity.substring(0, paren + 1));
        }
        int at = sql.indexOf(" AS\n");
        String body = at < 0 ? sql : sql.substring(at);
        return body.contains(identity + " ") || body.contains(identity + "\n") || body.contains(identity + ")") || body.contains(identity + ";")
                || body.contains(identity + ".");
    }

    private static Statement st(Item i, String sql) {
        return new Statement(i.key(), sql);
    }

    private static String stripSemicolon(String s) {
        String t = s.strip();
        return t.endsWith(";") ? t.substring(0, t.length() - 1) : t;
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
