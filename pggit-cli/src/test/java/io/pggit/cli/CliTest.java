package io.pggit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar pggit-cli.jar}, the jar alone (its nested PgJDBC), end to end against the
 * embedded server: every command once, with the exit codes a CI acts on.
 */
class CliTest {

    @TempDir
    static Path dir;

    static TestDb db;

    @BeforeAll
    static void history() {
        db = TestDb.withPggit("cli");
        db.exec("CREATE TABLE public.meter (id int PRIMARY KEY)");
        db.pggit().commit("add meter");
        db.exec("CREATE TABLE public.reading (meter int REFERENCES public.meter, at timestamptz)");
        db.pggit().commit("add reading");
    }

    /** Runs the jar with the connection options to {@code target}. */
    private static ChildJvm.Result pggit(TestDb target, String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--url", target.jdbcUrl(), "--user", TestPostgres.get().user()));
        all.addAll(List.of(args));
        return ChildJvm.cli(dir, Map.of("PGPASSWORD", TestPostgres.get().password()), all.toArray(String[]::new));
    }

    private static void exit(int expected, ChildJvm.Result r) {
        assertEquals(expected, r.exitCode(), r.toString());
    }

    @Test
    void readsHistory() throws Exception {
        ChildJvm.Result log = pggit(db, "log");
        exit(PggitCli.OK, log);
        assertTrue(log.out().contains("add reading") && log.out().contains("add meter"), log.toString());
        assertTrue(log.out().indexOf("add reading") < log.out().indexOf("add meter"), "newest first: " + log);

        ChildJvm.Result show = pggit(db, "show", "HEAD~1");
        exit(PggitCli.OK, show);
        assertTrue(show.out().contains("table:public.meter"), show.toString());

        ChildJvm.Result diff = pggit(db, "diff", "HEAD~1", "HEAD");
        exit(PggitCli.OK, diff);
        assertTrue(diff.out().contains("table:public.reading") && !diff.out().contains("table:public.meter "), diff.toString());
        exit(PggitCli.FINDINGS, pggit(db, "diff", "HEAD~1", "HEAD", "--exit-code"));
        exit(PggitCli.OK, pggit(db, "diff", "--exit-code"));   // HEAD against the live database: equal
        exit(PggitCli.ERROR, pggit(db, "diff", "HEAD~1"));      // the live database is only compared with HEAD

        ChildJvm.Result fsck = pggit(db, "fsck");
        exit(PggitCli.OK, fsck);
        assertTrue(fsck.out().contains("no findings"), fsck.toString());

        Path export = dir.resolve("export");
        ChildJvm.Result exported = pggit(db, "export", "--output", export.toString());
        exit(PggitCli.OK, exported);
        assertTrue(Files.readString(export.resolve("schema.sql")).contains("CREATE TABLE public.reading"), exported.toString());
        assertTrue(Files.exists(export.resolve("manifest.json")));
    }

    @Test
    void checkStatusAdopt() throws Exception {
        TestDb d = TestDb.withPggit("cli_check");
        d.exec("CREATE TABLE public.a (id int)");
        d.pggit().commit("a");
        exit(PggitCli.OK, pggit(d, "check"));

        d.exec("CREATE TABLE public.hotfix (id int)");   // journaled, not committed: status lists it, the check sees drift
        ChildJvm.Result status = pggit(d, "status");
        exit(PggitCli.OK, status);
        assertTrue(status.out().contains("table:public.hotfix"), status.toString());

        ChildJvm.Result check = pggit(d, "check");
        exit(PggitCli.FINDINGS, check);
        assertTrue(check.out().contains("drift") && check.out().contains("public.hotfix"), check.toString());
        assertTrue(check.err().contains("pggit: check 1/4 drift"), "progress on standard error: " + check);
        exit(PggitCli.OK, pggit(d, "check", "--fail-on", "gap,integrity"));
        exit(PggitCli.USAGE, pggit(d, "check", "--fail-on", "drfit"));

        Path json = dir.resolve("reports/check.json");
        exit(PggitCli.OK, pggit(d, "check", "--fail-on", "none", "--format", "json", "--output", json.toString(),
                "--report-directory", dir.resolve("reports/all").toString()));
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, report.get("format").asInt());
        assertTrue(report.get("summary").get("errors").asInt() > 0, report.toString());
        for (String f : List.of("check.txt", "check.json", "TEST-pggit-check.xml", "check.sarif")) {
            assertTrue(Files.exists(dir.resolve("reports/all").resolve(f)), f);
        }
        ChildJvm.Result sarif = pggit(d, "check", "--format", "sarif");
        exit(PggitCli.FINDINGS, sarif);
        assertEquals("2.1.0", new ObjectMapper().readTree(sarif.out()).get("version").asText(), "stdout holds only the report");
        ChildJvm.Result junit = pggit(d, "check", "--format", "junit", "--fail-on", "none");
        exit(PggitCli.OK, junit);
        assertTrue(junit.out().startsWith("<?xml") && junit.out().contains("testsuite"), junit.toString());

