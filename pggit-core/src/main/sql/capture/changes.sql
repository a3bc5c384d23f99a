-- Computing changes: objects re-read against the index (added, modified, deleted, renamed).

CREATE OR REPLACE FUNCTION pggit.renamed_columns(before jsonb, after jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT jsonb_object_agg(b.value, a.value) FROM jsonb_each_text(before) b JOIN jsonb_each_text(after) a ON a.key = b.key
             WHERE a.value <> b.value);
COMMENT ON FUNCTION pggit.renamed_columns(jsonb, jsonb) IS 'Columns of one relation renamed between two {attnum: name} maps (same attnum, other name): {"old": "new"}, or null.';

CREATE OR REPLACE FUNCTION pggit.compute_changes(full_scan boolean, journal_ids bigint[], rules_source text DEFAULT NULL)
    RETURNS TABLE (change text, object_key text, old_key text, kind text, schema_name text, parent_key text,
                   classid oid, objid oid, old_hash text, new_hash text, definition jsonb, directive text,
                   columns jsonb, renamed_columns jsonb, tracked boolean)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan SET work_mem = '128kB' AS $$
#variable_conflict use_column
-- The differences between the index (object_map, the tree at HEAD) and the live catalog:
--   full_scan = false: only within the objects the journal rows journal_ids imply;
--   full_scan = true:  the whole catalog (drift scan, baseline).
-- tracked: under the rules in force for rules_source (a build's run; null: outside a run, pggit.rules_in_force).
-- Renames are recognised by an unchanged (classid, objid) under a new key.
-- plpgsql, not sql: its plan is cached per session, where a sql function is planned on every call.
-- That generic plan is for a capture: a few addresses, each probed in the index (LATERAL ... OFFSET
-- 0 keeps the probes, where the planner would hash the whole index for its estimate), with a small
-- work_mem so its hash tables, allocated at their estimated size, stay small. A full scan compares
-- the whole catalog with the whole index: it is planned for its call, with the memory to hash both
-- (both settings return to the function's own at its end).
BEGIN
IF full_scan THEN
    PERFORM set_config('plan_cache_mode', 'force_custom_plan', true), set_config('work_mem', '32MB', true);
END IF;
RETURN QUERY
WITH w AS (
    SELECT DISTINCT a.classid, a.objid FROM pggit.affected_objects(journal_ids, rules_source) a WHERE NOT full_scan
),
l AS (
    SELECT * FROM pggit.read_catalog(
        CASE WHEN full_scan THEN NULL ELSE coalesce((SELECT array_agg(w.classid ORDER BY w.classid, w.objid) FROM w), '{}') END,
        CASE WHEN full_scan THEN NULL ELSE coalesce((SELECT array_agg(w.objid ORDER BY w.classid, w.objid) FROM w), '{}') END)
),
s AS (   -- the index entries in scope: the addresses read, and the children of what was read
    SELECT m.* FROM pggit.object_map m WHERE full_scan
    UNION
    SELECT m.* FROM w, LATERAL (SELECT m.* FROM pggit.object_map m WHERE m.classid = w.classid AND m.objid = w.objid OFFSET 0) m
    UNION
    SELECT c.* FROM w, LATERAL (SELECT c.* FROM pggit.object_map p JOIN pggit.object_map c ON c.parent_key = p.object_key
                                 WHERE p.classid = w.classid AND p.objid = w.objid OFFSET 0) c
    UNION
    SELECT c.* FROM l, LATERAL (SELECT c.* FROM pggit.object_map c WHERE c.parent_key = l.object_key OFFSET 0) c WHERE NOT full_scan
)
SELECT x.*, pggit.is_tracked(x.change, x.object_key, x.kind, x.schema_name, x.directive, rules_source)
  FROM (
-- same key: modified when the definition (or the live address) differs
SELECT 'M' AS change, l.object_key, NULL::text AS old_key, l.kind, l.schema_name, l.parent_key, l.classid, l.objid,
       s.hash AS old_hash, l.hash AS new_hash, l.definition, l.directive, l.columns,
       CASE WHEN s.classid = l.classid AND s.objid = l.objid THEN pggit.renamed_columns(s.columns, l.columns) END
  FROM l JOIN s ON s.object_key = l.object_key
 WHERE s.hash <> l.hash OR s.classid <> l.classid OR s.objid <> l.objid OR s.parent_key IS DISTINCT FROM l.parent_key
UNION ALL
-- a known address under a new key, the old key gone: renamed
SELECT 'R', l.object_key, s.object_key, l.kind, l.schema_name, l.parent_key, l.classid, l.objid, s.hash, l.hash, l.definition, l.directive,
       l.columns, pggit.renamed_columns(s.columns, l.columns)
  FROM l JOIN s ON s.classid = l.classid AND s.objid = l.objid
 WHERE s.object_key <> l.object_key
   AND NOT EXISTS (SELECT 1 FROM s s2 WHERE s2.object_key = l.object_key)
   AND NOT EXISTS (SELECT 1 FROM l l2 WHERE l2.object_key = s.object_key)
UNION ALL
-- a new key that is not a rename: added
SELECT 'A', l.object_key, NULL, l.kind, l.schema_name, l.parent_key, l.classid, l.objid, NULL, l.hash, l.definition, l.directive,
       l.columns, NULL
  FROM l
 WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.object_key = l.object_key)
   AND NOT EXISTS (SELECT 1 FROM s WHERE s.classid = l.classid AND s.objid = l.objid
                      AND NOT EXISTS (SELECT 1 FROM l l2 WHERE l2.object_key = s.object_key))
UNION ALL
-- a key in scope that the catalog no longer has and that was not renamed: deleted
SELECT 'D', s.object_key, NULL, s.kind, s.schema_name, s.parent_key, s.classid, s.objid, s.hash, NULL, NULL, NULL, NULL, NULL
  FROM s
 WHERE NOT EXISTS (SELECT 1 FROM l WHERE l.object_key = s.object_key)
   AND NOT EXISTS (SELECT 1 FROM l WHERE l.classid = s.classid AND l.objid = s.objid
                      AND NOT EXISTS (SELECT 1 FROM s s2 WHERE s2.object_key = l.object_key))
) x;
END
$$;
COMMENT ON FUNCTION pggit.compute_changes(boolean, bigint[], text) IS
    'Plumbing: differences between the index (tree at HEAD) and the live catalog, as A/M/D/R rows with the new definitions; journal-scoped, or the whole catalog when full_scan; tracked under the rules in force for rules_source (a build''s run; null: outside a run, pggit.rules_in_force).';
