package io.pggit.cli;

import io.pggit.core.PggitDataSources;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The connection, named as the Maven goals' {@code pggit.url}, {@code pggit.user}, {@code pggit.password}. */
public final class ConnectionOptions {

    @Option(names = "--url", defaultValue = "${env:PGGIT_URL}", paramLabel = "JDBC_URL",
            description = "JDBC URL of the database, e.g. jdbc:postgresql://host:5432/db (default: the environment variable PGGIT_URL)")
    String url;

    @Option(names = "--user", description = "the role (default: a user in the URL, else PgJDBC's default)")
    String user;

    @Option(names = "--password", defaultValue = "${env:PGPASSWORD}", showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "the password (default: the environment variable PGPASSWORD)")
    String password;

    PGSimpleDataSource dataSource() {
        return PggitDataSources.of(url(), user, password);
    }

    private String url() {
        if (url == null || url.isBlank()) {
            throw new io.pggit.core.PggitException.InvalidConfig("pggit: no database named: give --url=JDBC_URL (e.g. jdbc:postgresql://host:5432/db) "
                    + "or set the environment variable PGGIT_URL");
        }
        return url;
    }

    /** The URL without credentials, for reports. */
    String target() {
        return PggitDataSources.redacted(url());
    }
}
