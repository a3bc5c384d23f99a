package io.pggit.core.model;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * A merge request in flight, as the view {@code pggit.open_merge_requests} lists it (issue 15; seed
 * 003): a proposed merge of one branch into another, approved by another login role than its creator.
 *
 * @param id            its id ({@code pggit.merge_request.id})
 * @param sourceBranch  the branch to merge
 * @param targetBranch  the branch to merge into
 * @param title         what it is about
 * @param description   more of that, when its creator wrote it
 * @param reviewer      the role that (or whose members) alone may approve it; empty: any pggit_writer but the creator
 * @param createdBy     the login role (session_user) that created it
 * @param createdAt     when
 * @param status        {@link Status#OPEN} or {@link Status#APPROVED} (the view lists no others)
 * @param approvedBy    the login role that approved it, when approved
 * @param approvedAt    when it was approved
 * @param approvalNotes the approver's notes
 * @param approvalStale approved, but the source branch has moved since: the merge gate wants another approval
 * @param ahead         commits the source has that the target lacks; empty when a branch was deleted
 * @param behind        commits the target has that the source lacks; empty when a branch was deleted
 * @param conflicts     whether merging now conflicts ({@code pggit.detect_merge_conflicts}); empty when a branch was deleted
 */
public record MergeRequest(UUID id, String sourceBranch, String targetBranch, String title, Optional<String> description,
                           Optional<String> reviewer, String createdBy, Instant createdAt, Status status,
                           Optional<String> approvedBy, Optional<Instant> approvedAt, Optional<String> approvalNotes,
                           boolean approvalStale, OptionalLong ahead, OptionalLong behind, Optional<Boolean> conflicts) {

    /** The states of a merge request ({@code pggit.merge_request.status}). */
    public enum Status {
        /** Proposed, not approved yet. */
        OPEN,
        /** Approved by another role than its creator. */
        APPROVED,
        /** Merged by {@code pggit.merge_branch}. */
        MERGED,
        /** Closed without a merge ({@code pggit.close_merge_request}). */
        CLOSED;

        /** The status as SQL spells it: {@code open}, {@code approved}, {@code merged}, {@code closed}. */
        public String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The status SQL spelled {@code value}. */
        public static Status of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * What {@code pggit.create_merge_request} returns.
     *
     * @param id        the new request's id
     * @param status    {@link Status#OPEN}
     * @param conflicts whether merging it would conflict now
     */
    public record Created(UUID id, Status status, boolean conflicts) {
        public Created {
            requireNonNull(id, "id");
            requireNonNull(status, "status");
        }
    }

    public MergeRequest {
        requireNonNull(id, "id");
        requireNonNull(sourceBranch, "sourceBranch");
        requireNonNull(targetBranch, "targetBranch");
        requireNonNull(title, "title");
        requireNonNull(description, "description");
        requireNonNull(reviewer, "reviewer");
        requireNonNull(createdBy, "createdBy");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(status, "status");
        requireNonNull(approvedBy, "approvedBy");
        requireNonNull(approvedAt, "approvedAt");
        requireNonNull(approvalNotes, "approvalNotes");
        requireNonNull(ahead, "ahead");
        requireNonNull(behind, "behind");
        requireNonNull(conflicts, "conflicts");
    }
}
