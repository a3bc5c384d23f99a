package io.pggit.cli;

import io.pggit.core.Pggit;
import io.pggit.core.log.PggitLog;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every command shares: the connection options, {@code --help}, its output (results on
 * standard output, pggit's log lines on standard error) and its exit code. A command is one
 * subclass with a {@code @Command} annotation, listed in {@link PggitCli}'s subcommands; its
 * {@link #run()} maps options onto one pggit-core call and a writer of its result.
 */
@CommandLine.Command(mixinStandardHelpOptions = true, sortOptions = false)
abstract class PggitCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Does the command; returns its exit code ({@link PggitCli#OK}, {@link PggitCli#FINDINGS}). */
    abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try (PggitLog.Installed log = PggitLog.using(new ConsoleLog(err()))) {
            return run();
        } finally {
            out().flush();
            err().flush();
        }
    }

    Pggit pggit() {
        return Pggit.builder(connection.dataSource()).build();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** pggit's log lines on the command line: standard error, so that standard output holds only the result. */
    private record ConsoleLog(PrintWriter err) implements PggitLog {
        @Override
        public void info(String message) {
            err.println(message);
            err.flush();
        }

        @Override
        public void warn(String message) {
            err.println("WARNING: " + message);
            err.flush();
        }

        @Override
        public void error(String message) {
            err.println("ERROR: " + message);
            err.flush();
        }
    }
}
