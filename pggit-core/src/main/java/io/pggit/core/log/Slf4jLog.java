package io.pggit.core.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SLF4J's logger {@code pggit}; loaded only when SLF4J's API is on the classpath. */
final class Slf4jLog implements PggitLog {

    private final Logger logger = LoggerFactory.getLogger("pggit");

    private Slf4jLog() {
    }

    static PggitLog create() {
        return new Slf4jLog();
    }

    @Override
    public void info(String message) {
        logger.info(message);
    }

    @Override
    public void warn(String message) {
        logger.warn(message);
    }

    @Override
    public void error(String message) {
        logger.error(message);
    }
}
