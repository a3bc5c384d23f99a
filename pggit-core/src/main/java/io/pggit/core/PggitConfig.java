package io.pggit.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 * @param tracking    {@code trackSchemas}, {@code ignoreSchemas}, {@code trackOperations},
 *                    {@code ignoreOperations}, {@code ignorePatterns}: the tracking rules of
 *                    {@code pggit.configure_tracking} and {@code pggit.add_ignore_pattern}, as
 *                    comma-separated lists, applied at the start of each run; unset keys leave the
 *                    database's rules as they are; and {@code trackOwners}, {@code trackPrivileges},
 *                    {@code trackComments} (true or false) of {@code pggit.configure_properties}
 */
public record PggitConfig(boolean enabled, boolean failOnError, boolean driftScan, Install install, Tracking tracking) {

    /**
     * Tracking rules from the build's configuration; an empty list means "not set here".
     *
     * @param trackSchemas     LIKE patterns of the schemas to track
     * @param ignoreSchemas    LIKE patterns of schemas to ignore
     * @param trackOperations  command tags (or their leading words) to track
     * @param ignoreOperations command tags (or their leading words) to ignore
     * @param ignorePatterns   LIKE patterns over '&lt;command tag&gt; &lt;identity&gt;' to ignore
     * @param trackOwners      whether owners are part of definitions (empty: not set here)
     * @param trackPrivileges  whether privileges (ACLs, default privileges) are (empty: not set here)
     * @param trackComments    whether comments are (empty: not set here)
     */
    public record Tracking(List<String> trackSchemas, List<String> ignoreSchemas, List<String> trackOperations,
                           List<String> ignoreOperations, List<String> ignorePatterns,
                           Optional<Boolean> trackOwners, Optional<Boolean> trackPrivileges, Optional<Boolean> trackComments) {
        public static final Tracking NONE = new Tracking(List.of(), List.of(), List.of(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());

        /** Rules without the property switches. */
        public Tracking(List<String> trackSchemas, List<String> ignoreSchemas, List<String> trackOperations,
                        List<String> ignoreOperations, List<String> ignorePatterns) {
            this(trackSchemas, ignoreSchemas, trackOperations, ignoreOperations, ignorePatterns,
                    Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Tracking {
            trackSchemas = List.copyOf(trackSchemas);
            ignoreSchemas = List.copyOf(ignoreSchemas);
            trackOperations = List.copyOf(trackOperations);
            ignoreOperations = List.copyOf(ignoreOperations);
            ignorePatterns = List.copyOf(ignorePatterns);
        }

        /** Whether the build sets any rule. */
        public boolean any() {
            return !(trackSchemas.isEmpty() && ignoreSchemas.isEmpty() && trackOperations.isEmpty()
                    && ignoreOperations.isEmpty() && ignorePatterns.isEmpty()) || anyProperty();
        }

        /** Whether the build sets trackOwners, trackPrivileges or trackComments. */
        public boolean anyProperty() {
            return trackOwners.isPresent() || trackPrivileges.isPresent() || trackComments.isPresent();
        }
    }

    /** When pggit's SQL layer is installed. */
    public enum Install { AUTO, NEVER }

    /** The keys, in documentation order. */
    public static final List<String> KEYS = List.of("enabled", "failOnError", "driftScan", "install",
            "trackSchemas", "ignoreSchemas", "trackOperations", "ignoreOperations", "ignorePatterns",
            "trackOwners", "trackPrivileges", "trackComments");

    public static final PggitConfig DEFAULTS = new PggitConfig(true, false, true, Install.AUTO, Tracking.NONE);

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
                install(v.get("install"), prefix + "install"),
                new Tracking(list(v.get("trackSchemas")), list(v.get("ignoreSchemas")), list(v.get("trackOperations")),
                        list(v.get("ignoreOperations")), list(v.get("ignorePatterns")),
                        optionalBool(v.get("trackOwners"), prefix + "trackOwners"),
                        optionalBool(v.get("trackPrivileges"), prefix + "trackPrivileges"),
                        optionalBool(v.get("trackComments"), prefix + "trackComments")));
    }

    /** A comma-separated list; blank entries are dropped (the database validates the rest and names the setting). */
    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static Optional<Boolean> optionalBool(String value, String key) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(bool(value, key, false));
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
