package io.pggit.spring.boot;

import io.pggit.core.PggitConfig;
import io.pggit.core.PggitException;
import io.pggit.core.PggitSetting;
import io.pggit.core.model.Summary;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pggit.*} are the keys of {@code flyway.pggit.*}, with pggit's defaults, described for IDEs; the health status mapping. */
class PggitPropertiesTest {

    @Test
    void everySettingIsAPropertyWithPggitsDefaultAndIsInTheConfigurationMetadata() throws IOException {
        PggitProperties p = new PggitProperties();
        assertEquals(PggitConfig.DEFAULTS, p.config(), "unset properties are pggit's defaults");
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (PggitSetting s : PggitSetting.values()) {
            String kebab = "pggit." + s.key().replaceAll("([A-Z])", "-$1").toLowerCase();
            assertTrue(metadata.contains("\"name\": \"" + kebab + "\""), kebab + " in the configuration metadata");
            s.defaultValue().ifPresent(d -> assertEquals(d, p.settings().get(s.key()), s.key()));
        }
        assertTrue(metadata.contains("\"name\": \"pggit.health.drift-status\""));
    }

    @Test
    void propertiesBecomeTheSettingsAndABadValueNamesThePggitKey() {
        PggitProperties p = new PggitProperties();
        p.setFailOnError(true);
        p.setInstall(PggitConfig.Install.NEVER);
        p.setTrackSchemas(List.of("command", "query"));
        p.setTrackComments(false);
        assertEquals(Map.of("enabled", "true", "failOnError", "true", "driftScan", "true", "install", "never",
                "trackSchemas", "command,query", "trackComments", "false"), p.settings());
        PggitConfig c = p.config();
        assertEquals(List.of("command", "query"), c.tracking().trackSchemas());
        assertEquals(Optional.of(false), c.tracking().trackComments());
        assertEquals(PggitConfig.Install.NEVER, c.install());
        PggitException.InvalidConfig bad = assertThrows(PggitException.InvalidConfig.class,
                () -> PggitConfig.from(Map.of("install", "sometimes"), "pggit."));
        assertTrue(bad.getMessage().contains("pggit.install must be auto or never"), bad.getMessage());
    }

    @Test
    void forLiquibaseTheSettingsAreLiquibasesKeysForEachSettingWithAValue() {
        PggitProperties p = new PggitProperties();
        p.setIgnoreSchemas(List.of("query_cache", "pg_temp%"));
        assertEquals(Map.of("liquibase.pggit.enabled", "true", "liquibase.pggit.failOnError", "false",
                        "liquibase.pggit.driftScan", "true", "liquibase.pggit.install", "auto",
                        "liquibase.pggit.ignoreSchemas", "query_cache,pg_temp%"),
                PggitLiquibaseSettings.liquibaseSettings(p));
    }

    @Test
    void healthIsUpUnlessTheLastScanFoundDriftOrARunWasInterrupted() {
        PggitProperties.Health config = new PggitProperties.Health();
        Optional<Summary.DriftScan> clean = Optional.of(new Summary.DriftScan(1, Instant.EPOCH, 0));
        Optional<Summary.DriftScan> drifted = Optional.of(new Summary.DriftScan(1, Instant.EPOCH, 3));
        assertEquals("UP", PggitHealth.of(new Summary(Optional.of("c"), Optional.empty(), clean, 0, 0), config).status());
        assertEquals("UP", PggitHealth.of(new Summary(Optional.empty(), Optional.empty(), Optional.empty(), 0, 0), config).status(),
                "no scan recorded yet");
        assertEquals("OUT_OF_SERVICE", PggitHealth.of(new Summary(Optional.of("c"), Optional.empty(), drifted, 0, 0), config).status());
        assertEquals(3, PggitHealth.of(new Summary(Optional.of("c"), Optional.empty(), drifted, 0, 0), config).details().get("driftObjects"));
        config.setDriftStatus("UP");
        config.setInterruptedStatus("DOWN");
        assertEquals("UP", PggitHealth.of(new Summary(Optional.of("c"), Optional.empty(), drifted, 0, 0), config).status());
        assertEquals("DOWN", PggitHealth.of(new Summary(Optional.of("c"), Optional.empty(), drifted, 0, 1), config).status());
        config.setDriftStatus("DRIFT");
        config.setInterruptedStatus("UNKNOWN");
        assertEquals("DRIFT", PggitHealth.of(new Summary(Optional.of("c"), Optional.empty(), drifted, 0, 1), config).status(),
                "a status of your own is more severe than UNKNOWN");
    }
}
