package io.pggit.spring.boot;

import io.pggit.core.PggitSetting;
import io.pggit.liquibase.PggitLiquibaseConfiguration;
import liquibase.Scope;
import liquibase.configuration.AbstractConfigurationValueProvider;
import liquibase.configuration.LiquibaseConfiguration;
import liquibase.configuration.ProvidedValue;
import liquibase.integration.spring.SpringLiquibase;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code pggit.*} onto Liquibase's {@code liquibase.pggit.*} ({@link PggitLiquibaseConfiguration}),
 * for the run of each {@link SpringLiquibase} bean of this application context.
 *
 * <p>A {@code SpringLiquibase} bean runs its update in its initialisation ({@code afterPropertiesSet}),
 * on the thread that creates it. Just before, this post-processor validates the settings (an error
 * names the {@code pggit.*} key) and hands them to pggit's Liquibase configuration value provider
 * for that thread; just after (or when a failed start-up destroys the context) it takes them back.
 * The provider is registered with Liquibase once (Liquibase keeps one provider per class) and answers
 * only on a thread running a bean's update, with that run's settings: two contexts starting at once in
 * one JVM never read each other's, and no setting outlives its run.
 *
 * <p>Its precedence (250) is above Java system properties (200) and environment variables (150):
 * under Boot, {@code pggit.*} decides (set it with {@code -Dpggit.…} or {@code PGGIT_…} as any Boot
 * property); Liquibase scope values (400) still win.
 */
public final class PggitLiquibaseSettings implements BeanPostProcessor, DisposableBean {

    /** Above SystemPropertyValueProvider (200), below DeprecatedConfigurationValueProvider (350) and ScopeValueProvider (400). */
    static final int PRECEDENCE = 250;

    private final Supplier<PggitProperties> properties;
    /** This context's runs under way: bean name to the thread running it. */
    private final Map<String, Thread> running = new ConcurrentHashMap<>();

    /** @param properties this context's {@code pggit.*}, read when a {@code SpringLiquibase} bean initialises */
    public PggitLiquibaseSettings(Supplier<PggitProperties> properties) {
        this.properties = properties;
    }

    /**
     * The settings as Liquibase's keys: {@code liquibase.pggit.<key>} to text, for each setting
     * {@link PggitProperties#settings()} has a value for, validated first.
     */
    public static Map<String, String> liquibaseSettings(PggitProperties properties) {
        properties.config();
        Map<String, String> m = new TreeMap<>();
        properties.settings().forEach((key, value) ->
                m.put(PggitLiquibaseConfiguration.definition(PggitSetting.ofKey(key).orElseThrow()).getKey(), value));
        return m;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof SpringLiquibase) {
            Map<String, String> settings = liquibaseSettings(properties.get());
            Scope.getCurrentScope().getSingleton(LiquibaseConfiguration.class).registerProvider(Provider.INSTANCE);
            Thread thread = Thread.currentThread();
            Provider.RUNS.put(thread, settings);
            running.put(beanName, thread);
        }
        return bean;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof SpringLiquibase) {
            Thread thread = running.remove(beanName);
            if (thread != null) {
                Provider.RUNS.remove(thread);
            }
        }
        return bean;
    }

    /** A start-up that failed in a {@code SpringLiquibase} bean's run: take back what that run had. */
    @Override
    public void destroy() {
        running.values().forEach(Provider.RUNS::remove);
        running.clear();
    }

    /** {@code liquibase.pggit.*} from {@code pggit.*}, on the thread of a run under way only. */
    static final class Provider extends AbstractConfigurationValueProvider {

        static final Provider INSTANCE = new Provider();
        /** A run's thread to its settings (case-insensitive keys, as Liquibase matches them). */
        static final Map<Thread, Map<String, String>> RUNS = new ConcurrentHashMap<>();

        private Provider() {
        }

        @Override
        public int getPrecedence() {
            return PRECEDENCE;
        }

        @Override
        public ProvidedValue getProvidedValue(String... keyAndAliases) {
            Map<String, String> values = RUNS.get(Thread.currentThread());
            if (values == null || keyAndAliases == null) {
                return null;
            }
            for (String key : keyAndAliases) {
                for (Map.Entry<String, String> e : values.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(key)) {
                        String setting = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
                        return new ProvidedValue(keyAndAliases[0], e.getKey(), e.getValue(), "Spring Boot property pggit." + setting, this);
                    }
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "pggit.* Spring Boot properties";
        }
    }
}
