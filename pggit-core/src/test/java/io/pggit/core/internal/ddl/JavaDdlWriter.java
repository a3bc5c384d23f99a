package io.pggit.core.internal.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import io.pggit.core.internal.ddl.DdlWriter.Item;
import io.pggit.core.internal.ddl.DdlWriter.Statement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java DDL writer as it was when the writer moved into SQL (pggit-core/src/main/sql/ddl/writer.sql,
 * docs/architecture.md "One DDL writer"), frozen here as the oracle of {@code DdlWriterParityTest}: the
 * SQL writer writes, statement for statement, what this wrote. When the SQL writer changes on purpose,
 * delete this class and the parity test with it; the export, coverage and pg_dump round trips
 * (ExportTest, CatalogCoverageTest, PgDumpRoundTripTest) keep proving that the DDL recreates every object.
 */
public final class JavaDdlWriter {

    private JavaDdlWriter() {
    }

    /** The statements that recreate {@code items} on an empty database, in dependency order. */
    public static List<Statement> create(List<Item> items) {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(Item::key));
        Map<String, List<Statement>> phases = new LinkedHashMap<>();
        for (String p : List.of("settings", "schema", "extension", "collation", "type", "composite", "domain", "sequence", "function",
                "foreign_data_wrapper", "server", "user_mapping", "table", "column_settings", "owned", "function_late", "aggregate", "constraint", "index", "index_attach", "foreign_key",
                "replica_identity", "view", "materialized_view", "matview_index", "statistics", "trigger", "rule", "policy", "event_trigger", "publication", "subscription",
                "comment", "owner", "privileges", "default_privileges")) {
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
                case "table" -> {
                    phases.get("table").add(st(i, table(i)));
                    columnSettings(i, phases.get("column_settings"));
                    if (d.has("replica_identity")) {
                        String ri = d.path("replica_identity").asText();
                        phases.get("replica_identity").add(st(i, "ALTER TABLE " + i.identity() + " REPLICA IDENTITY "
                                + (ri.startsWith("index ") ? "USING INDEX " + ri.substring(6) : ri.toUpperCase(java.util.Locale.ROOT)) + ";"));
                    }
                }
                case "constraint" -> {
                    phases.get(d.path("type").asText().equals("foreign key") ? "foreign_key" : "constraint")
                            .add(st(i, "ALTER TABLE " + d.path("table").asText() + " ADD CONSTRAINT " + q(d.path("name").asText()) + " "
                                    + d.path("definition").asText() + ";"));
                    attach(i, phases.get("index_attach"));   // its index (named as the constraint) to a partitioned index
                }
                case "index" -> {
                    phases.get(matviews.contains(d.path("table").asText()) ? "matview_index" : "index")
                            .add(st(i, d.path("definition").asText() + ";"));
                    attach(i, phases.get("index_attach"));
                }
                case "view" -> phases.get("view").add(st(i, "CREATE VIEW " + i.identity() + with(d) + " AS\n" + stripSemicolon(d.path("query").asText()) + ";"));
                case "materialized_view" -> phases.get("materialized_view").add(st(i, "CREATE MATERIALIZED VIEW " + i.identity() + with(d) + " AS\n"
                        + stripSemicolon(d.path("query").asText()) + ";"));
                case "trigger" -> {
                    phases.get("trigger").add(st(i, d.path("definition").asText() + ";"));
                    if (d.has("enabled")) {
                        phases.get("trigger").add(st(i, "ALTER TABLE " + d.path("table").asText() + " " + enable(d.path("enabled").asText())
                                + "TRIGGER " + q(d.path("name").asText()) + ";"));
                    }
                }
                case "foreign_table" -> {
                    phases.get("table").add(st(i, foreignTable(i)));
                    columnSettings(i, phases.get("column_settings"));
                }
                case "collation" -> phases.get("collation").add(st(i, collation(i)));
                case "statistics" -> {   // after the indexes: on a table or a materialized view
                    phases.get("statistics").add(st(i, d.path("definition").asText() + ";"));
                    if (d.has("target")) {   // pg_get_statisticsobjdef leaves the statistics target out
                        phases.get("statistics").add(st(i, "ALTER STATISTICS " + i.identity() + " SET STATISTICS "
                                + d.path("target").asInt() + ";"));
                    }
                }
                case "policy" -> phases.get("policy").add(st(i, policy(d)));
                case "rule" -> {
                    phases.get("rule").add(st(i, d.path("definition").asText()));
                    if (d.has("enabled")) {
                        phases.get("rule").add(st(i, "ALTER TABLE " + d.path("table").asText() + " " + enable(d.path("enabled").asText())
                                + "RULE " + q(d.path("name").asText()) + ";"));
                    }
                }
                case "event_trigger" -> {
                    StringBuilder sb = new StringBuilder("CREATE EVENT TRIGGER " + q(d.path("name").asText()) + " ON " + d.path("event").asText());
                    if (d.has("tags")) {
                        List<String> tags = new ArrayList<>();
                        d.path("tags").forEach(t -> tags.add(lit(t.asText())));
                        sb.append(" WHEN TAG IN (").append(String.join(", ", tags)).append(')');
                    }
                    phases.get("event_trigger").add(st(i, sb.append(" EXECUTE FUNCTION ").append(d.path("function").asText()).append(';').toString()));
                    if (d.has("enabled")) {
                        phases.get("event_trigger").add(st(i, "ALTER EVENT TRIGGER " + q(d.path("name").asText()) + " "
                                + enable(d.path("enabled").asText()).trim() + ";"));
                    }
                }
                case "publication" -> phases.get("publication").add(st(i, publication(d)));
                case "subscription" -> subscription(i, phases.get("subscription"));
                case "foreign_data_wrapper" -> phases.get("foreign_data_wrapper").add(st(i, "CREATE FOREIGN DATA WRAPPER " + q(d.path("name").asText())
                        + (d.has("handler") ? " HANDLER " + d.path("handler").asText() : " NO HANDLER")
                        + (d.has("validator") ? " VALIDATOR " + d.path("validator").asText() : " NO VALIDATOR") + options(d.path("options")) + ";"));
                case "server" -> phases.get("server").add(st(i, "CREATE SERVER " + q(d.path("name").asText())
                        + (d.has("type") ? " TYPE " + lit(d.path("type").asText()) : "")
                        + (d.has("version") ? " VERSION " + lit(d.path("version").asText()) : "")
                        + " FOREIGN DATA WRAPPER " + d.path("wrapper").asText() + options(d.path("options")) + ";"));
                case "user_mapping" -> phases.get("user_mapping").add(st(i, "CREATE USER MAPPING FOR " + d.path("user").asText()
                        + " SERVER " + d.path("server").asText() + options(d.path("options")) + ";"));
                case "default_privileges" -> defaultPrivileges(i, phases.get("default_privileges"));
                default -> throw new IllegalArgumentException("no DDL for objects of kind " + i.kind() + " (" + i.key() + ")");
            }
            comments(i, phases.get("comment"));
            ownerAndPrivileges(i, phases.get("owner"), phases.get("privileges"));
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

