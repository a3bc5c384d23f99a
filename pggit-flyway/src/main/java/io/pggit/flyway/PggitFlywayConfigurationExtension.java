package io.pggit.flyway;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pggit.core.PggitConfig;
import io.pggit.core.PggitSetting;
import org.flywaydb.core.extensibility.ConfigurationExtension;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Declares pggit's settings ({@link PggitSetting}) in Flyway's own configuration, namespace
 * {@code pggit}: {@code flyway.pggit.enabled}, {@code flyway.pggit.failOnError} … in
 * {@code flyway.conf}, {@code flyway.toml} as {@code [flyway.pggit]}, or {@code FLYWAY_PGGIT_*}
 * environment variables ({@code FLYWAY_PGGIT_FAIL_ON_ERROR}). Values stay strings here;
 * {@link PggitConfig#from} validates them and names the bad key.
 *
 * <p>Flyway binds a namespace's keys to the extension's declared fields of the same names (it
 * matches keys against {@code getDeclaredFields()}, converts with Jackson and merges field by
 * field), so there is one {@code String} field per {@link PggitSetting}, named by its key; the
 * class fails to load if one is missing. Everything else iterates {@link PggitSetting}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
public class PggitFlywayConfigurationExtension implements ConfigurationExtension {

    static final String PREFIX = "flyway.pggit.";
    static final String ENVIRONMENT_PREFIX = "FLYWAY_PGGIT_";

    /** The field of each setting. */
    private static final Map<PggitSetting, Field> FIELDS;

    static {
        Map<PggitSetting, Field> fields = new EnumMap<>(PggitSetting.class);
        for (PggitSetting s : PggitSetting.values()) {
            try {
                fields.put(s, PggitFlywayConfigurationExtension.class.getDeclaredField(s.key()));
            } catch (NoSuchFieldException e) {
                throw new ExceptionInInitializerError("PggitFlywayConfigurationExtension has no field for setting " + s.key());
            }
        }
        FIELDS = Collections.unmodifiableMap(fields);
    }

    // one per PggitSetting, named by its key (see the class comment)
    @JsonProperty("enabled")   // Plugin.isEnabled() would otherwise claim the key
    private String enabled;
    private String failOnError;
    private String driftScan;
    private String install;
    private String grantTo;
    private String trackSchemas;
    private String ignoreSchemas;
    private String trackOperations;
    private String ignoreOperations;
    private String ignorePatterns;
    private String trackOwners;
    private String trackPrivileges;
    private String trackComments;

    @Override
    public String getNamespace() {
        return "pggit";
    }

    @Override
    public String getConfigurationParameterFromEnvironmentVariable(String environmentVariable) {
        return Arrays.stream(PggitSetting.values())
                .filter(s -> (ENVIRONMENT_PREFIX + s.environmentSuffix()).equals(environmentVariable))
                .map(s -> PREFIX + s.key()).findFirst().orElse(null);
    }

    @Override
    public void extractParametersFromConfiguration(Map<String, String> configuration) {
        for (PggitSetting s : PggitSetting.values()) {
            String v = configuration.remove(PREFIX + s.key());
            if (v != null) {
                set(s, v);
            }
        }
    }

    /** The validated settings. */
    public PggitConfig toConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        for (PggitSetting s : PggitSetting.values()) {
            m.put(s.key(), get(s));
        }
        return PggitConfig.from(m, PREFIX);
    }

    /** The value of a setting as configured, null when unset. */
    public String get(PggitSetting s) {
        try {
            return (String) FIELDS.get(s).get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);   // a field of this class
        }
    }

    /** Sets a setting's value (null: unset). */
    public void set(PggitSetting s, String value) {
        try {
            FIELDS.get(s).set(this, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether Flyway uses this plugin at all: always. (Flyway binds settings with Jackson, and
     * {@code Plugin.isEnabled()} would otherwise claim the {@code enabled} key.)
     */
    @Override
    @JsonIgnore
    public boolean isEnabled() {
        return true;
    }
}
