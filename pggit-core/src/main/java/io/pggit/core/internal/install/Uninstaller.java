package io.pggit.core.internal.install;

import io.pggit.core.PggitException;
import io.pggit.core.internal.jdbc.Sql;
import io.pggit.core.model.UninstallResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes pggit from a database: its two event triggers and schema {@code pggit} with all the history
 * it holds, in one transaction under the installer's advisory lock. Roles are cluster-wide and are
 * never dropped. It refuses
 * <ul>
 *   <li>unless {@code confirmDatabase} names the current database (the history is gone afterwards);
 *   <li>while a deployment is open ({@code pggit.open_deployments}): a migration run is writing (a
 *       run whose session is gone is first closed as interrupted, {@code pggit.close_interrupted_deployments});
 *   <li>while user objects outside schema {@code pggit} depend on it ({@code pg_depend}: a column of
 *       type {@code pggit.cqrs_change}, a view over a pggit view, ...), unless {@code cascade}:
 *       {@code DROP SCHEMA ... CASCADE} would drop them silently.
 * </ul>
 * Last it sets the database setting {@code pggit.uninstalled_at} (UTC), outside the schema, so a
 * later install's baseline commit ({@code pggit.baseline()}) says that the earlier history was
 * removed, and when. The statements, in order, are listed in docs/sql-api.md ("Uninstalling").
 *
 * <p>Internal: no compatibility promise.
 */
public final class Uninstaller {

    /** pggit's event triggers, dropped by name (DROP SCHEMA does not drop event triggers). */
    static final List<String> EVENT_TRIGGERS = List.of("pggit_ddl_command_end", "pggit_sql_drop");

    /**
     * User objects outside schema pggit that depend on an object in it, as
     * {@code pg_describe_object} texts: "<dependent> (on <pggit object>)". pg_depend's normal and
     * automatic dependencies; pggit's own event triggers, and the view rules, column defaults and
     * triggers of its tables, are not user objects.
     */
    static final String DEPENDENTS = """
            WITH d AS (
                SELECT CASE WHEN d.classid = 'pg_rewrite'::regclass   -- a view's rule stands for the view
                            THEN (SELECT pg_describe_object('pg_class'::regclass, r.ev_class, 0) FROM pg_rewrite r WHERE r.oid = d.objid)
                            ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END AS dependent,
                       pg_describe_object(d.refclassid, d.refobjid, 0) AS referenced
                  FROM pg_depend d
                 WHERE d.deptype IN ('n', 'a')
                   AND (pg_identify_object(d.refclassid, d.refobjid, 0)).schema = 'pggit'
                   AND (pg_identify_object(d.classid, d.objid, 0)).schema IS DISTINCT FROM 'pggit'
                   AND NOT (d.classid = 'pg_event_trigger'::regclass
                            AND d.objid IN (SELECT e.oid FROM pg_event_trigger e WHERE e.evtname IN ('pggit_ddl_command_end', 'pggit_sql_drop')))
                   AND NOT (d.classid = 'pg_rewrite'::regclass
                            AND d.objid IN (SELECT r.oid FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = 'pggit'::regnamespace))
                   AND NOT (d.classid = 'pg_attrdef'::regclass
                            AND d.objid IN (SELECT a.oid FROM pg_attrdef a JOIN pg_class c ON c.oid = a.adrelid WHERE c.relnamespace = 'pggit'::regnamespace))
                   AND NOT (d.classid = 'pg_trigger'::regclass
                            AND d.objid IN (SELECT t.oid FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'pggit'::regnamespace))
            )
            SELECT d.dependent || ' (on ' || string_agg(DISTINCT d.referenced, ', ' ORDER BY d.referenced) || ')'
              FROM d GROUP BY d.dependent ORDER BY 1""";

    private static final DateTimeFormatter MARKER = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssXXX").withZone(ZoneOffset.UTC);

    private Uninstaller() {
    }

