package io.pggit.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings every integration shares, under the host tool's namespace: {@code flyway.pggit.*}
 * for Flyway, {@code liquibase.pggit.*} for Liquibase, {@code pggit.*} for the Maven goals.
 *
 * @param enabled     {@code enabled}: record migrations at all (default true)
 * @param failOnError {@code failOnError}: an error inside pggit fails the migration (default false:
 *                    fail-open, the error is logged and recorded as a capture failure)
 * @param driftScan   {@code driftScan}: compare the whole catalog with HEAD at the end of a run
 *                    (default true)
 * @param install     {@code install}: {@link Install#AUTO} installs or upgrades pggit when the role
 *                    may (default), {@link Install#NEVER} only checks the version
 */
public record PggitConfig(boolean enabled, boolean failOnError, boolean driftScan, Install install) {

    /** When pggit's SQL layer is installed. */
    public enum Install { AUTO, NEVER }

    /** The keys, in documentation order. */
    public static final List<String> KEYS = List.of("enabled", "failOnError", "driftScan", "install");

    public static final PggitConfig DEFAULTS = new PggitConfig(true, false, true, Install.AUTO);

    /**
     * Reads the settings from {@code values} (keys without prefix, null or absent = default).
     *
     * @param prefix how the host spells the namespace, e.g. {@code flyway.pggit.}, used in messages
     * @throws PggitException.InvalidConfig naming the key, the bad value and the allowed values
     */
    public static PggitConfig from(Map<String, String> values, String prefix) {
        Map<String, String> v = new LinkedHashMap<>(values);
        for (String key : v.keySet()) {
            if (!KEYS.contains(key)) {
                throw new PggitException.InvalidConfig("unknown setting " + prefix + key + ": the pggit settings are "
                        + String.join(", ", KEYS.stream().map(k -> prefix + k).toList()));
            }
        }
        return new PggitConfig(
                bool(v.get("enabled"), prefix + "enabled", DEFAULTS.enabled),
                bool(v.get("failOnError"), prefix + "failOnError", DEFAULTS.failOnError),
                bool(v.get("driftScan"), prefix + "driftScan", DEFAULTS.driftScan),
                install(v.get("install"), prefix + "install"));
    }

    private static boolean bool(String value, String key, boolean dflt) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new PggitException.InvalidConfig(key + " must be true or false, but was \"" + value + "\"");
        }
    }

    private static Install install(String value, String key) {
        if (value == null || value.isBlank()) {
            return DEFAULTS.install;
        }
        try {
            return Install.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PggitException.InvalidConfig(key + " must be auto or never, but was \"" + value + "\"");
        }
    }
}
