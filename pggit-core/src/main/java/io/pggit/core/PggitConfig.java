package io.pggit.core;

import java.util.Arrays;
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
 * @param grantTo     {@code grantTo}: roles (comma-separated names, exact case, no quotes) that the
 *                    run's install step makes members of {@code pggit_writer} (the migration roles);
 *                    empty by default. Only with {@link Install#AUTO}: see
 *                    {@code PggitSession.install(List, List, String)} for what happens when
 *                    pggit is installed already
 * @param tracking    {@code trackSchemas}, {@code ignoreSchemas}, {@code trackOperations},
 *                    {@code ignoreOperations}, {@code ignorePatterns}: the tracking rules of
 *                    {@code pggit.configure_tracking} and {@code pggit.add_ignore_pattern}, as
 *                    comma-separated lists, applied at the start of each run; unset keys leave the
 *                    database's rules as they are; and {@code trackOwners}, {@code trackPrivileges},
 *                    {@code trackComments} (true or false) of {@code pggit.configure_properties}
 */
public record PggitConfig(boolean enabled, boolean failOnError, boolean driftScan, Install install, List<String> grantTo,
                          Tracking tracking) {

    public PggitConfig {
        grantTo = List.copyOf(grantTo);
    }

    /**
     * Tracking rules from the build's configuration; an empty list means "not set here".
     *
     * @param trackSchemas     schema names to track, {@code %} the only wildcard ({@code _} is a literal)
     * @param ignoreSchemas    schema names to ignore, {@code %} the only wildcard
     * @param trackOperations  command tags (or their leading words) to track
     * @param ignoreOperations command tags (or their leading words) to ignore
     * @param ignorePatterns   patterns over '&lt;command tag&gt; &lt;identity&gt;' to ignore, {@code %} the only wildcard
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

    /** The keys, in documentation order ({@link PggitSetting}). */
    public static final List<String> KEYS = Arrays.stream(PggitSetting.values()).map(PggitSetting::key).toList();

    /** Every key unset: the defaults of {@link PggitSetting}. */
    public static final PggitConfig DEFAULTS = from(Map.of(), "");

    /**
     * Reads the settings from {@code values} (keys without prefix, null or absent = default).
     *
     * @param prefix how the host spells the namespace, e.g. {@code flyway.pggit.}, used in messages
     * @throws PggitException.InvalidConfig naming the key, the bad value and the allowed values
     */
    public static PggitConfig from(Map<String, String> values, String prefix) {
        for (String key : values.keySet()) {
            if (PggitSetting.ofKey(key).isEmpty()) {
                throw new PggitException.InvalidConfig("unknown setting " + prefix + key + ": the pggit settings are "
                        + String.join(", ", KEYS.stream().map(k -> prefix + k).toList()));
            }
        }
        Reader r = new Reader(values, prefix);
        return new PggitConfig(r.bool(PggitSetting.ENABLED), r.bool(PggitSetting.FAIL_ON_ERROR), r.bool(PggitSetting.DRIFT_SCAN),
                Install.valueOf(r.text(PggitSetting.INSTALL).orElseThrow().toUpperCase(Locale.ROOT)), r.list(PggitSetting.GRANT_TO),
                new Tracking(r.list(PggitSetting.TRACK_SCHEMAS), r.list(PggitSetting.IGNORE_SCHEMAS),
                        r.list(PggitSetting.TRACK_OPERATIONS), r.list(PggitSetting.IGNORE_OPERATIONS),
                        r.list(PggitSetting.IGNORE_PATTERNS), r.optionalBool(PggitSetting.TRACK_OWNERS),
                        r.optionalBool(PggitSetting.TRACK_PRIVILEGES), r.optionalBool(PggitSetting.TRACK_COMMENTS)));
    }

    /** Values as {@link PggitSetting} checks them. */
    private record Reader(Map<String, String> values, String prefix) {
        Optional<String> text(PggitSetting s) {
            return s.read(values.get(s.key()), prefix);
        }

        boolean bool(PggitSetting s) {
            return optionalBool(s).orElseThrow();
        }

        Optional<Boolean> optionalBool(PggitSetting s) {
            return text(s).map(Boolean::parseBoolean);
        }

        /** A comma-separated list; blank entries are dropped (the database validates the rest and names the setting). */
        List<String> list(PggitSetting s) {
            return text(s).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList())
                    .orElse(List.of());
        }
    }
}
