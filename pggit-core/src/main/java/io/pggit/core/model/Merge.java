package io.pggit.core.model;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Where a merge stands after {@code Pggit.merge}, {@code completeMerge} or {@code rollbackMerge}
 * (a row of {@code pggit.merge}).
 *
 * @param id              the merge's id ({@code pggit.merge.id}; {@code pggit.get_merge_status(id)})
 * @param status          {@code conflicts} (open conflicts wait to be resolved), {@code ready} (the
 *                        merged tree waits for the checked-out target's live catalog: apply the plan,
 *                        or run the migration written from it), {@code completed}, {@code up_to_date}
 *                        (nothing to merge), {@code aborted} or {@code rolled_back}
 * @param mergeCommit     the merge commit once written (or, after a rollback, the rollback's commit)
 * @param conflictObjects the object keys that conflicted, resolved or not
 * @param openConflicts   those still waiting for a resolution
 * @param plan            the statements run on the live catalog (applied), or to run on it (not
 *                        applied: status {@code ready}); empty when the live catalog did not change
 * @param applied         whether {@link #plan} ran on the live catalog
 */
public record Merge(long id, String status, Optional<String> mergeCommit, List<String> conflictObjects, List<String> openConflicts,
                    List<String> plan, boolean applied) {

    public Merge {
        requireNonNull(status, "status");
        requireNonNull(mergeCommit, "mergeCommit");
        conflictObjects = List.copyOf(conflictObjects);
        openConflicts = List.copyOf(openConflicts);
        plan = List.copyOf(plan);
    }

    @Override
    public String toString() {
        return "merge " + id + ": " + status + mergeCommit.map(c -> " " + c.substring(0, Math.min(12, c.length()))).orElse("")
                + (openConflicts.isEmpty() ? "" : ", open conflicts " + openConflicts)
                + (plan.isEmpty() ? "" : ", " + plan.size() + " statement(s)" + (applied ? " applied" : " to apply"));
    }

    /**
     * One conflict recorded for a merge (a row of {@code pggit.merge_conflict}, as
     * {@code pggit.get_conflicts_by_type} reads it), resolved or not.
     *
     * @param id               the conflict's id ({@code pggit.resolve_conflict(id, ...)})
     * @param objectKey        the object, e.g. {@code table:public.meter}
     * @param kind             its kind, e.g. {@code table}
     * @param type             how the two sides conflict: {@code BOTH_MODIFIED}, {@code DELETED_SOURCE},
     *                         {@code DELETED_TARGET}, {@code BOTH_ADDED} or {@code DEPENDENCY}
     * @param conflictingParts for {@code BOTH_MODIFIED}, the parts both sides changed differently
     *                         (e.g. {@code column b}); empty otherwise
     * @param resolution       {@code source}, {@code target} or {@code base} once resolved; empty while open
     * @param reason           the resolution's notes (or the strategy that resolved it), if any
     * @param detail           for a {@code DEPENDENCY} conflict found by trying the merged plan on the
     *                         checked-out target: PostgreSQL's message with its DETAIL (which names the
     *                         dependent objects, e.g. {@code view v depends on column a of table t}) and
     *                         HINT lines and the SQLSTATE; empty otherwise
     */
    public record Conflict(UUID id, String objectKey, String kind, MergeConflict.Type type, List<String> conflictingParts,
                           Optional<String> resolution, Optional<String> reason, Optional<String> detail) {

        /** A conflict without detail. */
        public Conflict(UUID id, String objectKey, String kind, MergeConflict.Type type, List<String> conflictingParts,
                        Optional<String> resolution, Optional<String> reason) {
            this(id, objectKey, kind, type, conflictingParts, resolution, reason, Optional.empty());
        }

        public Conflict {
            requireNonNull(id, "id");
            requireNonNull(objectKey, "objectKey");
            requireNonNull(kind, "kind");
            requireNonNull(type, "type");
            conflictingParts = List.copyOf(conflictingParts);
            requireNonNull(resolution, "resolution");
            requireNonNull(reason, "reason");
            requireNonNull(detail, "detail");
        }

        /** Whether it still waits for a resolution. */
        public boolean open() {
            return resolution.isEmpty();
        }
    }
}
