package io.pggit.core.testing;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerSmokeTest {
    @Test
    void serverAnswersWithItsVersion() throws Exception {
        try (Connection c = TestPostgres.get().newDatabase("smoke").getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            assertTrue(rs.getInt(1) >= 150000, "server version " + rs.getInt(1));
        }
    }
}
