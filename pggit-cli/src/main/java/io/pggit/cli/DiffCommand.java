package io.pggit.cli;

import io.pggit.core.Pggit;
import io.pggit.core.model.Change;
import io.pggit.core.report.MigrationFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code pggit diff}: as {@code mvn pggit:diff}. */
@Command(name = "diff", description = "Prints the objects that differ between two commits, or, with one revision (HEAD), between it and the live database.")
final class DiffCommand extends PggitCommand {

    @Parameters(index = "0", arity = "0..1", defaultValue = "HEAD", paramLabel = "FROM", description = "default: ${DEFAULT-VALUE}")
    String from;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TO", description = "the other revision; without it, the live database")
    String to;

    @Option(names = "--exit-code", description = "exit with 1 when there are differences (as git diff --exit-code)")
    boolean exitCode;

    @Option(names = "--flyway-migration", paramLabel = "DIR",
            description = "with TO: also write the plan from FROM's schema to TO's as the next Flyway versioned migration in DIR")
    java.nio.file.Path flywayMigration;

    @Option(names = "--liquibase-changelog", paramLabel = "FILE",
            description = "with TO: also append the plan to this Liquibase formatted-SQL changelog as changeset pggit:<description>")
    java.nio.file.Path liquibaseChangelog;

    @Option(names = "--description", description = "the written migration's description; default: pggit FROM to TO")
    String description;

    @Override
    int run() {
        Pggit pggit = pggit();
        List<Change> diff = to == null ? pggit.diffWithLive(from) : pggit.diff(from, to);
        out().println("pggit diff " + from + " " + (to == null ? "(live database)" : to) + ": " + diff.size() + " object(s)");
        diff.forEach(c -> out().println("  " + c));
        if (flywayMigration != null || liquibaseChangelog != null) {
            if (to == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--flyway-migration and --liquibase-changelog write the plan between two revisions: give TO too");
            }
            MigrationFiles.write(pggit.plan(from, to), from, to, flywayMigration, liquibaseChangelog, description).forEach(out()::println);
        }
        return exitCode && !diff.isEmpty() ? PggitCli.FINDINGS : PggitCli.OK;
    }
}
