package io.pggit.maven;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;

/** Connection settings shared by the goals, named like the Flyway and Liquibase plugins' own. */
abstract class AbstractConnectionMojo extends AbstractMojo {

    /** JDBC URL of the database; defaults to the embedded PostgreSQL of {@code pggit:start-postgres}. */
    @Parameter(property = "pggit.url", defaultValue = "${pggit.jdbc.url}")
    protected String url;

    @Parameter(property = "pggit.user")
    protected String user;

    @Parameter(property = "pggit.password")
    protected String password;

    protected DataSource dataSource() throws MojoExecutionException {
        if (url == null || url.isBlank() || url.startsWith("${")) {
            throw new MojoExecutionException("no database: set <url> (or -Dpggit.url=jdbc:postgresql://host/db), "
                    + "or run pggit:start-postgres earlier in the build");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        if (user != null && !user.isBlank()) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }
}
