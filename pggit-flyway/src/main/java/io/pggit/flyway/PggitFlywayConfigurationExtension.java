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
 * {@code flyway.pggit.install}, and the tracking rules {@code flyway.pggit.trackSchemas},
 * {@code ignoreSchemas}, {@code trackOperations}, {@code ignoreOperations}, {@code ignorePatterns}
 * (comma-separated), {@code trackOwners}, {@code trackPrivileges}, {@code trackComments} (true/false) (in {@code flyway.conf}, {@code flyway.toml} as
 * {@code [flyway.pggit]}, or {@code FLYWAY_PGGIT_*} environment variables). Values stay strings
 * here; {@link PggitConfig#from} validates them and names the bad key.
 */
public class PggitFlywayConfigurationExtension implements ConfigurationExtension {

    static final String PREFIX = "flyway.pggit.";

    private String enabled;
    private String failOnError;
    private String driftScan;
    private String install;
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
        switch (environmentVariable) {
            case "FLYWAY_PGGIT_ENABLED":
                return PREFIX + "enabled";
            case "FLYWAY_PGGIT_FAIL_ON_ERROR":
                return PREFIX + "failOnError";
            case "FLYWAY_PGGIT_DRIFT_SCAN":
                return PREFIX + "driftScan";
            case "FLYWAY_PGGIT_INSTALL":
                return PREFIX + "install";
            case "FLYWAY_PGGIT_TRACK_SCHEMAS":
                return PREFIX + "trackSchemas";
            case "FLYWAY_PGGIT_IGNORE_SCHEMAS":
                return PREFIX + "ignoreSchemas";
            case "FLYWAY_PGGIT_TRACK_OPERATIONS":
                return PREFIX + "trackOperations";
            case "FLYWAY_PGGIT_IGNORE_OPERATIONS":
                return PREFIX + "ignoreOperations";
            case "FLYWAY_PGGIT_IGNORE_PATTERNS":
                return PREFIX + "ignorePatterns";
            case "FLYWAY_PGGIT_TRACK_OWNERS":
                return PREFIX + "trackOwners";
            case "FLYWAY_PGGIT_TRACK_PRIVILEGES":
                return PREFIX + "trackPrivileges";
            case "FLYWAY_PGGIT_TRACK_COMMENTS":
                return PREFIX + "trackComments";
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
        trackSchemas = take(configuration, "trackSchemas", trackSchemas);
        ignoreSchemas = take(configuration, "ignoreSchemas", ignoreSchemas);
        trackOperations = take(configuration, "trackOperations", trackOperations);
        ignoreOperations = take(configuration, "ignoreOperations", ignoreOperations);
        ignorePatterns = take(configuration, "ignorePatterns", ignorePatterns);
        trackOwners = take(configuration, "trackOwners", trackOwners);
        trackPrivileges = take(configuration, "trackPrivileges", trackPrivileges);
        trackComments = take(configuration, "trackComments", trackComments);
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
        m.put("trackSchemas", trackSchemas);
        m.put("ignoreSchemas", ignoreSchemas);
        m.put("trackOperations", trackOperations);
        m.put("ignoreOperations", ignoreOperations);
        m.put("ignorePatterns", ignorePatterns);
        m.put("trackOwners", trackOwners);
        m.put("trackPrivileges", trackPrivileges);
        m.put("trackComments", trackComments);
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

    public String getTrackSchemas() {
        return trackSchemas;
    }

    public void setTrackSchemas(String trackSchemas) {
        this.trackSchemas = trackSchemas;
    }

    public String getIgnoreSchemas() {
        return ignoreSchemas;
    }

    public void setIgnoreSchemas(String ignoreSchemas) {
        this.ignoreSchemas = ignoreSchemas;
    }

    public String getTrackOperations() {
        return trackOperations;
    }

    public void setTrackOperations(String trackOperations) {
        this.trackOperations = trackOperations;
    }

    public String getIgnoreOperations() {
        return ignoreOperations;
    }

    public void setIgnoreOperations(String ignoreOperations) {
        this.ignoreOperations = ignoreOperations;
    }

    public String getIgnorePatterns() {
        return ignorePatterns;
    }

    public void setIgnorePatterns(String ignorePatterns) {
        this.ignorePatterns = ignorePatterns;
    }

    public String getTrackOwners() {
        return trackOwners;
    }

    public void setTrackOwners(String trackOwners) {
        this.trackOwners = trackOwners;
    }

    public String getTrackPrivileges() {
        return trackPrivileges;
    }

    public void setTrackPrivileges(String trackPrivileges) {
        this.trackPrivileges = trackPrivileges;
    }

    public String getTrackComments() {
        return trackComments;
    }

    public void setTrackComments(String trackComments) {
        this.trackComments = trackComments;
    }
}
