package io.pggit.core.internal.ddl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.PggitException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the schema at a commit as files: {@code schema.sql} (the whole script, in dependency
 * order), one file per object under {@code <schema>/<kind>/<name>.sql} (objects of no schema, such
 * as event triggers, publications, subscriptions, foreign-data wrappers, servers, user mappings and
 * database-wide default privileges, under {@code _database/<kind>/}), and {@code manifest.json}
 * (format 1: commit, tree, and per object its key, kind and file). Nothing in the output depends on
 * time or order of reading, so exporting twice gives byte-identical files.
 *
 * <p>File names: {@code <schema>} is the schema's name and {@code <name>} the object's identity as
 * its key writes it after the schema ({@code tb_meter}, {@code tb_meter.idx_at},
 * {@code process_meter(uuid, jsonb)}, {@code "Users"}), each {@linkplain #encode percent-encoded}:
 * every UTF-8 byte outside {@code a-z 0-9 . _ - ( ) , space} becomes {@code %XX} (upper-case hex),
 * upper-case letters included. So distinct objects get distinct names also on case-insensitive
 * file systems, no name holds a character a file system reserves, and {@link #decode} gives the
 * text back. A name that would be longer than 255 bytes is cut and ends in {@code ~} and 16 hex
 * digits of the SHA-256 of the whole text ({@code ~} is otherwise always encoded): the manifest
 * then maps the object to its file.
 *
 * <p>The folder holds one export: an earlier export in it (a {@code manifest.json} of pggit's) is
 * replaced, its files removed first; a folder that is not empty and holds no export is refused,
 * untouched. Entries whose names start with a dot ({@code .git}) are never touched and do not count.
 *
 * <p>Internal: no compatibility promise.
 */
public final class Exporter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The folder of the objects that belong to no schema. */
    static final String DATABASE_FOLDER = "_database";

    /** The whole script and the manifest, beside the schema folders. */
    static final String SCRIPT = "schema.sql";
    static final String MANIFEST = "manifest.json";

    /** The longest file name most file systems allow, in bytes (ext4, APFS, NTFS in UTF-16 units). */
    static final int MAX_NAME = 255;

    /** Windows' device names, reserved as a file name's part before the first dot, in any case. */
    private static final Set<String> WINDOWS_RESERVED = Set.of("con", "prn", "aux", "nul",
            "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private Exporter() {
    }

    /** The objects of the tree of {@code commitId}, with their definitions, sorted by key. */
    public static List<DdlWriter.Item> items(Connection c, String commitId) throws SQLException {
        return treeItems(c, "(SELECT tree FROM pggit.commit WHERE id = ?)", commitId);
    }

    /** The objects of tree {@code treeHash} (a merged tree, say, that no commit has yet), with their definitions, sorted by key. */
    public static List<DdlWriter.Item> itemsOfTree(Connection c, String treeHash) throws SQLException {
        return treeItems(c, "?", treeHash);
    }

    private static List<DdlWriter.Item> treeItems(Connection c, String treeExpression, String param) throws SQLException {
        List<DdlWriter.Item> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT o.object_key, o.kind, o.schema_name, b.definition::text FROM pggit.tree_objects("
                        + treeExpression + ") o JOIN pggit.blob b ON b.hash = o.hash ORDER BY o.object_key")) {
            ps.setString(1, param);
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
        List<DdlWriter.Statement> statements = DdlWriter.create(c, items);
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
        List<String> paths = new ArrayList<>();
        Map<String, String> taken = new HashMap<>();   // lower-cased path -> key: distinct on case-insensitive file systems too
        for (DdlWriter.Item i : items) {
            String rel = path(i);
            String other = taken.putIfAbsent(rel.toLowerCase(Locale.ROOT), i.key());
            if (other != null) {
                throw new PggitException("cannot export: objects " + other + " and " + i.key() + " would share the file " + rel
                        + " (a bug in pggit's file names; please report it)");
            }
            paths.add(rel);
            ObjectNode o = objects.addObject();
            o.put("key", i.key());
            o.put("kind", i.kind());
            o.put("file", rel);
        }
        try {
            prepare(dir);
            // the manifest first: an export interrupted while writing is still recognised, and replaced, by the next one
            Path man = dir.resolve(MANIFEST);
            Files.writeString(man, JSON.writeValueAsString(manifest) + "\n", StandardCharsets.UTF_8);
            for (int n = 0; n < items.size(); n++) {
                Path file = dir.resolve(paths.get(n));
                Files.createDirectories(file.getParent());
                Files.writeString(file, perObject.getOrDefault(items.get(n).key(), new StringBuilder()).toString(), StandardCharsets.UTF_8);
                written.add(file);
            }
            Path script = dir.resolve(SCRIPT);
            Files.writeString(script, "-- pggit export of commit " + commitId + " (tree " + tree + ")\n\n" + DdlWriter.script(statements),
                    StandardCharsets.UTF_8);
            written.add(script);
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

    /** The file of an object, relative to the export folder, with {@code /} between folders. */
    static String path(DdlWriter.Item i) {
        String folder = i.schema().isEmpty() ? DATABASE_FOLDER : name(i.schema(), "");
        if (folder.equals(DATABASE_FOLDER) && !i.schema().isEmpty()) {
            folder = "%5F" + folder.substring(1);   // a schema named _database: never the folder of no schema
        }
        return folder + "/" + i.kind() + "/" + name(withoutSchema(i), ".sql");
    }

    /**
     * A file or folder name for {@code text} followed by {@code suffix}: {@link #encode}d; when longer
     * than {@link #MAX_NAME} bytes, cut after a character and ended with {@code ~} and the first 16
     * hex digits of the SHA-256 of {@code text}; and a device name Windows reserves ({@code con},
     * {@code nul.x} ...) with its first letter encoded too ({@code %63on.sql}), as is a leading dot
     * or blank (no hidden files) and a folder name's trailing dot or blank (which Windows drops):
     * the encoding never encodes those characters otherwise, so names stay distinct.
     */
    static String name(String text, String suffix) {
        String e = encode(text);
        if (e.length() + suffix.length() > MAX_NAME) {
            String hash = "~" + sha256(text).substring(0, 16);
            int room = MAX_NAME - suffix.length() - hash.length() - 2;   // 2: room to encode the first character (below)
            StringBuilder cut = new StringBuilder();
            for (int cp : text.codePoints().toArray()) {
                String x = encode(Character.toString(cp));
                if (cut.length() + x.length() > room) {
                    break;
                }
                cut.append(x);
            }
            e = cut + hash;
        }
        if (e.startsWith(".") || e.startsWith(" ")) {
            e = escape(e.charAt(0)) + e.substring(1);   // never a hidden file; no leading blank
        }
        if (suffix.isEmpty() && (e.endsWith(".") || e.endsWith(" "))) {
            e = e.substring(0, e.length() - 1) + escape(e.charAt(e.length() - 1));   // Windows drops a trailing dot or blank
        }
        String whole = e + suffix;
        String stem = whole.contains(".") ? whole.substring(0, whole.indexOf('.')) : whole;
        if (WINDOWS_RESERVED.contains(stem.strip())) {
            e = escape(e.charAt(0)) + e.substring(1);
        }
        return e + suffix;
    }

    /**
     * Percent-encodes {@code text} for a file name: each UTF-8 byte of a character outside
     * {@code a-z 0-9 . _ - ( ) , space} becomes {@code %XX} with upper-case hex digits, upper-case
     * letters included (so {@code "Users"} is {@code %22%55sers%22} and {@code users} stays
     * {@code users}). Any URL decoder, and {@link #decode}, reverses it.
     */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || ".-_(), ".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append(escape(c));
            }
        }
        return out.toString();
    }

    private static String escape(char b) {
        return String.format(Locale.ROOT, "%%%02X", (int) b);
    }

    /**
     * The text {@link #encode} was given. A name cut for length ({@code ...~<16 hex>}) decodes to
     * its start and the hash; the manifest names the object of such a file.
     *
     * @throws IllegalArgumentException when {@code name} holds a {@code %} not followed by two hex digits
     */
    public static String decode(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                if (i + 2 >= name.length()) {
                    throw new IllegalArgumentException("not a pggit file name (a % without two hex digits): " + name);
                }
                bytes.write(HexFormat.fromHexDigits(name, i + 1, i + 3));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * Makes {@code dir} ready for an export: created when missing; an earlier export in it removed
     * (its {@code schema.sql} and {@code manifest.json}, every {@code <folder>/<folder>/<file>.sql},
     * and the folders that leaves empty), entries whose names start with a dot and files outside that
     * layout kept; a folder that is not empty and holds no pggit export refused before anything changes.
     */
    private static void prepare(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new PggitException("cannot export into " + dir + ": it is a file, not a folder");
        }
        List<Path> entries = visible(dir);
        if (entries.isEmpty()) {
            return;
        }
        if (!isExport(dir.resolve(MANIFEST))) {
            Set<String> names = new TreeSet<>();
            entries.forEach(e -> names.add(e.getFileName().toString()));
            throw new PggitException("cannot export into " + dir + ": the folder is not empty and holds no pggit export (no "
                    + MANIFEST + " that pggit wrote), so pggit will not replace what is in it; nothing was changed. It holds: "
                    + String.join(", ", names.stream().limit(10).toList()) + (names.size() > 10 ? ", ..." : "")
                    + ". Export into a new or empty folder, or into one that holds an earlier export");
        }
        for (Path e : entries) {
            String n = e.getFileName().toString();
            if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                for (Path kind : visible(e)) {
                    if (Files.isDirectory(kind, LinkOption.NOFOLLOW_LINKS)) {
                        for (Path f : visible(kind)) {
                            if (f.getFileName().toString().endsWith(".sql") && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                                Files.delete(f);
                            }
                        }
                        deleteIfEmpty(kind);
                    }
                }
                deleteIfEmpty(e);
            } else if (n.equals(SCRIPT) && Files.isRegularFile(e, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(e);
            }
        }
        Files.delete(dir.resolve(MANIFEST));   // last: an export interrupted meanwhile is still recognised
    }

    /** Whether {@code manifest} is a manifest an export wrote: a JSON object with a format, a commit and objects. */
    private static boolean isExport(Path manifest) {
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode m = JSON.readTree(manifest.toFile());
            return m != null && m.isObject() && m.path("format").isInt() && m.path("commit").isTextual() && m.path("objects").isArray();
        } catch (IOException e) {
            return false;
        }
    }

    /** The entries of {@code dir} whose names do not start with a dot, sorted. */
    private static List<Path> visible(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            if (s.iterator().hasNext()) {
                return;
            }
        }
        Files.delete(dir);
    }
}
