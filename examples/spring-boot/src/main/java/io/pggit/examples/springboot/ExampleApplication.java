package io.pggit.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Migrates the CQRS example (examples/flyway-cqrs) with Flyway at start-up; pggit's starter records
 * each migration as a commit, and serves {@code /actuator/pggit} and the health indicator {@code pggit}.
 * Nothing here is pggit's: the dependency and {@code application.properties} are all it takes.
 */
@SpringBootApplication
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