        ChildJvm.Result adopt = pggit(d, "adopt", "-m", "hotfix by hand");
        exit(PggitCli.OK, adopt);
        assertTrue(adopt.out().contains("drift adopted as commit"), adopt.toString());
        exit(PggitCli.OK, pggit(d, "check"));
        exit(PggitCli.OK, pggit(d, "status"));
    }

    @Test
    void compare() throws Exception {
        TestDb target = TestDb.withPggit("cli_target");
        ChildJvm.Result plan = pggit(db, "compare", "--target-url", target.jdbcUrl());
        exit(PggitCli.OK, plan);
        assertTrue(plan.out().contains("CREATE TABLE public.meter") && plan.out().contains("--   A table:public.meter"), plan.toString());
        Path file = dir.resolve("plan/plan.sql");
        exit(PggitCli.FINDINGS, pggit(db, "compare", "--target-url", target.jdbcUrl(), "--output", file.toString(), "--exit-code"));
        assertTrue(Files.readString(file).contains("CREATE TABLE public.reading"));
        exit(PggitCli.OK, pggit(db, "compare", "--target-url", db.jdbcUrl(), "--exit-code"));
    }

    @Test
    void installAndUninstall() throws Exception {
        TestDb fresh = TestDb.create("cli_install");
        fresh.exec("CREATE TABLE public.before (id int)");
        ChildJvm.Result install = pggit(fresh, "install");
        exit(PggitCli.OK, install);
        assertTrue(install.out().contains("installed into database \"" + fresh.name() + "\"") && install.out().contains("baseline commit"),
                install.toString());
        exit(PggitCli.OK, pggit(fresh, "install"));
        exit(PggitCli.USAGE, pggit(fresh, "install", "--grant-to", "no_such_role"));   // a value pggit refuses

        exit(PggitCli.USAGE, pggit(fresh, "uninstall"));
        exit(PggitCli.ERROR, pggit(fresh, "uninstall", "--confirm", "another_database"));
        ChildJvm.Result uninstall = pggit(fresh, "uninstall", "--confirm", fresh.name());
        exit(PggitCli.OK, uninstall);
        assertTrue(uninstall.out().contains("uninstalled from database " + fresh.name()), uninstall.toString());
        exit(PggitCli.ERROR, pggit(fresh, "log"));   // pggit is gone
    }

    @Test
    void branches() throws Exception {
        ChildJvm.Result create = pggit(db, "branch", "feature/x", "--from", "HEAD~1", "-m", "why it exists");
        exit(PggitCli.OK, create);
        assertTrue(create.out().contains("created branch feature/x at "), create.toString());
        ChildJvm.Result list = pggit(db, "branch");
        exit(PggitCli.OK, list);
        assertTrue(list.out().contains("* main ") && list.out().contains("  feature/x ")
                && list.out().contains("(0 ahead, 1 behind main)  why it exists"), list.toString());
        exit(PggitCli.ERROR, pggit(db, "branch", "main", "--delete"));        // checked out
        exit(PggitCli.ERROR, pggit(db, "branch", "bad name"));                // not a valid branch name
        exit(PggitCli.USAGE, pggit(db, "branch", "--delete"));                // no NAME
        exit(PggitCli.OK, pggit(db, "branch", "feature/x", "--delete"));
        assertTrue(!pggit(db, "branch").out().contains("feature/x"));
    }

    @Test
    void checkout() throws Exception {
        TestDb own = TestDb.withPggit("cli_checkout");
        own.exec("CREATE TABLE public.meter (id int PRIMARY KEY)", "SELECT pggit.commit('add meter')", "SELECT pggit.create_branch('old')",
                "CREATE TABLE public.reading (meter int REFERENCES public.meter)", "SELECT pggit.commit('add reading')");
        ChildJvm.Result plan = pggit(own, "checkout", "old");
        exit(PggitCli.OK, plan);
        assertTrue(plan.out().contains("DROP TABLE public.reading;") && plan.err().contains("plan of 3 statement(s), not applied"), plan.toString());
        own.exec("INSERT INTO public.meter VALUES (1)", "INSERT INTO public.reading VALUES (1)");
        exit(PggitCli.ERROR, pggit(own, "checkout", "old", "--apply"));   // reading holds a row
        ChildJvm.Result applied = pggit(own, "checkout", "old", "--apply", "--allow-data-loss");
        exit(PggitCli.OK, applied);
        assertTrue(applied.err().contains("checked out old at ") && applied.err().contains("data loss: table public.reading is dropped: 1 row"),
                applied.toString());
        assertEquals("old", own.value("SELECT branch FROM pggit.head"));
        exit(PggitCli.ERROR, pggit(own, "checkout", "nope"));
    }

    @Test
    void mergeWithAConflictExits1UntilItIsResolvedAndCompleted() throws Exception {
        // two branches that diverged (as pggit-core's MergeTest makes them): both changed column b
        TestDb d = TestDb.withPggit("cli_merge");
        d.exec("CREATE TABLE public.t (id int, b text)");
        d.pggit().commit("base");
        d.pggit().createBranch("src", null, "the source side");
        d.exec("UPDATE pggit.head SET branch = 'src'", "ALTER TABLE public.t ALTER b TYPE varchar(20)", "CREATE TABLE public.s (id int)");
        d.pggit().commit("source side");
        d.exec("UPDATE pggit.head SET branch = 'main'", "DROP TABLE public.s", "ALTER TABLE public.t ALTER b TYPE text");
        d.exec("ALTER TABLE public.t ALTER b TYPE varchar(10)");
        d.pggit().commit("target side");

        exit(PggitCli.USAGE, pggit(d, "merge", "src", "--strategy", "mine"));
        exit(PggitCli.USAGE, pggit(d, "merge"));                                   // no SOURCE
        ChildJvm.Result merge = pggit(d, "merge", "src");
        exit(PggitCli.FINDINGS, merge);
        String id = d.value("SELECT max(id) FROM pggit.merge");
        assertTrue(merge.out().contains("pggit: merge " + id + " has 1 open conflict(s) of 1")
                && merge.out().contains("  BOTH_MODIFIED table:public.t (column b): open")
                && merge.out().contains("pggit merge --merge-id " + id + " --resolve source --objects table:public.t --complete"), merge.toString());
        exit(PggitCli.OK, pggit(d, "merge", "--merge-id", id, "--no-fail-on-conflicts"));
        exit(PggitCli.USAGE, pggit(d, "merge", "--merge-id", id, "--resolve", "source"));   // no --objects

        ChildJvm.Result done = pggit(d, "merge", "--merge-id", id, "--resolve", "source", "--objects", "table:public.t", "--complete");
        exit(PggitCli.OK, done);
        assertTrue(done.out().contains("pggit: merge " + id + " completed: merge commit ")
                && done.out().contains("  BOTH_MODIFIED table:public.t (column b): resolved for the source"), done.toString());
        assertEquals("2", d.value("SELECT cardinality(parents) FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals(d.freshCaptureTree(), d.headTree(), "live == HEAD");
        exit(PggitCli.ERROR, pggit(d, "merge", "--merge-id", id, "--complete"));     // completed already

        // the same conflict again, resolved with manual DDL: tried on the target's version, rolled back, then applied
        d.exec("SELECT pggit.create_branch('src2', 'src')", "SELECT pggit.create_branch('main2', 'HEAD~1')");
        d.pggit().checkout("main2", true, true);
        assertEquals(List.of("character varying(10)"), d.column("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'b'"));
        exit(PggitCli.FINDINGS, pggit(d, "merge", "src2"));
        String id2 = d.value("SELECT max(id) FROM pggit.merge");
        exit(PggitCli.USAGE, pggit(d, "merge", "--merge-id", id2, "--manual-ddl", "SELECT 1"));   // no --objects
        ChildJvm.Result manual = pggit(d, "merge", "--merge-id", id2, "--objects", "table:public.t", "--manual-ddl",
                "ALTER TABLE public.t ALTER COLUMN b TYPE varchar(50)", "--notes", "fits both", "--complete");
        exit(PggitCli.OK, manual);
        assertTrue(manual.out().contains("pggit: table:public.t: BOTH_MODIFIED takes the definition the manual DDL gives")
                && manual.out().contains("  BOTH_MODIFIED table:public.t (column b): resolved with manual DDL (fits both)"), manual.toString());
        assertEquals(List.of("character varying(50)"), d.column("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'b'"));
        assertEquals(d.freshCaptureTree(), d.headTree(), "live == HEAD");
    }

    @Test
    void helpUsageAndErrors() throws Exception {
        for (String command : List.of("check", "fsck", "status", "log", "show", "diff", "compare", "export", "adopt", "branch", "checkout", "merge", "install", "uninstall")) {
            ChildJvm.Result help = ChildJvm.cli(dir, Map.of(), command, "--help");
            exit(PggitCli.OK, help);
            assertTrue(help.out().contains("Usage: pggit " + command) && help.out().contains("--url"), help.toString());
        }
        ChildJvm.Result top = ChildJvm.cli(dir, Map.of(), "--help");
        exit(PggitCli.OK, top);
        assertTrue(top.out().contains("Exit codes"), top.toString());
        exit(PggitCli.USAGE, ChildJvm.cli(dir, Map.of()));
        exit(PggitCli.USAGE, ChildJvm.cli(dir, Map.of(), "blame"));
        exit(PggitCli.USAGE, ChildJvm.cli(dir, Map.of(), "log"));   // no --url
        ChildJvm.Result down = ChildJvm.cli(dir, Map.of(), "log", "--url", "jdbc:postgresql://127.0.0.1:1/none");
        exit(PggitCli.ERROR, down);
        assertTrue(down.err().startsWith("pggit could not connect"), down.toString());
        assertTrue(!down.all().contains("Exception"), "a message, no stack trace: " + down);
    }
}
