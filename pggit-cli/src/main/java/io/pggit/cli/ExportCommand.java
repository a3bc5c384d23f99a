package io.pggit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code pggit export}: as {@code mvn pggit:export}. */
@Command(name = "export", description = {
        "Writes the schema at a commit as files: schema.sql in dependency order, one file per object under"
                + " <schema>/<kind>/<name>.sql, and manifest.json.",
        "An earlier export in the folder is replaced; a non-empty folder that holds no export is refused, untouched."})
final class ExportCommand extends PggitCommand {

    @Parameters(index = "0", arity = "0..1", defaultValue = "HEAD", paramLabel = "REV", description = "default: ${DEFAULT-VALUE}")
    String rev;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "the folder to export into")
    Path output;

    @Override
    int run() {
        List<Path> files = pggit().export(rev, output);
        out().println("pggit: exported " + rev + " to " + output + " (" + (files.size() - 2) + " object file(s), schema.sql, manifest.json)");
        return PggitCli.OK;
    }
}