    /**
     * Uninstalls pggit from the database {@code c} is connected to (see the class doc).
     *
     * @param confirmDatabase must equal the current database's name
     * @param cascade         drop user objects that depend on pggit too
     * @throws PggitException naming what to do when pggit is not installed, the confirmation is
     *                        missing or wrong, a deployment is open, user objects depend on pggit,
     *                        or the role may not drop it (a superuser may)
     */
    public static UninstallResult uninstall(Connection c, String confirmDatabase, boolean cascade) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, Installer.LOCK_KEY);
                lock.execute();
            }
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL search_path = pg_catalog");   // object descriptions schema-qualified
            }
            Sql sql = new Sql(c);
            String database = sql.one("read the database's name", "SELECT current_database()", Sql.TEXT);
            if (!"true".equals(sql.one("check for a superuser", "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user", Sql.TEXT))) {
                throw new PggitException("role \"" + sql.one("read the role", "SELECT current_user", Sql.TEXT) + "\" cannot uninstall pggit from database \""
                        + database + "\": dropping its event triggers needs a superuser; run mvn pggit:uninstall with -Dpggit.user=postgres");
            }
            Optional<String> version = Installer.installedVersion(c);
            if (version.isEmpty()) {
                throw new PggitException("pggit is not installed in database \"" + database + "\": nothing to uninstall");
            }
            if (confirmDatabase == null || !confirmDatabase.equals(database)) {
                throw new PggitException("uninstalling drops schema pggit and all the history it recorded in database \"" + database
                        + "\" (pggit " + version.get() + "): confirm with -Dpggit.confirm=" + database
                        + (confirmDatabase == null || confirmDatabase.isBlank() ? "" : " (the confirmation names \"" + confirmDatabase + "\")"));
            }
            if (!"0.1".equals(version.get())) {   // a migration run whose session is gone is no open run (0.2+)
                sql.list("close interrupted runs", "SELECT deployment_id::text FROM pggit.close_interrupted_deployments()", Sql.TEXT);
            }
            List<String> open = sql.list("list open deployments", "SELECT format('deployment %s (%s, %s) opened at %s by %s%s', d.id, d.name, d.tool, d.started_at, "
                    + "d.db_user, CASE WHEN d.session_alive THEN '' ELSE ', its session is gone' END) FROM pggit.open_deployments d ORDER BY d.id", Sql.TEXT);
            if (!open.isEmpty()) {
                throw new PggitException("pggit cannot be uninstalled while a deployment is open: " + String.join("; ", open)
                        + ". Wait for the run to end, or close a dead one with SELECT pggit.abandon_deployment(<id>)");
            }
            List<String> dependents = sql.list("list the objects that depend on pggit", DEPENDENTS, Sql.TEXT);
            if (!dependents.isEmpty() && !cascade) {
                throw new PggitException(dependents.size() + " object(s) outside schema pggit depend on it, and dropping the schema would "
                        + "drop them too: " + String.join("; ", dependents)
                        + ". Drop or change them first, or uninstall with -Dpggit.cascade=true to drop them as well");
            }
            List<String> removed = new ArrayList<>();
            for (String t : sql.list("list pggit's event triggers", "SELECT evtname FROM pg_event_trigger WHERE evtname IN ('pggit_ddl_command_end', 'pggit_sql_drop') ORDER BY 1", Sql.TEXT)) {
                removed.add("event trigger " + t);
            }
            removed.add(sql.one("count pggit's objects", "SELECT format('schema pggit (pggit %s): %s tables, %s views, %s functions, %s types', pggit.version(), "
                    + "count(*) FILTER (WHERE c.relkind IN ('r', 'p')), count(*) FILTER (WHERE c.relkind = 'v'), "
                    + "(SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'pggit'::regnamespace), "
                    + "(SELECT count(*) FROM pg_type t WHERE t.typnamespace = 'pggit'::regnamespace AND t.typtype IN ('c', 'e', 'd') "
                    + "AND (t.typrelid = 0 OR (SELECT r.relkind FROM pg_class r WHERE r.oid = t.typrelid) = 'c'))) "
                    + "FROM pg_class c WHERE c.relnamespace = 'pggit'::regnamespace", Sql.TEXT));
            removed.add(sql.one("count the history", "SELECT format('history: %s commits, %s migration links, %s deployments, %s definitions', "
                    + "(SELECT count(*) FROM pggit.commit), (SELECT count(*) FROM pggit.migration_link), "
                    + "(SELECT count(*) FROM pggit.deployment), (SELECT count(*) FROM pggit.blob))", Sql.TEXT));
            Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            try (Statement s = c.createStatement()) {
                for (String t : EVENT_TRIGGERS) {
                    s.execute("DROP EVENT TRIGGER IF EXISTS " + t);
                }
                s.execute("DROP SCHEMA pggit CASCADE");
            }
            String marker = sql.one("write the uninstall marker", "SELECT format('ALTER DATABASE %I SET pggit.uninstalled_at = %L', "
                    + "current_database(), ?::text)", Sql.TEXT, MARKER.format(at));
            try (Statement s = c.createStatement()) {
                s.execute(marker);
            }
            c.commit();
            return new UninstallResult(database, version.get(), removed, cascade ? dependents : List.of(), at);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
