package io.pggit.core;

import io.pggit.core.model.InstallResult;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installing with {@code grantTo}: which roles become members of {@code pggit_writer}, when, and
 * what a missing role or a role that may not grant is told (README, "Roles").
 */
class InstallGrantTest {

    /** A login role named in mixed case (so it must be quoted), unique to the database. */
    static String mixedCaseRole(TestDb db, String stem) {
        String role = stem + "_" + Integer.toUnsignedString(db.name().hashCode());
        db.exec("CREATE ROLE \"" + role + "\" LOGIN PASSWORD 'pw'");
        return role;
    }

    static DataSource as(TestDb db, String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        return ds;
    }

    static boolean writer(TestDb db, String role) {
        return db.value("SELECT pg_has_role('" + role.replace("'", "''") + "', 'pggit_writer', 'MEMBER')::text").equals("true");
    }

    @Test
    void aFreshInstallGrantsWriterToAMixedCaseRoleOnceAndNotAdmin() {
        TestDb db = TestDb.create("grant_fresh");
        String role = mixedCaseRole(db, "App_Writer");
        InstallResult r = db.pggit().install(List.of(role, role));
        assertEquals(List.of(role), r.grantedWriter());
        assertTrue(writer(db, role));
        assertEquals("false", db.value("SELECT pg_has_role('" + role + "', 'pggit_admin', 'MEMBER')::text"));
        assertEquals(List.of(), db.pggit().install(List.of(role)).grantedWriter(), "a member already");
    }

    @Test
    void aCurrentInstallStillGrantsTheRolesNamed() {
        TestDb db = TestDb.withPggit("grant_current");
        String role = mixedCaseRole(db, "Late_Writer");
        InstallResult r = db.pggit().install(List.of(role), "flyway.pggit.grantTo");
        assertTrue(!r.changed(), "nothing to install");
        assertEquals(List.of(role), r.grantedWriter());
        assertTrue(writer(db, role));
    }

    @Test
    void aMissingRoleNamesTheSettingAndTheRoleAndNothingIsInstalled() {
        TestDb db = TestDb.create("grant_missing");
        String role = mixedCaseRole(db, "Case_Writer");
        PggitException e = assertThrows(PggitException.InvalidConfig.class,
                () -> db.pggit().install(List.of(role.toLowerCase()), "liquibase.pggit.grantTo"));
        assertTrue(e.getMessage().startsWith("liquibase.pggit.grantTo names role \"" + role.toLowerCase() + "\", which does not exist"),
                e.getMessage());
        assertTrue(e.getMessage().contains("there is \"" + role + "\""), e.getMessage());
        assertNull(db.value("SELECT to_regclass('pggit.commit')"), "the install was rolled back");
    }

    @Test
    void aRoleThatMayNotGrantIsToldTheStatementAndAMemberNeedsNothing() throws SQLException {
        TestDb db = TestDb.create("grant_refused");
        String migrator = mixedCaseRole(db, "Mig_Rator");
        String other = mixedCaseRole(db, "Other_Role");
        db.pggit().install(List.of(migrator));
        try (Connection c = as(db, migrator).getConnection()) {
            assertEquals(List.of(), Pggit.on(c).install(List.of(), List.of(migrator), "flyway.pggit.grantTo").grantedWriter(),
                    "naming itself, a member: nothing to do");
            PggitException e = assertThrows(PggitException.NotPermitted.class,
                    () -> Pggit.on(c).install(List.of(), List.of(migrator, other), "flyway.pggit.grantTo"));
            assertTrue(e.getMessage().startsWith("flyway.pggit.grantTo names role \"" + other + "\", which is not a member of pggit_writer, "
                    + "and role \"" + migrator + "\" may not grant it"), e.getMessage());
            assertTrue(e.getMessage().contains("a superuser runs GRANT pggit_writer TO \"" + other + "\""), e.getMessage());
        }
        assertEquals("false", String.valueOf(writer(db, other)));
    }

    @Test
    void aRoleHoldingWriterWithAdminOptionMayGrantIt() throws SQLException {
        TestDb db = TestDb.withPggit("grant_admin_option");
        String lead = mixedCaseRole(db, "Lead_Dba");
        String app = mixedCaseRole(db, "App_Role");
        db.exec("GRANT pggit_writer TO \"" + lead + "\" WITH ADMIN OPTION");
        try (Connection c = as(db, lead).getConnection()) {
            assertEquals(List.of(app), Pggit.on(c).install(List.of(), List.of(app), "grantTo").grantedWriter());
        }
        assertTrue(writer(db, app));
    }
}
