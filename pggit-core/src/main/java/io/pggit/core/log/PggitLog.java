package io.pggit.core.log;

/**
 * Where pggit's own lines go (a migration's {@code V3 ... -> commit ...}, the run's install and
 * drift lines): the logging seam between pggit-core, which depends on no migration tool, and the
 * tools, each with its own logging.
 *
 * <p>{@link #current()} is the log installed on this thread with {@link #using(PggitLog)}: the
 * Flyway callback installs one that writes through Flyway's {@code LogFactory}, the Liquibase
 * integration one that writes through Liquibase's {@code Scope} log service, the command line its
 * console; each for the duration of one call into pggit-core. Elsewhere (an application calling
 * {@code MigrationRun} or {@code Pggit} itself), lines go to SLF4J's logger {@code pggit} when
 * SLF4J's API is on the classpath, else to {@code java.util.logging}'s logger {@code pggit}. SLF4J
 * is looked up, never required: Liquibase's command line ships none.
 *
 * <p>Messages may hold {@code {}} placeholders, filled from the arguments in order as SLF4J does.
 */
public interface PggitLog {

    /** The log of the current thread, resolved at every call: use it as a constant ({@code MigrationRun} does). */
    PggitLog CURRENT = new PggitLog() {
        @Override
        public void info(String message) {
            current().info(message);
        }

        @Override
        public void warn(String message) {
            current().warn(message);
        }

        @Override
        public void error(String message) {
            current().error(message);
        }
    };

    void info(String message);

    void warn(String message);

    void error(String message);

    default void info(String pattern, Object... args) {
        info(format(pattern, args));
    }

    default void warn(String pattern, Object... args) {
        warn(format(pattern, args));
    }

    default void error(String pattern, Object... args) {
        error(format(pattern, args));
    }

    /** The log installed on this thread, else the default (SLF4J when present, else java.util.logging). */
    static PggitLog current() {
        return Logs.current();
    }

    /**
     * Makes {@code log} this thread's log until the returned scope is closed, which restores the
     * one before: {@code try (PggitLog.Installed s = PggitLog.using(toolLog)) { ... }}.
     */
    static Installed using(PggitLog log) {
        return Logs.using(log);
    }

    /** {@code pattern} with each {@code {}} replaced by the next argument, as SLF4J formats. */
    static String format(String pattern, Object... args) {
        if (args == null || args.length == 0) {
            return pattern;
        }
        StringBuilder sb = new StringBuilder(pattern.length() + 16 * args.length);
        int from = 0;
        int i = 0;
        while (i < args.length) {
            int at = pattern.indexOf("{}", from);
            if (at < 0) {
                break;
            }
            sb.append(pattern, from, at).append(args[i++]);
            from = at + 2;
        }
        return sb.append(pattern, from, pattern.length()).toString();
    }

    /** An installed log; closing it restores the log installed before. */
    interface Installed extends AutoCloseable {
        @Override
        void close();
    }
}
