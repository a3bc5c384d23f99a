package io.pggit.cli;

import io.pggit.core.model.UninstallResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pggit uninstall}: as {@code mvn pggit:uninstall}. */
@Command(name = "uninstall", description = {
        "Removes pggit from the database: its event triggers and schema pggit with all the history it recorded (roles stay).",
        "Needs a superuser and --confirm <database>; refuses while a deployment is open, and while user objects depend on"
                + " pggit unless --cascade."})
final class UninstallCommand extends PggitCommand {

    @Option(names = "--confirm", required = true, paramLabel = "DATABASE", description = "the name of the database, as a confirmation")
    String confirm;

    @Option(names = "--cascade", description = "also drop user objects outside schema pggit that depend on it")
    boolean cascade;

    @Override
    int run() {
        UninstallResult r = pggit().uninstall(confirm, cascade);
        out().println("pggit " + r.version() + " uninstalled from database " + r.database() + ":");
        r.removed().forEach(line -> out().println("  removed " + line));
        r.dependents().forEach(line -> out().println("  dropped dependent " + line));
        out().println("  marker: ALTER DATABASE " + r.database() + " SET pggit.uninstalled_at = '" + r.uninstalledAt()
                + "' (a later install's baseline commit reports it)");
        return PggitCli.OK;
    }
}
