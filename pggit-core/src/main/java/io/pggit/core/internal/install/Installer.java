package io.pggit.core.internal.install;

import io.pggit.core.PggitException;
import io.pggit.core.internal.jdbc.Sql;
import io.pggit.core.model.InstallResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * Installs or upgrades the SQL layer: {@code pggit--<v>.sql} for a fresh install, then
 * {@code pggit--<a>--<b>.sql} steps, like a PostgreSQL extension. All of it in one transaction
 * under an advisory lock, so two concurrent runs install once; idempotent.
 *
 * <p>Internal: no compatibility promise.
 */
public final class Installer {

    /** Versions in order; the last one is what this library needs. */
    public static final List<String> VERSIONS = List.of("0.1", "0.2");
    public static final String CURRENT = VERSIONS.get(VERSIONS.size() - 1);
    private static final String RESOURCES = "/io/pggit/core/sql/";
    /** The advisory lock install, upgrade and uninstall take (pg_advisory_xact_lock). */
    static final long LOCK_KEY = 0x7067676974L; // "pggit"

    private Installer() {
    }

    /** The installed version, empty when pggit is not installed in this database. */
    public static Optional<String> installedVersion(Connection c) throws SQLException {
        // through pg_class, not to_regclass: a role without USAGE on schema pggit would get an error
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
                     + "WHERE n.nspname = 'pggit' AND t.relname = 'schema_version'), "
                     + "EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = 'pggit' AND has_schema_privilege(n.oid, 'USAGE')), "
                     + "current_user, current_database()")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Optional.empty();
            }
            if (!rs.getBoolean(2)) {
                throw new PggitException.NotPermitted("pggit is installed in database \"" + rs.getString(4) + "\", but role \""
                        + rs.getString(3) + "\" may not use it. " + Sql.ROLES_HINT, null);
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pggit.version()")) {
            rs.next();
            return Optional.ofNullable(rs.getString(1));
        }
    }

    /**
     * Installs or upgrades to {@link #CURRENT} and, on a fresh install into a database that already
     * has tracked objects, records a baseline commit of them.
     *
     * @throws PggitException.NotInstalled when the role is not a superuser (event triggers need one)
     */
    public static InstallResult install(Connection c) throws SQLException {
        return install(c, List.of());
    }

    /**
     * As {@link #install(Connection)}, registering {@code toolTables} (history tables under names
     * other than the defaults) as never tracked before the baseline is taken.
     */
    public static InstallResult install(Connection c, List<String> toolTables) throws SQLException {
        return install(c, toolTables, List.of());
    }

    /**
     * As {@link #install(Connection, List)}, then grants {@code pggit_writer} to each role of
     * {@code grantTo} that is not a member yet (a migration role: what it needs to record its runs).
     *
     * @throws PggitException naming a role of {@code grantTo} that does not exist
     */
    public static InstallResult install(Connection c, List<String> toolTables, List<String> grantTo) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                lock.execute();
            }
            Optional<String> before = installedVersion(c);
            if (before.isPresent() && before.get().equals(CURRENT)) {
                registerToolTables(c, toolTables);
                grantWriter(c, grantTo);
                c.commit();
                return new InstallResult(before, CURRENT, Optional.empty());
            }
            if (before.isPresent() && !VERSIONS.contains(before.get())) {
                throw new PggitException("pggit " + before.get() + " is installed in schema \"pggit\", newer than this library ("
                        + CURRENT + "): use a pggit library of version " + before.get() + " or later");
            }
            requireSuperuser(c, before);
            if (before.isEmpty()) {
                run(c, "pggit--" + CURRENT + ".sql");
            } else {
                for (int i = VERSIONS.indexOf(before.get()); i + 1 < VERSIONS.size(); i++) {
                    run(c, "pggit--" + VERSIONS.get(i) + "--" + VERSIONS.get(i + 1) + ".sql");
                }
            }
            Optional<String> baseline = Optional.empty();
            registerToolTables(c, toolTables);
            grantWriter(c, grantTo);
            if (before.isEmpty()) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery(
                             "SELECT pggit.baseline()")) {
                    rs.next();
                    baseline = Optional.ofNullable(rs.getString(1));
                }
            }
            c.commit();
            return new InstallResult(before, CURRENT, baseline);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static void grantWriter(Connection c, List<String> roles) throws SQLException {
        for (String role : roles) {
            try (PreparedStatement ps = c.prepareStatement("SELECT x.e, CASE WHEN x.e THEN pg_has_role(?::name, 'pggit_writer', 'MEMBER') END, "
                    + "format('GRANT pggit_writer TO %I', ?::text) FROM (SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) AS e) x")) {
                ps.setString(1, role);
                ps.setString(2, role);
                ps.setString(3, role);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw new PggitException("cannot grant pggit_writer to role \"" + role + "\": it does not exist (grantTo names it)");
                    }
                    if (!rs.getBoolean(2)) {
                        try (Statement s = c.createStatement()) {
                            s.execute(rs.getString(3));
                        }
                    }
                }
            }
        }
    }

    private static void registerToolTables(Connection c, List<String> toolTables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pggit.register_tool_table(?)")) {
            for (String t : toolTables) {
                ps.setString(1, t);
                ps.execute();
            }
        }
    }

    private static void requireSuperuser(Connection c, Optional<String> before) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper, current_user, current_database() FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                String what = before.map(v -> "upgrade pggit from " + v + " to " + CURRENT).orElse("install pggit " + CURRENT);
                throw new PggitException.NotInstalled("role \"" + rs.getString(2) + "\" cannot " + what + " in database \""
                        + rs.getString(3) + "\": pggit's event triggers need a superuser. Install it once with a privileged role, "
                        + "e.g. mvn pggit:install -Dpggit.url=<jdbc url> -Dpggit.user=postgres, or Pggit.builder(superuserDataSource).build().install()");
            }
        }
    }

    private static void run(Connection c, String resource) throws SQLException {
        String sql;
        try (InputStream in = Installer.class.getResourceAsStream(RESOURCES + resource)) {
            if (in == null) {
                throw new PggitException("pggit SQL resource " + RESOURCES + resource + " is missing from the pggit-core jar");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PggitException("cannot read pggit SQL resource " + resource + ": " + e.getMessage(), e);
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
