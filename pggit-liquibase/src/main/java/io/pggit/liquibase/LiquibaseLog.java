package io.pggit.liquibase;

import io.pggit.core.log.PggitLog;
import liquibase.Scope;

/**
 * pggit's lines through Liquibase's own logging: the log service of the current {@link Scope}
 * (its command line's console and log file, the Maven log in the Maven plugin, java.util.logging
 * or SLF4J in an application), asked at each line because the scope changes during a command.
 */
final class LiquibaseLog implements PggitLog {

    static final LiquibaseLog INSTANCE = new LiquibaseLog();

    private LiquibaseLog() {
    }

    private static liquibase.logging.Logger log() {
        return Scope.getCurrentScope().getLog(PggitCommandStep.class);
    }

    @Override
    public void info(String message) {
        log().info(message);
    }

    @Override
    public void warn(String message) {
        log().warning(message);
    }

    @Override
    public void error(String message) {
        log().severe(message);
    }
}
