package io.pggit.core.sql;

import io.pggit.core.internal.install.Installer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the SQL scripts of the version under development ({@link Installer#CURRENT}) from the
 * sources in {@code pggit-core/src/main/sql}:
 *
 * <ul>
 *   <li>{@code pggit--<current>.sql}, the install script: the files {@code install.list} names,
 *       concatenated in its order, each under a line naming it;
 *   <li>{@code pggit--<a>--<current>.sql}, each upgrade step: {@code updates/pggit--<a>--<current>.sql}
 *       with every {@code \ir <file>} line (psql's include, relative to the including file) replaced by
 *       that file, so that a step re-creates a changed function from the one source the install
 *       script uses.
 * </ul>
 *
 * <p>The output is checked in under {@code src/main/resources/io/pggit/core/sql}; released
 * scripts there are frozen, and {@code SqlScriptsTest} fails when the checked-in scripts of the
 * version under development are not what the sources generate. Regenerate with
 * {@code mvn -B -pl pggit-core -Pregenerate-sql process-test-classes} (see docs/architecture.md).
 */
public final class SqlScripts {

    /** The sources, relative to the pggit-core module. */
    public static final Path SOURCES = Path.of("src/main/sql");
    /** Where the scripts are installed from, relative to the pggit-core module. */
    public static final Path OUTPUT = Path.of("src/main/resources/io/pggit/core/sql");

    private static final Pattern INCLUDE = Pattern.compile("^\\\\ir\\s+(\\S+)\\s*$");

    private SqlScripts() {
    }

    /** File name to content of every script of version {@code version}, generated from {@code sources}. */
    public static Map<String, String> generate(Path sources, String version) {
        Map<String, String> out = new LinkedHashMap<>();
        StringBuilder install = new StringBuilder(header(version, "install script", "install.list"));
        for (String file : installOrder(sources)) {
            install.append('\n').append(section(file)).append(expand(sources, sources.resolve(file), 0));
        }
        out.put("pggit--" + version + ".sql", install.toString());
        Path updates = sources.resolve("updates");
        if (Files.isDirectory(updates)) {
            try (Stream<Path> steps = Files.list(updates)) {
                for (Path step : steps.sorted().toList()) {
                    String name = step.getFileName().toString();
                    if (name.endsWith("--" + version + ".sql")) {
                        String from = name.substring("pggit--".length(), name.length() - ("--" + version + ".sql").length());
                        out.put(name, header(version, "upgrade step from " + from, "updates/" + name)
                                + '\n' + expand(sources, step, 0));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The files of {@code install.list}, in order (blank lines and {@code #} comments skipped). */
    public static List<String> installOrder(Path sources) {
        List<String> files = new ArrayList<>();
        for (String line : read(sources.resolve("install.list")).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                files.add(l);
            }
        }
        return files;
    }

    private static String header(String version, String what, String source) {
        return "-- pggit " + version + ", " + what + ": GENERATED from pggit-core/src/main/sql/" + source + ". Do not edit:\n"
                + "-- change the sources and run  mvn -B -pl pggit-core -Pregenerate-sql process-test-classes\n"
                + "-- Run by io.pggit.core.internal.install.Installer in one transaction under its advisory lock, into schema\n"
                + "-- \"pggit\"; never by hand. Frozen once released: later versions ship as upgrade steps.\n";
    }

    private static String section(String file) {
        return "-- ==== " + file + " " + "=".repeat(Math.max(4, 90 - file.length())) + "\n\n";
    }

    private static String expand(Path sources, Path file, int depth) {
        if (depth > 8) {
            throw new IllegalStateException("\\ir nested too deeply at " + file);
        }
        StringBuilder out = new StringBuilder();
        for (String line : read(file).split("\n", -1)) {
            Matcher m = INCLUDE.matcher(line);
            if (m.matches()) {
                Path included = file.getParent().resolve(m.group(1)).normalize();
                out.append(section(sources.relativize(included).toString().replace('\\', '/')))
                        .append(expand(sources, included, depth + 1));
            } else {
                out.append(line).append('\n');
            }
        }
        // one trailing newline per file, whatever the source ends with
        while (out.length() > 1 && out.charAt(out.length() - 1) == '\n' && out.charAt(out.length() - 2) == '\n') {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the scripts of {@link Installer#CURRENT} into {@link #OUTPUT}.
     *
     * @param args the pggit-core module directory (default: the working directory)
     */
    public static void main(String[] args) throws IOException {
        Path module = Path.of(args.length > 0 ? args[0] : ".");
        for (Map.Entry<String, String> e : generate(module.resolve(SOURCES), Installer.CURRENT).entrySet()) {
            Path target = module.resolve(OUTPUT).resolve(e.getKey());
            boolean same = Files.exists(target) && Files.readString(target, StandardCharsets.UTF_8).equals(e.getValue());
            if (!same) {
                Files.writeString(target, e.getValue(), StandardCharsets.UTF_8);
            }
            System.out.println("pggit SQL: " + OUTPUT.resolve(e.getKey()) + (same ? " unchanged" : " written"));
        }
    }
}
