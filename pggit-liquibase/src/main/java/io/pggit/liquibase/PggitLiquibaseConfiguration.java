package io.pggit.liquibase;

import io.pggit.core.PggitConfig;
import io.pggit.core.PggitSetting;
import liquibase.configuration.AutoloadedConfigurations;
import liquibase.configuration.ConfigurationDefinition;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * pggit's settings ({@link PggitSetting}) in Liquibase's own parameter system:
 * {@code liquibase.pggit.enabled}, {@code liquibase.pggit.failOnError} … — in
 * {@code liquibase.properties}, as CLI global arguments ({@code --pggit-enabled=false}), as
 * environment variables ({@code LIQUIBASE_PGGIT_ENABLED}) or as Java system properties
 * ({@code -Dliquibase.pggit.enabled=false}, also for the Maven plugin). Values are read as text and
 * validated by {@link PggitConfig#from}, which names the bad key.
 */
public class PggitLiquibaseConfiguration implements AutoloadedConfigurations {

    static final String PREFIX = "liquibase.pggit.";

    private static final Map<PggitSetting, ConfigurationDefinition<String>> DEFINITIONS;

    static {
        ConfigurationDefinition.Builder b = new ConfigurationDefinition.Builder("liquibase.pggit");
        Map<PggitSetting, ConfigurationDefinition<String>> defs = new EnumMap<>(PggitSetting.class);
        for (PggitSetting s : PggitSetting.values()) {
            defs.put(s, b.define(s.key(), String.class).setDescription("pggit: " + s.description()).build());
        }
        DEFINITIONS = Collections.unmodifiableMap(defs);
    }

    /** Liquibase's definition of a setting ({@code liquibase.pggit.<key>}). */
    public static ConfigurationDefinition<String> definition(PggitSetting setting) {
        return DEFINITIONS.get(setting);
    }

    /**
     * The current, validated settings.
     *
     * @throws io.pggit.core.PggitException.InvalidConfig naming a bad value, or a key under
     *         {@code liquibase.pggit.} (a Java system property) or {@code LIQUIBASE_PGGIT_} (an
     *         environment variable) that is no pggit setting, with the allowed keys: Liquibase reads
     *         only the keys it defines and would ignore a misspelled one silently ({@code --pggit-*}
     *         on the command line is refused by Liquibase itself)
     */
    public static PggitConfig current() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String unknown : unknownKeys(System.getProperties().stringPropertyNames(), System.getenv().keySet())) {
            m.put(unknown, "");   // PggitConfig.from names it and lists the settings
        }
        DEFINITIONS.forEach((s, d) -> m.put(s.key(), d.getCurrentValue()));
        return PggitConfig.from(m, PREFIX);
    }

    /**
     * The keys among Java system properties {@code liquibase.pggit.*} and environment variables
     * {@code LIQUIBASE_PGGIT_*} that name no setting, as Liquibase matches them (case, dashes and
     * underscores aside: {@code liquibase.pggit.fail-on-error} is {@code failOnError}); for an
     * environment variable, its suffix after {@code LIQUIBASE_PGGIT_}.
     */
    static java.util.List<String> unknownKeys(java.util.Collection<String> systemProperties, java.util.Collection<String> environment) {
        java.util.Set<String> known = new java.util.HashSet<>();
        for (PggitSetting s : PggitSetting.values()) {
            known.add(normalized(s.key()));
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String p : systemProperties) {
            if (p.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) && !known.contains(normalized(p.substring(PREFIX.length())))) {
                out.add(p.substring(PREFIX.length()));
            }
        }
        String env = "LIQUIBASE_PGGIT_";
        for (String e : environment) {
            if (e.regionMatches(true, 0, env, 0, env.length()) && !known.contains(normalized(e.substring(env.length())))) {
                out.add(e.substring(env.length()) + " (environment variable " + e + ")");
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    private static String normalized(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }
}
