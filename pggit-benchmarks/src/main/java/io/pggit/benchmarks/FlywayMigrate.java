package io.pggit.benchmarks;

import io.pggit.core.Pggit;
import io.pggit.flyway.PggitFlywayCallback;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark (b): {@code flyway migrate} of a corpus into a fresh empty database: plain Flyway,
 * Flyway with a callback that does nothing on pggit's events (a reference: what Flyway charges for
 * calling any callback), and Flyway with {@link PggitFlywayCallback}. Per run, untimed:
 * {@code CREATE DATABASE} from {@code template0}, for pggit {@code Pggit.install()},
 * {@code Flyway.configure()…load()} and a checkpoint. Timed: {@code flyway.migrate()} alone, which
 * for pggit includes the callback's start of run, every migration's capture and the end-of-run
 * backfill, close and drift scan. Untimed after the run: the result is checked (success, the same
 * number of migrations every run; for pggit every migration linked to a commit, no capture
 * failure, the deployment closed as success, because pggit fails open and a run that only logged
 * errors would look cheap) and the database dropped.
 *
 * <p>For pggit, the callback is wrapped in a {@link TimingCallback}, so each run also reports how
 * long pggit's {@code handle} took per Flyway event.
 */
final class FlywayMigrate {

    /** The target: Flyway with pggit takes at most this much longer than plain Flyway. */
    static final double TARGET = 1.20;
    /** A run's fixed cost (opening and closing it), milliseconds. */
    static final double FIXED_TARGET_MS = 60;
    /** One migration's capture, milliseconds. */
    static final double CAPTURE_TARGET_MS = 1.5;

    /** After {@link #measureAndPrint}: the measured fixed cost per run and capture per migration, ms. */
    double fixedMs = Double.NaN;
    double captureMs = Double.NaN;

    /** The ways of running {@code migrate}. */
    enum Variant {
        /** No callback. */
        PLAIN("plain flyway", false),
        /**
         * A reference: a callback that answers {@code supports} as pggit's does and does nothing.
         * What Flyway itself charges any callback on those events (for {@code BEFORE_MIGRATE} and
         * {@code AFTER_MIGRATE}, for instance, it opens an extra connection to hand to the callback).
         */
        NOOP_CALLBACK("flyway + no-op callback", false),
        /** {@link PggitFlywayCallback}, wrapped in a {@link TimingCallback}; pggit installed before the run. */
        PGGIT("flyway + pggit", true);

        final String label;
        final boolean installsPggit;

        Variant(String label, boolean installsPggit) {
            this.label = label;
            this.installsPggit = installsPggit;
        }

        /** A new callback for one run, or null for none; pggit's comes wrapped in a {@link TimingCallback}. */
        Callback newCallback() {
            return switch (this) {
                case PLAIN -> null;
                case NOOP_CALLBACK -> new NoopCallback();
                case PGGIT -> new TimingCallback(new PggitFlywayCallback());
            };
        }
    }

    /** Accepts exactly the events {@link PggitFlywayCallback} accepts, and does nothing with them. */
    static final class NoopCallback implements Callback {
        private final Callback pggit = new PggitFlywayCallback();

        @Override
        public boolean supports(Event event, Context context) {
            return pggit.supports(event, context);
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
        }

        @Override
        public String getCallbackName() {
            return "no-op";
        }
    }

    /** What pggit does on each Flyway event it may handle, for the breakdown table. */
    private static final Map<String, String> PART_LABELS = Map.of(
            Event.BEFORE_MIGRATE.name(), "start of run: install check + open deployment",
            Event.BEFORE_EACH_MIGRATE.name(), "the first one: install check + open deployment",
            Event.AFTER_EACH_MIGRATE.name(), "per-migration capture (commit + link)",
            Event.AFTER_EACH_MIGRATE_ERROR.name(), "failed link",
            Event.AFTER_MIGRATE.name(), "end of run: backfill + close + drift scan",
            Event.AFTER_MIGRATE_OPERATION_FINISH.name(), "end of run: backfill + close + drift scan",
            Event.AFTER_MIGRATE_ERROR.name(), "end of a failed run",
            TimingCallback.CHECKS, "supports() + canHandleInTransaction() answers");

    private final BenchServer server;
    private final Path corpus;
    private final Path migrations;

    /** @param corpus the corpus folder; its migrations are in {@code migrations/} */
    FlywayMigrate(BenchServer server, Path corpus) {
        this.server = server;
        this.corpus = corpus;
        this.migrations = corpus.resolve("migrations");
    }

