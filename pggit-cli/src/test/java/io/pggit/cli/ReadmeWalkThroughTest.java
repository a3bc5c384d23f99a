package io.pggit.cli;

import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's "Branches and merges" walk-through, run as written: each {@code sql} block as one script
 * (psql's), each {@code java -jar pggit-cli.jar ...} line of a {@code shell} block by the jar itself
 * with {@code PGGIT_URL} and {@code PGPASSWORD} set as the block's {@code export} line says; a line
 * whose comment says {@code exit N} must exit N, every other 0. Then the outcome the walk-through
 * promises is checked: a merge commit with both parents, the conflict resolved for the source, the
 * live catalog at HEAD's tree.
 */
class ReadmeWalkThroughTest {

    @TempDir
    static Path dir;

    static final Pattern BLOCK = Pattern.compile("```(sql|shell)\\n(.*?)```", Pattern.DOTALL);
    static final Pattern EXIT = Pattern.compile("#.*\\bexit (\\d)");

    @Test
    void branchesAndMergesRunsAsWritten() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize());
        int from = readme.indexOf("<!-- walk-through: branches and merges -->");
        int to = readme.indexOf("<!-- end of walk-through -->");
        assertTrue(from > 0 && to > from, "README has the walk-through between its markers");
        TestDb db = TestDb.withPggit("readme_branches");
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + TestPostgres.get().user();
        Map<String, String> env = Map.of("PGGIT_URL", url, "PGPASSWORD", TestPostgres.get().password());
        int commands = 0;
        Matcher m = BLOCK.matcher(readme.substring(from, to));
        while (m.find()) {
            if (m.group(1).equals("sql")) {
                db.exec(m.group(2));
                continue;
            }
            for (String line : m.group(2).split("\n")) {
                if (!line.startsWith("java -jar pggit-cli.jar ")) {
                    continue;
                }
                commands++;
                Matcher exit = EXIT.matcher(line);
                int expected = exit.find() ? Integer.parseInt(exit.group(1)) : PggitCli.OK;
                String command = line.replaceFirst("\\s+#.*$", "").substring("java -jar pggit-cli.jar ".length());
                ChildJvm.Result r = ChildJvm.cli(dir, env, words(command));
                assertEquals(expected, r.exitCode(), line + "\n" + r);
            }
        }
        assertEquals(5, commands, "the walk-through's command lines");

        assertEquals(List.of(List.of("merge", "2", "main")),
                db.rows("SELECT c.origin, cardinality(c.parents)::text, h.branch FROM pggit.commit c, pggit.head h WHERE c.id = pggit.head_commit()"));
        assertEquals(List.of(List.of("completed", "source", "the longer note wins")),
                db.rows("SELECT m.status, x.resolution, x.reason FROM pggit.merge m JOIN pggit.merge_conflict x ON x.merge_id = m.id"));
        assertEquals(List.of("installed_on date", "note character varying(200)"),
                db.column("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'app.meter'::regclass "
                        + "AND attname IN ('note', 'installed_on') ORDER BY 1"));
        assertEquals("1", db.value("SELECT count(*) FROM pg_class WHERE oid = to_regclass('app.reading')"));
        assertEquals(db.freshCaptureTree(), db.headTree(), "the live catalog is HEAD's tree");
    }

    /** A command line's words: split at spaces, single-quoted words kept whole (as the shell does). */
    static String[] words(String line) {
        List<String> out = new ArrayList<>();
        Matcher w = Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
        while (w.find()) {
            out.add(w.group(1) != null ? w.group(1) : w.group(2));
        }
        return out.toArray(String[]::new);
    }
}
