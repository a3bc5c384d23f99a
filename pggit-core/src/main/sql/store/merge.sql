-- Three-way merge of schema history (issue 15): the dry run that classifies every object two
-- branches changed since their merge base, and finds which parts of a definition both changed.

CREATE OR REPLACE FUNCTION pggit.conflicting_parts(base jsonb, source jsonb, target jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
    SELECT coalesce(array_agg(p.part ORDER BY p.part), '{}')
      FROM (-- a definition's own properties (owner, comment, options, a routine's body, a view's query, ...)
            SELECT k.k AS part
              FROM (SELECT jsonb_object_keys(coalesce(base, '{}')) UNION SELECT jsonb_object_keys(coalesce(source, '{}'))
                    UNION SELECT jsonb_object_keys(coalesce(target, '{}'))) k(k)
             WHERE k.k <> 'columns'
               AND source -> k.k IS DISTINCT FROM base -> k.k AND target -> k.k IS DISTINCT FROM base -> k.k
               AND source -> k.k IS DISTINCT FROM target -> k.k
            UNION ALL
            -- a relation's columns, each by name: one side adding a column and the other changing another is clean
            SELECT 'column ' || n.n
              FROM (SELECT c ->> 'name' FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) c
                    UNION SELECT c ->> 'name' FROM jsonb_array_elements(coalesce(source -> 'columns', '[]')) c
                    UNION SELECT c ->> 'name' FROM jsonb_array_elements(coalesce(target -> 'columns', '[]')) c) n(n)
              CROSS JOIN LATERAL (SELECT (SELECT c FROM jsonb_array_elements(base -> 'columns') c WHERE c ->> 'name' = n.n) AS bc,
                                         (SELECT c FROM jsonb_array_elements(source -> 'columns') c WHERE c ->> 'name' = n.n) AS sc,
                                         (SELECT c FROM jsonb_array_elements(target -> 'columns') c WHERE c ->> 'name' = n.n) AS tc) x
             WHERE x.sc IS DISTINCT FROM x.bc AND x.tc IS DISTINCT FROM x.bc AND x.sc IS DISTINCT FROM x.tc) p);
COMMENT ON FUNCTION pggit.conflicting_parts(jsonb, jsonb, jsonb) IS
    'The parts of one object''s definition that both sides of a merge changed differently from base: each top-level property (e.g. query, body, owner, comment) that source and target both changed and not to the same value, and, for a relation, each column (''column <name>'', matched by name) that both changed differently, added differently or one changed while the other dropped. Empty when the two sides'' changes are disjoint (a three-way merge of the parts is clean).';

CREATE OR REPLACE FUNCTION pggit.detect_merge_conflicts(source_branch text, target_branch text)
    RETURNS TABLE (object_path text, kind text, conflict_type text, conflicting_parts text[],
                   base_definition jsonb, source_definition jsonb, target_definition jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- A dry run of merging source into target: every object that either side changed since their
-- merge base (pggit.find_merge_base; none for unrelated histories: an empty base), per object key,
-- with the definitions on each side. Writes nothing.
DECLARE
    s text := pggit.resolve(source_branch);
    t text := pggit.resolve(target_branch);
    b text := pggit.find_merge_base(s, t);
    bt text := (SELECT c.tree FROM pggit.commit c WHERE c.id = b);
    st text := (SELECT c.tree FROM pggit.commit c WHERE c.id = s);
    tt text := (SELECT c.tree FROM pggit.commit c WHERE c.id = t);
BEGIN
    RETURN QUERY
    WITH ds AS (SELECT * FROM pggit.diff_trees(bt, st)),
         dt AS (SELECT * FROM pggit.diff_trees(bt, tt)),
         k AS (SELECT coalesce(x.object_key, y.object_key) AS object_key, coalesce(x.kind, y.kind) AS kind,
                      coalesce(x.old_hash, y.old_hash) AS bh,
                      CASE WHEN x.object_key IS NULL THEN y.old_hash ELSE x.new_hash END AS sh,
                      CASE WHEN y.object_key IS NULL THEN x.old_hash ELSE y.new_hash END AS th,
                      x.object_key IS NOT NULL AS in_source, y.object_key IS NOT NULL AS in_target
                 FROM ds x FULL JOIN dt y ON y.object_key = x.object_key),
         d AS (SELECT k.*, bb.definition AS bd, sb.definition AS sd, tb.definition AS td
                 FROM k
                 LEFT JOIN pggit.blob bb ON bb.hash = k.bh
                 LEFT JOIN pggit.blob sb ON sb.hash = k.sh
                 LEFT JOIN pggit.blob tb ON tb.hash = k.th)
    SELECT d.object_key, d.kind,
           CASE WHEN NOT d.in_target THEN 'SOURCE_MODIFIED'
                WHEN NOT d.in_source THEN 'TARGET_MODIFIED'
                WHEN d.sh IS NOT DISTINCT FROM d.th THEN 'NO_CONFLICT'             -- the same change on both sides
                WHEN d.bh IS NULL THEN 'BOTH_ADDED'                               -- one key added differently on each side
                WHEN d.sh IS NULL THEN 'DELETED_SOURCE'                           -- source dropped what target changed
                WHEN d.th IS NULL THEN 'DELETED_TARGET'                           -- target dropped what source changed
                WHEN cardinality(p.parts) = 0 THEN 'NO_CONFLICT'                   -- disjoint parts
                ELSE 'BOTH_MODIFIED' END,
           coalesce(p.parts, '{}'::text[]),
           d.bd, d.sd, d.td
      FROM d
      -- the parts, for an object both sides modified differently (computed once per such object)
      LEFT JOIN LATERAL (SELECT pggit.conflicting_parts(d.bd, d.sd, d.td) AS parts) p
        ON d.in_source AND d.in_target AND d.sh IS DISTINCT FROM d.th AND d.bh IS NOT NULL AND d.sh IS NOT NULL AND d.th IS NOT NULL
     ORDER BY d.object_key;
END
$$;
COMMENT ON FUNCTION pggit.detect_merge_conflicts(text, text) IS
    'Dry run of merging source_branch into target_branch (branch names or revisions, as pggit.resolve takes them): one row per object key either side changed since their merge base (pggit.find_merge_base), with the definitions at the base, on the source and on the target (null where absent). conflict_type (seed 004''s types, plus BOTH_ADDED): SOURCE_MODIFIED or TARGET_MODIFIED (only one side changed it: it merges that way), NO_CONFLICT (both changed it the same way, or in disjoint parts: pggit.conflicting_parts is empty), BOTH_MODIFIED (both changed the same parts differently, listed in conflicting_parts), DELETED_SOURCE (source dropped what target changed), DELETED_TARGET (target dropped what source changed), BOTH_ADDED (each side added the key with another definition). Renames are matched by object key only so far. Reads only; undefined_object for a revision that names nothing.';
