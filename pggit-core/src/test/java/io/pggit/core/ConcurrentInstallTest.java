package io.pggit.core;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two databases of one server installing pggit at the same moment: roles are cluster-wide, the
 * install's lock is per database, so the second install's CREATE ROLE waits for the first one's row
 * and then meets it. Before the fix it failed with "role pggit_reader already exists" (found by the
 * Spring Boot starter's two-contexts test).
 */
class ConcurrentInstallTest {

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /**
     * Renames pggit_reader, _writer and _admin (from their name with {@code fromSuffix} "" or
     * "_aside") to the other name, each only if it exists: a fresh test server has none yet.
     */
    private static String rename(String prefix, String toSuffix) {
        String from = toSuffix.isEmpty() ? "_aside" : "";
        return "DO $$ DECLARE r text; BEGIN FOREACH r IN ARRAY ARRAY['reader', 'writer', 'admin'] LOOP "
                + "IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + prefix + "' || r || '" + from + "') THEN "
                + "EXECUTE format('ALTER ROLE %I RENAME TO %I', '" + prefix + "' || r || '" + from + "', '" + prefix + "' || r || '" + toSuffix + "'); "
                + "END IF; END LOOP; END $$";
    }

    @Test
    void anInstallWhoseRolesAnotherDatabaseIsCreatingAtThatMomentSucceeds() throws Exception {
        assumeTrue(System.getenv("PGGIT_TEST_JDBC_URL") == null,
                "renames the cluster's pggit roles for a moment: only on the embedded test server");
        TestDb db = TestDb.create("install_race");
        try (Connection admin = TestPostgres.get().admin().getConnection()) {
            // the roles every other test database uses step aside (grants follow role OIDs, not names)
            exec(admin, rename("pggit_", "_aside"));
            try {
                try (Connection other = TestPostgres.get().admin().getConnection()) {
                    // another database's install, in flight: its roles, membership and comment not yet committed
                    other.setAutoCommit(false);
                    exec(other, "CREATE ROLE pggit_reader NOLOGIN", "CREATE ROLE pggit_writer NOLOGIN", "GRANT pggit_reader TO pggit_writer",
                            "COMMENT ON ROLE pggit_reader IS 'the other install''s comment'");
                    CompletableFuture<Object> install = CompletableFuture.supplyAsync(() -> db.pggit().install());
                    Thread.sleep(700);
                    assertFalse(install.isDone(), "the install waits for the other transaction's roles");
                    other.commit();
                    install.get(60, TimeUnit.SECONDS);
                }
                assertEquals(List.of("pggit_admin", "pggit_reader", "pggit_writer"),
                        db.column("SELECT rolname FROM pg_roles WHERE rolname IN ('pggit_reader', 'pggit_writer', 'pggit_admin') ORDER BY 1"));
                assertEquals(List.of("t", "t"), db.rows("SELECT pg_has_role('pggit_admin', 'pggit_reader', 'MEMBER'), "
                        + "has_function_privilege('pggit_reader', 'pggit.log(integer, text)', 'EXECUTE')").get(0)
                        .stream().map(v -> v.substring(0, 1)).toList());
                assertEquals(io.pggit.core.internal.install.Installer.CURRENT, db.value("SELECT pggit.version()"));
            } finally {
                exec(admin, "DROP DATABASE IF EXISTS \"" + db.name() + "\" WITH (FORCE)",
                        "DROP ROLE IF EXISTS pggit_admin", "DROP ROLE IF EXISTS pggit_writer", "DROP ROLE IF EXISTS pggit_reader",
                        rename("pggit_", ""));
            }
        }
    }
}
