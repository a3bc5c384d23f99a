package io.pggit.core.report;

import io.pggit.core.PggitException;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a plan ({@link io.pggit.core.model.Comparison#planScript()}) where a migration tool picks
 * it up: as the next Flyway versioned migration of a folder, or as a changeset appended to a
 * Liquibase formatted-SQL changelog. The front ends (Maven goals, command line) call these.
 */
public final class MigrationFiles {

    /** Flyway's default versioned migration names: {@code V<version>__<description>.sql}, version parts split by . or _. */
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*\\.sql");

    private MigrationFiles() {
    }

    /**
     * Writes {@code script} as the next versioned migration in {@code dir}: the highest version
     * there with its last part plus one ({@code V1_9} → {@code V1_10}, {@code V7} → {@code V8}; {@code V1}
     * in a folder without one), named {@code V<version>__<description>.sql} with the description's
     * runs of other characters than letters and digits as one underscore.
     *
     * @return the file written
     * @throws PggitException when the script is empty (nothing to migrate), or the folder cannot be read or written
     */
    public static Path writeFlyway(Path dir, String description, String script) {
        requireScript(script);
        try {
            Files.createDirectories(dir);
            List<BigInteger> highest = List.of();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Matcher m = VERSIONED.matcher(f.getFileName().toString());
                    if (m.matches()) {
                        List<BigInteger> v = Arrays.stream(m.group(1).split("[._]")).map(BigInteger::new).toList();
                        if (compare(v, highest) > 0) {
                            highest = v;
                        }
                    }
                }
            }
            List<BigInteger> next = new ArrayList<>(highest.isEmpty() ? List.of(BigInteger.ZERO) : highest);
            next.set(next.size() - 1, next.get(next.size() - 1).add(BigInteger.ONE));
            String version = String.join("_", next.stream().map(BigInteger::toString).toList());
            String name = description == null ? "" : description.replaceAll("[^\\p{L}\\p{N}]+", "_").replaceAll("^_+|_+$", "");
            Path file = dir.resolve("V" + version + "__" + (name.isEmpty() ? "pggit_plan" : name) + ".sql");
            Files.writeString(file, script, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            return file;
        } catch (IOException e) {
            throw new PggitException("cannot write the migration into " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends {@code script} to the Liquibase formatted-SQL changelog {@code changelog} (created with
     * its {@code --liquibase formatted sql} header when missing) as changeset {@code author:id},
     * with {@code splitStatements:false}: the plan's function bodies hold semicolons, and the
     * PostgreSQL driver runs the statements of one string in order.
     *
     * @throws PggitException when the script is empty, or the file cannot be written
     */
    public static Path appendLiquibase(Path changelog, String author, String id, String script) {
        requireScript(script);
        try {
            if (changelog.getParent() != null) {
                Files.createDirectories(changelog.getParent());
            }
            String head = Files.exists(changelog) ? "" : "--liquibase formatted sql\n";
            String changeset = "\n--changeset " + author + ":" + id + " splitStatements:false\n" + script + (script.endsWith("\n") ? "" : "\n");
            Files.writeString(changelog, head + changeset, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return changelog;
        } catch (IOException e) {
            throw new PggitException("cannot append to the changelog " + changelog + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the plan from {@code from} to {@code to} into the folder and/or the changelog given (null:
     * not there): the front ends' one step for "the merge as a migration". The description defaults to
     * {@code pggit <from> to <to>}; the Liquibase changeset is {@code pggit:<description with runs of
     * other characters than letters and digits as ->}.
     *
     * @return one line per file written, saying where
     */
    public static List<String> write(io.pggit.core.model.Comparison plan, String from, String to, Path flywayDir, Path changelog,
                                     String description) {
        String what = description == null || description.isBlank() ? "pggit " + from + " to " + to : description;
        List<String> lines = new ArrayList<>();
        if (flywayDir != null) {
            lines.add("pggit: plan " + from + " -> " + to + " (" + plan.plan().size() + " statement(s)) written as "
                    + writeFlyway(flywayDir, what, plan.planScript()));
        }
        if (changelog != null) {
            String id = what.replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("^-+|-+$", "");
            lines.add("pggit: plan " + from + " -> " + to + " appended to " + appendLiquibase(changelog, "pggit", id, plan.planScript())
                    + " as changeset pggit:" + id);
        }
        return lines;
    }

    private static void requireScript(String script) {
        if (script == null || script.isBlank()) {
            throw new PggitException("the plan is empty: the two revisions record the same schema, so there is no migration to write");
        }
    }

    private static int compare(List<BigInteger> a, List<BigInteger> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
            BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
