package io.pggit.benchmarks;

import io.pggit.core.Pggit;
import liquibase.Scope;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.command.CommandScope;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * (c) {@code liquibase update} of the Tolgee corpus ({@code ../shared/corpora/liquibase-tolgee}, 839
 * changesets) into a fresh database per run: plain Liquibase against Liquibase with
 * {@code pggit-liquibase} on the classpath (pggit installed before the timed part). The time pggit
 * spends capturing inside the server is the sum of {@code pggit.commit.capture_ms} of the run.
 * Beside them the floor any listener charges: a no-op {@link ChangeExecListener} that makes one round
 * trip to the server per changeset ({@code SELECT 1} after each one ran), as the issue defines it.
 * Target: pggit / plain at most 1.25.
 */
final class LiquibaseUpdate {

    static final double TARGET = 1.25;

    private final BenchServer server;
    private final Path changelogDir;

    LiquibaseUpdate(BenchServer server, Path corpus) {
        this.server = server;
        this.changelogDir = corpus.resolve("changelog");
        System.setProperty("liquibase.analytics.enabled", "false");
        Logger.getLogger("liquibase").setLevel(Level.WARNING);
    }

    /** {@code -Dbench.corpora} (set by the module's POM) or {@code <project root>/../shared/corpora}, plus liquibase-tolgee. */
    static Path locateCorpus() {
        return Optional.ofNullable(System.getProperty("bench.corpora")).filter(s -> !s.isBlank()).map(Path::of)
                .orElse(Path.of("../shared/corpora")).resolve("liquibase-tolgee").toAbsolutePath().normalize();
    }

    boolean corpusPresent() {
        return Files.isRegularFile(changelogDir.resolve("schema.xml"));
    }

    boolean measureAndPrint(int warmups, int runs, PrintStream out, PrintStream progress) throws Exception {
        List<UpdateTrial> trials = List.of(new UpdateTrial(false, false), new UpdateTrial(false, true), new UpdateTrial(true, false));
        Map<String, Samples> samples = Interleaved.measure("(c)", trials, warmups, runs, progress);
        Samples plain = samples.get(trials.get(0).name());
        Samples floor = samples.get(trials.get(1).name());
        Samples pggit = samples.get(trials.get(2).name());
        out.printf("(c) liquibase update of %s (%d changesets) into a fresh empty database per run;%n"
                + "    pggit installed before the timed part; %d timed runs per variant after %d warm-up round(s), interleaved%n%n",
                changelogDir.getParent(), trials.get(2).changesets, runs, warmups);
        TextTable table = new TextTable("variant", "median ms", "min ms", "max ms", "x plain");
        for (UpdateTrial t : trials) {
            Samples s = samples.get(t.name());
            table.row(t.name(), TextTable.ms(s.medianMs()), TextTable.ms(s.minMs()), TextTable.ms(s.maxMs()),
                    TextTable.ratio(s.medianMs() / plain.medianMs()));
        }
        table.print(out, "    ");
        double ratio = pggit.medianMs() / plain.medianMs();
        out.printf("%n    pggit / plain: %s (ratio of medians); median of the per-round ratios: %s%n",
                TextTable.ratio(ratio), TextTable.ratio(pggit.medianPairedRatio(plain)));
        out.printf("    floor (no-op listener, one round trip per changeset) / plain: %s (ratio of medians); median of the per-round ratios: %s%n",
                TextTable.ratio(floor.medianMs() / plain.medianMs()), TextTable.ratio(floor.medianPairedRatio(plain)));
        List<Long> capture = pggit.part(UpdateTrial.CAPTURE);
        out.printf("    per-changeset capture inside the server (pggit.commit.capture_ms, summed per run): median %s ms, "
                + "%s ms per changeset%n", TextTable.ms(Samples.medianMs(capture)),
                TextTable.ms(Samples.medianMs(capture) / Math.max(1, trials.get(2).changesets)));
        boolean met = ratio <= TARGET;
        out.printf("    target (c): pggit / plain at most %.2f: %s (%s)%n%n", TARGET, met ? "MET" : "MISSED", TextTable.ratio(ratio));
        return met;
    }

    private final class UpdateTrial implements Trial {
        static final String CAPTURE = "capture in the server";
        private final boolean withPggit;
        private final boolean noOpListener;
        private String database;
        private int changesets;

        UpdateTrial(boolean withPggit, boolean noOpListener) {
            this.withPggit = withPggit;
            this.noOpListener = noOpListener;
        }

        @Override
        public String name() {
            return withPggit ? "liquibase + pggit" : noOpListener ? "liquibase + no-op listener (floor)" : "plain liquibase";
        }

        @Override
        public void prepare() throws Exception {
            database = server.createDatabase("bench_liquibase_" + (withPggit ? "pggit" : noOpListener ? "floor" : "plain"));
            if (withPggit) {
                Pggit.builder(server.dataSource(database)).build().install();
            }
            server.checkpoint();
        }

        @Override
        public Map<String, Long> run() throws Exception {
            try (Connection c = server.dataSource(database).getConnection()) {
                Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
                db.setDefaultSchemaName("public");
                Map<String, Object> scope = new HashMap<>();
                scope.put(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(changelogDir.toFile()));
                scope.put(Scope.Attr.ui.name(), new LoggerUIService());
                scope.put("liquibase.pggit.enabled", Boolean.toString(withPggit));
                Scope.child(scope, () -> {
                    CommandScope update = new CommandScope("update")
                            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, db)
                            .addArgumentValue("changelogFile", "schema.xml")
                            .setOutput(OutputStream.nullOutputStream());   // its update summary would mix into the result table
                    if (noOpListener) {
                        update.addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, new RoundTripListener(c));
                    }
                    update.execute();
                });
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM databasechangelog")) {
                    rs.next();
                    changesets = rs.getInt(1);
                }
                if (!withPggit) {
                    return Map.of();
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT coalesce(sum(capture_ms), 0), (SELECT count(*) FROM pggit.migration_link) "
                             + "FROM pggit.commit WHERE origin = 'migration'")) {
                    rs.next();
                    if (rs.getInt(2) != changesets) {
                        throw new IllegalStateException("pggit linked " + rs.getInt(2) + " of " + changesets + " changesets");
                    }
                    return Map.of(CAPTURE, (long) (rs.getDouble(1) * 1_000_000));
                }
            }
        }

        @Override
        public void finish() throws Exception {
            server.dropDatabase(database);
        }
    }

    /** The floor of (c): a listener that does nothing but one round trip per changeset that ran. */
    private static final class RoundTripListener extends AbstractChangeExecListener {
        private final Connection connection;

        RoundTripListener(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void ran(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database, ChangeSet.ExecType execType) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
