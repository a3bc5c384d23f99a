package io.pggit.core.testing;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerSmokeTest {
    @Test
    void theServerIsTheVersionThisRunAskedFor() throws Exception {
        try (Connection c = TestPostgres.get().newDatabase("smoke").getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            int version = rs.getInt(1);
            assertTrue(version >= 150000, "server version " + version);
            String expected = System.getProperty("pggit.test.pgMajor");
            if (expected != null && !expected.isBlank()) {
                assertEquals(Integer.parseInt(expected), version / 10000, "the pg-matrix run asked for PostgreSQL " + expected);
            }
        }
    }
}
