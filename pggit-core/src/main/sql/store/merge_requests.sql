-- Merge requests (issue 15; seed 003 section 5.2): a proposed merge of one branch into another,
-- as a record of the workflow (no web UI): created, approved by another login role than its
-- creator, closed, or marked merged by the merge. With merge_requires_approval on (pggit.merge_config,
-- pggit.configure_merges), pggit.merge_gate, which pggit.merge_branch calls, refuses a merge
-- until an approved request exists for that source and target, approved at the source's tip.
-- Who is who: session_user, the login role (SET ROLE keeps it), as pggit.ref.created_by.

CREATE OR REPLACE FUNCTION pggit.configure_merges(requires_approval boolean DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    before boolean;
BEGIN
    SELECT c.merge_requires_approval INTO before FROM pggit.merge_config c FOR UPDATE;
    IF requires_approval IS NOT NULL AND requires_approval IS DISTINCT FROM before THEN
        UPDATE pggit.merge_config c
           SET merge_requires_approval = requires_approval, updated_at = clock_timestamp(), updated_by = session_user;
        INSERT INTO pggit.rule_change (rule, old_value, new_value)
        VALUES ('configure_merges', jsonb_build_object('merge_requires_approval', before),
                jsonb_build_object('merge_requires_approval', requires_approval));
        RETURN requires_approval;
    END IF;
    RETURN before;
END
$$;
COMMENT ON FUNCTION pggit.configure_merges(boolean) IS
    'Sets merge_requires_approval (pggit.merge_config): true makes every merge of a branch (pggit.merge_branch, through pggit.merge_gate) wait for an approved merge request of that source and target; null keeps the setting. Returns the setting in force. A change is recorded in pggit.rule_change (rule configure_merges, old and new value). pggit_admin.';

CREATE OR REPLACE FUNCTION pggit.create_merge_request(source_branch text, target_branch text, title text,
                                                       description text DEFAULT NULL, reviewer text DEFAULT NULL)
    RETURNS TABLE (mr_id uuid, status text, conflicts boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s_tip text;
    t_tip text;
    existing uuid;
    new_id uuid;
BEGIN
    SELECT r.commit_id INTO s_tip FROM pggit.ref r WHERE r.name = create_merge_request.source_branch;
    IF s_tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%" (the source of the merge request)', source_branch
            USING ERRCODE = 'undefined_object', HINT = 'A merge request names two branches (pggit.list_branches() lists them; pggit.create_branch makes one).';
    END IF;
    SELECT r.commit_id INTO t_tip FROM pggit.ref r WHERE r.name = create_merge_request.target_branch;
    IF t_tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%" (the target of the merge request)', target_branch
            USING ERRCODE = 'undefined_object', HINT = 'A merge request names two branches (pggit.list_branches() lists them; pggit.create_branch makes one).';
    END IF;
    IF source_branch = target_branch THEN
        RAISE EXCEPTION 'pggit: a merge request cannot merge branch "%" into itself', source_branch
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pggit.require_text(title, 'the title');
    IF reviewer IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM pg_roles a WHERE a.rolname = create_merge_request.reviewer) THEN
            RAISE EXCEPTION 'pggit: no role "%" (the reviewer)', reviewer
                USING ERRCODE = 'undefined_object', HINT = 'The reviewer is a role name as pg_roles.rolname spells it (case and all), or null for any pggit_writer but you.';
        ELSIF reviewer = session_user THEN
            RAISE EXCEPTION 'pggit: "%" cannot be the reviewer of a merge request of their own', reviewer
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name another role, or none: any pggit_writer but you may approve it then.';
        ELSIF NOT pg_has_role(reviewer, 'pggit_writer', 'USAGE') THEN
            RAISE NOTICE 'pggit: reviewer "%" holds no pggit_writer yet: they cannot approve until it is granted', reviewer;
        END IF;
    END IF;
    SELECT m.id INTO existing FROM pggit.merge_request m
     WHERE m.source_branch = create_merge_request.source_branch AND m.target_branch = create_merge_request.target_branch
       AND m.status IN ('open', 'approved');
    IF existing IS NULL THEN
        BEGIN
            INSERT INTO pggit.merge_request (source_branch, target_branch, title, description, reviewer, source_commit)
            VALUES (source_branch, target_branch, title, description, reviewer, s_tip)
            RETURNING id INTO new_id;
        EXCEPTION WHEN unique_violation THEN   -- another session's request for the pair, created meanwhile
            SELECT m.id INTO existing FROM pggit.merge_request m
             WHERE m.source_branch = create_merge_request.source_branch AND m.target_branch = create_merge_request.target_branch
               AND m.status IN ('open', 'approved');
        END;
    END IF;
    IF existing IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: merge request % already proposes merging "%" into "%"', existing, source_branch, target_branch
            USING ERRCODE = 'duplicate_object',
                  HINT = format('Approve it (pggit.approve_merge_request(%L)), or close it first (pggit.close_merge_request(%L, reason)).', existing, existing);
    END IF;
    IF (pggit.paint_down(s_tip, t_tip)).ahead = 0 THEN
        RAISE NOTICE 'pggit: branch "%" has no commit that "%" lacks: nothing to merge yet', source_branch, target_branch;
    END IF;
    mr_id := new_id;
    status := 'open';
    conflicts := EXISTS (SELECT 1 FROM pggit.detect_merge_conflicts(s_tip, t_tip) d
                          WHERE d.conflict_type NOT IN ('SOURCE_MODIFIED', 'TARGET_MODIFIED', 'NO_CONFLICT'));
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION pggit.create_merge_request(text, text, text, text, text) IS
    'Proposes merging branch source_branch into branch target_branch (seed 003): records an open merge request (pggit.merge_request) created by session_user, with the source''s tip, and returns its id (uuid), status (open) and whether the merge conflicts now (pggit.detect_merge_conflicts: any object whose conflict_type is not SOURCE_MODIFIED, TARGET_MODIFIED or NO_CONFLICT). reviewer: a role name (pg_roles.rolname, exactly) who, or whose members, alone may approve it; null: any pggit_writer but the creator. Errors: undefined_object for a branch that does not exist (branch names only, not revisions) or a reviewer that is no role; invalid_parameter_value when source and target are one branch, the title is blank, or the reviewer is the creator; duplicate_object when an open or approved request for the two branches exists (the message names it). A NOTICE when the source has nothing the target lacks, or when the reviewer holds no pggit_writer.';

CREATE OR REPLACE FUNCTION pggit.approve_merge_request(mr_id uuid, notes text DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The approver is session_user (seed 003 passes an approved_by text, which anyone could forge).
DECLARE
    m pggit.merge_request;
    tip text;
BEGIN
    SELECT * INTO m FROM pggit.merge_request r WHERE r.id = approve_merge_request.mr_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge request %', mr_id USING ERRCODE = 'undefined_object',
            HINT = 'pggit.open_merge_requests lists the open ones.';
    ELSIF m.status IN ('merged', 'closed') THEN
        RAISE EXCEPTION 'pggit: merge request % is %', mr_id, m.status USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Only an open (or approved) request is approved; create another with pggit.create_merge_request.';
    ELSIF m.created_by = session_user THEN
        RAISE EXCEPTION 'pggit: "%" cannot approve their own merge request %', session_user, mr_id
            USING ERRCODE = 'insufficient_privilege', HINT = 'Another login role holding pggit_writer approves it.';
    ELSIF m.reviewer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_roles a WHERE a.rolname = m.reviewer) THEN
        RAISE EXCEPTION 'pggit: the reviewer "%" of merge request % no longer exists', m.reviewer, mr_id
            USING ERRCODE = 'insufficient_privilege', HINT = 'Close it and create another naming an existing reviewer, or none.';
    ELSIF m.reviewer IS NOT NULL AND NOT pg_has_role(session_user, m.reviewer, 'MEMBER') THEN
        RAISE EXCEPTION 'pggit: merge request % is for reviewer "%" to approve, not "%"', mr_id, m.reviewer, session_user
            USING ERRCODE = 'insufficient_privilege', HINT = 'The reviewer approves it, or a member of the reviewer role.';
    END IF;
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = m.source_branch;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%" (the source of merge request %)', m.source_branch, mr_id
            USING ERRCODE = 'undefined_object', HINT = 'Its source branch was deleted: close the request (pggit.close_merge_request).';
    END IF;
    UPDATE pggit.merge_request r
       SET status = 'approved', approved_by = session_user, approved_at = clock_timestamp(),
           approval_notes = notes, approved_commit = tip
     WHERE r.id = m.id;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.approve_merge_request(uuid, text) IS
    'Approves merge request mr_id with optional notes and returns true: the approver is session_user (the login role; seed 003''s approved_by argument is not taken, since anyone could pass any name), recorded with the time and the source branch''s tip it approves (approved_commit; a commit on the source after it makes the approval stale and pggit.merge_gate asks for another). Approving an approved request again records the new approval. Errors: undefined_object for an unknown request or a deleted source branch; object_not_in_prerequisite_state for a merged or closed one; insufficient_privilege when the approver created the request, or when the request names a reviewer and the approver is neither that role nor a member of it (pg_has_role MEMBER; a superuser is a member of every role).';

CREATE OR REPLACE FUNCTION pggit.close_merge_request(mr_id uuid, reason text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m pggit.merge_request;
BEGIN
    SELECT * INTO m FROM pggit.merge_request r WHERE r.id = close_merge_request.mr_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge request %', mr_id USING ERRCODE = 'undefined_object',
            HINT = 'pggit.open_merge_requests lists the open ones.';
    ELSIF m.status IN ('merged', 'closed') THEN
        RAISE EXCEPTION 'pggit: merge request % is %', mr_id, m.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pggit.require_text(reason, 'the reason for closing');
    UPDATE pggit.merge_request r
       SET status = 'closed', closed_at = clock_timestamp(), closed_by = session_user, close_reason = reason
     WHERE r.id = m.id;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.close_merge_request(uuid, text) IS
    'Closes open or approved merge request mr_id without merging it, with a reason, and returns true; recorded with session_user and the time. Any pggit_writer may close a request (as anyone who may push closes a pull request), the reason says why. Errors: undefined_object for an unknown request, object_not_in_prerequisite_state for a merged or closed one, invalid_parameter_value for a blank reason.';

CREATE OR REPLACE FUNCTION pggit.merge_gate(source_branch text, target_branch text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- For pggit.merge_branch, in its transaction before it writes: the request it returns is locked
-- (FOR UPDATE) until the merge commits, so it is not approved, closed or merged meanwhile.
DECLARE
    required boolean := (SELECT c.merge_requires_approval FROM pggit.merge_config c);
    m pggit.merge_request;
    tip text;
BEGIN
    SELECT * INTO m FROM pggit.merge_request r
     WHERE r.source_branch = merge_gate.source_branch AND r.target_branch = merge_gate.target_branch
       AND r.status IN ('open', 'approved')
       FOR UPDATE;
    IF NOT required THEN
        RETURN m.id;
    ELSIF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: merging "%" into "%" needs an approved merge request (merge_requires_approval is on)', source_branch, target_branch
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Propose it with pggit.create_merge_request(%L, %L, title), have another role approve it with pggit.approve_merge_request(mr_id), then merge.',
                                source_branch, target_branch);
    ELSIF m.status = 'open' THEN
        RAISE EXCEPTION 'pggit: merge request % of "%" into "%" is not approved yet (merge_requires_approval is on)', m.id, source_branch, target_branch
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Another role than %s approves it: pggit.approve_merge_request(%L).',
                                m.created_by, m.id) || CASE WHEN m.reviewer IS NOT NULL THEN format(' It is for reviewer %s.', m.reviewer) ELSE '' END;
    END IF;
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = merge_gate.source_branch;
    IF tip IS DISTINCT FROM m.approved_commit THEN
        RAISE EXCEPTION 'pggit: branch "%" moved since merge request % was approved (approved at %, now at %)', source_branch, m.id,
                        left(m.approved_commit, 12), coalesce(left(tip, 12), 'no commit: the branch is gone')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('What is merged must be what was approved: approve it again (pggit.approve_merge_request(%L)).', m.id);
    END IF;
    RETURN m.id;
END
$$;
COMMENT ON FUNCTION pggit.merge_gate(text, text) IS
    'Internal, for pggit.merge_branch before it writes: the open or approved merge request of source_branch into target_branch (names as the merge got them), locked until the merge''s transaction ends, or null when there is none and none is needed. With merge_requires_approval off (pggit.merge_config) it never refuses: the merge marks a request it returns merged (pggit.mark_merge_request_merged). With it on, raises object_not_in_prerequisite_state, with a HINT naming pggit.create_merge_request or pggit.approve_merge_request, unless the request is approved and the source branch''s tip is still the commit that was approved. Reads only (but for the row lock). Nobody but pggit''s owner calls it.';

CREATE OR REPLACE FUNCTION pggit.mark_merge_request_merged(mr_id uuid, merge_id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.merge_request r
       SET status = 'merged', merged_at = clock_timestamp(), merged_by = session_user,
           merge_id = mark_merge_request_merged.merge_id
     WHERE r.id = mark_merge_request_merged.mr_id AND r.status IN ('open', 'approved');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no open merge request %', mr_id USING ERRCODE = 'undefined_object';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.mark_merge_request_merged(uuid, bigint) IS
    'Internal, for pggit.merge_branch after it wrote the merge: marks open or approved merge request mr_id (from pggit.merge_gate) merged, with the merge''s id (merge_id: no foreign key yet), the time and session_user. undefined_object when no such request is open. Nobody but pggit''s owner calls it.';

CREATE OR REPLACE VIEW pggit.open_merge_requests AS
SELECT m.id AS mr_id, m.source_branch, m.target_branch, m.title, m.description, m.reviewer, m.created_by, m.created_at,
       m.status, m.approved_by, m.approved_at, m.approval_notes,
       m.status = 'approved' AND m.approved_commit IS DISTINCT FROM s.commit_id AS approval_stale,
       s.commit_id AS source_commit, t.commit_id AS target_commit,
       ab.ahead, ab.behind,
       CASE WHEN s.commit_id IS NOT NULL AND t.commit_id IS NOT NULL THEN
            EXISTS (SELECT 1 FROM pggit.detect_merge_conflicts(s.commit_id, t.commit_id) d
                     WHERE d.conflict_type NOT IN ('SOURCE_MODIFIED', 'TARGET_MODIFIED', 'NO_CONFLICT')) END AS conflicts
  FROM pggit.merge_request m
  LEFT JOIN pggit.ref s ON s.name = m.source_branch
  LEFT JOIN pggit.ref t ON t.name = m.target_branch
  -- OFFSET 0 keeps the subquery apart, so its condition gates the walk (a join condition would not:
  -- paint_down would run, and raise, for a deleted branch)
  LEFT JOIN LATERAL (SELECT p.ahead, p.behind FROM pggit.paint_down(s.commit_id, t.commit_id) p
                      WHERE s.commit_id IS NOT NULL AND t.commit_id IS NOT NULL OFFSET 0) ab ON true
 WHERE m.status IN ('open', 'approved');
COMMENT ON VIEW pggit.open_merge_requests IS
    'The merge requests in flight (open or approved), with the branches'' tips now (source_commit, target_commit; null for a deleted branch), ahead and behind (commits the source has that the target lacks, and the reverse: pggit.paint_down), whether the merge conflicts now (pggit.detect_merge_conflicts: any conflict_type but SOURCE_MODIFIED, TARGET_MODIFIED and NO_CONFLICT), and approval_stale (approved, but the source has moved since: pggit.merge_gate will ask for another approval). Null counts and conflicts when a branch is gone. pggit_reader; computes the conflicts per row.';
