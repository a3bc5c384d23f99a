package io.pggit.benchmarks;

import io.pggit.core.Pggit;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark (a): what event triggers add to plain DDL. Each run executes the same statements,
 * {@code tables} × {@code CREATE TABLE} (a primary key, a {@code NOT NULL} column and a default)
 * then {@code tables} × {@code ALTER TABLE … ADD COLUMN}, one statement per auto-commit
 * transaction on one connection, in schema {@code bench}. Three {@link Variant}s, each in its own
 * database on the same server. Before every run (untimed): a new connection, schema {@code bench}
 * dropped and created again, the variant's log table emptied, {@code VACUUM} and a checkpoint.
 * After every run (untimed) the log table's rows are counted, to show the trigger fired.
 */
final class DdlOverhead {

    /** The target: pggit's triggers cost at most this much more than the trivial trigger. */
    static final double TARGET = 1.05;

    /** The three ways of running the DDL. */
    enum Variant {
        /** No event trigger at all. */
        PLAIN("plain", null),
        /**
         * The floor of any event-trigger design: a {@code ddl_command_end} trigger whose plpgsql
         * function only inserts the rows of {@code pg_event_trigger_ddl_commands()} into a table.
         */
        TRIVIAL_TRIGGER("trivial trigger", "trivial.ddl_log"),
        /** pggit installed ({@code Pggit.install()}): its {@code ddl_command_end} and {@code sql_drop} triggers. */
        PGGIT("pggit", "pggit.journal");

        final String label;
        /** The table the variant's trigger appends to, emptied before each run; null for none. */
        final String logTable;

        Variant(String label, String logTable) {
            this.label = label;
            this.logTable = logTable;
        }

        /** Untimed, once per database: installs the variant's trigger. */
        void install(DataSource ds) throws SQLException {
            switch (this) {
                case PLAIN -> {
                }
                case TRIVIAL_TRIGGER -> execute(ds, TRIVIAL_TRIGGER_SQL);
                case PGGIT -> Pggit.builder(ds).build().install();
            }
        }
    }

    /** The trivial trigger: no SECURITY DEFINER, no SET clause, no index, no defaults. */
    static final List<String> TRIVIAL_TRIGGER_SQL = List.of(
            "CREATE SCHEMA trivial",
            "CREATE TABLE trivial.ddl_log (classid oid, objid oid, objsubid integer, command_tag text, object_type text, "
                    + "schema_name text, object_identity text, in_extension boolean)",
            """
            CREATE FUNCTION trivial.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO trivial.ddl_log
                SELECT classid, objid, objsubid, command_tag, object_type, schema_name, object_identity, in_extension
                  FROM pg_event_trigger_ddl_commands();
            END
            $$""",
            "CREATE EVENT TRIGGER trivial_ddl_command_end ON ddl_command_end EXECUTE FUNCTION trivial.log_ddl()");

    private final BenchServer server;
    private final List<String> statements;
    private final int tables;

    DdlOverhead(BenchServer server, int tables) {
        this.server = server;
        this.tables = tables;
        this.statements = statements(tables);
    }

