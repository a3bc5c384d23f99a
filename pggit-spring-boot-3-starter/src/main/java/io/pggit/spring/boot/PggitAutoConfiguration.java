package io.pggit.spring.boot;

import io.pggit.core.Pggit;
import io.pggit.flyway.PggitFlywayCallback;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;

import javax.sql.DataSource;

/**
 * pggit for Spring Boot 3.5 (pggit-spring-boot-starter is the same for 4.x, where Boot moved the
 * Flyway auto-configuration and HealthIndicator). With Flyway: the pggit callback as a Flyway
 * {@code Callback} bean (Boot's
 * Flyway auto-configuration applies {@code Callback} beans) and {@code pggit.*} set on Flyway's
 * {@code flyway.pggit.*}; with Liquibase, pggit-liquibase joins Liquibase's pipeline by itself and
 * {@code pggit.*} reaches it as {@code liquibase.pggit.*} for each run ({@link PggitLiquibaseSettings}). A
 * {@link Pggit} bean over the database the migrations run on ({@link PggitDatabase}: Flyway's, else
 * Liquibase's, else the one {@code DataSource}), the actuator endpoint {@code pggit} and the health
 * indicator {@code pggit}.
 * Holds no logic: {@link PggitProperties}, {@link PggitEndpoint} and {@link PggitHealth} (shared with
 * the Boot 4 starter) map Boot's properties and probes onto pggit-core.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
        "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
@ConditionalOnClass({Pggit.class, DataSource.class})
@Conditional(PggitAutoConfiguration.OnDatabase.class)
@EnableConfigurationProperties(PggitProperties.class)
@Import({PggitAutoConfiguration.FlywayConfiguration.class, PggitAutoConfiguration.LiquibaseConfiguration.class,
        PggitAutoConfiguration.EndpointConfiguration.class, PggitAutoConfiguration.HealthConfiguration.class})
public class PggitAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Pggit pggit(ObjectProvider<PggitDatabase> migrated, ObjectProvider<DataSource> dataSource) {
        return Pggit.builder(PggitDatabase.choose(migrated.orderedStream(), dataSource::getIfUnique)).build();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Flyway.class, PggitFlywayCallback.class, FlywayConfigurationCustomizer.class})
    @ConditionalOnBean(Flyway.class)
    static class FlywayConfiguration {

        /** Boot's Flyway auto-configuration applies {@code Callback} beans; see {@link PggitFlywayCallbacks} for its type. */
        @Bean
        @ConditionalOnMissingBean(name = "pggitFlywayCallback")
        Callback pggitFlywayCallback() {
            return PggitFlywayCallbacks.callback();
        }

        @Bean
        FlywayConfigurationCustomizer pggitFlywayConfigurationCustomizer(PggitProperties properties) {
            return configuration -> PggitFlywaySettings.apply(properties, configuration);
        }

        @Bean
        @Order(1)
        PggitDatabase pggitFlywayDatabase(Flyway flyway) {
            return new PggitDatabase(flyway.getConfiguration().getDataSource());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SpringLiquibase.class)
    @ConditionalOnBean(SpringLiquibase.class)
    static class LiquibaseConfiguration {

        /** {@code pggit.*} onto {@code liquibase.pggit.*} for each {@code SpringLiquibase} bean's run; see {@link PggitLiquibaseSettings}. */
        @Bean
        static PggitLiquibaseSettings pggitLiquibaseSettings(ObjectProvider<PggitProperties> properties) {
            return new PggitLiquibaseSettings(properties::getObject);
        }

        @Bean
        @Order(2)
        PggitDatabase pggitLiquibaseDatabase(SpringLiquibase liquibase) {
            return new PggitDatabase(liquibase.getDataSource());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @ConditionalOnAvailableEndpoint(endpoint = PggitEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PggitEndpoint pggitEndpoint(Pggit pggit) {
            return new PggitEndpoint(pggit);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("pggit")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "pggitHealthIndicator")
        PggitHealthIndicator pggitHealthIndicator(Pggit pggit, PggitProperties properties) {
            return new PggitHealthIndicator(pggit, properties.getHealth());
        }
    }

    /** A database to record and read: a DataSource, Flyway or Liquibase bean. */
    static class OnDatabase extends AnyNestedCondition {

        OnDatabase() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(DataSource.class)
        static class DataSourceBean {
        }

        @ConditionalOnBean(type = "org.flywaydb.core.Flyway")
        static class FlywayBean {
        }

        @ConditionalOnBean(type = "liquibase.integration.spring.SpringLiquibase")
        static class LiquibaseBean {
        }
    }
}
