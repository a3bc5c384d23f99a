package io.pggit.core.internal.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.PggitException;
import io.pggit.core.internal.ddl.DdlWriter;
import io.pggit.core.internal.install.Installer;
import io.pggit.core.model.ChangeType;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Two live databases, object by object, and the ordered DDL that would bring the target to the
 * source: what only the target has is dropped first (dependents before what they depend on), what
 * differs is altered where PostgreSQL can alter it in place (columns, functions and views with an
 * unchanged signature) and dropped and recreated otherwise, and what only the source has is
 * created in dependency order. Both databases are read through pggit's one catalog reader, so
 * pggit must be installed in both, at one version: otherwise the comparison is refused before
 * anything is read, naming the database and what to do. A plan only: nothing is applied.
 *
 * <p>Internal: no compatibility promise.
 */
public final class Compare {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One object that differs: added (only in the source), deleted (only in the target) or modified. */
    public record Difference(ChangeType type, String key, String kind) {
    }

    /**
     * One statement of a plan, with the object it belongs to ({@code ""} for the plan's settings) and
     * the role that owns that object where the definitions say (the table's owner for an index,
     * constraint, trigger, rule or policy; the current owner for a drop or an alter, the new one for
     * a create), else null.
     */
    public record Step(String key, String sql, String owner) {
    }

    /**
     * A step that may lose data, for a checkout to check against the live rows: a table dropped (or
     * dropped and created again), a column dropped, a column's type changed to one that may not hold
     * every value of the old one (anything but the widenings PostgreSQL converts without loss), an
     * enum type rebuilt.
     *
     * @param what   {@code drop_table}, {@code drop_column}, {@code type_change} or {@code enum_rebuilt}
     * @param key    the object's key
     * @param table  the table's name as the current catalog has it (quoted), or null for an enum
     * @param column the column's name (unquoted), or null
     * @param owner  the table's owner at the current state, or null when not recorded
     * @param detail what the step does, for messages
     */
    public record Risk(String what, String key, String table, String column, String owner, String detail) {
    }

    /**
     * An object the plan renames rather than drops and creates, as history knows it (a capture saw its
     * object id under a new key: {@code pggit.renames_since}; for a merge, {@code pggit.merge.renames}).
     *
     * @param fromKey its key in the current state ({@code table:app.old}); equal to {@code toKey} when only columns were renamed
     * @param toKey   its key in the wanted state
     * @param columns a relation's renamed columns, current name to wanted name (unquoted); empty for none
     */
    public record Rename(String fromKey, String toKey, Map<String, String> columns) {
        public Rename {
            columns = Map.copyOf(columns);
        }

        /** The rename the other way round (the reverse plan of a merge's). */
        public Rename reversed() {
            Map<String, String> back = new LinkedHashMap<>();
            columns.forEach((a, b) -> back.put(b, a));
            return new Rename(toKey, fromKey, back);
        }

        /** A list as {@code pggit.merge.renames} holds it: {@code [{"from": key, "to": key, "columns": {old: new}}]}. */
        public static List<Rename> fromJson(String json) {
            if (json == null || json.isBlank()) {
                return List.of();
            }
            try {
                List<Rename> out = new ArrayList<>();
                for (JsonNode r : JSON.readTree(json)) {
                    Map<String, String> cols = new LinkedHashMap<>();
                    r.path("columns").fields().forEachRemaining(e -> cols.put(e.getKey(), e.getValue().asText()));
                    out.add(new Rename(r.path("from").asText(), r.path("to").asText(), cols));
                }
                return out;
            } catch (IOException e) {
                throw new PggitException("renames are not JSON: " + e.getMessage(), e);
            }
        }
    }

    /** The differences and the statements that would make the target equal to the source. */
    public record Result(List<Difference> differences, List<Step> steps, List<Risk> risks) {
        /** The statements, in order; empty when nothing differs. */
        public List<String> plan() {
            return steps.stream().map(Step::sql).toList();
        }

        /** As the public API gives it: each difference as a change without definitions. */
        public io.pggit.core.model.Comparison toComparison() {
            return new io.pggit.core.model.Comparison(differences.stream()
                    .map(d -> new io.pggit.core.model.Change(d.type(), io.pggit.core.model.ObjectKey.parse(d.key()), java.util.Optional.empty(),
                            java.util.Optional.empty(), java.util.Optional.empty())).toList(), plan());
        }
    }

