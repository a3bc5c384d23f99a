package io.pggit.cli;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar pggit-cli.jar <command> ...}: pggit's command line. Each command is one class
 * (a {@link PggitCommand}), listed in {@code subcommands} below; its options are those of the
 * Maven goal of the same name, spelled {@code --kebab-case}. Exit codes: {@link #OK},
 * {@link #FINDINGS}, {@link #USAGE}, {@link #ERROR}.
 */
@Command(name = "pggit", mixinStandardHelpOptions = true, versionProvider = PggitCli.Version.class,
        description = "git for PostgreSQL schemas: the history pggit records, from the command line.",
        subcommands = {
                CheckCommand.class, FsckCommand.class, StatusCommand.class, LogCommand.class, ShowCommand.class,
                DiffCommand.class, CompareCommand.class, ExportCommand.class, AdoptCommand.class,
                BranchCommand.class, CheckoutCommand.class, MergeCommand.class, InstallCommand.class, UninstallCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done (a check or fsck found nothing that fails), 1 findings that fail (check --fail-on,"
                + " fsck errors; diff and compare with --exit-code: differences; merge: open conflicts), 2 usage error, 3 error (connection, database, pggit)."})
public final class PggitCli implements Runnable {

    /** Done; a check found nothing that fails. */
    public static final int OK = 0;
    /** A check (or fsck) found errors that fail it; with {@code --exit-code}, differences. */
    public static final int FINDINGS = 1;
    /** Bad arguments (picocli's own code for them), or an option value pggit refuses ({@code --fail-on}, {@code --grant-to}). */
    public static final int USAGE = 2;
    /** pggit could not do it: no connection, a database error, pggit missing or refusing. */
    public static final int ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new PggitCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e instanceof PggitException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            commandLine.getErr().println(message.startsWith("pggit") ? message : "pggit: " + message);
            commandLine.getErr().flush();
            return e instanceof PggitException.InvalidConfig ? USAGE : ERROR;
        });
        return cli.execute(args);
    }

    /** The jar's version and the SQL layer it installs. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PggitCli.class.getPackage().getImplementationVersion();
            return new String[] {"pggit " + (v == null ? "(development)" : v) + ", SQL layer " + Pggit.SQL_VERSION};
        }
    }
}
