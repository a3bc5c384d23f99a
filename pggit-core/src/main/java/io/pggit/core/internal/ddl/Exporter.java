package io.pggit.core.internal.ddl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.PggitException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the schema at a commit as files: {@code schema.sql} (the whole script, in dependency
 * order), one file per object under {@code <schema>/<kind>/<name>.sql} (objects of no schema, such
 * as event triggers, publications, subscriptions, foreign-data wrappers, servers, user mappings and
 * database-wide default privileges, under {@code _database/<kind>/}), and {@code manifest.json}
 * (format 1: commit, tree, and per object its key, kind, file and content hash). Nothing in the
 * output depends on time or order of reading, so exporting twice gives byte-identical files.
 *
 * <p>Internal: no compatibility promise.
 */
public final class Exporter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The folder of the objects that belong to no schema. */
    static final String DATABASE_FOLDER = "_database";

    private Exporter() {
    }

    /** The objects of the tree of {@code commitId}, with their definitions, sorted by key. */
    public static List<DdlWriter.Item> items(Connection c, String commitId) throws SQLException {
        List<DdlWriter.Item> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT o.object_key, o.kind, o.schema_name, b.definition::text FROM pggit.tree_objects("
                        + "(SELECT tree FROM pggit.commit WHERE id = ?)) o JOIN pggit.blob b ON b.hash = o.hash ORDER BY o.object_key")) {
            ps.setString(1, commitId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new DdlWriter.Item(rs.getString(1), rs.getString(2), rs.getString(3), JSON.readTree(rs.getString(4))));
                }
            }
        } catch (IOException e) {
            throw new PggitException("a definition in the store is not JSON: " + e.getMessage(), e);
        }
        return items;
    }

    /**
     * Exports the tree of {@code commitId} into {@code dir}.
     *
     * @return the files written
     */
    public static List<Path> export(Connection c, String commitId, Path dir) throws SQLException {
        List<DdlWriter.Item> items = items(c, commitId);
        List<DdlWriter.Statement> statements = DdlWriter.create(items);
        String tree;
        try (PreparedStatement ps = c.prepareStatement("SELECT tree FROM pggit.commit WHERE id = ?")) {
            ps.setString(1, commitId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                tree = rs.getString(1);
            }
        }
        Map<String, StringBuilder> perObject = new LinkedHashMap<>();
        for (DdlWriter.Statement s : statements) {
            if (!s.key().isEmpty()) {
                perObject.computeIfAbsent(s.key(), k -> new StringBuilder()).append(s.sql()).append('\n');
            }
        }
        List<Path> written = new ArrayList<>();
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", 1);
        manifest.put("commit", commitId);
        manifest.put("tree", tree);
        ArrayNode objects = manifest.putArray("objects");
        try {
            Files.createDirectories(dir);
            for (DdlWriter.Item i : items) {
                Path rel = Path.of(i.schema().isEmpty() ? DATABASE_FOLDER : fileName(i.schema()), i.kind(),
                        fileName(withoutSchema(i)) + ".sql");
                Path file = dir.resolve(rel);
                Files.createDirectories(file.getParent());
                Files.writeString(file, perObject.getOrDefault(i.key(), new StringBuilder()).toString(), StandardCharsets.UTF_8);
                written.add(file);
                ObjectNode o = objects.addObject();
                o.put("key", i.key());
                o.put("kind", i.kind());
                o.put("file", rel.toString().replace('\\', '/'));
            }
            Path script = dir.resolve("schema.sql");
            Files.writeString(script, "-- pggit export of commit " + commitId + " (tree " + tree + ")\n\n" + DdlWriter.script(statements),
                    StandardCharsets.UTF_8);
            written.add(script);
            Path man = dir.resolve("manifest.json");
            Files.writeString(man, JSON.writeValueAsString(manifest) + "\n", StandardCharsets.UTF_8);
            written.add(man);
        } catch (IOException e) {
            throw new PggitException("cannot write the export to " + dir + ": " + e.getMessage(), e);
        }
        return written;
    }

    /**
     * An object's identity without its schema prefix, which the folder already says. The prefix is
     * as {@code quote_ident} wrote it: bare, or in double quotes (also for a reserved word such as
     * {@code "select"}, which a pattern cannot tell), so both forms are tried.
     */
    private static String withoutSchema(DdlWriter.Item i) {
        String schema = i.schema();
        if (schema.isEmpty()) {
            return i.identity();
        }
        for (String prefix : new String[] {DdlWriter.q(schema) + ".", schema + "."}) {
            if (i.identity().startsWith(prefix)) {
                return i.identity().substring(prefix.length());
            }
        }
        return i.identity();
    }

    /** A file name for an identity: quotes dropped, path separators and reserved characters replaced. */
    static String fileName(String identity) {
        return identity.replace("\"", "").replaceAll("[/\\\\:*?<>|\\p{Cntrl}]", "_");
    }
}
