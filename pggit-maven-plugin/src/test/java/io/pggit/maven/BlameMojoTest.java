package io.pggit.maven;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pggit:blame: each column of a table with the migration that last changed it; an unknown object fails the goal, saying so. */
class BlameMojoTest {

    static BlameMojo goal(TestDb db, String object) {
        BlameMojo mojo = new BlameMojo();
        Goals.set(mojo, "url", db.jdbcUrl());
        Goals.set(mojo, "user", TestPostgres.get().user());
        Goals.set(mojo, "password", TestPostgres.get().password());
        Goals.set(mojo, "object", object);
        return Goals.set(mojo, "rev", "HEAD");
    }

    @Test
    void eachColumnIsPrintedWithItsMigration() throws Exception {
        TestDb db = TestDb.withPggit("blame_goal");
        db.exec("CREATE SCHEMA command", "CREATE TABLE command.tb_meter (id int, reading numeric)",
                "SELECT pggit.link_migration('1', 'flyway', 'meters')",
                "ALTER TABLE command.tb_meter ALTER reading TYPE numeric(12,3)", "SELECT pggit.link_migration('2', 'flyway', 'precise readings')");
        BlameMojo mojo = goal(db, "command.tb_meter");
        List<String> lines = Goals.captureInfo(mojo);
        mojo.execute();
        assertEquals("pggit blame command.tb_meter at HEAD:", lines.get(0));
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(3).startsWith("  table   "), lines.get(3));
        assertTrue(lines.get(1).startsWith("  column id       ") && lines.get(1).endsWith("  flyway 1 meters"), lines.get(1));
        assertTrue(lines.get(2).startsWith("  column reading  ") && lines.get(2).contains(" M ") && lines.get(2).endsWith("  flyway 2 precise readings"),
                lines.get(2));

        BlameMojo none = goal(db, "command.nothing");
        MojoExecutionException e = assertThrows(MojoExecutionException.class, none::execute);
        assertTrue(e.getMessage().contains("no object \"command.nothing\" at HEAD"), e.getMessage());
    }
}
