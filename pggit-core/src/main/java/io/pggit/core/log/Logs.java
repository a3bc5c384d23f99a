package io.pggit.core.log;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The thread's installed log and the default one. */
final class Logs {

    private static final ThreadLocal<PggitLog> INSTALLED = new ThreadLocal<>();
    private static final PggitLog DEFAULT = defaultLog();

    private Logs() {
    }

    static PggitLog current() {
        PggitLog log = INSTALLED.get();
        return log != null ? log : DEFAULT;
    }

    static PggitLog.Installed using(PggitLog log) {
        PggitLog before = INSTALLED.get();
        INSTALLED.set(log);
        return () -> {
            if (before == null) {
                INSTALLED.remove();
            } else {
                INSTALLED.set(before);
            }
        };
    }

    /** SLF4J's logger {@code pggit} when SLF4J's API is there, else java.util.logging's. */
    private static PggitLog defaultLog() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, Logs.class.getClassLoader());
            return Slf4jLog.create();
        } catch (ClassNotFoundException | LinkageError e) {
            return julLog();
        }
    }

    private static PggitLog julLog() {
        Logger jul = Logger.getLogger("pggit");
        return new PggitLog() {
            @Override
            public void info(String message) {
                jul.log(Level.INFO, message);
            }

            @Override
            public void warn(String message) {
                jul.log(Level.WARNING, message);
            }

            @Override
            public void error(String message) {
                jul.log(Level.SEVERE, message);
            }
        };
    }
}
