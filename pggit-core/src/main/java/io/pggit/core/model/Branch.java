package io.pggit.core.model;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * A branch, as {@code pggit.list_branches()} lists it: a name pointing at a commit.
 *
 * @param name        the branch name (git's rules, {@code pggit.check_branch_name}), e.g. {@code feature/meter}
 * @param headCommit  the commit it points at (64 hex digits)
 * @param createdAt   when it was created ({@code pggit.create_branch}); for a branch pggit 0.1 made, its first commit's time
 * @param createdBy   the database role that created it
 * @param description why it exists, when its creator said
 * @param checkedOut  whether HEAD names it (commits advance it)
 * @param ahead       commits it has that {@code main} does not; empty when there is no {@code main}
 * @param behind      commits {@code main} has that it does not; empty when there is no {@code main}
 */
public record Branch(String name, String headCommit, Instant createdAt, String createdBy, Optional<String> description,
                     boolean checkedOut, OptionalLong ahead, OptionalLong behind) {
    public Branch {
        requireNonNull(name, "name");
        requireNonNull(headCommit, "headCommit");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(createdBy, "createdBy");
        requireNonNull(description, "description");
        requireNonNull(ahead, "ahead");
        requireNonNull(behind, "behind");
    }
}
