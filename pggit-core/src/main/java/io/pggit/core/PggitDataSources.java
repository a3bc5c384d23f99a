package io.pggit.core;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connections the front ends (Maven goals, command line) open from a URL, a role and a
 * password, and how they name them in reports.
 */
public final class PggitDataSources {

    private PggitDataSources() {
    }

    /** A data source for {@code url}; {@code user} and {@code password} when given (else what the URL says). */
    public static PGSimpleDataSource of(String url, String user, String password) {
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

    /**
     * The target of a comparison: {@code url} with {@code user} and {@code password} when given,
     * else what the URL says, else the source's role, and the source's password only with the
     * source's role: a password is never sent for another role.
     */
    public static PGSimpleDataSource target(PGSimpleDataSource source, String url, String user, String password) {
        PGSimpleDataSource target = new PGSimpleDataSource();
        target.setUrl(url);
        if (user != null && !user.isBlank()) {
            target.setUser(user);
        } else if (blank(target.getUser()) && !blank(source.getUser())) {
            target.setUser(source.getUser());
        }
        if (password != null) {
            target.setPassword(password);
        } else if (target.getPassword() == null && source.getPassword() != null && role(target).equals(role(source))) {
            target.setPassword(source.getPassword());
        }
        return target;
    }

    /** The URL without user or password parameters, for reports and log lines. */
    public static String redacted(String url) {
        return url == null ? "" : url.replaceAll("(?i)([?&])(user|password)=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }

    /** The name of the database {@code ds} connects to (as the server says), "?" when it cannot be asked. */
    public static String databaseName(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return c.getCatalog();
        } catch (SQLException e) {
            return "?";
        }
    }

    /** The role a data source names; "" for none (the driver then takes the operating system's user name). */
    private static String role(PGSimpleDataSource ds) {
        return blank(ds.getUser()) ? "" : ds.getUser();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
