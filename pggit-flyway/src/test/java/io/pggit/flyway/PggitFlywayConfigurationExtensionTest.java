package io.pggit.flyway;

import io.pggit.core.PggitConfig;
import io.pggit.core.PggitException;
import io.pggit.core.PggitSetting;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extension declares every {@link PggitSetting} to Flyway, without a database. */
class PggitFlywayConfigurationExtensionTest {

    @Test
    void everySettingHasItsEnvironmentVariable() {
        PggitFlywayConfigurationExtension ext = new PggitFlywayConfigurationExtension();
        assertEquals("flyway.pggit.failOnError", ext.getConfigurationParameterFromEnvironmentVariable("FLYWAY_PGGIT_FAIL_ON_ERROR"));
        assertEquals("flyway.pggit.trackComments", ext.getConfigurationParameterFromEnvironmentVariable("FLYWAY_PGGIT_TRACK_COMMENTS"));
        assertEquals("flyway.pggit.grantTo", ext.getConfigurationParameterFromEnvironmentVariable("FLYWAY_PGGIT_GRANT_TO"));
        for (PggitSetting s : PggitSetting.values()) {
            assertEquals("flyway.pggit." + s.key(), ext.getConfigurationParameterFromEnvironmentVariable("FLYWAY_PGGIT_" + s.environmentSuffix()));
        }
        assertNull(ext.getConfigurationParameterFromEnvironmentVariable("FLYWAY_PGGIT_NOPE"));
    }

    @Test
    void flywayBindsEveryKeyAndCopiesTheValues() {
        Map<String, String> conf = new HashMap<>();
        conf.put("flyway.pggit.enabled", "false");
        conf.put("flyway.pggit.install", "never");
        conf.put("flyway.pggit.trackSchemas", "app, command");
        conf.put("flyway.pggit.trackOwners", "false");
        conf.put("flyway.pggit.grantTo", "App_Writer, ci_migrator");
        FluentConfiguration fc = new FluentConfiguration().configuration(conf);
        PggitConfig c = PggitFlywayCallback.config(fc);
        assertEquals(false, c.enabled());
        assertEquals(PggitConfig.Install.NEVER, c.install());
        assertEquals(List.of("app", "command"), c.tracking().trackSchemas());
        assertEquals(java.util.Optional.of(false), c.tracking().trackOwners());
        assertEquals(List.of("App_Writer", "ci_migrator"), c.grantTo(), "exact names, case kept");
        PggitFlywayConfigurationExtension copy = (PggitFlywayConfigurationExtension) fc.getPluginRegister()
                .getPlugin(PggitFlywayConfigurationExtension.class).copy();
        assertEquals("never", copy.get(PggitSetting.INSTALL));
        assertEquals("false", copy.get(PggitSetting.ENABLED));
        assertTrue(copy.isEnabled(), "the plugin itself stays enabled");
    }

    @Test
    void aBadValueNamesTheKeyAndTheAllowedValues() {
        PggitFlywayConfigurationExtension ext = new PggitFlywayConfigurationExtension();
        ext.set(PggitSetting.INSTALL, "sometimes");
        PggitException e = assertThrows(PggitException.InvalidConfig.class, ext::toConfig);
        assertEquals("flyway.pggit.install must be auto or never, but was \"sometimes\"", e.getMessage());
    }
}
