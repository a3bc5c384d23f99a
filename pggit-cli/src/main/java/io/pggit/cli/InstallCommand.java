package io.pggit.cli;

import io.pggit.core.Pggit;
import io.pggit.core.PggitDataSources;
import io.pggit.core.model.InstallResult;
import io.pggit.core.report.Lines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code pggit install}: as {@code mvn pggit:install}. */
@Command(name = "install", description = {
        "Installs or upgrades pggit's SQL layer (needs a superuser: event triggers do).",
        "A fresh install into a database with objects records a baseline commit of them."})
final class InstallCommand extends PggitCommand {

    @Option(names = "--grant-to", split = ",", paramLabel = "ROLE",
            description = "roles to make members of pggit_writer (the migration roles), comma-separated, exactly as pg_roles spells them")
    List<String> grantTo = List.of();

    @Override
    int run() {
        var ds = connection.dataSource();
        InstallResult r = Pggit.builder(ds).build().install(grantTo, "--grant-to");
        out().println(Lines.installed(r, PggitDataSources.databaseName(ds)));
        r.grantedWriter().forEach(role -> out().println("pggit: granted pggit_writer to role " + role));
        grantTo.forEach(role -> out().println("pggit: role " + role + " holds pggit_writer"));
        return PggitCli.OK;
    }
}
