package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pggit:install says which database it installed into, and which version. */
class InstallMojoTest {

    static InstallMojo goal(TestDb db) {
        InstallMojo mojo = new InstallMojo();
        Goals.set(mojo, "url", db.jdbcUrl());
        Goals.set(mojo, "user", TestPostgres.get().user());
        Goals.set(mojo, "password", TestPostgres.get().password());
        return mojo;
    }

    @Test
    void theLogLineNamesTheDatabaseAndTheVersion() throws Exception {
        TestDb db = TestDb.create("install_goal");
        db.exec("CREATE TABLE public.t (a int)");
        InstallMojo first = goal(db);
        List<String> log = Goals.captureInfo(first);
        first.execute();
        assertTrue(log.get(0).startsWith("pggit " + Pggit.SQL_VERSION + " installed into database \"" + db.name() + "\"; baseline commit "),
                log.toString());

        InstallMojo again = goal(db);
        List<String> second = Goals.captureInfo(again);
        again.execute();
        assertEquals(List.of("pggit " + Pggit.SQL_VERSION + " is already installed in database \"" + db.name() + "\""), second);
    }
}
