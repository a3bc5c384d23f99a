package io.pggit.core.testing;

import io.pggit.core.Pggit;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A fresh database on the test server, with small helpers to run SQL in it. */
public final class TestDb {
    private final String name;
    private final DataSource dataSource;

    private TestDb(String name) {
        this.name = name;
        this.dataSource = TestPostgres.get().dataSource(name);
    }

    /** A new empty database. */
    public static TestDb create(String owner) {
        return new TestDb(TestPostgres.get().createDatabase(owner));
    }

    /**
     * A database with pggit at a base ({@code base} committed), branch {@code src} one commit ahead
     * ({@code source}'s DDL) and {@code main}, checked out, one commit ahead ({@code target}'s DDL),
     * without drift. HEAD is moved by hand ({@code UPDATE pggit.head}) and the source side's DDL
     * undone on the live catalog by {@code undoSource}, so that branches diverge without checkout.
     */
    public static TestDb diverged(String owner, List<String> base, List<String> source, List<String> undoSource, List<String> target) {
        TestDb db = withPggit(owner);
        Pggit pggit = db.pggit();
        db.exec(base.toArray(String[]::new));
        pggit.commit("base");
        pggit.createBranch("src", null, "the source side");
        db.exec("UPDATE pggit.head SET branch = 'src'");
        db.exec(source.toArray(String[]::new));
        if (pggit.commit("source side").isEmpty()) {
            throw new IllegalStateException("the source side changed nothing: " + source);
        }
        db.exec("UPDATE pggit.head SET branch = 'main'");
        db.exec(undoSource.toArray(String[]::new));
        pggit.commit("undo the source side on the live catalog");   // no commit: main's tree is the base's
        db.exec(target.toArray(String[]::new));
        if (pggit.commit("target side").isEmpty()) {
            throw new IllegalStateException("the target side changed nothing: " + target);
        }
        if (!pggit.drift().isEmpty()) {
            throw new IllegalStateException("drift after diverging: " + pggit.drift());
        }
        return db;
    }

    /** A new database with pggit installed. */
    public static TestDb withPggit(String owner) {
        TestDb db = create(owner);
        Pggit.builder(db.dataSource).build().install();
        return db;
    }

    /**
     * A copy of this database ({@code CREATE DATABASE ... TEMPLATE}): the same objects under the same
     * OIDs, pggit's tables and their rows included, in a database of another OID. No session may be
     * connected to this database meanwhile (the data source opens one per call).
     */
    public TestDb copy(String suffix) {
        String copy = (name.length() + suffix.length() + 1 > 63 ? name.substring(0, 62 - suffix.length()) : name) + "_" + suffix;
        try (Connection c = TestPostgres.get().admin().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + copy + "\" TEMPLATE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return new TestDb(copy);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return TestPostgres.get().jdbcUrl(name);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Pggit pggit() {
        return Pggit.builder(dataSource).build();
    }

    /** Runs each statement in auto-commit mode. */
    public void exec(String... statements) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Rows of a query, each column rendered with {@code getString}. */
    public List<List<String>> rows(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of each row. */
    public List<String> column(String sql) {
        return rows(sql).stream().map(r -> r.get(0)).toList();
    }

    /** The tree hash of HEAD. */
    public String headTree() {
        return value("SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()");
    }

    /** The tree hash of a fresh full capture of the live catalog (written as tree nodes, not committed). */
    /** What a full capture reads now: each object's key and definition hash, by key (comparable across tree layouts). */
    public List<String> freshCapture() {
        return column("SELECT object_key || ' ' || hash FROM pggit.read_catalog() ORDER BY 1");
    }

    public String freshCaptureTree() {
        return value("SELECT pggit.write_tree(NULL, ARRAY(SELECT ROW(pggit.tree_path(schema_name, kind, object_key), hash)"
                + "::pggit.tree_edit FROM pggit.read_catalog()))");
    }

    /**
     * Exports HEAD into {@code dir}, applies its {@code schema.sql} to a new empty database, installs
     * pggit there (whose baseline captures what the script made) and returns that baseline's tree hash:
     * equal to {@link #headTree()} when the export recreates the schema exactly.
     */
    public String exportRoundTripTree(Path dir) throws IOException {
        pggit().export("HEAD", dir);
        TestDb copy = create(name + "_copy");
        copy.exec(Files.readString(dir.resolve("schema.sql")));
        copy.pggit().install();
        return copy.headTree();
    }

    /**
     * A shared corpus folder: {@code <pggit.corpora>/<name>} (the parent POM points that system
     * property at {@code <project root>/../shared/corpora}), else relative to the module folder.
     */
    public static Path corpus(String name) {
        String configured = System.getProperty("pggit.corpora");
        Path root = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.dir")).resolve("../../shared/corpora");
        return root.resolve(name).normalize().toAbsolutePath();
    }

    /** The single value of a query. */
    public String value(String sql) {
        List<List<String>> r = rows(sql);
        if (r.size() != 1) {
            throw new IllegalStateException("expected one row from " + sql + " but got " + r.size());
        }
        return r.get(0).get(0);
    }
}
