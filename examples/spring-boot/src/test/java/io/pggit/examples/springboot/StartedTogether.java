package io.pggit.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Starts several Spring applications in one JVM at the same instant, one thread each, and returns their
 * contexts in order (closing the ones that started when another failed).
 *
 * <p>Spring Boot's logging system is one per JVM: two {@link SpringApplication}s initialising Logback at
 * once race on its one {@code LoggerContext} ("Unable to find Spring Environment in logger context"). Real
 * deployments run one application per JVM, so while the applications start, Spring Boot's logging
 * initialisation is switched off ({@link LoggingSystem#SYSTEM_PROPERTY} = {@code none}) and then restored;
 * what is under test, the migration runs and pggit's per-run settings, still happens at once.
 */
public final class StartedTogether {

    private StartedTogether() {
    }

    /** Runs each builder's {@code run(args)} at once; returns the started contexts in the given order. */
    public static List<ConfigurableApplicationContext> run(List<Supplier<ConfigurableApplicationContext>> apps) throws Exception {
        String before = System.getProperty(LoggingSystem.SYSTEM_PROPERTY);
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        CyclicBarrier together = new CyclicBarrier(apps.size());
        ExecutorService pool = Executors.newFixedThreadPool(apps.size());
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        try {
            List<Future<ConfigurableApplicationContext>> started = new ArrayList<>();
            for (Supplier<ConfigurableApplicationContext> app : apps) {
                started.add(pool.submit(() -> {
                    together.await();
                    return app.get();
                }));
            }
            for (Future<ConfigurableApplicationContext> f : started) {
                contexts.add(f.get(3, TimeUnit.MINUTES));
            }
            return contexts;
        } catch (Exception e) {
            contexts.forEach(ConfigurableApplicationContext::close);
            throw e;
        } finally {
            pool.shutdownNow();
            if (before == null) {
                System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
            } else {
                System.setProperty(LoggingSystem.SYSTEM_PROPERTY, before);
            }
        }
    }

    /** A builder's run, for {@link #run}. */
    public static Supplier<ConfigurableApplicationContext> of(SpringApplicationBuilder builder, String... args) {
        return () -> builder.run(args);
    }
}
