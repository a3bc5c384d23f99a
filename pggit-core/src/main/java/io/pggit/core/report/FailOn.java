package io.pggit.core.report;

import io.pggit.core.PggitException;
import io.pggit.core.check.Finding;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which error findings fail a check ({@code pggit:check -Dpggit.failOn}, {@code pggit check
 * --fail-on}): any of the checks of {@link CheckReport#CHECKS}, {@code any} or {@code none}.
 *
 * @param checks the values given, lower case
 */
public record FailOn(Set<String> checks) {

    /** The allowed values, in documentation order. */
    public static final List<String> VALUES = List.of("drift", "gap", "conflict", "tracking", "integrity", "any", "none");

    public FailOn {
        checks = Set.copyOf(checks);
    }

    /**
     * Reads a comma-separated list.
     *
     * @param setting how the caller names the setting, for the message (e.g. {@code pggit.failOn})
     * @throws PggitException.InvalidConfig naming the setting, the bad value and the allowed ones
     */
    public static FailOn parse(String value, String setting) {
        Set<String> fail = Arrays.stream(value.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        for (String f : fail) {
            if (!VALUES.contains(f)) {
                throw new PggitException.InvalidConfig(setting + " has \"" + f + "\": the allowed values are " + String.join(", ", VALUES));
            }
        }
        return new FailOn(fail);
    }

    /** The error findings whose check is named (all of them with {@code any}, none with {@code none}). */
    public List<Finding> failing(List<Finding> findings) {
        return findings.stream()
                .filter(f -> f.severity() == Finding.Severity.ERROR)
                .filter(f -> !checks.contains("none") && (checks.contains("any") || checks.contains(f.check())))
                .toList();
    }

    /** One line per failing finding, for the message that fails the build. */
    public static String describe(List<Finding> failing) {
        return failing.stream().map(f -> f.kind() + " " + f.subject() + ": " + f.message()).collect(Collectors.joining("\n  "));
    }
}
