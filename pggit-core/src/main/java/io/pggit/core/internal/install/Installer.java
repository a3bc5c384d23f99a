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
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
     * As {@link #install(Connection, List, List, String)}, naming the roles {@code grantTo} in messages.
     */
    public static InstallResult install(Connection c, List<String> toolTables, List<String> grantTo) throws SQLException {
        return install(c, toolTables, grantTo, "grantTo");
    }

    /**
     * As {@link #install(Connection, List)}, then makes each role of {@code grantTo} a member of
     * {@code pggit_writer} (a migration role: what it needs to record its runs), in the same
     * transaction: a role that is a member already (directly or through {@code pggit_admin}) is left
     * as it is; any other is granted it, which needs a superuser or a role holding
     * {@code pggit_writer} WITH ADMIN OPTION. This happens on every call, also when pggit is current,
     * so a setting that names a role keeps it a member; nothing is revoked.
     *
     * @param grantToSetting how the caller spells the setting that names the roles (e.g.
     *                       {@code flyway.pggit.grantTo}), for the messages
     * @throws PggitException.InvalidConfig naming the setting and a role of {@code grantTo} that
     *                                      does not exist; nothing is installed or granted then
     * @throws PggitException.NotPermitted  naming the setting, the role and the statement a superuser
     *                                      runs, when a role is not a member and this role may not
     *                                      grant it; nothing is installed or granted then
     */
    public static InstallResult install(Connection c, List<String> toolTables, List<String> grantTo, String grantToSetting)
            throws SQLException {
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
                List<String> granted = grantWriter(c, grantTo, grantToSetting);
                c.commit();
                return new InstallResult(before, CURRENT, Optional.empty(), granted);
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
            List<String> granted = grantWriter(c, grantTo, grantToSetting);
            if (before.isEmpty()) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery(
                             "SELECT pggit.baseline()")) {
                    rs.next();
                    baseline = Optional.ofNullable(rs.getString(1));
                }
            }
            c.commit();
            return new InstallResult(before, CURRENT, baseline, granted);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Grants {@code pggit_writer} to each role of {@code roles} that is not a member yet; the roles
     * granted it, in order. Role names are exact (as in {@code pg_roles}); the statement quotes them
     * ({@code format('%I')}).
     */
    private static List<String> grantWriter(Connection c, List<String> roles, String setting) throws SQLException {
        List<String> granted = new ArrayList<>();
        for (String role : new LinkedHashSet<>(roles)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT r.oid IS NOT NULL, "
                    + "r.oid IS NOT NULL AND pg_has_role(r.oid, 'pggit_writer', 'MEMBER'), "
                    + "pg_has_role(current_user, 'pggit_writer', 'USAGE WITH ADMIN OPTION'), "
                    + "format('GRANT pggit_writer TO %I', ?::text), current_user, "
                    + "(SELECT string_agg(format('\"%s\"', o.rolname), ', ' ORDER BY o.rolname) FROM pg_roles o "
                    + "WHERE lower(o.rolname) = lower(?::text)) "
                    + "FROM (SELECT ?::text AS name) n LEFT JOIN pg_roles r ON r.rolname = n.name")) {
                ps.setString(1, role);
                ps.setString(2, role);
                ps.setString(3, role);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        String similar = rs.getString(6);
                        throw new PggitException.InvalidConfig(setting + " names role \"" + role + "\", which does not exist: "
                                + "create it, or name an existing role (role names are exact, case included"
                                + (similar == null ? "" : "; there is " + similar) + ")");
                    }
                    if (rs.getBoolean(2)) {
                        continue;
                    }
                    if (!rs.getBoolean(3)) {
                        throw new PggitException.NotPermitted(setting + " names role \"" + role + "\", which is not a member of "
                                + "pggit_writer, and role \"" + rs.getString(5) + "\" may not grant it (that needs a superuser or "
                                + "pggit_writer WITH ADMIN OPTION): a superuser runs " + rs.getString(4)
                                + ", or the run goes as a role that may", null);
                    }
                    try (Statement s = c.createStatement()) {
                        s.execute(rs.getString(4));
                    }
                    granted.add(role);
                }
            }
        }
        return List.copyOf(granted);
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
