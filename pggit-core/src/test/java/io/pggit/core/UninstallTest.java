package io.pggit.core;

import io.pggit.core.model.UninstallResult;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pggit:uninstall's core: what it refuses, what it removes, and what a later install says about it. */
class UninstallTest {

    static boolean installed(TestDb db) {
        return db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'pggit'").equals("1");
    }

    static String marker(TestDb db) {
        return db.value("SELECT coalesce((SELECT string_agg(c, ',') FROM pg_db_role_setting s, unnest(s.setconfig) c "
                + "WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.setrole = 0 "
                + "AND c LIKE 'pggit.%'), '')");
    }

    @Test
    void refusesWithoutAConfirmationNamingTheDatabase() {
        TestDb db = TestDb.withPggit("uninstall_confirm");
        PggitException none = assertThrows(PggitException.class, () -> db.pggit().uninstall(null, false));
        assertTrue(none.getMessage().contains("-Dpggit.confirm=" + db.name()), none.getMessage());
        PggitException wrong = assertThrows(PggitException.class, () -> db.pggit().uninstall("production", false));
        assertTrue(wrong.getMessage().contains("\"production\""), wrong.getMessage());
        assertTrue(installed(db), "nothing removed");
        assertEquals("2", db.value("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'pggit%'"));
    }

    @Test
    void refusesWhileADeploymentIsOpen() throws java.sql.SQLException {
        TestDb db = TestDb.withPggit("uninstall_open_deployment");
        try (java.sql.Connection run = db.dataSource().getConnection(); java.sql.Statement s = run.createStatement()) {
            // the run's session stays alive while the uninstall is tried
            java.sql.ResultSet rs = s.executeQuery("SELECT pggit.open_deployment('flyway migrate', 'flyway')");
            rs.next();
            String id = rs.getString(1);
            PggitException e = assertThrows(PggitException.class, () -> db.pggit().uninstall(db.name(), false));
            assertTrue(e.getMessage().contains("deployment " + id + " (flyway migrate"), e.getMessage());
            assertTrue(e.getMessage().contains("pggit.abandon_deployment"), e.getMessage());
            assertTrue(installed(db));
            s.execute("SELECT pggit.close_deployment(" + id + ", 'success')");
        }
        db.pggit().uninstall(db.name(), false);
        assertTrue(!installed(db));
    }

    @Test
    void aRunWhoseSessionIsGoneDoesNotBlockIt() {
        TestDb db = TestDb.withPggit("uninstall_dead_run");
        // a Flyway run whose JVM was killed: its session (pid and backend start) no longer exists
        db.exec("INSERT INTO pggit.deployment (name, tool, backend_pid, backend_started_at) "
                + "VALUES ('flyway migrate', 'flyway', 2147483647, now() - interval '1 hour')");
        db.pggit().uninstall(db.name(), false);
        assertTrue(!installed(db));
    }

