package io.pggit.cli;

import io.pggit.core.report.CheckReport;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** How a check's findings are written: one format to standard output or a file, or all four into a folder. */
public final class ReportOptions {

    /** The report formats of {@link CheckReport}. */
    enum Format { text, json, junit, sarif }

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text, json (format 1), junit (JUnit XML) or sarif (SARIF 2.1.0); default: ${DEFAULT-VALUE}")
    Format format;

    @Option(names = "--output", paramLabel = "FILE", description = "write the report to FILE instead of standard output")
    Path output;

    @Option(names = "--report-directory", paramLabel = "DIR",
            description = "also write check.txt, check.json, TEST-pggit-check.xml and check.sarif into DIR (as pggit:check does)")
    Path reportDirectory;

    /** Writes {@code report} as asked. */
    void write(CheckReport report, PrintWriter out, PrintWriter err) throws IOException {
        String text = switch (format) {
            case text -> report.text();
            case json -> report.json();
            case junit -> report.junitXml() + "\n";
            case sarif -> report.sarif();
        };
        if (output == null) {
            out.print(text);
        } else {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, text, StandardCharsets.UTF_8);
            err.println("pggit: report written to " + output);
        }
        if (reportDirectory != null) {
            report.writeAll(reportDirectory);
            err.println("pggit: reports in " + reportDirectory + " (check.txt, check.json, TEST-pggit-check.xml, check.sarif)");
        }
    }
}
