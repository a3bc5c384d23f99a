package io.pggit.examples.springboot.liquibase;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The example application with Liquibase instead of Flyway: Boot's {@code SpringLiquibase} applies the
 * CQRS changelog (db/changelog/cqrs.xml) at start-up, pggit-liquibase (which the starter brings)
 * records each changeset, and {@code pggit.*} in {@code liquibase-example.properties} configures it.
 * Start it with {@code spring.config.name=liquibase-example}.
 */
@SpringBootApplication
public class LiquibaseExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(LiquibaseExampleApplication.class, args);
    }
}
