package io.pggit.flyway;

import io.pggit.core.log.PggitLog;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogFactory;

/**
 * pggit's lines through Flyway's own logging ({@code LogFactory}): Flyway's console on its command
 * line, the Maven log in the Maven plugin, SLF4J or another framework in an application, as
 * Flyway chose. Flyway's command line ships {@code slf4j-nop}, so pggit's default (SLF4J) would
 * print nothing there.
 */
final class FlywayLog implements PggitLog {

    static final FlywayLog INSTANCE = new FlywayLog();

    private FlywayLog() {
    }

    /** Asked at each line: Flyway configures {@code LogFactory} when a run starts. */
    private static Log log() {
        return LogFactory.getLog(PggitFlywayCallback.class);
    }

    @Override
    public void info(String message) {
        log().info(message);
    }

    @Override
    public void warn(String message) {
        log().warn(message);
    }

    @Override
    public void error(String message) {
        log().error(message);
    }
}
