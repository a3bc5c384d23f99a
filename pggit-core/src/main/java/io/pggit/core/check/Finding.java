package io.pggit.core.check;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One finding of a consistency check.
 *
 * @param check    drift, gap, conflict, tracking or integrity
 * @param kind     the specific finding, e.g. drift_added, unlinked_migration, checksum_mismatch,
 *                 file_checksum, failed_migration, out_of_order, tracking_off, capture_failure, interrupted_deployment,
 *                 blob_hash_mismatch, missing_tree, index_out_of_step
 * @param severity error, warning or info
 * @param subject  the object key or migration it concerns
 * @param message  what is wrong
 * @param hint     what to do about it
 * @param location a migration file (path as configured), when the finding concerns one
 * @param details  JSON with definitions or history rows (verbose checks), when asked for
 */
public record Finding(String check, String kind, Severity severity, String subject, String message, String hint,
                      Optional<String> location, Optional<String> details) {

    /** How bad a finding is; {@code error} findings fail a build that fails on their check. */
    public enum Severity {
        ERROR, WARNING, INFO;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Severity ofCode(String code) {
            return valueOf(code.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * The current row of a result in {@code pggit.verify_consistency}'s (and {@code pggit.fsck}'s)
     * shape, its columns selected in this order: check_name, kind, severity, subject, message,
     * hint, details::text.
     */
    public static Finding ofRow(ResultSet rs) throws SQLException {
        return new Finding(rs.getString(1), rs.getString(2), Severity.ofCode(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), Optional.empty(), Optional.ofNullable(rs.getString(7)));
    }

    public Finding {
        requireNonNull(check, "check");
        requireNonNull(kind, "kind");
        requireNonNull(severity, "severity");
        requireNonNull(subject, "subject");
        requireNonNull(message, "message");
        requireNonNull(location, "location");
        requireNonNull(details, "details");
    }
}
