package io.pggit.core.check;

import io.pggit.core.PggitException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The consistency checks: everything {@code pggit.verify_consistency} finds in the database
 * (drift, history-table gaps, tracking state, the object store's integrity), plus what needs
 * files on disk: Flyway migration files whose checksum differs from what was applied.
 *
 * <p>The checks themselves only read, so they run on a hot standby and in a read-only
 * transaction. Where the session may write (not in recovery, not a read-only transaction, a role
 * holding {@code pggit_writer}), the check also does the writer's steps: it ends the tracking
 * windows whose time is up, closes the runs whose session is gone
 * ({@code pggit.close_interrupted_deployments}) and records drift as conflicts
 * ({@code pggit.record_conflicts}, which reports the drift findings from the same scan). Elsewhere
 * it says in the log that nothing was recorded, and why; that is no failure.
 */
public final class ConsistencyCheck {

    private ConsistencyCheck() {
    }

    /** Runs every check, without progress lines. */
    public static List<Finding> run(Connection c, List<Path> flywayLocations, boolean verbose, boolean fixDrift) {
        return run(c, flywayLocations, verbose, fixDrift, line -> { });
    }

    /**
     * Runs every check, one after the other, telling {@code progress} what each covers before it
     * starts (object and row counts) and what it found after: the lines a build log shows while a
     * check of a large database runs. Each database check is one call of
     * {@code pggit.verify_consistency(fix_issues, verbose, checks => '{<check>}')}.
     *
     * @param flywayLocations directories holding Flyway migration files (searched recursively);
     *                        empty to skip the file check
     * @param verbose         include definitions and history rows in {@link Finding#details()}
     * @param fixDrift        adopt drift as a commit (origin drift) after reporting it
     * @param progress        receives one line per phase start and end, prefixed {@code pggit: check}
     * @throws PggitException when the database cannot be read or a location is not a directory
     */
    public static List<Finding> run(Connection c, List<Path> flywayLocations, boolean verbose, boolean fixDrift,
                                    Consumer<String> progress) {
        List<Finding> out = new ArrayList<>();
        int phases = flywayLocations.isEmpty() ? 4 : 5;
        try {
            String readOnly = whyNotWritable(c);
            if (readOnly == null) {
                // the writer's steps, which verify_consistency (a reader's call) leaves alone
                try (PreparedStatement ps = c.prepareStatement("SELECT pggit.refresh_tracking_windows()")) {
                    ps.execute();
                }
                long closed = count(c, "SELECT count(*) FROM pggit.close_interrupted_deployments()");
                if (closed > 0) {
                    progress.accept(String.format("pggit: check: closed %d interrupted deployment(s) whose session is gone", closed));
                }
            } else if (!fixDrift) {
                progress.accept("pggit: check: " + readOnly + ": drift is reported but not recorded as conflicts, and interrupted"
                        + " deployments are reported but not closed (pggit.record_conflicts and pggit.close_interrupted_deployments"
                        + " run where the session may write)");
            }
            long tracked = count(c, "SELECT count(*) FROM pggit.object_map");
            phase(c, "drift", 1, phases, String.format("comparing the live catalog with HEAD (%,d objects tracked)", tracked),
                    verbose, fixDrift, readOnly == null && !fixDrift, out, progress);
            List<String> tables = new ArrayList<>();
            // the rows are counted with the caller's rights (the gap check reads them with pggit's): a
            // role holding only pggit_reader may not read the tool's table itself
            try (PreparedStatement ps = c.prepareStatement("SELECT tool, table_schema, table_name, "
                    + "has_table_privilege(format('%I.%I', table_schema, table_name), 'SELECT') FROM pggit.history_tables() ORDER BY 1, 2, 3");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = quote(rs.getString(2)) + "." + quote(rs.getString(3));
                    tables.add(rs.getBoolean(4) ? String.format("%s %s (%,d rows)", rs.getString(1), table, count(c, "SELECT count(*) FROM " + table))
                            : String.format("%s %s", rs.getString(1), table));
                }
            }
            phase(c, "gap", 2, phases, tables.isEmpty() ? "no Flyway or Liquibase history table found"
                    : "history tables against links: " + String.join(", ", tables), verbose, false, false, out, progress);
            phase(c, "tracking", 3, phases, "tracking windows and capture failures", verbose, false, false, out, progress);
            phase(c, "integrity", 4, phases, String.format("recomputing the hashes of %,d commits, %,d tree nodes and %,d definitions (pggit.fsck)",
                    count(c, "SELECT count(*) FROM pggit.commit"), count(c, "SELECT count(*) FROM pggit.tree"),
                    count(c, "SELECT count(*) FROM pggit.blob")), verbose, false, false, out, progress);
            if (!flywayLocations.isEmpty()) {
                long start = System.nanoTime();
                progress.accept(String.format("pggit: check 5/5 files: Flyway migration files under %d location(s) ...", flywayLocations.size()));
                List<Finding> files = flywayFileChecksums(c, flywayLocations);
                out.addAll(files);
                progress.accept(String.format("pggit: check 5/5 files: %d finding(s) in %d ms", files.size(), (System.nanoTime() - start) / 1_000_000));
            }
        } catch (SQLException e) {
            throw new PggitException("pggit could not check consistency: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Why this session may not do a check's writer steps ({@code pggit.record_conflicts},
     * {@code pggit.close_interrupted_deployments}): a hot standby, a read-only transaction, or a
     * role without {@code pggit_writer}; null when it may.
     */
    static String whyNotWritable(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE"
                + " WHEN pg_is_in_recovery() THEN 'the server is read-only (a hot standby)'"
                + " WHEN current_setting('transaction_read_only')::boolean THEN 'the transaction is read-only (default_transaction_read_only or SET TRANSACTION READ ONLY)'"
                + " WHEN NOT coalesce(has_function_privilege(to_regprocedure('pggit.record_conflicts(boolean)'), 'EXECUTE'), false)"
                + "   OR NOT coalesce(has_function_privilege(to_regprocedure('pggit.close_interrupted_deployments()'), 'EXECUTE'), false)"
                + "   OR NOT coalesce(has_function_privilege(to_regprocedure('pggit.refresh_tracking_windows()'), 'EXECUTE'), false)"
                + " THEN format('role %s may only read (it has not got pggit_writer)', current_user) END");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void phase(Connection c, String check, int n, int of, String what, boolean verbose, boolean fix,
                              boolean record, List<Finding> out, Consumer<String> progress) throws SQLException {
        long start = System.nanoTime();
        progress.accept(String.format("pggit: check %d/%d %s: %s ...", n, of, check, what));
        int found = 0;
        // the drift check of a session that may write records its findings as conflicts, from the same scan
        try (PreparedStatement ps = c.prepareStatement(record
                ? "SELECT check_name, kind, severity, subject, message, hint, details::text FROM pggit.record_conflicts(?)"
                : "SELECT check_name, kind, severity, subject, message, hint, details::text FROM pggit.verify_consistency(?, ?, ARRAY[?])")) {
            if (record) {
                ps.setBoolean(1, verbose);
            } else {
                ps.setBoolean(1, fix);
                ps.setBoolean(2, verbose);
                ps.setString(3, check);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Finding.ofRow(rs));
                    found++;
                }
            }
        }
        progress.accept(String.format("pggit: check %d/%d %s: %d finding(s) in %d ms", n, of, check, found,
                (System.nanoTime() - start) / 1_000_000));
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Applied Flyway migrations whose file under {@code locations} now has another checksum. */
    static List<Finding> flywayFileChecksums(Connection c, List<Path> locations) throws SQLException {
        List<Finding> out = new ArrayList<>();
        if (locations.isEmpty()) {
            return out;
        }
        List<Path> files = new ArrayList<>();
        for (Path dir : locations) {
            if (!Files.isDirectory(dir)) {
                throw new PggitException("Flyway location " + dir + " is not a directory (set pggit.flywayLocations to your migration folders)");
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).forEach(files::add);
            } catch (IOException e) {
                throw new PggitException("cannot read Flyway location " + dir + ": " + e.getMessage(), e);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT table_schema, table_name FROM pggit.history_tables() WHERE tool = 'flyway'");
             ResultSet tables = ps.executeQuery()) {
            while (tables.next()) {
                String table = quote(tables.getString(1)) + "." + quote(tables.getString(2));
                // the latest successful run of each script (a repeatable migration runs again when it changes)
                String sql = "SELECT h.version, h.description, h.script, h.checksum FROM " + table + " h"
                        + " WHERE h.success AND h.checksum IS NOT NULL AND h.type = 'SQL' AND h.installed_rank = "
                        + "(SELECT max(h2.installed_rank) FROM " + table + " h2 WHERE h2.script = h.script)";
                try (PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        String script = rs.getString(3);
                        int applied = rs.getInt(4);
                        for (Path f : files) {
                            if (f.getFileName().toString().equals(Path.of(script).getFileName().toString())) {
                                int now = flywayChecksum(f);
                                if (now != applied) {
                                    String label = (rs.getString(1) == null ? "R" : "V" + rs.getString(1)) + " " + rs.getString(2);
                                    out.add(new Finding("gap", "file_checksum", Finding.Severity.ERROR, label,
                                            String.format("%s was changed after it was applied: checksum on disk %d, applied %d", f, now, applied),
                                            "Edit a migration that ran only through a new migration; restore the file (git checkout) or add a new version.",
                                            Optional.of(f.toString()), Optional.empty()));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Flyway's checksum of a migration file: CRC32 over its lines in UTF-8, without line breaks
     * and without a leading byte order mark (Flyway's {@code ChecksumCalculator}).
     */
    public static int flywayChecksum(Path file) {
        CRC32 crc = new CRC32();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line != null && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            while (line != null) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
                line = r.readLine();
            }
        } catch (IOException e) {
            throw new PggitException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return (int) crc.getValue();
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