    private Compare() {
    }

    /**
     * Reads both catalogs at the same time (the target on a second thread: the two reads run in
     * two server processes, often on two servers) and compares them.
     */
    public static Result compare(Connection source, Connection target) throws SQLException {
        String sourceVersion = installedVersion(source, "source");
        String targetVersion = installedVersion(target, "target");
        if (!sourceVersion.equals(targetVersion)) {
            throw new PggitException.NotInstalled("cannot compare: pggit " + sourceVersion + " is installed in the source database \""
                    + source.getCatalog() + "\" and pggit " + targetVersion + " in the target database \"" + target.getCatalog()
                    + "\", and the catalog readers of two versions may describe one object differently. Upgrade the older one "
                    + "(mvn pggit:install -Dpggit.url=<its URL>, or Pggit.install(), upgrades in place, keeping its history), then compare");
        }
        CompletableFuture<Map<String, DdlWriter.Item>> targetRead = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                targetRead.complete(read(target, "target"));
            } catch (Throwable e) {
                targetRead.completeExceptionally(e);
            }
        }, "pggit-compare-target");
        reader.setDaemon(true);
        reader.start();
        Map<String, DdlWriter.Item> src = read(source, "source");
        Map<String, DdlWriter.Item> tgt;
        try {
            tgt = targetRead.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PggitException("interrupted while reading the target database's catalog", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new PggitException("cannot read the target database's catalog: " + e.getCause().getMessage(), e.getCause());
        }
        return plan(source, src, tgt);
    }

    /**
     * The differences between two recorded trees of one database and the statements that turn the
     * schema of commit {@code fromCommit} into that of {@code toCommit} (full commit ids): the same
     * planner as {@link #compare}, on the definitions the trees hold ({@code pggit.tree_objects}).
     */
    public static Result between(Connection c, String fromCommit, String toCommit) throws SQLException {
        return plan(c, readTree(c, toCommit), readTree(c, fromCommit));
    }

    /** The plan from tree {@code fromTree}'s schema to tree {@code toTree}'s (hashes of pggit.tree: a merged tree no commit has yet, say). */
    public static Result betweenTrees(Connection c, String fromTree, String toTree) throws SQLException {
        return betweenTrees(c, fromTree, toTree, List.of());
    }

    /**
     * As {@link #betweenTrees(Connection, String, String)}, with the objects and columns history says
     * were renamed from {@code fromTree} to {@code toTree}: renamed in place ({@code ALTER ... RENAME}),
     * keeping their rows, never dropped and created.
     */
    public static Result betweenTrees(Connection c, String fromTree, String toTree, List<Rename> renames) throws SQLException {
        return plan(c, byKey(io.pggit.core.internal.ddl.Exporter.itemsOfTree(c, toTree)), byKey(io.pggit.core.internal.ddl.Exporter.itemsOfTree(c, fromTree)),
                renames);
    }

    /** The objects of commit's tree by key (the reader export uses, {@link io.pggit.core.internal.ddl.Exporter#items}). */
    private static Map<String, DdlWriter.Item> readTree(Connection c, String commit) throws SQLException {
        return byKey(io.pggit.core.internal.ddl.Exporter.items(c, commit));
    }

    private static Map<String, DdlWriter.Item> byKey(List<DdlWriter.Item> list) {
        Map<String, DdlWriter.Item> items = new TreeMap<>();
        for (DdlWriter.Item i : list) {
            items.put(i.key(), i);
        }
        return items;
    }

    private static Result plan(Connection c, Map<String, DdlWriter.Item> src, Map<String, DdlWriter.Item> tgt) throws SQLException {
        return plan(c, src, tgt, List.of());
    }

    /** Relations first, then what lives on them: a child's rename statement names its table's new name. */
    private static final List<String> RELATIONS = List.of("table", "view", "materialized_view", "foreign_table", "sequence");

    /**
     * The rename statements of {@code renames} that apply (the current state has the old key, the
     * wanted one the new key, in the same schema), and the current state as it is after them: each
     * renamed object under its new key, its definition's names (and its table's, for an index,
     * constraint, trigger, policy or rule) as they will be, so that the planner compares it with the
     * wanted definition as any other object.
     */
    private static List<Step> renames(Map<String, DdlWriter.Item> src, Map<String, DdlWriter.Item> tgt, List<Rename> renames) {
        List<Step> out = new ArrayList<>();
        List<Rename> ordered = new ArrayList<>(renames);
        ordered.sort(java.util.Comparator.comparing((Rename r) -> RELATIONS.contains(kindOf(r.toKey())) ? 0 : 1));
        Map<String, String> tables = new LinkedHashMap<>();   // a relation's old identity -> its new one
        for (Rename r : ordered) {
            DdlWriter.Item t = tgt.get(r.fromKey());
            DdlWriter.Item s = src.get(r.toKey());
            if (t == null || s == null || !t.kind().equals(s.kind()) || !Objects.equals(t.schema(), s.schema())
                    || (!r.fromKey().equals(r.toKey()) && tgt.containsKey(r.toKey()))) {
                continue;   // not what the trees hold, or a move to another schema: planned as a drop and a create
            }
            String owner = owner(t, tgt);
            ObjectNode d = (ObjectNode) t.definition().deepCopy();
            String oldName = d.path("name").asText(null);
            String newName = s.definition().path("name").asText(null);
            String oldTable = d.path("table").asText(null);
            String newTable = s.definition().path("table").asText(null);
            String oldId = r.fromKey().substring(r.fromKey().indexOf(':') + 1);
            if (!r.fromKey().equals(r.toKey()) && oldName != null && newName != null && !oldName.equals(newName)) {
                String table = oldTable == null ? null : tables.getOrDefault(oldTable, oldTable);
                String sql = switch (t.kind()) {
                    case "table" -> "ALTER TABLE " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "view" -> "ALTER VIEW " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "materialized_view" -> "ALTER MATERIALIZED VIEW " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "foreign_table" -> "ALTER FOREIGN TABLE " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "sequence" -> "ALTER SEQUENCE " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "function" -> "ALTER FUNCTION " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "procedure" -> "ALTER PROCEDURE " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "type" -> "ALTER TYPE " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "domain" -> "ALTER DOMAIN " + oldId + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "index" -> "ALTER INDEX " + DdlWriter.q(t.schema()) + "." + DdlWriter.q(oldName) + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "constraint" -> "ALTER TABLE " + table + " RENAME CONSTRAINT " + DdlWriter.q(oldName) + " TO " + DdlWriter.q(newName) + ";";
                    case "trigger" -> "ALTER TRIGGER " + DdlWriter.q(oldName) + " ON " + table + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "policy" -> "ALTER POLICY " + DdlWriter.q(oldName) + " ON " + table + " RENAME TO " + DdlWriter.q(newName) + ";";
                    case "rule" -> "ALTER RULE " + DdlWriter.q(oldName) + " ON " + table + " RENAME TO " + DdlWriter.q(newName) + ";";
                    default -> null;
                };
                if (sql == null) {
                    continue;   // a kind without a rename here (a schema: every object in it moves): a drop and a create
                }
                out.add(new Step(s.key(), sql, owner));
                d.put("name", newName);
                if (t.kind().equals("index") || t.kind().equals("trigger")) {
                    d.put("definition", d.path("definition").asText().replaceFirst(java.util.regex.Pattern.quote(DdlWriter.q(oldName)) + " ",
                            java.util.regex.Matcher.quoteReplacement(DdlWriter.q(newName)) + " "));
                }
            }
            if (RELATIONS.contains(t.kind()) && !r.fromKey().equals(r.toKey())) {
                tables.put(oldId, r.toKey().substring(r.toKey().indexOf(':') + 1));
            }
            if (oldTable != null && newTable != null && !oldTable.equals(newTable)) {
                d.put("table", newTable);   // its table was renamed above: PostgreSQL renames it in the definition too
                if (d.has("definition")) {
                    d.put("definition", d.path("definition").asText().replace(" ON " + oldTable + " ", " ON " + newTable + " "));
                }
            }
            if (!r.columns().isEmpty() && d.has("columns")) {
                String table = r.toKey().substring(r.toKey().indexOf(':') + 1);
                for (JsonNode col : d.path("columns")) {
                    String now = col.path("name").asText();
                    String then = r.columns().get(now);
                    if (then != null && s.definition().path("columns").findValuesAsText("name").contains(then)) {
                        out.add(new Step(s.key(), "ALTER TABLE " + table + " RENAME COLUMN " + DdlWriter.q(now) + " TO " + DdlWriter.q(then) + ";", owner));
                        ((ObjectNode) col).put("name", then);
                    }
                }
            }
            tgt.remove(r.fromKey());
            tgt.put(s.key(), new DdlWriter.Item(s.key(), t.kind(), t.schema(), d));
        }
        return out;
    }

    private static String kindOf(String key) {
        return key.substring(0, Math.max(0, key.indexOf(':')));
    }

    /** What turns {@code tgt} (the current state) into {@code src} (the wanted one), renaming what {@code renames} says. */
    private static Result plan(Connection c, Map<String, DdlWriter.Item> src, Map<String, DdlWriter.Item> current, List<Rename> renames)
            throws SQLException {
        Map<String, DdlWriter.Item> tgt = new TreeMap<>(current);
        List<Step> renameSteps = renames(src, tgt, renames);
        List<Difference> diffs = new ArrayList<>();
        renameSteps.stream().map(Step::key).distinct().forEach(k -> diffs.add(new Difference(ChangeType.RENAMED, k, kindOf(k))));
        List<DdlWriter.Item> create = new ArrayList<>();
        List<DdlWriter.Item> drop = new ArrayList<>();
        List<Step> alter = new ArrayList<>();
        List<Step> attach = new ArrayList<>();   // after the creates: the partitioned index may be new
        List<Risk> risks = new ArrayList<>();
        for (DdlWriter.Item s : src.values()) {
            DdlWriter.Item t = tgt.get(s.key());
            if (t == null) {
                diffs.add(new Difference(ChangeType.ADDED, s.key(), s.kind()));
                create.add(s);
            } else if (!s.definition().equals(t.definition())) {
                if (diffs.stream().noneMatch(d -> d.key().equals(s.key()))) {
                    diffs.add(new Difference(ChangeType.MODIFIED, s.key(), s.kind()));
                }
                List<Risk> inPlaceRisks = new ArrayList<>();
                List<String> inPlace = alterInPlace(t, s, inPlaceRisks, owner(t, tgt));
                if (inPlace != null) {
                    String owner = owner(t, tgt);
                    inPlace.forEach(sql -> (s.kind().equals("index") ? attach : alter).add(new Step(s.key(), sql, owner)));
                    risks.addAll(inPlaceRisks);
                } else {
                    drop.add(t);
                    create.add(s);
                    if (t.kind().equals("table")) {
                        risks.add(new Risk("drop_table", t.key(), t.identity(), null, owner(t, tgt),
                                "table " + t.identity() + " is dropped and created again"));
                    } else if (t.kind().equals("type") && t.definition().path("type").asText().equals("enum")) {
                        risks.add(new Risk("enum_rebuilt", t.key(), null, null, owner(t, tgt),
                                "enum type " + t.identity() + " is dropped and created again (labels " + t.definition().path("labels")
                                        + " -> " + s.definition().path("labels") + ")"));
                    }
                }
            }
        }
        for (DdlWriter.Item t : tgt.values()) {
            if (!src.containsKey(t.key())) {
                diffs.add(new Difference(ChangeType.DELETED, t.key(), t.kind()));
                drop.add(t);
                if (t.kind().equals("table")) {
                    risks.add(new Risk("drop_table", t.key(), t.identity(), null, owner(t, tgt), "table " + t.identity() + " is dropped"));
                }
            }
        }
        List<Step> plan = new ArrayList<>();
        plan.add(new Step("", "SET check_function_bodies = off;", null));
        plan.addAll(drops(c, drop, tgt));
        plan.addAll(renameSteps);
        plan.addAll(alter);
        // A new partition of a table the target has already gets the table's partitioned indexes from PostgreSQL
        // when it is created (named as PostgreSQL names them, as in the source unless renamed there): its
        // attached indexes are created only where missing, and attaching one already attached does nothing.
        List<String> newTables = create.stream().filter(i -> i.kind().equals("table"))
                .map(i -> i.key().substring(i.key().indexOf(':') + 1)).toList();
        List<String> madeWithTable = create.stream().filter(i -> i.kind().equals("index") && i.definition().has("attached_to")
                && newTables.contains(i.definition().path("table").asText())).map(DdlWriter.Item::key).toList();
        for (DdlWriter.Statement st : DdlWriter.create(c, create)) {
            if (!st.key().isEmpty()) {
                plan.add(new Step(st.key(), madeWithTable.contains(st.key())
                        ? st.sql().replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX IF NOT EXISTS ") : st.sql(), owner(src.get(st.key()), src)));
            }
        }
        plan.addAll(attach);
        return new Result(diffs, plan.size() == 1 ? List.of() : plan, risks);
    }

    /**
     * The owner of {@code i} as its tree records it: its own, or for an object of a table (index,
     * constraint, trigger, rule, policy) its table's, view's or materialized view's; null when the
     * definitions hold no owner (owners not tracked, or a kind without one).
     */
    private static String owner(DdlWriter.Item i, Map<String, DdlWriter.Item> items) {
        if (i == null) {
            return null;
        }
        JsonNode d = i.definition();
        if (d.hasNonNull("owner")) {
            return d.path("owner").asText();
        }
        String table = d.path("table").asText("");
        if (!table.isEmpty()) {
            for (String kind : List.of("table", "view", "materialized_view", "foreign_table")) {
                DdlWriter.Item parent = items.get(kind + ":" + table);
                if (parent != null && parent.definition().hasNonNull("owner")) {
                    return parent.definition().path("owner").asText();
                }
            }
        }
        return null;
    }

    /**
     * The pggit version installed in {@code c}'s database.
     *
     * @throws PggitException.NotInstalled naming the database and what to do, when pggit is not installed there
     */
    private static String installedVersion(Connection c, String which) throws SQLException {
        return Installer.installedVersion(c).orElseThrow(() -> {
            String database;
            try {
                database = c.getCatalog();
            } catch (SQLException e) {
                database = "?";
            }
            return new PggitException.NotInstalled("pggit is not installed in the " + which + " database \"" + database + "\": "
                    + "compare reads the live catalogs of both databases with pggit's catalog reader (pggit.read_catalog, in schema "
                    + "pggit), so both need pggit; comparing with a database that has no pggit is not supported. Install it in the "
                    + which + " database first (mvn pggit:install -Dpggit.url=<the " + which + "'s URL>, or Pggit.install(), as a "
                    + "superuser): that adds schema pggit and its two event triggers and records a baseline commit of the schema, "
                    + "and changes none of the database's own objects");
        });
    }

    private static Map<String, DdlWriter.Item> read(Connection c, String which) throws SQLException {
        Map<String, DdlWriter.Item> items = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT object_key, kind, schema_name, definition::text FROM pggit.read_catalog() ORDER BY object_key");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                items.put(rs.getString(1), new DdlWriter.Item(rs.getString(1), rs.getString(2), rs.getString(3), JSON.readTree(rs.getString(4))));
            }
        } catch (SQLException e) {
            throw new PggitException("cannot read the " + which + " database's catalog (\"" + c.getCatalog() + "\"): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PggitException("a definition is not JSON: " + e.getMessage(), e);
        }
        return items;
    }

    /**
     * Statements that turn {@code from} into {@code to} without dropping it, or null when that takes a
     * drop and create; what of them may lose data goes to {@code risks}.
     */
    private static List<String> alterInPlace(DdlWriter.Item from, DdlWriter.Item to, List<Risk> risks, String owner) {
        JsonNode a = from.definition();
        JsonNode b = to.definition();
        String id = to.key().substring(to.key().indexOf(':') + 1);
        switch (to.kind()) {
            case "function", "procedure":
                return Objects.equals(a.path("returns"), b.path("returns")) && Objects.equals(a.path("arguments"), b.path("arguments"))
                        ? withComment(List.of(b.path("definition").asText().stripTrailing() + ";"), "FUNCTION " + id, a, b)
                        : null;
            case "table":
                return sameExceptColumns(a, b) ? alterColumns(to.key(), id, a, b, risks, owner) : null;
            case "index":   // attached in the source only: attach it (an index is never detached but with its table)
                return !a.has("attached_to") && b.has("attached_to") && a.equals(((ObjectNode) b.deepCopy())
                        .without("attached_to"))
                        ? List.of(DdlWriter.attachPartition(to.schema(), b))
                        : null;
            default:
                return null;
        }
    }

    private static boolean sameExceptColumns(JsonNode a, JsonNode b) {
        List<String> fields = new ArrayList<>();
        a.fieldNames().forEachRemaining(fields::add);
        b.fieldNames().forEachRemaining(fields::add);
        return fields.stream().filter(f -> !f.equals("columns") && !f.equals("comment")).allMatch(f -> Objects.equals(a.get(f), b.get(f)));
    }

    /** Columns added at the end, dropped, or altered (type, default, NOT NULL, comment); null when the order of kept columns changes. */
    private static List<String> alterColumns(String key, String table, JsonNode a, JsonNode b, List<Risk> risks, String owner) {
        Map<String, JsonNode> before = columns(a);
        Map<String, JsonNode> after = columns(b);
        List<String> kept = new ArrayList<>(after.keySet());
        kept.retainAll(before.keySet());
        List<String> keptBefore = new ArrayList<>(before.keySet());
        keptBefore.retainAll(after.keySet());
        List<String> added = new ArrayList<>(after.keySet());
        added.removeAll(before.keySet());
        if (!kept.equals(keptBefore) || !after.keySet().stream().toList().subList(kept.size(), after.size()).equals(added)) {
            return null;   // ADD COLUMN appends: a column added in the middle needs the table rebuilt
        }
        List<String> out = new ArrayList<>();
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                out.add("ALTER TABLE " + table + " DROP COLUMN " + DdlWriter.q(name) + ";");
                risks.add(new Risk("drop_column", key, table, name, owner, "column " + DdlWriter.q(name) + " of " + table + " is dropped"));
            }
        }
        for (String name : kept) {
            JsonNode x = before.get(name);
            JsonNode y = after.get(name);
            if (!Objects.equals(x.get("identity"), y.get("identity")) || !Objects.equals(x.get("generated"), y.get("generated"))
                    || !Objects.equals(x.get("collation"), y.get("collation")) || !Objects.equals(x.get("options"), y.get("options"))
                    || !Objects.equals(x.get("acl"), y.get("acl"))) {
                return null;
            }
            String col = "ALTER TABLE " + table + " ALTER COLUMN " + DdlWriter.q(name);
            if (!Objects.equals(x.get("type"), y.get("type"))) {
                out.add(col + " TYPE " + y.path("type").asText() + ";");
                if (!widens(x.path("type").asText(), y.path("type").asText())) {
                    risks.add(new Risk("type_change", key, table, name, owner, "column " + DdlWriter.q(name) + " of " + table
                            + " changes type from " + x.path("type").asText() + " to " + y.path("type").asText()));
                }
            }
            if (!Objects.equals(x.get("default"), y.get("default"))) {
                out.add(y.has("default") ? col + " SET DEFAULT " + y.path("default").asText() + ";" : col + " DROP DEFAULT;");
            }
            if (x.path("not_null").asBoolean(false) != y.path("not_null").asBoolean(false)) {
                out.add(col + (y.path("not_null").asBoolean(false) ? " SET NOT NULL;" : " DROP NOT NULL;"));
            }
            if (!Objects.equals(x.get("storage"), y.get("storage"))) {
                if (!y.has("storage")) {
                    return null;   // back to the type's default storage: SET STORAGE DEFAULT needs PostgreSQL 16
                }
                out.add(col + " SET STORAGE " + y.path("storage").asText().toUpperCase(java.util.Locale.ROOT) + ";");
            }
            if (!Objects.equals(x.get("compression"), y.get("compression"))) {
                out.add(col + " SET COMPRESSION " + y.path("compression").asText("DEFAULT") + ";");
            }
            if (!Objects.equals(x.get("statistics"), y.get("statistics"))) {
                out.add(col + " SET STATISTICS " + y.path("statistics").asInt(-1) + ";");
            }
        }
        for (String name : added) {
            out.add("ALTER TABLE " + table + " ADD COLUMN " + DdlWriter.column(after.get(name)) + ";");
        }
        for (String name : after.keySet()) {
            JsonNode x = before.get(name);
            JsonNode y = after.get(name);
            if (x == null ? y.has("comment") : !Objects.equals(x.get("comment"), y.get("comment"))) {
                out.add("COMMENT ON COLUMN " + table + "." + DdlWriter.q(name) + " IS " + (y.has("comment") ? DdlWriter.lit(y.path("comment").asText()) : "NULL") + ";");
            }
        }
        return withComment(out, "TABLE " + table, a, b);
    }

    private static final java.util.regex.Pattern VARCHAR = java.util.regex.Pattern.compile("character varying\\((\\d+)\\)");
    private static final java.util.regex.Pattern NUMERIC = java.util.regex.Pattern.compile("numeric\\((\\d+),(\\d+)\\)");

    /**
     * Whether type {@code to} holds every value of type {@code from} as it was (the list
     * {@code pggit.restore_table} uses): integers to wider integers or numeric, real to double
     * precision, varchar to text or a longer varchar, numeric(p,s) to numeric or to one with at least
     * as many digits before and after the point. Anything else may narrow or rewrite values.
     */
    static boolean widens(String from, String to) {
        if (from.equals(to)) {
            return true;
        }
        List<List<String>> safe = List.of(List.of("smallint", "integer"), List.of("smallint", "bigint"), List.of("integer", "bigint"),
                List.of("smallint", "numeric"), List.of("integer", "numeric"), List.of("bigint", "numeric"),
                List.of("real", "double precision"), List.of("character varying", "text"));
        if (safe.contains(List.of(from, to))) {
            return true;
        }
        java.util.regex.Matcher vf = VARCHAR.matcher(from);
        if (vf.matches()) {
            java.util.regex.Matcher vt = VARCHAR.matcher(to);
            return to.equals("text") || to.equals("character varying")
                    || (vt.matches() && Integer.parseInt(vt.group(1)) >= Integer.parseInt(vf.group(1)));
        }
        java.util.regex.Matcher nf = NUMERIC.matcher(from);
        if (nf.matches()) {
            java.util.regex.Matcher nt = NUMERIC.matcher(to);
            if (to.equals("numeric")) {
                return true;
            }
            if (nt.matches()) {
                int fp = Integer.parseInt(nf.group(1));
                int fs = Integer.parseInt(nf.group(2));
                int tp = Integer.parseInt(nt.group(1));
                int ts = Integer.parseInt(nt.group(2));
                return ts >= fs && tp - ts >= fp - fs;
            }
        }
        return false;
    }

    private static List<String> withComment(List<String> statements, String target, JsonNode a, JsonNode b) {
        List<String> out = new ArrayList<>(statements);
        if (!Objects.equals(a.get("comment"), b.get("comment"))) {
            out.add("COMMENT ON " + target + " IS " + (b.has("comment") ? DdlWriter.lit(b.path("comment").asText()) : "NULL") + ";");
        }
        return out;
    }

    private static Map<String, JsonNode> columns(JsonNode table) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        table.path("columns").forEach(c -> m.put(c.path("name").asText(), c));
        return m;
    }

    /** The names of a qualified name as {@code quote_ident} writes them ({@code app."Odd ""Name"""}), unquoted. */
    static List<String> names(String qualified) {
        List<String> out = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        boolean quoted = false;
        for (int k = 0; k < qualified.length(); k++) {
            char c = qualified.charAt(k);
            if (c == '"') {
                if (quoted && k + 1 < qualified.length() && qualified.charAt(k + 1) == '"') {
                    name.append('"');
                    k++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '.' && !quoted) {
                out.add(name.toString());
                name.setLength(0);
            } else {
                name.append(c);
            }
        }
        out.add(name.toString());
        return out;
    }

    /**
     * DROP statements, dependents first: the reverse of the creation order; children of dropped tables go with them,
     * and partitions' indexes with the partitioned index they are attached to.
     */
    private static List<Step> drops(Connection c, List<DdlWriter.Item> items, Map<String, DdlWriter.Item> current) throws SQLException {
        List<String> tables = items.stream().filter(i -> i.kind().equals("table") || i.kind().equals("view")
                || i.kind().equals("materialized_view") || i.kind().equals("foreign_table"))
                .map(i -> i.key().substring(i.key().indexOf(':') + 1)).toList();
        List<List<String>> indexes = items.stream().filter(i -> i.kind().equals("index") || i.kind().equals("constraint"))
                .map(i -> List.of(i.schema(), i.definition().path("name").asText())).toList();
        List<List<String>> attachedConstraints = items.stream().filter(i -> i.kind().equals("constraint") && i.definition().has("attached_to"))
                .map(i -> names(i.definition().path("attached_to").asText())).toList();
        List<Step> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (DdlWriter.Statement st : DdlWriter.create(c, items)) {
            if (st.key().isEmpty() || seen.contains(st.key())) {
                continue;
            }
            seen.add(st.key());
            DdlWriter.Item i = items.stream().filter(x -> x.key().equals(st.key())).findFirst().orElseThrow();
            JsonNode d = i.definition();
            String id = i.key().substring(i.key().indexOf(':') + 1);
            String parent = d.path("table").asText("");
            boolean reachesOut = i.kind().equals("rule") || i.kind().equals("policy")
                    || (i.kind().equals("constraint") && d.path("type").asText().equals("foreign key"));
            if (!parent.isEmpty() && tables.contains(parent) && !reachesOut) {
                continue;   // dropped with its table (a rule, a policy or a foreign key may hold another table: dropped first)
            }
            if (d.has("attached_to") && indexes.contains(names(d.path("attached_to").asText()))) {
                continue;   // a partition's index goes with the partitioned index it is attached to
            }
            if (i.kind().equals("sequence") && d.has("owned_by")
                    && tables.contains(d.path("owned_by").asText().replaceAll("\\.[^.]*$", ""))) {
                continue;   // a sequence its column owns goes with the table
            }
            String sql = switch (i.kind()) {
                case "table" -> "DROP TABLE " + id + ";";
                case "view" -> "DROP VIEW " + id + ";";
                case "materialized_view" -> "DROP MATERIALIZED VIEW " + id + ";";
                case "sequence" -> "DROP SEQUENCE " + id + ";";
                // a partition's constraint attached to it depends on it; it is among the drops, and goes with the index (CASCADE)
                case "index" -> "DROP INDEX " + parent.replaceAll("\\.[^.]*$", "") + "." + DdlWriter.q(d.path("name").asText())
                        + (attachedConstraints.contains(List.of(i.schema(), d.path("name").asText())) ? " CASCADE;" : ";");
                case "constraint" -> "ALTER TABLE " + parent + " DROP CONSTRAINT " + DdlWriter.q(d.path("name").asText()) + ";";
                case "trigger" -> "DROP TRIGGER " + DdlWriter.q(d.path("name").asText()) + " ON " + parent + ";";
                case "function" -> "DROP FUNCTION " + id + ";";
                case "procedure" -> "DROP PROCEDURE " + id + ";";
                case "aggregate" -> "DROP AGGREGATE " + id + ";";
                case "type" -> "DROP TYPE " + id + ";";
                case "domain" -> "DROP DOMAIN " + id + ";";
                case "schema" -> "DROP SCHEMA " + DdlWriter.q(d.path("name").asText()) + ";";
                case "extension" -> "DROP EXTENSION " + DdlWriter.q(d.path("name").asText()) + ";";
                case "foreign_table" -> "DROP FOREIGN TABLE " + id + ";";
                case "collation" -> "DROP COLLATION " + id + ";";
                case "statistics" -> "DROP STATISTICS " + id + ";";
                case "policy" -> "DROP POLICY " + DdlWriter.q(d.path("name").asText()) + " ON " + parent + ";";
                case "rule" -> "DROP RULE " + DdlWriter.q(d.path("name").asText()) + " ON " + parent + ";";
                case "event_trigger" -> "DROP EVENT TRIGGER " + id + ";";
                case "publication" -> "DROP PUBLICATION " + id + ";";
                // without a slot, DROP SUBSCRIPTION does not connect to the publisher to drop it there
                case "subscription" -> "ALTER SUBSCRIPTION " + id + " DISABLE;\nALTER SUBSCRIPTION " + id + " SET (slot_name = NONE);\n"
                        + "DROP SUBSCRIPTION " + id + ";";
                case "foreign_data_wrapper" -> "DROP FOREIGN DATA WRAPPER " + id + ";";
                case "server" -> "DROP SERVER " + id + ";";
                case "user_mapping" -> "DROP USER MAPPING FOR " + d.path("user").asText() + " SERVER " + d.path("server").asText() + ";";
                case "default_privileges" -> DdlWriter.resetDefaultPrivileges(d);
                default -> throw new IllegalArgumentException("no DROP for " + i.key());
            };
            out.add(new Step(i.key(), sql, owner(i, current)));
        }
        Collections.reverse(out);
        return out;
    }
}
