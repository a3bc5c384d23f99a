package io.pggit.core.model;

import java.time.Instant;
import java.util.List;

/**
 * What {@code pggit:uninstall} removed from one database.
 *
 * @param database      the database (current_database())
 * @param version       the pggit version that was installed
 * @param removed       one line per removed thing, for people: the event triggers, schema pggit with
 *                      its object counts, the history it held (commits, migration links, deployments)
 * @param dependents    user objects outside schema pggit that depended on it and were dropped with it
 *                      (only with cascade; {@code pg_describe_object} text)
 * @param uninstalledAt the time recorded in the marker {@code pggit.uninstalled_at} (a database
 *                      setting), which the next install's baseline commit reports
 */
public record UninstallResult(String database, String version, List<String> removed, List<String> dependents,
                              Instant uninstalledAt) {
    public UninstallResult {
        removed = List.copyOf(removed);
        dependents = List.copyOf(dependents);
    }
}
