-- Merge requests (issue 15; seed 003 section 5.2): workflow records of a proposed merge of one
-- branch into another, approved by another role than their creator (store/merge_requests.sql),
-- and the setting that makes merges wait for an approved one.

CREATE TABLE pggit.merge_config (
    singleton               boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    merge_requires_approval boolean NOT NULL DEFAULT false,   -- true: pggit.merge_gate refuses a merge without an approved request
    updated_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by              name NOT NULL DEFAULT session_user
);
INSERT INTO pggit.merge_config DEFAULT VALUES;
COMMENT ON TABLE pggit.merge_config IS 'Merge settings (pggit.configure_merges, pggit_admin; each change recorded in pggit.rule_change as rule configure_merges): merge_requires_approval, whether merging a branch needs an approved merge request for that source and target (pggit.merge_gate). Off by default.';

CREATE TABLE pggit.merge_request (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_branch   text NOT NULL,        -- a branch name (pggit.ref.name) when created; no foreign key: the request outlives a deleted branch
    target_branch   text NOT NULL,
    title           text NOT NULL,
    description     text,
    reviewer        name,                 -- the role (or a role whose members) may approve it; null: any pggit_writer but the creator
    created_by      name NOT NULL DEFAULT session_user,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'merged', 'closed')),
    approved_by     name,                 -- session_user of the approval
    approved_at     timestamptz,
    approval_notes  text,
    merged_at       timestamptz,
    merge_id        bigint REFERENCES pggit.merge,   -- the merge that merged it (pggit.mark_merge_request_merged)
    source_commit   text NOT NULL,        -- the source branch's tip when the request was created
    approved_commit text,                 -- the source branch's tip that was approved: the merge gate wants it still the tip
    closed_at       timestamptz,
    closed_by       name,
    close_reason    text,
    merged_by       name,
    CHECK (status <> 'approved' OR approved_by IS NOT NULL),
    CHECK ((status = 'merged') = (merged_at IS NOT NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- one request in flight (open or approved) per source and target, as a forge has one pull request per head and base
CREATE UNIQUE INDEX merge_request_in_flight_idx ON pggit.merge_request (source_branch, target_branch) WHERE status IN ('open', 'approved');
COMMENT ON TABLE pggit.merge_request IS 'Merge requests (seed 003): a proposed merge of source_branch into target_branch with a title, description and optional reviewer, created by pggit.create_merge_request, approved by pggit.approve_merge_request (never by its creator: session_user), closed by pggit.close_merge_request, marked merged by the merge (pggit.mark_merge_request_merged, with merge_id: no foreign key yet). status: open, approved, merged, closed. At most one open or approved request per source and target. Branch names and commit ids are kept as text: a request outlives its branches and purged commits.';

-- the request a merge carries out (pggit.merge_gate's answer when pggit.merge_branch began it): marked merged when the merge completes
ALTER TABLE pggit.merge ADD COLUMN merge_request_id uuid REFERENCES pggit.merge_request;
