package io.pggit.maven;

import io.pggit.core.PggitDataSources;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;

/** Connection settings shared by the goals, named like the Flyway and Liquibase plugins' own. */
abstract class AbstractConnectionMojo extends AbstractMojo {

    /**
     * JDBC URL of the database, {@code jdbc:postgresql://host[:port]/database[?param=value&...]} (PgJDBC's
     * form; {@code user} and {@code password} may be URL parameters). Default: the URL that
     * {@code pggit:start-postgres} published in the project property {@code pggit.jdbc.url}, so a goal
     * after it in the same build needs no URL.
     */
    @Parameter(property = "pggit.url", defaultValue = "${pggit.jdbc.url}")
    protected String url;

    /**
     * The database role to connect as. Default: the username of {@code serverId}, else a {@code user} in
     * the URL, else PgJDBC's default (the operating system's user name).
     */
    @Parameter(property = "pggit.user")
    protected String user;

    /**
     * The role's password. Default: the password of {@code serverId}, else a {@code password} in the URL,
     * else none (trust, peer or a {@code ~/.pgpass} entry).
     */
    @Parameter(property = "pggit.password")
    protected String password;

    /**
     * The id of a {@code <server>} in settings.xml whose username and password to use, as the Flyway
     * plugin's {@code serverId}; {@code user} and {@code password}, when given, win. Default: none.
     */
    @Parameter(property = "pggit.serverId")
    protected String serverId;

    @Parameter(defaultValue = "${settings}", readonly = true)
    protected Settings settings;

    protected PGSimpleDataSource dataSource() throws MojoExecutionException {
        if (url == null || url.isBlank() || url.startsWith("${")) {
            throw new MojoExecutionException("no database: set <url> (or -Dpggit.url=jdbc:postgresql://host/db), "
                    + "or run pggit:start-postgres earlier in the build");
        }
        Server server = server(serverId, "pggit.serverId");
        if (server != null) {
            if (user == null || user.isBlank()) {
                user = server.getUsername();
            }
            if (password == null) {
                password = server.getPassword();
            }
        }
        return PggitDataSources.of(url, user, password);
    }

    /** The {@code <server>} of settings.xml with id {@code id}; null when no id is given. */
    protected Server server(String id, String property) throws MojoExecutionException {
        if (id == null || id.isBlank()) {
            return null;
        }
        Server server = settings == null ? null : settings.getServer(id);
        if (server == null) {
            throw new MojoExecutionException("no <server> with id \"" + id + "\" in settings.xml (" + property + ")");
        }
        return server;
    }

    /** The name of the database {@code ds} connects to (as the server says), for log lines. */
    protected static String databaseName(DataSource ds) {
        return PggitDataSources.databaseName(ds);
    }

    /** The URL without user or password parameters, for reports. */
    protected String target() {
        return PggitDataSources.redacted(url);
    }
}
