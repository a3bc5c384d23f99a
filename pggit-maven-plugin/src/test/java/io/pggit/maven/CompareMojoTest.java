package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pggit:compare on two databases of the embedded server. */
class CompareMojoTest {

    /** A login role that is not the operating system's user and not the server's superuser: it may only read pggit. */
    static final String ROLE = "pggit_compare_login";

    static CompareMojo goal(String sourceUrl, String user, String password, String targetUrl, Path plan) {
        CompareMojo mojo = new CompareMojo();
        Goals.set(mojo, "url", sourceUrl);
        Goals.set(mojo, "user", user);
        Goals.set(mojo, "password", password);
        Goals.set(mojo, "targetUrl", targetUrl);
        Goals.set(mojo, "planFile", plan.toFile());
        return mojo;
    }

    @Test
    void theTargetIsReadAsTheSourcesRoleWhenNoTargetUserIsGiven(@TempDir Path dir) throws Exception {
        TestDb source = TestDb.withPggit("compare_goal_source");
        TestDb target = TestDb.withPggit("compare_goal_target");
        source.exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
                + "CREATE ROLE " + ROLE + " LOGIN PASSWORD 'pw'; END IF; END $$", "GRANT pggit_reader TO " + ROLE,
                "CREATE TABLE public.only_in_source (a int)");
        for (TestDb db : List.of(source, target)) {
            db.exec("REVOKE CONNECT ON DATABASE " + db.name() + " FROM PUBLIC", "GRANT CONNECT ON DATABASE " + db.name() + " TO " + ROLE);
        }
        Path plan = dir.resolve("plan.sql");
        CompareMojo mojo = goal(source.jdbcUrl(), ROLE, "pw", target.jdbcUrl(), plan);
        List<String> log = Goals.captureInfo(mojo);
        // before, the target was read as the operating system's user (role "root" does not exist); without CONNECT
        // on either database, a role of that name would be refused too
        mojo.execute();
        assertTrue(log.contains("  A table:public.only_in_source"), log.toString());
        assertTrue(Files.readString(plan).contains("CREATE TABLE public.only_in_source"), Files.readString(plan));
    }

    @Test
    void theTargetsUserAndPasswordComeFromTheSourceUnlessGiven() {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl("jdbc:postgresql://staging/app");
        source.setUser("deployer");
        source.setPassword("secret");

        PGSimpleDataSource inherited = CompareMojo.target(source, "jdbc:postgresql://production/app", null, null);
        assertEquals("deployer", inherited.getUser());
        assertEquals("secret", inherited.getPassword());

        PGSimpleDataSource given = CompareMojo.target(source, "jdbc:postgresql://production/app", "auditor", null);
        assertEquals("auditor", given.getUser());
        assertNull(given.getPassword(), "the source's password is never sent for another role");

        PGSimpleDataSource inUrl = CompareMojo.target(source, "jdbc:postgresql://production/app?user=reader&password=r", null, null);
        assertEquals("reader", inUrl.getUser());
        assertEquals("r", inUrl.getPassword());

        PGSimpleDataSource fromUrl = new PGSimpleDataSource();
        fromUrl.setUrl("jdbc:postgresql://staging/app?user=deployer&password=secret");
        PGSimpleDataSource alike = CompareMojo.target(fromUrl, "jdbc:postgresql://production/app", null, null);
        assertEquals("deployer", alike.getUser(), "a user in the source's URL is the source's user");
        assertEquals("secret", alike.getPassword());
    }

    @Test
    void aTargetWithoutPggitIsNamedWithWhatToDo(@TempDir Path dir) throws Exception {
        TestDb source = TestDb.withPggit("compare_goal_has_pggit");
        TestDb target = TestDb.create("compare_goal_no_pggit");
        CompareMojo mojo = goal(source.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password(), target.jdbcUrl(),
                dir.resolve("plan.sql"));
        Goals.set(mojo, "targetUser", TestPostgres.get().user());
        Goals.captureInfo(mojo);
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("pggit is not installed in the target database \"" + target.name() + "\""), e.getMessage());
        assertTrue(e.getMessage().contains("mvn pggit:install"), e.getMessage());
        assertTrue(e.getMessage().contains("not supported"), "says that a database without pggit cannot be compared: " + e.getMessage());
        assertTrue(Files.notExists(dir.resolve("plan.sql")), "no plan");
    }

    @Test
    void twoVersionsOfPggitAreNamedAndNotCompared(@TempDir Path dir) throws Exception {
        TestDb source = TestDb.withPggit("compare_goal_current");
        TestDb target = TestDb.create("compare_goal_01");
        String script;
        try (InputStream in = Pggit.class.getResourceAsStream("/io/pggit/core/sql/pggit--0.1.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        target.exec("BEGIN", script, "COMMIT");
        CompareMojo mojo = goal(source.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password(), target.jdbcUrl(),
                dir.resolve("plan.sql"));
        Goals.captureInfo(mojo);
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("pggit " + Pggit.SQL_VERSION + " is installed in the source database \"" + source.name()
                + "\" and pggit 0.1 in the target database \"" + target.name() + "\""), e.getMessage());
        assertTrue(e.getMessage().contains("Upgrade the older one"), e.getMessage());
    }
}
