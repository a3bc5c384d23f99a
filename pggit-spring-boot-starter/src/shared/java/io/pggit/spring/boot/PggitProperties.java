package io.pggit.spring.boot;

import io.pggit.core.PggitConfig;
import io.pggit.core.PggitSetting;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * pggit's settings under {@code pggit.*} in {@code application.properties} or {@code application.yaml}:
 * the keys of {@code flyway.pggit.*} ({@link PggitSetting}), in Boot's spelling or as written there
 * ({@code pggit.fail-on-error} or {@code pggit.failOnError}), plus {@code pggit.health.*} for the
 * health indicator. An unset key takes pggit's default.
 *
 * <p>One field per {@link PggitSetting}, named by its key (so that the configuration processor
 * describes each for IDEs); {@link #settings()} reads them by that name, and fails for a setting
 * without a field.
 */
@ConfigurationProperties(prefix = "pggit")
public class PggitProperties {

    /** Record each migration as a pggit commit. */
    private Boolean enabled = true;
    /** An error inside pggit fails the migration; by default it is logged, recorded in pggit.capture_failure, and the migration goes on. */
    private Boolean failOnError = false;
    /** Compare the whole catalog with HEAD once at the end of each run (what the health indicator reports). */
    private Boolean driftScan = true;
    /** Install or upgrade pggit when the role may (auto), or only check its version (never). */
    private PggitConfig.Install install = PggitConfig.Install.AUTO;
    /** Migration roles to make members of pggit_writer at the run's install step (exact role names). */
    private List<String> grantTo = new ArrayList<>();
    /** Schemas to track in this application's runs, % the only wildcard. */
    private List<String> trackSchemas = new ArrayList<>();
    /** Schemas to ignore, % the only wildcard. */
    private List<String> ignoreSchemas = new ArrayList<>();
    /** Operations to track: command tags or their leading words. */
    private List<String> trackOperations = new ArrayList<>();
    /** Operations to ignore: command tags or their leading words. */
    private List<String> ignoreOperations = new ArrayList<>();
    /** Patterns over '<command tag> <object identity>' to ignore, % the only wildcard (e.g. CREATE INDEX query.%). */
    private List<String> ignorePatterns = new ArrayList<>();
    /** Whether owners are part of object definitions (unset: the database's setting). */
    private Boolean trackOwners;
    /** Whether privileges (ACLs, default privileges) are part of object definitions (unset: the database's setting). */
    private Boolean trackPrivileges;
    /** Whether comments are part of object definitions (unset: the database's setting). */
    private Boolean trackComments;

    private final Health health = new Health();

    /**
     * The settings as pggit reads them ({@link PggitConfig#from}): key to text, for every setting
     * that has a value (lists comma-separated; an empty list is unset).
     */
    public Map<String, String> settings() {
        Map<String, String> m = new TreeMap<>();
        for (PggitSetting s : PggitSetting.values()) {
            Object v = value(s);
            String text = v == null ? null
                    : v instanceof List<?> l ? (l.isEmpty() ? null : String.join(",", l.stream().map(String::valueOf).toList()))
                    : v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT)
                    : v.toString();
            if (text != null) {
                m.put(s.key(), text);
            }
        }
        return m;
    }

    /** The settings, validated: an error names the {@code pggit.*} key and the allowed values. */
    public PggitConfig config() {
        return PggitConfig.from(settings(), "pggit.");
    }

    private Object value(PggitSetting s) {
        try {
            Field f = PggitProperties.class.getDeclaredField(s.key());
            return f.get(this);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            throw new IllegalStateException("PggitProperties has no field for setting " + s.key(), e);
        }
    }

    /** {@code pggit.health.*}: what the health indicator {@code pggit} reports for the last recorded drift scan and for interrupted runs. */
    public static class Health {
        /** The status when the last end-of-run drift scan found objects that differ from HEAD (UP, DOWN, OUT_OF_SERVICE, UNKNOWN or a status of your own). */
        private String driftStatus = "OUT_OF_SERVICE";
        /** The status when a migration run was interrupted (its session ended without closing it) and no run succeeded since. */
        private String interruptedStatus = "OUT_OF_SERVICE";

        public String getDriftStatus() {
            return driftStatus;
        }

        public void setDriftStatus(String driftStatus) {
            this.driftStatus = driftStatus;
        }

        public String getInterruptedStatus() {
            return interruptedStatus;
        }

        public void setInterruptedStatus(String interruptedStatus) {
            this.interruptedStatus = interruptedStatus;
        }
    }

    public Health getHealth() {
        return health;
    }

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public Boolean getFailOnError() {
        return failOnError;
    }

    public void setFailOnError(Boolean failOnError) {
        this.failOnError = failOnError;
    }

    public Boolean getDriftScan() {
        return driftScan;
    }

    public void setDriftScan(Boolean driftScan) {
        this.driftScan = driftScan;
    }

    public PggitConfig.Install getInstall() {
        return install;
    }

    public void setInstall(PggitConfig.Install install) {
        this.install = install;
    }

    public List<String> getGrantTo() {
        return grantTo;
    }

    public void setGrantTo(List<String> grantTo) {
        this.grantTo = grantTo;
    }

    public List<String> getTrackSchemas() {
        return trackSchemas;
    }

    public void setTrackSchemas(List<String> trackSchemas) {
        this.trackSchemas = trackSchemas;
    }

    public List<String> getIgnoreSchemas() {
        return ignoreSchemas;
    }

    public void setIgnoreSchemas(List<String> ignoreSchemas) {
        this.ignoreSchemas = ignoreSchemas;
    }

    public List<String> getTrackOperations() {
        return trackOperations;
    }

    public void setTrackOperations(List<String> trackOperations) {
        this.trackOperations = trackOperations;
    }

    public List<String> getIgnoreOperations() {
        return ignoreOperations;
    }

    public void setIgnoreOperations(List<String> ignoreOperations) {
        this.ignoreOperations = ignoreOperations;
    }

    public List<String> getIgnorePatterns() {
        return ignorePatterns;
    }

    public void setIgnorePatterns(List<String> ignorePatterns) {
        this.ignorePatterns = ignorePatterns;
    }

    public Boolean getTrackOwners() {
        return trackOwners;
    }

    public void setTrackOwners(Boolean trackOwners) {
        this.trackOwners = trackOwners;
    }

    public Boolean getTrackPrivileges() {
        return trackPrivileges;
    }

    public void setTrackPrivileges(Boolean trackPrivileges) {
        this.trackPrivileges = trackPrivileges;
    }

    public Boolean getTrackComments() {
        return trackComments;
    }

    public void setTrackComments(Boolean trackComments) {
        this.trackComments = trackComments;
    }
}