    /** {@code WITH (k=v, ...)} from a relation's options (storage parameters, a view's check_option), or nothing. */
    private static String with(JsonNode d) {
        if (!d.has("options")) {
            return "";
        }
        List<String> opts = new ArrayList<>();
        d.path("options").forEach(o -> opts.add(o.asText()));
        return " WITH (" + String.join(", ", opts) + ")";
    }

        /** Column storage, compression and statistics target, which CREATE TABLE cannot say. */
    private static void columnSettings(Item i, List<Statement> out) {
        String alter = "ALTER " + (i.kind().equals("foreign_table") ? "FOREIGN TABLE " : "TABLE ") + i.identity() + " ALTER COLUMN ";
        i.definition().path("columns").forEach(c -> {
            String col = alter + q(c.path("name").asText());
            if (c.has("storage")) {
                out.add(st(i, col + " SET STORAGE " + c.path("storage").asText().toUpperCase(java.util.Locale.ROOT) + ";"));
            }
            if (c.has("compression")) {
                out.add(st(i, col + " SET COMPRESSION " + c.path("compression").asText() + ";"));
            }
            if (c.has("statistics")) {
                out.add(st(i, col + " SET STATISTICS " + c.path("statistics").asInt() + ";"));
            }
        });
    }

    /** The ENABLE/DISABLE words of ALTER TABLE ... TRIGGER/RULE and ALTER EVENT TRIGGER, with a trailing space. */
    private static String enable(String state) {
        return switch (state) {
            case "disabled" -> "DISABLE ";
            case "replica" -> "ENABLE REPLICA ";
            default -> "ENABLE ALWAYS ";
        };
    }

