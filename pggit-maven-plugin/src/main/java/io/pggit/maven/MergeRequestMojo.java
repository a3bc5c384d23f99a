package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.model.MergeRequest;
import io.pggit.core.report.Lines;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.List;
import java.util.UUID;

/**
 * Merge requests (seed 003; {@code pggit.create_merge_request}, {@code approve_merge_request},
 * {@code close_merge_request}, the view {@code pggit.open_merge_requests}): {@code mvn pggit:merge-request}
 * lists the open ones; {@code -Dpggit.sourceBranch=feature/meter -Dpggit.targetBranch=main -Dpggit.title=...}
 * creates one; {@code -Dpggit.approve=<id>} approves one as the connection's login role (never its
 * creator); {@code -Dpggit.close=<id> -Dpggit.reason=...} closes one. Fails on a refusal, with pggit's message.
 */
@Mojo(name = "merge-request", threadSafe = true, requiresProject = false)
public class MergeRequestMojo extends AbstractConnectionMojo {

    /** With {@code targetBranch} and {@code title}: create a request to merge this branch. */
    @Parameter(property = "pggit.sourceBranch")
    private String sourceBranch;

    /** The branch the request merges into. */
    @Parameter(property = "pggit.targetBranch")
    private String targetBranch;

    /** The new request's title. */
    @Parameter(property = "pggit.title")
    private String title;

    /** The new request's description. */
    @Parameter(property = "pggit.description")
    private String description;

    /** The role that (or whose members) alone may approve the new request; unset: any pggit_writer but its creator. */
    @Parameter(property = "pggit.reviewer")
    private String reviewer;

    /** The id of a request to approve. */
    @Parameter(property = "pggit.approve")
    private String approve;

    /** With {@code approve}: the approver's notes. */
    @Parameter(property = "pggit.notes")
    private String notes;

    /** The id of a request to close without merging it. */
    @Parameter(property = "pggit.close")
    private String close;

    /** With {@code close}: why. */
    @Parameter(property = "pggit.reason")
    private String reason;

    @Override
    public void execute() throws MojoExecutionException {
        boolean create = sourceBranch != null || targetBranch != null;
        if ((create ? 1 : 0) + (approve != null ? 1 : 0) + (close != null ? 1 : 0) > 1) {
            throw new MojoExecutionException("pggit:merge-request does one thing: create (pggit.sourceBranch and pggit.targetBranch), "
                    + "approve (pggit.approve) or close (pggit.close)");
        }
        try {
            Pggit pggit = Pggit.builder(dataSource()).build();
            if (create) {
                if (sourceBranch == null || targetBranch == null) {
                    throw new MojoExecutionException("pggit:merge-request needs both pggit.sourceBranch and pggit.targetBranch to create a request");
                }
                getLog().info(Lines.mergeRequestCreated(sourceBranch, targetBranch,
                        pggit.createMergeRequest(sourceBranch, targetBranch, title, description, reviewer)));
            } else if (approve != null) {
                UUID id = id("pggit.approve", approve);
                pggit.approveMergeRequest(id, notes);
                getLog().info("pggit: approved merge request " + id);
            } else if (close != null) {
                UUID id = id("pggit.close", close);
                pggit.closeMergeRequest(id, reason);
                getLog().info("pggit: closed merge request " + id);
            } else {
                List<MergeRequest> open = pggit.listMergeRequests();
                getLog().info(open.isEmpty() ? "pggit: no merge request is open" : "pggit merge requests:");
                for (MergeRequest m : open) {
                    getLog().info("  " + Lines.mergeRequest(m));
                }
            }
        } catch (PggitException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    private static UUID id(String setting, String value) throws MojoExecutionException {
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(setting + " is a merge request id (a UUID, as pggit:merge-request lists them), not \"" + value + "\"");
        }
    }
}
