package io.pggit.core.model;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One object of a merge's dry run ({@code pggit.detect_merge_conflicts}): what the two sides did to
 * it since their merge base.
 *
 * @param objectKey        the object, e.g. {@code table:public.meter}
 * @param kind             its kind, e.g. {@code table}
 * @param type             the outcome of the three-way comparison
 * @param conflictingParts for {@link Type#BOTH_MODIFIED}, the parts both sides changed differently
 *                         (top-level properties such as {@code query}, or {@code column <name>});
 *                         empty otherwise
 * @param base             its definition (JSON) at the merge base, if it existed there
 * @param source           its definition on the source side, if it exists there
 * @param target           its definition on the target side, if it exists there
 */
public record MergeConflict(String objectKey, String kind, Type type, List<String> conflictingParts,
                            Optional<String> base, Optional<String> source, Optional<String> target) {

    /** Seed 004's six outcomes plus {@code BOTH_ADDED}, and {@code DEPENDENCY} (a merge's conflicts only). */
    public enum Type {
        /** Both sides made the same change, or changes to disjoint parts: merges cleanly. */
        NO_CONFLICT,
        /** Only the source changed it: the merge takes the source's. */
        SOURCE_MODIFIED,
        /** Only the target changed it: it stays as the target has it. */
        TARGET_MODIFIED,
        /** Both changed the same parts differently. */
        BOTH_MODIFIED,
        /** The source dropped what the target changed. */
        DELETED_SOURCE,
        /** The target dropped what the source changed. */
        DELETED_TARGET,
        /** Each side added the key with another definition. */
        BOTH_ADDED,
        /**
         * A dependency the merge breaks (recorded on a merge's conflicts only, never by the dry run):
         * an object the merged tree keeps on a relation it drops, or the object whose step of the
         * merged plan failed when tried on the checked-out target (a view on a column the step drops).
         */
        DEPENDENCY;

        /** Whether the merge needs a resolution for it. */
        public boolean conflict() {
            return this == BOTH_MODIFIED || this == DELETED_SOURCE || this == DELETED_TARGET || this == BOTH_ADDED || this == DEPENDENCY;
        }
    }

    public MergeConflict {
        requireNonNull(objectKey, "objectKey");
        requireNonNull(kind, "kind");
        requireNonNull(type, "type");
        conflictingParts = List.copyOf(conflictingParts);
        requireNonNull(base, "base");
        requireNonNull(source, "source");
        requireNonNull(target, "target");
    }
}