    private static String collation(Item i) {
        JsonNode d = i.definition();
        List<String> opts = new ArrayList<>();
        opts.add("provider = " + d.path("provider").asText());
        if (d.has("locale")) {
            opts.add("locale = " + lit(d.path("locale").asText()));
        }
        if (d.has("lc_collate") && !d.has("locale")) {
            opts.add("lc_collate = " + lit(d.path("lc_collate").asText()));
        }
        if (d.has("lc_ctype") && !d.has("locale")) {
            opts.add("lc_ctype = " + lit(d.path("lc_ctype").asText()));
        }
        if (d.has("rules")) {
            opts.add("rules = " + lit(d.path("rules").asText()));
        }
        opts.add("deterministic = " + d.path("deterministic").asBoolean(true));
        return "CREATE COLLATION " + i.identity() + " (" + String.join(", ", opts) + ");";
    }

    private static String policy(JsonNode d) {
        List<String> roles = new ArrayList<>();
        d.path("roles").forEach(r -> roles.add(r.asText()));
        StringBuilder sb = new StringBuilder("CREATE POLICY " + q(d.path("name").asText()) + " ON " + d.path("table").asText()
                + " AS " + (d.path("permissive").asBoolean(true) ? "PERMISSIVE" : "RESTRICTIVE") + " FOR " + d.path("command").asText()
                + " TO " + String.join(", ", roles));
        if (d.has("using")) {
            sb.append(" USING (").append(d.path("using").asText()).append(')');
        }
        if (d.has("with_check")) {
            sb.append(" WITH CHECK (").append(d.path("with_check").asText()).append(')');
        }
        return sb.append(';').toString();
    }

    private static String publication(JsonNode d) {
        StringBuilder sb = new StringBuilder("CREATE PUBLICATION " + q(d.path("name").asText()));
        List<String> parts = new ArrayList<>();
        d.path("tables").forEach(t -> {
            StringBuilder p = new StringBuilder("TABLE " + t.path("table").asText());
            if (t.has("columns")) {
                List<String> cols = new ArrayList<>();
                t.path("columns").forEach(c -> cols.add(q(c.asText())));
                p.append(" (").append(String.join(", ", cols)).append(')');
            }
            if (t.has("where")) {
                p.append(" WHERE (").append(t.path("where").asText()).append(')');
            }
            parts.add(p.toString());
        });
        d.path("schemas").forEach(n -> parts.add("TABLES IN SCHEMA " + q(n.asText())));
        if (d.path("all_tables").asBoolean(false)) {
            sb.append(" FOR ALL TABLES");
        } else if (!parts.isEmpty()) {
            sb.append(" FOR ").append(String.join(", ", parts));
        }
        List<String> publish = new ArrayList<>();
        d.path("publish").forEach(o -> publish.add(o.asText()));
        sb.append(" WITH (publish = ").append(lit(String.join(", ", publish)))
                .append(", publish_via_partition_root = ").append(d.path("via_root").asBoolean(false)).append(')');
        return sb.append(';').toString();
    }

