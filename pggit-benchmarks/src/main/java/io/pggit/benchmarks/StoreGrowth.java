package io.pggit.benchmarks;

import io.pggit.core.Pggit;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * (e) store growth: what the object store grows by per commit that changes one object of a large
 * schema. A schema of {@code objects} tracked objects (tables with a primary key, two objects each,
 * and as many functions) is committed once; then {@code commits} commits each replace one
 * function's body ({@code CREATE OR REPLACE FUNCTION}, then {@code pggit.commit}). Sizes are
 * {@code pg_total_relation_size} of every table in schema {@code pggit} (heap, TOAST and indexes)
 * after {@code VACUUM}, before the commits, after the first {@value #FIRST} and after all of them.
 * Targets: at most {@value #TARGET_BYTES} bytes per commit over the first {@value #FIRST}; the whole
 * store after all commits at most {@value #TARGET_RATIO} times one full tree, counted as the
 * {@code pg_column_size} of HEAD's definitions (blobs) plus its tree nodes.
 */
final class StoreGrowth {

    static final long TARGET_BYTES = 4096;
    static final double TARGET_RATIO = 10;
    static final int FIRST = 1000;

    private final BenchServer server;
    private final int objects;
    private final int commits;

    StoreGrowth(BenchServer server, int objects, int commits) {
        this.server = server;
        this.objects = objects;
        this.commits = Math.max(commits, FIRST);
    }

    /** Runs it and prints the table; returns the target lines. */
    List<String> measureAndPrint(PrintStream out, PrintStream progress) throws Exception {
        String db = server.createDatabase("bench_growth");
        try (Connection c = server.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            Pggit.builder(server.dataSource(db)).build().install();
            int tables = objects / 4;
            int functions = objects - 2 * tables;
            long t0 = System.nanoTime();
            s.execute("CREATE SCHEMA app");
            for (int from = 0; from < tables; from += 500) {   // in batches: one transaction's locks stay few
                s.execute("DO $$ BEGIN FOR i IN " + from + " .. " + (Math.min(from + 500, tables) - 1)
                        + " LOOP EXECUTE format('CREATE TABLE app.t%s (id bigint PRIMARY KEY, v text)', i); END LOOP; END $$");
            }
            for (int from = 0; from < functions; from += 500) {
                s.execute("DO $$ BEGIN FOR i IN " + from + " .. " + (Math.min(from + 500, functions) - 1)
                        + " LOOP EXECUTE format('CREATE FUNCTION app.f%s(x int) RETURNS int LANGUAGE sql AS %L', i, 'SELECT x + ' || i); END LOOP; END $$");
            }
            s.execute("SELECT pggit.commit('the schema')");
            long tracked = value(s, "SELECT count(*) FROM pggit.object_map");
            progress.printf("(e) %d tracked objects generated and committed in %.1f s%n", tracked, (System.nanoTime() - t0) / 1e9);

            long before = storeBytes(s);
            long[] nanos = new long[commits];
            long atFirst = 0;
            for (int n = 1; n <= commits; n++) {
                int f = (int) ((n * 7919L) % functions);
                s.execute("CREATE OR REPLACE FUNCTION app.f" + f + "(x int) RETURNS int LANGUAGE sql AS 'SELECT x + " + (n + functions) + "'");
                long start = System.nanoTime();
                s.execute("SELECT pggit.commit('change " + n + "')");
                nanos[n - 1] = System.nanoTime() - start;
                if (n == FIRST) {
                    atFirst = storeBytes(s);
                }
                if (n % 1000 == 0) {
                    progress.printf("(e) %d of %d commits%n", n, commits);
                }
            }
            long after = storeBytes(s);
            long fullTree = value(s, "WITH RECURSIVE w(hash, lvl, key) AS ("
                    + " SELECT c.tree, 0, NULL::text FROM pggit.commit c WHERE c.id = pggit.head_commit()"
                    + " UNION ALL SELECT e.value, w.lvl + 1, e.key FROM w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e"
                    + " WHERE w.lvl < 2 OR strpos(w.key, ':') = 0)"
                    + " SELECT (SELECT sum(pg_column_size(t.*)) FROM pggit.tree t WHERE t.hash IN (SELECT hash FROM w WHERE lvl < 3 OR strpos(key, ':') = 0))"
                    + " + (SELECT sum(pg_column_size(b.*)) FROM pggit.blob b WHERE b.hash IN (SELECT hash FROM w WHERE lvl >= 3 AND strpos(key, ':') > 0))");
            double perCommit = (atFirst - before) / (double) FIRST;
            double perCommitAll = (after - before) / (double) commits;
            double ratio = after / (double) fullTree;

            out.printf("(e) store growth: %d tracked objects (%d tables with a primary key, %d functions); %d commits of one%n"
                    + "    CREATE OR REPLACE FUNCTION each; pggit's tables, TOAST and indexes after VACUUM%n%n",
                    tracked, tables, functions, commits);
            TextTable t = new TextTable("measure", "value");
            t.row("store before the commits", mb(before));
            t.row("store after " + FIRST + " commits", mb(atFirst));
            t.row("store after " + commits + " commits", mb(after));
            t.row("bytes per commit, first " + FIRST, String.format("%.0f", perCommit));
            t.row("bytes per commit, all " + commits, String.format("%.0f", perCommitAll));
            t.row("one full tree (HEAD's definitions + tree nodes)", mb(fullTree));
            t.row("whole store / one full tree", TextTable.ratio(ratio));
            java.util.Arrays.sort(nanos);
            t.row("pggit.commit, median ms", TextTable.ms(nanos[nanos.length / 2] / 1e6));
            t.row("pggit.commit, p99 ms", TextTable.ms(nanos[(int) (nanos.length * 0.99)] / 1e6));
            t.print(out, "    ");
            out.println();
            TextTable parts = new TextTable("largest pggit tables (with TOAST and indexes)", "MB after");
            try (ResultSet rs = s.executeQuery("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
                    + " WHERE c.relnamespace = 'pggit'::regnamespace AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 6")) {
                while (rs.next()) {
                    parts.row(rs.getString(1), mb(rs.getLong(2)));
                }
            }
            parts.print(out, "    ");
            out.println();
            List<String> verdicts = new ArrayList<>();
            String a = String.format("(e) bytes per commit that changes one object of %d, at most %d: %s (%.0f)", tracked, TARGET_BYTES,
                    perCommit <= TARGET_BYTES ? "MET" : "MISSED", perCommit);
            String b = String.format("(e) whole store after %d commits / one full tree, at most %.0f: %s (%.2f)", commits, TARGET_RATIO,
                    ratio <= TARGET_RATIO ? "MET" : "MISSED", ratio);
            out.println("    target " + a.substring(4));
            out.println("    target " + b.substring(4));
            out.println();
            verdicts.add(a);
            verdicts.add(b);
            return verdicts;
        } finally {
            server.dropDatabase(db);
        }
    }

    /** Every pggit table with its TOAST and indexes, after VACUUM. */
    private static long storeBytes(Statement s) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'pggit' AND c.relkind = 'r'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        s.execute("VACUUM " + String.join(", ", tables));
        return value(s, "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relnamespace = 'pggit'::regnamespace AND c.relkind = 'r'");
    }

    private static long value(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / 1048576.0);
    }
}
