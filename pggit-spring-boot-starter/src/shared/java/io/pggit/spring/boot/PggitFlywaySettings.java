package io.pggit.spring.boot;

import io.pggit.core.PggitSetting;
import io.pggit.flyway.PggitFlywayConfigurationExtension;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.util.Map;

/** {@code pggit.*} onto Flyway's {@code flyway.pggit.*} (pggit-flyway's configuration extension), for a Flyway configuration customizer. */
public final class PggitFlywaySettings {

    private PggitFlywaySettings() {
    }

    /**
     * Validates the settings (an error names the {@code pggit.*} key) and sets each one that has a
     * value on the configuration's pggit extension, where {@link io.pggit.flyway.PggitFlywayCallback} reads them.
     */
    public static void apply(PggitProperties properties, FluentConfiguration configuration) {
        properties.config();
        PggitFlywayConfigurationExtension ext = configuration.getPluginRegister().getPlugin(PggitFlywayConfigurationExtension.class);
        if (ext == null) {
            throw new IllegalStateException("pggit-flyway's configuration extension is not registered with Flyway "
                    + "(META-INF/services/org.flywaydb.core.extensibility.Plugin of pggit-flyway is not on Flyway's class path)");
        }
        for (Map.Entry<String, String> e : properties.settings().entrySet()) {
            ext.set(PggitSetting.ofKey(e.getKey()).orElseThrow(), e.getValue());
        }
    }
}
