package io.pggit.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one table of pggit's settings, which every host spells under its own namespace:
 * {@code flyway.pggit.<key>} (or {@code FLYWAY_PGGIT_<ENVIRONMENT SUFFIX>}) for Flyway,
 * {@code liquibase.pggit.<key>} ({@code LIQUIBASE_PGGIT_<ENVIRONMENT SUFFIX>}, {@code --pggit-<key>})
 * for Liquibase. {@link PggitConfig#from} reads them; the integrations declare them by iterating
 * this enum, in this order (the documentation order).
 *
 * <p>Values are text: booleans are {@code true} or {@code false}, {@link #INSTALL} is {@code auto}
 * or {@code never} (case-insensitive), lists are comma-separated. An unset (null or blank) value
 * takes the default; the tracking rules have none ("not set here": the database's rules stay).
 */
public enum PggitSetting {
    ENABLED("enabled", Values.BOOLEAN, "true",
            "record each migration or changeset as a commit (true or false; default true)"),
    FAIL_ON_ERROR("failOnError", Values.BOOLEAN, "false",
            "an error inside pggit fails the migration (true or false; default false: logged and recorded, the run goes on)"),
    DRIFT_SCAN("driftScan", Values.BOOLEAN, "true",
            "compare the whole catalog with HEAD at the end of the run (true or false; default true)"),
    INSTALL("install", Values.INSTALL, "auto",
            "install or upgrade pggit when the role may (auto) or only check it (never); default auto"),
    GRANT_TO("grantTo", Values.LIST, null,
            "migration roles to grant pggit_writer when the run installs or checks pggit (comma-separated role names, exact case)"),
    TRACK_SCHEMAS("trackSchemas", Values.LIST, null,
            "schemas to track, comma-separated names, % the only wildcard (pggit.configure_tracking)"),
    IGNORE_SCHEMAS("ignoreSchemas", Values.LIST, null,
            "schemas to ignore, comma-separated names, % the only wildcard"),
    TRACK_OPERATIONS("trackOperations", Values.LIST, null,
            "operations to track, comma-separated command tags or their leading words"),
    IGNORE_OPERATIONS("ignoreOperations", Values.LIST, null,
            "operations to ignore, comma-separated command tags or their leading words"),
    IGNORE_PATTERNS("ignorePatterns", Values.LIST, null,
            "comma-separated patterns over '<command tag> <object identity>' to ignore, % the only wildcard"),
    TRACK_OWNERS("trackOwners", Values.BOOLEAN, null,
            "whether owners are part of object definitions (true or false; pggit.configure_properties)"),
    TRACK_PRIVILEGES("trackPrivileges", Values.BOOLEAN, null,
            "whether privileges (ACLs, default privileges) are part of object definitions (true or false)"),
    TRACK_COMMENTS("trackComments", Values.BOOLEAN, null,
            "whether comments are part of object definitions (true or false)");

    /** What a setting's values look like. */
    private enum Values {
        BOOLEAN(List.of("true", "false")),
        INSTALL(List.of("auto", "never")),
        /** Comma-separated, checked by the database (which names the setting). */
        LIST(List.of());

        final List<String> allowed;

        Values(List<String> allowed) {
            this.allowed = allowed;
        }
    }

    private final String key;
    private final Values values;
    private final String defaultValue;
    private final String description;

    PggitSetting(String key, Values values, String defaultValue, String description) {
        this.key = key;
        this.values = values;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The key under a host's namespace, e.g. {@code failOnError}. */
    public String key() {
        return key;
    }

    /** The environment variable's suffix after the host's prefix, e.g. {@code FAIL_ON_ERROR}. */
    public String environmentSuffix() {
        return name();
    }

    /** The value an unset key takes, empty when unset means "not set here". */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The values the key accepts, lower case; empty for a comma-separated list. */
    public List<String> allowedValues() {
        return values.allowed;
    }

    /** One line for a host's help, e.g. Liquibase's parameter description. */
    public String description() {
        return description;
    }

    /** The setting of this key, empty for a key pggit does not have. */
    public static Optional<PggitSetting> ofKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    /**
     * {@code value} checked against {@link #allowedValues()} and lower-cased, the default when it
     * is unset, empty when it is unset and there is no default.
     *
     * @param prefix how the host spells the namespace, e.g. {@code flyway.pggit.}, for the message
     * @throws PggitException.InvalidConfig naming the key, the bad value and the allowed values
     */
    Optional<String> read(String value, String prefix) {
        if (value == null || value.isBlank()) {
            return defaultValue();
        }
        if (values.allowed.isEmpty()) {
            return Optional.of(value);
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!values.allowed.contains(v)) {
            throw new PggitException.InvalidConfig(prefix + key + " must be " + String.join(" or ", values.allowed)
                    + ", but was \"" + value + "\"");
        }
        return Optional.of(v);
    }
}
