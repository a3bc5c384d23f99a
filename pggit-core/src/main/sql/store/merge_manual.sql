-- A merge conflict resolved by hand (issue 15, seed 003's manual_ddl): the user's DDL, run on the
-- target's version of the object in a trial that is rolled back, gives the definition the merged
-- tree takes. The DDL runs as the caller (SECURITY INVOKER, no search_path of pggit's: the caller's
-- own), never as pggit's owner: a SECURITY DEFINER function running text from its arguments would
-- hand the owner's rights to every writer. Only the bookkeeping, which writes pggit's tables, is
-- SECURITY DEFINER (pggit.record_manual_resolution), and it runs no text.

CREATE OR REPLACE FUNCTION pggit.live_definition(object_key text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The one catalog reader (pggit.read_catalog), at the object's address from the last capture
-- (pggit.object_map: a probe); when it is not there under that key (created since, or dropped and
-- created again), a full read, kept to that key.
DECLARE
    d jsonb;
BEGIN
    SELECT e.definition INTO d
      FROM pggit.object_map m CROSS JOIN LATERAL pggit.read_catalog(ARRAY[m.classid], ARRAY[m.objid]) e
     WHERE m.object_key = live_definition.object_key AND e.object_key = live_definition.object_key;
    IF NOT FOUND THEN
        SELECT e.definition INTO d FROM pggit.read_catalog() e WHERE e.object_key = live_definition.object_key;
    END IF;
    RETURN d;
END
$$;
COMMENT ON FUNCTION pggit.live_definition(text) IS
    'The live definition of the object with key object_key, as a capture would store it (pggit.read_catalog: its blob hash is pggit.sha256_hex(definition::text)); null when the live catalog has no object under that key. Reads its address from pggit.object_map, or the whole catalog when it is not there. Reads only; SECURITY INVOKER: it sees what the caller sees.';

CREATE OR REPLACE FUNCTION pggit.record_manual_resolution(conflict_id uuid, definition jsonb, ddl text, reason text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The bookkeeping of pggit.resolve_conflict_manually. It runs no text: ddl is only kept.
DECLARE
    x pggit.merge_conflict;
    m pggit.merge;
    merged jsonb := definition;
    h text;
BEGIN
    PERFORM pggit.require_text(ddl, 'the manual DDL');
    x := pggit.open_merge_conflict(record_manual_resolution.conflict_id);
    SELECT * INTO m FROM pggit.merge y WHERE y.id = x.merge_id;
    PERFORM pggit.merge_status_check(m);
    IF x.conflict_type = 'BOTH_MODIFIED' AND definition IS NOT NULL THEN
        -- the DDL's changes to the target's definition, over the three-way merge of the two sides
        -- (the parts both changed as the target has them): the source's disjoint changes stay merged
        merged := pggit.merge_definitions((SELECT b.definition FROM pggit.blob b WHERE b.hash = x.target_hash), definition,
                                          pggit.merge_definitions((SELECT b.definition FROM pggit.blob b WHERE b.hash = x.base_hash),
                                                                  (SELECT b.definition FROM pggit.blob b WHERE b.hash = x.source_hash),
                                                                  (SELECT b.definition FROM pggit.blob b WHERE b.hash = x.target_hash), true));
    END IF;
    h := pggit.put_blob(merged);
    UPDATE pggit.merge_conflict c
       SET resolution = 'manual_ddl', manual_ddl = record_manual_resolution.ddl, manual_hash = h, reason = record_manual_resolution.reason,
           resolved_by = session_user, resolved_at = clock_timestamp()
     WHERE c.id = x.id;
    RETURN format('%s: %s takes the definition the manual DDL gives%s', x.object_key, x.conflict_type,
                  CASE WHEN h IS NULL THEN ' (none: the merge drops it)'
                       WHEN h = x.source_hash THEN ' (the source''s)' WHEN h = x.target_hash THEN ' (the target''s)' ELSE '' END);
END
$$;
COMMENT ON FUNCTION pggit.record_manual_resolution(uuid, jsonb, text, text) IS
    'Plumbing of pggit.resolve_conflict_manually: records merge conflict conflict_id as resolved with manual_ddl: ddl as given, reason, who and when, and the definition the merged tree takes (pggit.merge_conflict.manual_hash): for BOTH_MODIFIED the changes definition makes to the target''s definition merged over the two sides'' three-way merge (pggit.merge_definitions: the source''s disjoint changes stay), else definition itself; null definition: the merge drops the object. Runs no DDL and trusts definition (a writer may write the merged tree anyway); call pggit.resolve_conflict_manually, which computes it. Errors: invalid_parameter_value (no ddl), undefined_object, object_not_in_prerequisite_state (resolved already, the merge no longer has conflicts open, its target moved).';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict_manually(conflict_id uuid, ddl text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql AS $$
-- SECURITY INVOKER and no SET search_path: ddl runs as the caller, with the caller's search_path
-- (every name below is qualified). The trial runs in a subtransaction that is always rolled back:
-- the DDL, its event triggers' journal rows and whatever else it did are undone; only the
-- definition read meanwhile survives, in a variable.
DECLARE
    x pggit.merge_conflict;
    m pggit.merge;
    head_branch text;
    live jsonb;
    addr pggit.object_map;
    result jsonb;
    renamed_to text;
    others text;
    last_journal bigint;
    tried boolean := false;
    e_state text;
    e_msg text;
    e_detail text;
    e_hint text;
BEGIN
    PERFORM pggit.require_text(ddl, 'the manual DDL');
    x := pggit.open_merge_conflict(resolve_conflict_manually.conflict_id);
    SELECT * INTO m FROM pggit.merge y WHERE y.id = x.merge_id;
    head_branch := (SELECT h.branch FROM pggit.head h);
    IF head_branch IS DISTINCT FROM m.target_branch THEN
        RAISE EXCEPTION 'pggit: the manual DDL of merge conflict % runs on the target''s version of %, and its target % is not checked out (% is)',
              x.id, x.object_key, m.target_branch, head_branch
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Check out %s first (Pggit.checkout, mvn pggit:checkout), or take a side: pggit.resolve_conflict(%L, ''source'' | ''target'' | ''base'', reason).',
                                m.target_branch, x.id);
    END IF;
    IF (SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch) IS DISTINCT FROM m.target_commit THEN
        RAISE EXCEPTION 'pggit: branch % moved since merge % began', m.target_branch, m.id USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = format('Abort it (pggit.abort_merge(%s)) and merge again.', m.id);
    END IF;
    live := pggit.live_definition(x.object_key);
    IF pggit.sha256_hex(live::text) IS DISTINCT FROM x.target_hash THEN
        RAISE EXCEPTION 'pggit: the live % is not the target''s version (%): the manual DDL would not start from it', x.object_key,
              CASE WHEN live IS NULL THEN 'it is missing' WHEN x.target_hash IS NULL THEN 'the target does not have it' ELSE 'it differs' END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Commit the uncommitted change or resolve the drift first (SELECT * FROM pggit.status(), pggit.drift()).';
    END IF;
    SELECT * INTO addr FROM pggit.object_map o WHERE o.object_key = x.object_key;
    last_journal := coalesce((SELECT max(j.id) FROM pggit.journal j), 0);
    BEGIN
        EXECUTE ddl;
        result := pggit.live_definition(x.object_key);
        IF result IS NULL AND addr.objid IS NOT NULL THEN
            -- gone under its key and still there under another: renamed
            renamed_to := (SELECT e.object_key FROM pggit.read_catalog(ARRAY[addr.classid], ARRAY[addr.objid]) e LIMIT 1);
        END IF;
        others := (SELECT string_agg(DISTINCT j.object_type || ' ' || j.object_identity, ', ')
                     FROM pggit.journal j
                    WHERE j.id > last_journal AND j.pid = pg_backend_pid() AND j.xact = pg_current_xact_id()
                      AND j.object_identity IS DISTINCT FROM pggit.key_identity(x.object_key)
                      AND NOT (x.kind IN ('table', 'view', 'materialized_view', 'foreign_table') AND j.object_type LIKE '% column'
                               AND starts_with(j.object_identity, pggit.key_identity(x.object_key) || '.')));
        tried := true;
        RAISE EXCEPTION 'pggit: the trial of the manual DDL is rolled back';
    EXCEPTION WHEN OTHERS THEN
        IF NOT tried THEN
            GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_msg = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL, e_hint = PG_EXCEPTION_HINT;
            RAISE EXCEPTION 'pggit: the manual DDL for % failed: %', x.object_key, e_msg
                USING ERRCODE = e_state, DETAIL = coalesce(e_detail, ''), HINT = coalesce(e_hint, 'Nothing was recorded; the DDL''s changes were rolled back.');
        END IF;
    END;
    IF renamed_to IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: the manual DDL renames % to %: a resolution keeps the object''s key', x.object_key, renamed_to
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Resolve the conflict without the rename; rename it after the merge, in a migration.';
    END IF;
    RETURN pggit.record_manual_resolution(x.id, result, ddl, reason)
           || CASE WHEN others IS NOT NULL THEN format('; the DDL also changed %s, which the merge does not take from it', others) ELSE '' END;
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict_manually(uuid, text, text) IS
    'Resolves merge conflict conflict_id with manual DDL (seed 003''s manual_ddl): ddl (one or more statements) is run on the target''s version of the object, the checked-out target''s live catalog, in a subtransaction that is then rolled back (the DDL, its journal rows and anything else it changed are undone); the object''s definition it gave (pggit.live_definition) is recorded by pggit.record_manual_resolution with ddl and reason, and the merged tree takes it (for BOTH_MODIFIED, the DDL''s changes over the three-way merge of both sides: the source''s disjoint changes stay; a DDL that drops the object: the merge drops it). Changes the DDL makes to other objects are not taken (the result names them). SECURITY INVOKER: the DDL runs as the caller, with the caller''s rights and search_path. Returns what the merged tree will take. Errors: invalid_parameter_value (no ddl), undefined_object (no such merge conflict), object_not_in_prerequisite_state (resolved already, the merge no longer has conflicts open, its target is not checked out or moved, the live object is not the target''s version), feature_not_supported (the DDL renames the object), and the DDL''s own error with its SQLSTATE (nothing recorded).';
