package io.pggit.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One project may run one embedded server per URL property (the README snippet test runs two),
 * a second start for the same property is refused, and stop-postgres stops the one it names and
 * deletes its data directory.
 */
class StartPostgresMojoTest {

    static StartPostgresMojo start(MavenProject project, String urlProperty) {
        StartPostgresMojo mojo = new StartPostgresMojo();
        Goals.set(mojo, "project", project);
        Goals.set(mojo, "urlProperty", urlProperty);
        Goals.captureInfo(mojo);
        return mojo;
    }

    static List<String> stop(MavenProject project, String urlProperty) throws MojoExecutionException {
        StopPostgresMojo mojo = new StopPostgresMojo();
        Goals.set(mojo, "project", project);
        Goals.set(mojo, "urlProperty", urlProperty);
        List<String> log = Goals.captureInfo(mojo);
        mojo.execute();
        return log;
    }

    static int port(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('port')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void oneServerPerUrlProperty() throws Exception {
        MavenProject project = new MavenProject();
        try {
            start(project, "it.a.url").execute();
            start(project, "it.b.url").execute();
            String a = project.getProperties().getProperty("it.a.url");
            String b = project.getProperties().getProperty("it.b.url");
            assertNotEquals(port(a), port(b), "two servers: " + a + " and " + b);

            MojoExecutionException again = assertThrows(MojoExecutionException.class, () -> start(project, "it.a.url").execute());
            assertTrue(again.getMessage().contains("(property it.a.url)"), again.getMessage());

            Path dataA = StartPostgresMojo.RUNNING.get(StartPostgresMojo.key(project, "it.a.url")).dataDirectory();
            assertTrue(Files.isDirectory(dataA), dataA.toString());
            assertEquals(List.of("pggit: embedded PostgreSQL stopped (property it.a.url)"), stop(project, "it.a.url"));
            assertFalse(Files.exists(dataA), "stop-postgres deletes the data directory: " + dataA);
            assertEquals(List.of("pggit: no embedded PostgreSQL runs for " + project.getId() + " (property it.a.url)"),
                    stop(project, "it.a.url"));
            port(b); // the other one still runs
        } finally {
            stop(project, "it.a.url");
            stop(project, "it.b.url");
        }
        assertTrue(StartPostgresMojo.RUNNING.isEmpty(), StartPostgresMojo.RUNNING.keySet().toString());
    }
}