    private static void subscription(Item i, List<Statement> out) {
        JsonNode d = i.definition();
        List<String> pubs = new ArrayList<>();
        d.path("publications").forEach(p -> pubs.add(q(p.asText())));
        String name = q(d.path("name").asText());
        out.add(st(i, "-- the connection string is not recorded (it may hold a password): set it with ALTER SUBSCRIPTION " + name + " CONNECTION '...'\n"
                + "CREATE SUBSCRIPTION " + name + " CONNECTION '' PUBLICATION " + String.join(", ", pubs)
                + " WITH (connect = false, slot_name = " + (d.has("slot_name") ? lit(d.path("slot_name").asText()) : "NONE")
                + ", binary = " + d.path("binary").asBoolean(false) + ", streaming = " + d.path("streaming").asText("off")
                + ", synchronous_commit = " + lit(d.path("synchronous_commit").asText("off")) + ");"));
        if (d.path("enabled").asBoolean(false)) {
            out.add(st(i, "ALTER SUBSCRIPTION " + name + " ENABLE;"));
        }
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

    private static String foreignTable(Item i) {
        JsonNode d = i.definition();
        List<String> cols = new ArrayList<>();
        d.path("columns").forEach(c -> cols.add(column(c)));
        return "CREATE FOREIGN TABLE " + i.identity() + " (\n    " + String.join(",\n    ", cols) + "\n) SERVER " + d.path("server").asText()
                + options(d.path("options")) + ";";
    }

    /** The GRANT/REVOKE object words and the ALTER ... OWNER TO words of a kind, or null when it has none. */
    private static String[] ownerAndGrantWords(Item i) {
        JsonNode d = i.definition();
        String id = i.identity();
        return switch (i.kind()) {
            case "schema" -> new String[] {"SCHEMA " + q(d.path("name").asText()), "SCHEMA " + q(d.path("name").asText())};
            case "table" -> new String[] {"TABLE " + id, "TABLE " + id};
            case "view" -> new String[] {"VIEW " + id, "TABLE " + id};
            case "materialized_view" -> new String[] {"MATERIALIZED VIEW " + id, "TABLE " + id};
            case "foreign_table" -> new String[] {"FOREIGN TABLE " + id, "TABLE " + id};
            case "sequence" -> new String[] {"SEQUENCE " + id, "SEQUENCE " + id};
            case "function" -> new String[] {"FUNCTION " + id, "FUNCTION " + id};
            case "procedure" -> new String[] {"PROCEDURE " + id, "PROCEDURE " + id};
            case "aggregate" -> new String[] {"AGGREGATE " + id, "ROUTINE " + id};
            case "type" -> new String[] {"TYPE " + id, "TYPE " + id};
            case "domain" -> new String[] {"DOMAIN " + id, "DOMAIN " + id};
            case "collation" -> new String[] {"COLLATION " + id, null};
            case "statistics" -> new String[] {"STATISTICS " + id, null};
            case "event_trigger" -> new String[] {"EVENT TRIGGER " + id, null};
            case "publication" -> new String[] {"PUBLICATION " + id, null};
            case "subscription" -> new String[] {"SUBSCRIPTION " + id, null};
            case "foreign_data_wrapper" -> new String[] {"FOREIGN DATA WRAPPER " + id, "FOREIGN DATA WRAPPER " + id};
            case "server" -> new String[] {"SERVER " + id, "FOREIGN SERVER " + id};
            default -> null;
        };
    }

    /** ALTER ... OWNER TO for an object with an owner; REVOKE ALL and a GRANT per ACL item when it has an ACL. */
    private static void ownerAndPrivileges(Item i, List<Statement> owners, List<Statement> privileges) {
        JsonNode d = i.definition();
        String[] words = ownerAndGrantWords(i);
        if (words == null) {
            return;
        }
        if (d.has("owner") && !d.has("owned_by")) {   // a sequence a column owns has its table's owner, and no other
            owners.add(st(i, "ALTER " + words[0] + " OWNER TO " + q(d.path("owner").asText()) + ";"));
        }
        if (words[1] != null && d.has("acl")) {
            privileges.add(st(i, "REVOKE ALL ON " + words[1] + " FROM PUBLIC;"));
            if (d.has("owner")) {
                privileges.add(st(i, "REVOKE ALL ON " + words[1] + " FROM " + q(d.path("owner").asText()) + ";"));
            }
            d.path("acl").forEach(a -> grants(Acl.parse(a.asText()), "ON " + words[1], "", privileges, i));
        }
        if (words[1] != null && words[1].startsWith("TABLE ")) {
            d.path("columns").forEach(c -> c.path("acl").forEach(a ->
                    grants(Acl.parse(a.asText()), "ON " + words[1], " (" + q(c.path("name").asText()) + ")", privileges, i)));
        }
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

    /** GRANT statements for one ACL item: the privileges without and with grant option. */
    private static void grants(Acl acl, String on, String columns, List<Statement> out, Item i) {
        String to = grantee(acl);
        if (!acl.privileges().isEmpty()) {
            out.add(st(i, "GRANT " + acl.privileges().stream().map(p -> p + columns).reduce((x, y) -> x + ", " + y).orElseThrow()
                    + " " + on + " TO " + to + ";"));
        }
        if (!acl.grantable().isEmpty()) {
            out.add(st(i, "GRANT " + acl.grantable().stream().map(p -> p + columns).reduce((x, y) -> x + ", " + y).orElseThrow()
                    + " " + on + " TO " + to + " WITH GRANT OPTION;"));
        }
    }

    private static void defaultPrivileges(Item i, List<Statement> out) {
        JsonNode d = i.definition();
        String role = q(d.path("role").asText());
        String objects = d.path("on").asText().toUpperCase(java.util.Locale.ROOT);
        String prefix = defaultPrivilegesPrefix(d);
        if (!d.has("schema")) {   // a database-wide entry replaces the built-in default: start from nothing
            out.add(st(i, prefix + " REVOKE ALL ON " + objects + " FROM PUBLIC;"));
            out.add(st(i, prefix + " REVOKE ALL ON " + objects + " FROM " + role + ";"));
        }
        d.path("acl").forEach(a -> {
            List<Statement> g = new ArrayList<>();
            grants(Acl.parse(a.asText()), "ON " + objects, "", g, i);
            g.forEach(x -> out.add(st(i, prefix + " " + x.sql())));
        });
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
        // aggregates after every function: their support functions are named without parentheses
        phases.get(i.kind().equals("aggregate") ? "aggregate" : usesTable ? "function_late" : "function").add(st(i, sql));
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
     * A partition's index attached to the partitioned table's index, as pg_dump writes it: the
     * partitioned index is created {@code ON ONLY} its table (pg_get_indexdef says so), each
     * partition's index on its own, then attached; a partitioned index turns valid once every
     * partition's index is attached (through every level: attaching a sub-partitioned partition's
     * last index validates its parent too), so the order of the attachments does not matter.
     */
    private static void attach(Item i, List<Statement> out) {
        String statement = attachPartition(i.schema(), i.definition());
        if (statement != null) {
            out.add(st(i, statement));
        }
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
            case "foreign_table" -> "FOREIGN TABLE " + i.identity();
            case "collation" -> "COLLATION " + i.identity();
            case "statistics" -> "STATISTICS " + i.identity();
            case "policy" -> "POLICY " + q(d.path("name").asText()) + " ON " + d.path("table").asText();
            case "rule" -> "RULE " + q(d.path("name").asText()) + " ON " + d.path("table").asText();
            case "event_trigger" -> "EVENT TRIGGER " + i.identity();
            case "publication" -> "PUBLICATION " + i.identity();
            case "subscription" -> "SUBSCRIPTION " + i.identity();
            case "foreign_data_wrapper" -> "FOREIGN DATA WRAPPER " + i.identity();
            case "server" -> "SERVER " + i.identity();
            default -> null;
        };
        if (target != null && d.has("comment")) {
            out.add(st(i, "COMMENT ON " + target + " IS " + lit(d.path("comment").asText()) + ";"));
        }
        if (i.kind().equals("table") || i.kind().equals("foreign_table")) {
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