    /** The timed statements, the same for every variant and run (the schema is fresh each run). */
    static List<String> statements(int tables) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= tables; i++) {
            out.add(String.format(Locale.ROOT,
                    "CREATE TABLE bench.t_%04d (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())", i));
        }
        for (int i = 1; i <= tables; i++) {
            out.add(String.format(Locale.ROOT, "ALTER TABLE bench.t_%04d ADD COLUMN note text", i));
        }
        return out;
    }

    /** Runs all variants interleaved and prints the table; returns whether the target was met. */
    boolean measureAndPrint(int warmups, int runs, PrintStream out, PrintStream progress) throws Exception {
        List<DdlTrial> trials = new ArrayList<>();
        try {
            for (Variant v : Variant.values()) {
                trials.add(new DdlTrial(v));
            }
            Map<String, Samples> samples = Interleaved.measure("(a)", trials, warmups, runs, progress);
            return print(trials, samples, runs, warmups, out);
        } finally {
            for (DdlTrial t : trials) {
                t.close();
            }
        }
    }

    private boolean print(List<DdlTrial> trials, Map<String, Samples> samples, int runs, int warmups, PrintStream out) {
        out.printf("(a) DDL overhead: %d CREATE TABLE + %d ALTER TABLE ... ADD COLUMN per run, one statement per%n"
                + "    auto-commit transaction on one connection; %d timed runs per variant after %d warm-up round(s),%n"
                + "    interleaved; each variant in its own database, schema dropped and recreated between runs%n%n",
                tables, tables, runs, warmups);
        Samples plain = samples.get(Variant.PLAIN.label);
        Samples trivial = samples.get(Variant.TRIVIAL_TRIGGER.label);
        Samples pggit = samples.get(Variant.PGGIT.label);
        TextTable table = new TextTable("variant", "median ms", "min ms", "max ms", "us per DDL", "x plain", "rows logged/run");
        for (DdlTrial t : trials) {
            Samples s = samples.get(t.name());
            table.row(t.name(), TextTable.ms(s.medianMs()), TextTable.ms(s.minMs()), TextTable.ms(s.maxMs()),
                    String.format(Locale.ROOT, "%.0f", s.medianMs() * 1000 / statements.size()),
                    TextTable.ratio(s.medianMs() / plain.medianMs()),
                    t.variant.logTable == null ? "-" : Long.toString(t.loggedRows));
        }
        table.print(out, "    ");
        double ratio = pggit.medianMs() / trivial.medianMs();
        boolean met = ratio <= TARGET;
        out.printf("%n    pggit / trivial trigger: %s (ratio of medians); median of the per-round ratios: %s%n",
                TextTable.ratio(ratio), TextTable.ratio(pggit.medianPairedRatio(trivial)));
        out.printf("    trigger cost per DDL over plain (medians): trivial %+.0f us, pggit %+.0f us%n",
                (trivial.medianMs() - plain.medianMs()) * 1000 / statements.size(),
                (pggit.medianMs() - plain.medianMs()) * 1000 / statements.size());
        out.printf("    target (a): pggit within %.2fx of the trivial trigger: %s (%s)%n%n", TARGET,
                met ? "MET" : "MISSED", TextTable.ratio(ratio));
        return met;
    }

    /** One variant: its database, a fresh connection per run. */
    private final class DdlTrial implements Trial {
        private final Variant variant;
        private final String database;
        private final DataSource dataSource;
        private Connection connection;
        private long loggedRows;

        DdlTrial(Variant variant) throws SQLException {
            this.variant = variant;
            this.database = server.createDatabase("bench_ddl_" + variant.name().toLowerCase(Locale.ROOT));
            this.dataSource = server.dataSource(database);
            variant.install(dataSource);
        }

        @Override
        public String name() {
            return variant.label;
        }

        @Override
        public void prepare() throws SQLException {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS bench CASCADE");
                s.execute("CREATE SCHEMA bench");
                if (variant.logTable != null) {
                    s.execute("TRUNCATE " + variant.logTable);
                }
                s.execute("VACUUM");
            }
            server.checkpoint();
        }

        @Override
        public Map<String, Long> run() throws SQLException {
            try (Statement s = connection.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            return Map.of();
        }

        @Override
        public void finish() throws SQLException {
            try {
                if (variant.logTable != null) {
                    try (Statement s = connection.createStatement();
                         ResultSet rs = s.executeQuery("SELECT count(*) FROM " + variant.logTable)) {
                        rs.next();
                        loggedRows = rs.getLong(1);
                    }
                }
            } finally {
                connection.close();
            }
        }

        @Override
        public void close() throws SQLException {
            server.dropDatabase(database);
        }
    }

    private static void execute(DataSource ds, List<String> sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }
}
