package io.pggit.flyway;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pggit.core.PggitConfig;
import org.flywaydb.core.extensibility.ConfigurationExtension;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Declares pggit's settings in Flyway's own configuration, namespace {@code pggit}:
 * {@code flyway.pggit.enabled}, {@code flyway.pggit.failOnError}, {@code flyway.pggit.driftScan},
 * {@code flyway.pggit.install} (in {@code flyway.conf}, {@code flyway.toml} as
 * {@code [flyway.pggit]}, or {@code FLYWAY_PGGIT_*} environment variables). Values stay strings
 * here; {@link PggitConfig#from} validates them and names the bad key.
 */
public class PggitFlywayConfigurationExtension implements ConfigurationExtension {

    static final String PREFIX = "flyway.pggit.";

    private String enabled;
    private String failOnError;
    private String driftScan;
    private String install;

    @Override
    public String getNamespace() {
        return "pggit";
    }

    @Override
    public String getConfigurationParameterFromEnvironmentVariable(String environmentVariable) {
        switch (environmentVariable) {
            case "FLYWAY_PGGIT_ENABLED":
                return PREFIX + "enabled";
            case "FLYWAY_PGGIT_FAIL_ON_ERROR":
                return PREFIX + "failOnError";
            case "FLYWAY_PGGIT_DRIFT_SCAN":
                return PREFIX + "driftScan";
            case "FLYWAY_PGGIT_INSTALL":
                return PREFIX + "install";
            default:
                return null;
        }
    }

    @Override
    public void extractParametersFromConfiguration(Map<String, String> configuration) {
        enabled = take(configuration, "enabled", enabled);
        failOnError = take(configuration, "failOnError", failOnError);
        driftScan = take(configuration, "driftScan", driftScan);
        install = take(configuration, "install", install);
    }

    private static String take(Map<String, String> configuration, String key, String current) {
        String v = configuration.remove(PREFIX + key);
        return v != null ? v : current;
    }

    /** The validated settings. */
    public PggitConfig toConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        m.put("failOnError", failOnError);
        m.put("driftScan", driftScan);
        m.put("install", install);
        return PggitConfig.from(m, PREFIX);
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

    @JsonProperty("enabled")
    public String getEnabled() {
        return enabled;
    }

    @JsonProperty("enabled")
    public void setEnabled(String enabled) {
        this.enabled = enabled;
    }

    public String getFailOnError() {
        return failOnError;
    }

    public void setFailOnError(String failOnError) {
        this.failOnError = failOnError;
    }

    public String getDriftScan() {
        return driftScan;
    }

    public void setDriftScan(String driftScan) {
        this.driftScan = driftScan;
    }

    public String getInstall() {
        return install;
    }

    public void setInstall(String install) {
        this.install = install;
    }
}
