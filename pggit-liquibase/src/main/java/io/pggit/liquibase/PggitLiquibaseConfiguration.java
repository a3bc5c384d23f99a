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

    /** The current, validated settings. */
    public static PggitConfig current() {
        Map<String, String> m = new LinkedHashMap<>();
        DEFINITIONS.forEach((s, d) -> m.put(s.key(), d.getCurrentValue()));
        return PggitConfig.from(m, PREFIX);
    }
}