    @Test
    void refusesWhileUserObjectsDependOnPggitUnlessCascade() {
        TestDb db = TestDb.withPggit("uninstall_dependents");
        db.exec("CREATE TABLE public.\"Audit Ü\" (id int, change pggit.cqrs_change)",
                "CREATE VIEW public.my_links AS SELECT * FROM pggit.migration_tracking");
        PggitException e = assertThrows(PggitException.class, () -> db.pggit().uninstall(db.name(), false));
        assertTrue(e.getMessage().contains("column change of table public.\"Audit Ü\" (on type pggit.cqrs_change)"), e.getMessage());
        assertTrue(e.getMessage().contains("view public.my_links (on view pggit.migration_tracking)"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dpggit.cascade=true"), e.getMessage());
        assertTrue(installed(db));
        assertEquals("1", db.value("SELECT count(*) FROM pg_views WHERE viewname = 'my_links'"));

        UninstallResult r = db.pggit().uninstall(db.name(), true);
        assertEquals(2, r.dependents().size(), r.dependents().toString());
        assertEquals("0", db.value("SELECT count(*) FROM pg_views WHERE viewname = 'my_links'"));
        assertEquals(List.of("id"), db.column("SELECT attname FROM pg_attribute WHERE attrelid = 'public.\"Audit Ü\"'::regclass "
                + "AND attnum > 0 AND NOT attisdropped"), "the table stays, its pggit-typed column went with the schema");
    }

    @Test
    void removesTriggersAndSchemaLeavesAMarkerAndALaterInstallSaysTheHistoryRestarted() {
        TestDb db = TestDb.withPggit("uninstall_reinstall");
        db.exec("CREATE TABLE public.t (a int)");
        db.pggit().commit("t");
        // a Flyway history table with a migration that ran under the first installation
        db.exec("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200),"
                + " type varchar(20), script varchar(1000), checksum int, installed_by varchar(100), installed_on timestamp DEFAULT now(),"
                + " execution_time int, success boolean)",
                "INSERT INTO public.flyway_schema_history VALUES (1, '1', 'create t', 'SQL', 'V1__create_t.sql', 42, 'me', now(), 3, true)");

        UninstallResult r = db.pggit().uninstall(db.name(), false);
        assertTrue(r.removed().contains("event trigger pggit_ddl_command_end"), r.removed().toString());
        assertTrue(r.removed().stream().anyMatch(l -> l.startsWith("history: 2 commits")), r.removed().toString());
        assertTrue(!installed(db));
        assertEquals("0", db.value("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'pggit%'"));
        assertTrue(marker(db).startsWith("pggit.uninstalled_at="), marker(db));
        db.exec("CREATE TABLE public.u (b int)", "DROP TABLE public.u");   // DDL goes on without pggit

        db.exec("SELECT pg_sleep(0.01)");
        db.pggit().install();
        String message = db.value("SELECT message FROM pggit.commit WHERE id = pggit.head_commit()");
        assertTrue(message.startsWith("baseline: adopt the existing schema (pggit was uninstalled at " + r.uninstalledAt().toString().substring(0, 10)),
                message);
        assertEquals("", marker(db), "the marker is consumed");
        assertEquals("1", db.value("SELECT count(*) FROM pggit.history_restart WHERE baseline_commit = pggit.head_commit()"));
        List<List<String>> gaps = db.rows("SELECT kind, severity, subject FROM pggit.verify_consistency() WHERE check_name = 'gap'");
        assertEquals(List.of(List.of("restarted_history", "warning", "public.flyway_schema_history")), gaps);
        assertTrue(db.value("SELECT message FROM pggit.verify_consistency() WHERE kind = 'restarted_history'")
                .contains("1 migrations in public.flyway_schema_history ran before it"));
    }

    @Test
    void aFreshInstallWithoutAnUninstallBeforeItReportsNoRestart() {
        TestDb db = TestDb.create("uninstall_never");
        db.exec("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200),"
                + " type varchar(20), script varchar(1000), checksum int, installed_by varchar(100), installed_on timestamp DEFAULT now(),"
                + " execution_time int, success boolean)",
                "INSERT INTO public.flyway_schema_history VALUES (1, '1', 'old', 'SQL', 'V1__old.sql', 42, 'me', now(), 3, true)");
        db.pggit().install();
        assertEquals("baseline: adopt the existing schema", db.value("SELECT message FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals("0", db.value("SELECT count(*) FROM pggit.verify_consistency() WHERE check_name = 'gap'"));
    }

    @Test
    void aRoleThatIsNotASuperuserIsRefused() {
        TestDb db = TestDb.withPggit("uninstall_not_superuser");
        String role = "app_" + db.name();
        db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'", "GRANT ALL ON SCHEMA public TO " + role);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        PggitException e = assertThrows(PggitException.class, () -> Pggit.builder(ds).build().uninstall(db.name(), false));
        assertTrue(e.getMessage().contains("needs a superuser"), e.getMessage());
        assertTrue(installed(db));
    }

    @Test
    void notInstalledSaysSo() {
        TestDb db = TestDb.create("uninstall_nothing");
        PggitException e = assertThrows(PggitException.class, () -> db.pggit().uninstall(db.name(), false));
        assertTrue(e.getMessage().contains("pggit is not installed"), e.getMessage());
    }
}