    /**
     * Where the Flyway corpus is: {@code -Dbench.corpus} when given; otherwise the first of
     * {@code <bench.corpora>/flyway-kestra} (the module's POM sets {@code bench.corpora} to
     * {@code <project root>/../shared/corpora}) and {@code <project root>/../shared/corpora/flyway-kestra}
     * (the project root found from the working directory) that has a {@code migrations/} folder,
     * else the first of them, so that the message names where the corpus was expected.
     */
    static Path locateCorpus() {
        String explicit = System.getProperty("bench.corpus", "");
        if (!explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        List<Path> candidates = new ArrayList<>();
        String corpora = System.getProperty("bench.corpora", "");
        if (!corpora.isBlank()) {
            candidates.add(Path.of(corpora, "flyway-kestra"));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("pggit-benchmarks"))) {
                candidates.add(dir.resolve("../shared/corpora/flyway-kestra"));
                break;
            }
        }
        if (candidates.isEmpty()) {
            candidates.add(Path.of("../shared/corpora/flyway-kestra"));
        }
        List<Path> normalized = candidates.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        return normalized.stream().filter(p -> Files.isDirectory(p.resolve("migrations"))).findFirst().orElse(normalized.get(0));
    }

    /** Whether the corpus folder has its {@code migrations/} folder. */
    boolean corpusPresent() {
        return Files.isDirectory(migrations);
    }

    /** Runs both variants interleaved and prints the tables; returns whether the target was met. */
    boolean measureAndPrint(int warmups, int runs, PrintStream out, PrintStream progress) throws Exception {
        List<MigrateTrial> trials = new ArrayList<>();
        try {
            for (Variant v : Variant.values()) {
                trials.add(new MigrateTrial(v));
            }
            Map<String, Samples> samples = Interleaved.measure("(b)", trials, warmups, runs, progress);
            return print(trials, samples, warmups, runs, out);
        } finally {
            for (MigrateTrial t : trials) {
                t.close();
            }
        }
    }

    private boolean print(List<MigrateTrial> trials, Map<String, Samples> samples, int warmups, int runs, PrintStream out) {
        MigrateTrial pggitTrial = trials.get(Variant.PGGIT.ordinal());
        out.printf("(b) flyway migrate of %s (%d migrations) into a fresh empty database per run;%n"
                + "    pggit installed before the timed part; %d timed runs per variant after %d warm-up round(s), interleaved;%n"
                + "    the no-op callback (supports pggit's events, does nothing) is a reference, not a target%n%n",
                corpus, pggitTrial.migrations, runs, warmups);
        Samples plain = samples.get(Variant.PLAIN.label);
        Samples noop = samples.get(Variant.NOOP_CALLBACK.label);
        Samples pggit = samples.get(Variant.PGGIT.label);
        TextTable table = new TextTable("variant", "median ms", "min ms", "max ms", "x plain");
        for (MigrateTrial t : trials) {
            Samples s = samples.get(t.name());
            table.row(t.name(), TextTable.ms(s.medianMs()), TextTable.ms(s.minMs()), TextTable.ms(s.maxMs()),
                    TextTable.ratio(s.medianMs() / plain.medianMs()));
        }
        table.print(out, "    ");
        double ratio = pggit.medianMs() / plain.medianMs();
        boolean met = ratio <= TARGET;
        out.printf("%n    pggit / plain: %s (ratio of medians); median of the per-round ratios: %s%n",
                TextTable.ratio(ratio), TextTable.ratio(pggit.medianPairedRatio(plain)));
        out.printf("    pggit / no-op callback: %s (ratio of medians); median of the per-round ratios: %s%n%n",
                TextTable.ratio(pggit.medianMs() / noop.medianMs()), TextTable.ratio(pggit.medianPairedRatio(noop)));

        out.printf("    flyway + pggit, where the time goes (median over the %d runs of each part, ms;%n"
                + "    pggit's handle() per Flyway event, measured by a delegating timing callback):%n%n", runs);
        TextTable parts = new TextTable("part", "calls/run", "median ms", "min ms", "max ms");
        for (String name : pggit.partNames()) {
            List<Long> nanos = pggit.part(name);
            String label = name.equals(TimingCallback.CHECKS) ? PART_LABELS.get(name)
                    : name + ": " + PART_LABELS.getOrDefault(name, "(no description)");
            parts.row(label, Integer.toString(pggitTrial.calls.getOrDefault(name, 0)), TextTable.ms(Samples.medianMs(nanos)),
                    TextTable.ms(Collections.min(nanos) / 1e6), TextTable.ms(Collections.max(nanos) / 1e6));
        }
        List<Long> rest = pggit.rest();
        parts.row("rest: Flyway incl. its callback dispatch + the migrations' SQL with pggit's triggers", "",
                TextTable.ms(Samples.medianMs(rest)), TextTable.ms(Collections.min(rest) / 1e6),
                TextTable.ms(Collections.max(rest) / 1e6));
        parts.print(out, "    ");
        out.printf("%n    (medians of parts need not add up to the median total)%n");
        // a run's fixed costs apart from its captures: the first BEFORE_EACH_MIGRATE opens the run
        // (install check, rules, deployment; the others do nothing), AFTER_MIGRATE_OPERATION_FINISH
        // closes it (backfill, close, drift scan); AFTER_EACH_MIGRATE is one capture per migration
        fixedMs = Samples.medianMs(pggit.part(Event.BEFORE_EACH_MIGRATE.name()))
                + Samples.medianMs(pggit.part(Event.AFTER_MIGRATE_OPERATION_FINISH.name()));
        captureMs = Samples.medianMs(pggit.part(Event.AFTER_EACH_MIGRATE.name())) / Math.max(1, pggitTrial.migrations);
        out.printf("    target (b): pggit / plain at most %.2f: %s (%s)%n", TARGET, met ? "MET" : "MISSED",
                TextTable.ratio(ratio));
        out.printf("    target (b): fixed cost per run at most %.0f ms: %s (%.1f ms: opening %.1f + closing %.1f)%n", FIXED_TARGET_MS,
                fixedMs <= FIXED_TARGET_MS ? "MET" : "MISSED", fixedMs, Samples.medianMs(pggit.part(Event.BEFORE_EACH_MIGRATE.name())),
                Samples.medianMs(pggit.part(Event.AFTER_MIGRATE_OPERATION_FINISH.name())));
        out.printf("    target (b): capture per migration at most %.1f ms: %s (%.2f ms, the first capture of the session's planning included)%n%n",
                CAPTURE_TARGET_MS, captureMs <= CAPTURE_TARGET_MS ? "MET" : "MISSED", captureMs);
        return met;
    }

    /** One variant: a fresh database and a fresh Flyway per run. */
    private final class MigrateTrial implements Trial {
        private final Variant variant;
        private String database;
        private Flyway flyway;
        private TimingCallback timing;
        private int migrations = -1;
        private Map<String, Integer> calls = Map.of();

        MigrateTrial(Variant variant) {
            this.variant = variant;
        }

        @Override
        public String name() {
            return variant.label;
        }

        @Override
        public void prepare() throws SQLException {
            database = server.createDatabase("bench_flyway_" + variant.name().toLowerCase(Locale.ROOT));
            FluentConfiguration conf = Flyway.configure()
                    .dataSource(server.jdbcUrl(database), BenchServer.USER, "")
                    .locations("filesystem:" + FlywayMigrate.this.migrations);
            if (variant.installsPggit) {
                Pggit.builder(server.dataSource(database)).build().install();
            }
            Callback callback = variant.newCallback();
            if (callback != null) {
                conf.callbacks(callback);
            }
            timing = callback instanceof TimingCallback t ? t : null;
            flyway = conf.load();
            server.checkpoint();
        }

        @Override
        public Map<String, Long> run() {
            MigrateResult result = flyway.migrate();
            if (!result.success) {
                throw new IllegalStateException(variant.label + ": flyway migrate failed");
            }
            if (migrations >= 0 && result.migrationsExecuted != migrations) {
                throw new IllegalStateException(variant.label + ": " + result.migrationsExecuted
                        + " migrations executed, earlier runs executed " + migrations);
            }
            migrations = result.migrationsExecuted;
            return timing == null ? Map.of() : timing.partsNanos();
        }

        @Override
        public void finish() throws SQLException {
            if (timing != null) {
                calls = timing.calls();
            }
            if (variant.installsPggit) {
                checkRecorded();
            }
            flyway = null;
            timing = null;
            server.dropDatabase(database);
            database = null;
        }

        /** Drops the database of a run that stopped half-way, if any. */
        @Override
        public void close() throws SQLException {
            if (database != null) {
                server.dropDatabase(database);
                database = null;
            }
        }

        /** pggit fails open; make sure it did record every migration, so its time is real work. */
        private void checkRecorded() throws SQLException {
            try (Connection c = server.dataSource(database).getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pggit.migration_link WHERE outcome = 'success' "
                         + "AND commit_id IS NOT NULL), (SELECT count(*) FROM pggit.capture_failure), "
                         + "(SELECT string_agg(outcome, ',') FROM pggit.deployment)")) {
                rs.next();
                if (rs.getInt(1) != migrations || rs.getInt(2) != 0 || !"success".equals(rs.getString(3))) {
                    throw new IllegalStateException("pggit did not record the run: " + rs.getInt(1) + " linked migrations of "
                            + migrations + ", " + rs.getInt(2) + " capture failures, deployments " + rs.getString(3));
                }
            }
        }
    }
}
