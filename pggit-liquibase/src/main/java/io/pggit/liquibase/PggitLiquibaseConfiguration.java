package io.pggit.liquibase;

import io.pggit.core.PggitConfig;
import liquibase.configuration.AutoloadedConfigurations;
import liquibase.configuration.ConfigurationDefinition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * pggit's settings in Liquibase's own parameter system: {@code liquibase.pggit.enabled},
 * {@code liquibase.pggit.failOnError}, {@code liquibase.pggit.driftScan},
 * {@code liquibase.pggit.install} — in {@code liquibase.properties}, as CLI global arguments
 * ({@code --pggit-enabled=false}), as environment variables ({@code LIQUIBASE_PGGIT_ENABLED}) or as
 * Java system properties ({@code -Dliquibase.pggit.enabled=false}, also for the Maven plugin).
 * Values are read as text and validated by {@link PggitConfig#from}, which names the bad key.
 */
public class PggitLiquibaseConfiguration implements AutoloadedConfigurations {

    static final String PREFIX = "liquibase.pggit.";

    public static final ConfigurationDefinition<String> ENABLED;
    public static final ConfigurationDefinition<String> FAIL_ON_ERROR;
    public static final ConfigurationDefinition<String> DRIFT_SCAN;
    public static final ConfigurationDefinition<String> INSTALL;
    public static final ConfigurationDefinition<String> TRACK_SCHEMAS;
    public static final ConfigurationDefinition<String> IGNORE_SCHEMAS;
    public static final ConfigurationDefinition<String> TRACK_OPERATIONS;
    public static final ConfigurationDefinition<String> IGNORE_OPERATIONS;
    public static final ConfigurationDefinition<String> IGNORE_PATTERNS;
    public static final ConfigurationDefinition<String> TRACK_OWNERS;
    public static final ConfigurationDefinition<String> TRACK_PRIVILEGES;
    public static final ConfigurationDefinition<String> TRACK_COMMENTS;

    static {
        ConfigurationDefinition.Builder b = new ConfigurationDefinition.Builder("liquibase.pggit");
        ENABLED = b.define("enabled", String.class)
                .setDescription("pggit: record each changeset as a commit (true or false; default true)").build();
        FAIL_ON_ERROR = b.define("failOnError", String.class)
                .setDescription("pggit: an error inside pggit fails the changeset (true or false; default false: logged and recorded, the update goes on)")
                .build();
        DRIFT_SCAN = b.define("driftScan", String.class)
                .setDescription("pggit: compare the whole catalog with HEAD at the end of the run (true or false; default true)").build();
        INSTALL = b.define("install", String.class)
                .setDescription("pggit: install or upgrade pggit when the role may (auto) or only check it (never); default auto").build();
        TRACK_SCHEMAS = b.define("trackSchemas", String.class)
                .setDescription("pggit: schemas to track, comma-separated LIKE patterns (pggit.configure_tracking)").build();
        IGNORE_SCHEMAS = b.define("ignoreSchemas", String.class)
                .setDescription("pggit: schemas to ignore, comma-separated LIKE patterns").build();
        TRACK_OPERATIONS = b.define("trackOperations", String.class)
                .setDescription("pggit: operations to track, comma-separated command tags or their leading words").build();
        IGNORE_OPERATIONS = b.define("ignoreOperations", String.class)
                .setDescription("pggit: operations to ignore, comma-separated command tags or their leading words").build();
        IGNORE_PATTERNS = b.define("ignorePatterns", String.class)
                .setDescription("pggit: comma-separated LIKE patterns over '<command tag> <object identity>' to ignore").build();
        TRACK_OWNERS = b.define("trackOwners", String.class)
                .setDescription("pggit: whether owners are part of object definitions (true or false; pggit.configure_properties)").build();
        TRACK_PRIVILEGES = b.define("trackPrivileges", String.class)
                .setDescription("pggit: whether privileges (ACLs, default privileges) are part of object definitions (true or false)").build();
        TRACK_COMMENTS = b.define("trackComments", String.class)
                .setDescription("pggit: whether comments are part of object definitions (true or false)").build();
    }

    /** The current, validated settings. */
    public static PggitConfig current() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("enabled", ENABLED.getCurrentValue());
        m.put("failOnError", FAIL_ON_ERROR.getCurrentValue());
        m.put("driftScan", DRIFT_SCAN.getCurrentValue());
        m.put("install", INSTALL.getCurrentValue());
        m.put("trackSchemas", TRACK_SCHEMAS.getCurrentValue());
        m.put("ignoreSchemas", IGNORE_SCHEMAS.getCurrentValue());
        m.put("trackOperations", TRACK_OPERATIONS.getCurrentValue());
        m.put("ignoreOperations", IGNORE_OPERATIONS.getCurrentValue());
        m.put("ignorePatterns", IGNORE_PATTERNS.getCurrentValue());
        m.put("trackOwners", TRACK_OWNERS.getCurrentValue());
        m.put("trackPrivileges", TRACK_PRIVILEGES.getCurrentValue());
        m.put("trackComments", TRACK_COMMENTS.getCurrentValue());
        return PggitConfig.from(m, PREFIX);
    }
}
