package io.pggit.core.model;

import java.util.List;

/**
 * Two live databases compared object by object.
 *
 * @param differences per object: ADDED (only in the source), DELETED (only in the target) or
 *                    MODIFIED, sorted by key
 * @param plan        the statements that would bring the target to the source, in order; empty when
 *                    they are equal
 */
public record Comparison(List<Change> differences, List<String> plan) {
    public Comparison {
        differences = List.copyOf(differences);
        plan = List.copyOf(plan);
    }

    /** The plan as one script: the statements separated by blank lines, a newline at the end; empty without statements. */
    public String planScript() {
        return String.join("\n\n", plan) + (plan.isEmpty() ? "" : "\n");
    }
}
