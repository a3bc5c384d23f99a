-- Three-way merge of schema history (issue 15): per object key, the two sides' changes since their
-- merge base; where both changed one object, per part of its definition (pggit.conflicting_parts);
-- the merged definition of disjoint changes (pggit.merge_definitions); the merge itself, its
-- conflicts as rows, their resolution, completion and rollback.

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

CREATE OR REPLACE FUNCTION pggit.merge_definitions(base jsonb, source jsonb, target jsonb, prefer_target boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
    WITH k AS (SELECT jsonb_object_keys(coalesce(base, '{}')) AS k UNION SELECT jsonb_object_keys(coalesce(source, '{}'))
               UNION SELECT jsonb_object_keys(coalesce(target, '{}'))),
         -- each property: the side that changed it (both: the preferred one), else the target's
         p AS (SELECT k.k, CASE WHEN prefer_target AND target -> k.k IS DISTINCT FROM base -> k.k THEN target -> k.k
                                WHEN source -> k.k IS DISTINCT FROM base -> k.k THEN source -> k.k ELSE target -> k.k END AS v
                 FROM k WHERE k.k <> 'columns'),
         -- columns: the target's in its order, each as the side that changed it has it (gone where the
         -- source dropped it), then the columns only the source has (added; or, source preferred, kept
         -- and changed where the target dropped them), in its order
         c AS (SELECT x.c, x.ord
                 FROM (SELECT CASE WHEN prefer_target AND t.c IS DISTINCT FROM bc.c THEN t.c
                                   WHEN sc.c IS DISTINCT FROM bc.c THEN sc.c ELSE t.c END AS c, t.ord
                         FROM jsonb_array_elements(coalesce(target -> 'columns', '[]')) WITH ORDINALITY t(c, ord)
                         LEFT JOIN LATERAL (SELECT b.c FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) b(c)
                                             WHERE b.c ->> 'name' = t.c ->> 'name') bc ON true
                         LEFT JOIN LATERAL (SELECT s.c FROM jsonb_array_elements(coalesce(source -> 'columns', '[]')) s(c)
                                             WHERE s.c ->> 'name' = t.c ->> 'name') sc ON true
                       UNION ALL
                       SELECT s.c, 1000000000 + s.ord
                         FROM jsonb_array_elements(coalesce(source -> 'columns', '[]')) WITH ORDINALITY s(c, ord)
                         LEFT JOIN LATERAL (SELECT b.c FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) b(c)
                                             WHERE b.c ->> 'name' = s.c ->> 'name') bc ON true
                        WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(target -> 'columns', '[]')) t(c) WHERE t.c ->> 'name' = s.c ->> 'name')
                          AND (bc.c IS NULL OR (NOT prefer_target AND s.c IS DISTINCT FROM bc.c))) x
                WHERE x.c IS NOT NULL)
    SELECT CASE WHEN source IS NULL OR target IS NULL THEN NULL ELSE
           coalesce((SELECT jsonb_object_agg(p.k, p.v) FROM p WHERE p.v IS NOT NULL), '{}'::jsonb)
           || CASE WHEN target ? 'columns' OR source ? 'columns'
                   THEN jsonb_build_object('columns', coalesce((SELECT jsonb_agg(c.c ORDER BY c.ord) FROM c), '[]'::jsonb))
                   ELSE '{}'::jsonb END END);
COMMENT ON FUNCTION pggit.merge_definitions(jsonb, jsonb, jsonb, boolean) IS
    'The three-way merge of one object''s definition: each top-level property as the side that changed it from base has it (changed on both: the source''s, or the target''s with prefer_target), else as the target has it; a relation''s columns (matched by name) in the target''s order, each likewise (gone where the source dropped it and the target did not change it), then the columns only the source has (added; without prefer_target also those it changed and the target dropped), in its order (the order ALTER TABLE ADD COLUMN on the target gives). For disjoint changes (pggit.conflicting_parts empty) both preferences give one result; for a BOTH_MODIFIED conflict resolved for one side, only the conflicting parts take that side. Null when either side is absent.';

CREATE OR REPLACE FUNCTION pggit.renames_since(base_commit text, tip text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Renames are known from history, never guessed from names: each capture recorded a rename (an
-- object id under a new key: change R, old_key) and a relation's renamed columns (same attnum,
-- another name: detail.renamed_columns). Composed here commit by commit along tip's first parents
-- down to base_commit, each commit's renames taken against the state before it (a swap of two
-- names in one commit stays a swap). The rows come from the partial index change_renames_idx (all
-- renames of the store, few), each kept when its commit is on that line (pggit.first_parent_ancestor:
-- O(log n) lookups), so the cost follows the renames, not the length of the line.
DECLARE
    bd integer := (SELECT c.depth FROM pggit.commit c WHERE c.id = base_commit);
    td integer := (SELECT c.depth FROM pggit.commit c WHERE c.id = tip);
    m jsonb := '{}';      -- base key -> {"key": key now, "columns": {base column: column now}}
    back jsonb := '{}';   -- key now -> base key
    back0 jsonb;
    cur text := NULL;
    r record;
    bk text;
    e jsonb;
    cols jsonb;
    col record;
    bc text;
BEGIN
    IF bd IS NULL OR tip IS NULL OR pggit.first_parent_ancestor(tip, bd) IS DISTINCT FROM base_commit THEN
        RETURN '{}';
    END IF;
    FOR r IN SELECT x.commit_id AS id, x.change, x.object_key, x.old_key, x.detail -> 'renamed_columns' AS cols, c.depth
               FROM pggit.change x JOIN pggit.commit c ON c.id = x.commit_id
              WHERE (x.change = 'R' OR x.detail ? 'renamed_columns')
                AND c.depth > bd AND c.depth <= td AND pggit.first_parent_ancestor(tip, c.depth) = c.id
              ORDER BY c.depth, x.object_key LOOP
        IF r.id IS DISTINCT FROM cur THEN
            cur := r.id;
            back0 := back;   -- the names before this commit
        END IF;
        bk := coalesce(back0 ->> coalesce(r.old_key, r.object_key), coalesce(r.old_key, r.object_key));
        e := coalesce(m -> bk, jsonb_build_object('key', bk));
        IF r.change = 'R' THEN
            back := (back - coalesce(r.old_key, '')) || jsonb_build_object(r.object_key, bk);
            e := e || jsonb_build_object('key', r.object_key);
        END IF;
        IF r.cols IS NOT NULL THEN
            cols := coalesce(e -> 'columns', '{}');
            FOR col IN SELECT k.key AS old_name, k.value AS new_name FROM jsonb_each_text(r.cols) k LOOP
                bc := coalesce((SELECT c.key FROM jsonb_each_text(coalesce(e -> 'columns', '{}')) c WHERE c.value = col.old_name LIMIT 1), col.old_name);
                cols := cols || jsonb_build_object(bc, col.new_name);
            END LOOP;
            e := e || jsonb_build_object('columns', (SELECT coalesce(jsonb_object_agg(c.key, c.value), '{}') FROM jsonb_each(cols) c
                                                      WHERE c.value #>> '{}' <> c.key));
        END IF;
        m := m || jsonb_build_object(bk, e);
    END LOOP;
    -- only what still differs from the base: a name renamed back is no rename
    RETURN coalesce((SELECT jsonb_object_agg(x.key, x.value) FROM jsonb_each(m) x
                      WHERE x.value ->> 'key' <> x.key OR x.value -> 'columns' <> '{}'), '{}');
END
$$;
COMMENT ON FUNCTION pggit.renames_since(text, text) IS
    'The renames between commit base_commit and its descendant tip, from history: {base key: {"key": its key at tip, "columns": {base column name: its name at tip}}} for every object renamed (a capture''s change R: the same object id under a new key) or whose columns were renamed (change detail renamed_columns: same attnum, another name), composed commit by commit along tip''s first parents. Empty when base_commit is not on tip''s first-parent line (renames are then matched by key only) or nothing was renamed. An object renamed and later dropped stays listed (a merge pairs a rename only where the tip has the new key: pggit.three_way). Reads the store''s renames through the partial index change_renames_idx: its cost follows the number of renames, not the commits between.';

CREATE OR REPLACE FUNCTION pggit.renames_between(from_commit text, to_commit text) RETURNS jsonb
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- From one commit to another through their merge base: the renames since the base on the from side
-- undone, then those on the to side.
WITH b AS (SELECT pggit.find_merge_base(from_commit, to_commit) AS base),
     f AS (SELECT pggit.renames_since(b.base, from_commit) AS m FROM b),
     t AS (SELECT pggit.renames_since(b.base, to_commit) AS m FROM b),
     k AS (SELECT x.key AS bk, coalesce(f.m -> x.key ->> 'key', x.key) AS fk, coalesce(t.m -> x.key ->> 'key', x.key) AS tk,
                  coalesce(f.m -> x.key -> 'columns', '{}') AS fc, coalesce(t.m -> x.key -> 'columns', '{}') AS tc
             FROM f, t, LATERAL (SELECT jsonb_object_keys(f.m) UNION SELECT jsonb_object_keys(t.m)) x(key)),
     c AS (SELECT k.bk, k.fk, k.tk,
                  (SELECT coalesce(jsonb_object_agg(coalesce(k.fc ->> n.n, n.n), coalesce(k.tc ->> n.n, n.n)), '{}')
                     FROM (SELECT jsonb_object_keys(k.fc) UNION SELECT jsonb_object_keys(k.tc)) n(n)
                    WHERE coalesce(k.fc ->> n.n, n.n) <> coalesce(k.tc ->> n.n, n.n)) AS cols
             FROM k)
SELECT coalesce(jsonb_agg(jsonb_build_object('from', c.fk, 'to', c.tk, 'columns', c.cols) ORDER BY c.tk), '[]')
  FROM c WHERE c.fk <> c.tk OR c.cols <> '{}'
$$;
COMMENT ON FUNCTION pggit.renames_between(text, text) IS
    'The renames from commit from_commit to commit to_commit (full ids), as the planner takes them (pggit.merge.renames'' shape): [{"from": key at from_commit, "to": key at to_commit, "columns": {name at from_commit: name at to_commit}}], through their merge base: pggit.renames_since on the from side undone, then on the to side. A checkout renames these in place instead of dropping and creating them.';

CREATE OR REPLACE FUNCTION pggit.final_columns(source_columns jsonb, target_columns jsonb, prefer_target boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT jsonb_object_agg(k.k, CASE WHEN prefer_target THEN coalesce(target_columns -> k.k, source_columns -> k.k)
                                                ELSE coalesce(source_columns -> k.k, target_columns -> k.k) END)
              FROM (SELECT jsonb_object_keys(coalesce(source_columns, '{}')) UNION SELECT jsonb_object_keys(coalesce(target_columns, '{}'))) k(k));
COMMENT ON FUNCTION pggit.final_columns(jsonb, jsonb, boolean) IS
    'Plumbing of the merge: the merged name of each base column that either side renamed ({base name: merged name}), from the two sides'' column renames ({base name: name on that side}, pggit.renames_since): the renaming side''s name; renamed on both sides, the source''s (prefer_target: the target''s). Null when neither renamed a column.';

CREATE OR REPLACE FUNCTION pggit.align_columns(definition jsonb, side_columns jsonb, final_columns jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN final_columns IS NULL OR definition IS NULL OR NOT definition ? 'columns' THEN definition ELSE
           definition || jsonb_build_object('columns', (
               SELECT coalesce(jsonb_agg(CASE WHEN f.name IS NULL THEN c ELSE c || jsonb_build_object('name', f.name) END ORDER BY o), '[]')
                 FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY x(c, o)
                 -- the column's base name (this side renamed it, or kept it), then its merged name
                 CROSS JOIN LATERAL (SELECT coalesce((SELECT s.key FROM jsonb_each_text(coalesce(side_columns, '{}')) s WHERE s.value = c ->> 'name' LIMIT 1),
                                                     CASE WHEN NOT coalesce(side_columns ? (c ->> 'name'), false) THEN c ->> 'name' END) AS base_name) b
                 LEFT JOIN LATERAL (SELECT final_columns ->> b.base_name AS name) f ON true)) END;
COMMENT ON FUNCTION pggit.align_columns(jsonb, jsonb, jsonb) IS
    'Plumbing of the merge: a relation''s definition with its columns under their merged names, so that the three definitions of a merge match column by column: each column whose base name (side_columns: {base name: name on this side}, this side''s renames; ''{}'' for the base) is renamed in final_columns (pggit.final_columns) takes the merged name. Definitions without columns, or a null final_columns, come back as they are.';

CREATE OR REPLACE FUNCTION pggit.conflict_type(in_source boolean, in_target boolean, base_hash text, source_hash text, target_hash text,
                                               renamed_apart boolean, parts text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN NOT in_target THEN 'SOURCE_MODIFIED'
                WHEN NOT in_source THEN 'TARGET_MODIFIED'
                WHEN source_hash IS NOT DISTINCT FROM target_hash AND NOT renamed_apart THEN 'NO_CONFLICT'   -- the same change on both sides
                WHEN base_hash IS NULL THEN 'BOTH_ADDED'           -- one key added differently on each side
                WHEN source_hash IS NULL THEN 'DELETED_SOURCE'     -- source dropped what target changed
                WHEN target_hash IS NULL THEN 'DELETED_TARGET'     -- target dropped what source changed
                WHEN renamed_apart THEN 'BOTH_RENAMED'             -- renamed differently on each side
                WHEN coalesce(cardinality(parts), 0) = 0 THEN 'NO_CONFLICT'   -- disjoint parts
                ELSE 'BOTH_MODIFIED' END;
COMMENT ON FUNCTION pggit.conflict_type(boolean, boolean, text, text, text, boolean, text[]) IS
    'The one classification of the merge (pggit.three_way, pggit.three_way_overlay), for an object the source (in_source) or the target (in_target) changed from the base, with its blob hash on each side (null: absent), whether the sides renamed it to different keys, and the parts both changed (pggit.conflicting_parts): SOURCE_MODIFIED, TARGET_MODIFIED, NO_CONFLICT (the same change, or disjoint parts), BOTH_ADDED, DELETED_SOURCE, DELETED_TARGET, BOTH_RENAMED, BOTH_MODIFIED.';

CREATE OR REPLACE FUNCTION pggit.three_way(base_tree text, source_tree text, target_tree text,
                                           source_renames jsonb DEFAULT NULL, target_renames jsonb DEFAULT NULL)
    RETURNS TABLE (object_key text, kind text, schema_name text, conflict_type text, conflicting_parts text[],
                   base_hash text, source_hash text, target_hash text,
                   base_definition jsonb, source_definition jsonb, target_definition jsonb,
                   base_path text[], source_path text[], target_path text[], source_columns jsonb, target_columns jsonb)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Both sides' diffs from the base (pggit.diff_trees twice: cost follows the changes, not the trees),
-- each with its renames paired (a base key the side dropped, and the key history says it was
-- renamed to, which the side added: one object), joined by the base key.
WITH ds0 AS (SELECT * FROM pggit.diff_trees(base_tree, source_tree)),
     dt0 AS (SELECT * FROM pggit.diff_trees(base_tree, target_tree)),
     rs AS (SELECT r.key AS bk, a.object_key AS nk, a.schema_name AS nsch, a.new_hash AS nh
              FROM jsonb_each(coalesce(source_renames, '{}')) r
              JOIN ds0 d ON d.object_key = r.key AND d.change = 'D'
              JOIN ds0 a ON a.object_key = r.value ->> 'key' AND a.change = 'A'),
     rt AS (SELECT r.key AS bk, a.object_key AS nk, a.schema_name AS nsch, a.new_hash AS nh
              FROM jsonb_each(coalesce(target_renames, '{}')) r
              JOIN dt0 d ON d.object_key = r.key AND d.change = 'D'
              JOIN dt0 a ON a.object_key = r.value ->> 'key' AND a.change = 'A'),
     -- per base key (or, for an added object, its key): where the side has it now (k, sch) and its hash there (h)
     ds AS (SELECT d.object_key AS id, d.kind, d.schema_name AS bsch, d.old_hash AS bh,
                   CASE WHEN r.bk IS NOT NULL THEN r.nk WHEN d.new_hash IS NOT NULL THEN d.object_key END AS k,
                   coalesce(r.nsch, d.schema_name) AS sch, coalesce(r.nh, d.new_hash) AS h
              FROM ds0 d LEFT JOIN rs r ON r.bk = d.object_key
             WHERE NOT EXISTS (SELECT 1 FROM rs x WHERE x.nk = d.object_key)),
     dt AS (SELECT d.object_key AS id, d.kind, d.schema_name AS bsch, d.old_hash AS bh,
                   CASE WHEN r.bk IS NOT NULL THEN r.nk WHEN d.new_hash IS NOT NULL THEN d.object_key END AS k,
                   coalesce(r.nsch, d.schema_name) AS sch, coalesce(r.nh, d.new_hash) AS h
              FROM dt0 d LEFT JOIN rt r ON r.bk = d.object_key
             WHERE NOT EXISTS (SELECT 1 FROM rt x WHERE x.nk = d.object_key)),
     k AS (SELECT coalesce(x.id, y.id) AS id, coalesce(x.kind, y.kind) AS kind, coalesce(x.bsch, y.bsch) AS bsch,
                  coalesce(x.bh, y.bh) AS bh,
                  CASE WHEN x.id IS NULL THEN y.bh ELSE x.h END AS sh,
                  CASE WHEN y.id IS NULL THEN x.bh ELSE y.h END AS th,
                  CASE WHEN x.id IS NULL THEN CASE WHEN y.bh IS NOT NULL THEN y.id END ELSE x.k END AS sk,
                  CASE WHEN x.id IS NULL THEN y.bsch ELSE x.sch END AS ssch,
                  CASE WHEN y.id IS NULL THEN CASE WHEN x.bh IS NOT NULL THEN x.id END ELSE y.k END AS tk,
                  CASE WHEN y.id IS NULL THEN x.bsch ELSE y.sch END AS tsch,
                  x.id IS NOT NULL AS in_source, y.id IS NOT NULL AS in_target
             FROM ds x FULL JOIN dt y ON y.id = x.id),
     d AS (SELECT k.*,
                  -- the merged key: the renaming side's (both renamed alike: that one), else the base's
                  CASE WHEN k.sk IS NOT NULL AND k.sk <> k.id AND (k.tk IS NULL OR k.tk = k.id OR k.tk = k.sk) THEN k.sk
                       WHEN k.tk IS NOT NULL AND k.tk <> k.id AND (k.sk IS NULL OR k.sk = k.id) THEN k.tk
                       ELSE k.id END AS mk,
                  source_renames -> k.id -> 'columns' AS scols, target_renames -> k.id -> 'columns' AS tcols,
                  bb.definition AS bd, sb.definition AS sd, tb.definition AS td
             FROM k
             LEFT JOIN pggit.blob bb ON bb.hash = k.bh
             LEFT JOIN pggit.blob sb ON sb.hash = k.sh
             LEFT JOIN pggit.blob tb ON tb.hash = k.th)
SELECT d.mk, d.kind,
       CASE d.mk WHEN d.sk THEN d.ssch WHEN d.tk THEN d.tsch ELSE d.bsch END,
       pggit.conflict_type(d.in_source, d.in_target, d.bh, d.sh, d.th,
                           d.sk IS DISTINCT FROM d.tk AND d.sk <> d.id AND d.tk <> d.id, p.parts),
       coalesce(p.parts, '{}'::text[]),
       d.bh, d.sh, d.th, d.bd, d.sd, d.td,
       CASE WHEN d.bh IS NOT NULL THEN pggit.tree_path(d.bsch, d.kind, d.id) END,
       CASE WHEN d.sk IS NOT NULL THEN pggit.tree_path(d.ssch, d.kind, d.sk) END,
       CASE WHEN d.tk IS NOT NULL THEN pggit.tree_path(d.tsch, d.kind, d.tk) END,
       d.scols, d.tcols
  FROM d
  -- the parts, for an object both sides modified differently (computed once per such object), its
  -- columns matched under their merged names; a column renamed differently on each side conflicts
  LEFT JOIN LATERAL (SELECT pggit.conflicting_parts(pggit.align_columns(d.bd, '{}', f.f), pggit.align_columns(d.sd, d.scols, f.f),
                                                    pggit.align_columns(d.td, d.tcols, f.f))
                            || ARRAY(SELECT 'column ' || c.key || ' renamed' FROM jsonb_each_text(d.scols) c
                                      WHERE d.tcols ->> c.key <> c.value ORDER BY c.key) AS parts
                       FROM (SELECT pggit.final_columns(d.scols, d.tcols) AS f) f) p
    ON d.in_source AND d.in_target AND d.sh IS DISTINCT FROM d.th AND d.bh IS NOT NULL AND d.sh IS NOT NULL AND d.th IS NOT NULL
$$;
COMMENT ON FUNCTION pggit.three_way(text, text, text, jsonb, jsonb) IS
    'Plumbing of the merge: one row per object that the source or the target tree changed from the base tree (null: empty), with its merged key (renamed on one side: that side''s new key), kind and schema, the conflict type (see pggit.detect_merge_conflicts), the parts both changed, the blob hash and definition at the base, on the source and on the target (null where absent), the object''s tree path on each side (its key differs where that side renamed it) and each side''s column renames ({base name: name there}). source_renames and target_renames are pggit.renames_since from the base to each side: a base key a side dropped and the key history says it was renamed to, which that side added, are one object; without them objects match by key only.';

CREATE OR REPLACE FUNCTION pggit.detect_merge_conflicts(source_branch text, target_branch text)
    RETURNS TABLE (object_path text, kind text, conflict_type text, conflicting_parts text[],
                   base_definition jsonb, source_definition jsonb, target_definition jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- A dry run of merging source into target: every object that either side changed since the base
-- the merge would merge from (pggit.merge_base_tree's: the merge base's tree, a virtual merge base
-- after criss-cross merges, an empty base for unrelated histories), per object key, with the
-- definitions on each side. Writes nothing: a virtual base is read as pggit.virtual_merge_base
-- computes it, in memory, through pggit.three_way_overlay.
DECLARE
    s text := pggit.resolve(source_branch);
    t text := pggit.resolve(target_branch);
    bases text[] := ARRAY(SELECT pggit.merge_bases(s, t));
    v record := pggit.virtual_merge_base(bases);
    -- the best of them, as pggit.find_merge_base picks it: where renames are read from
    b text := (SELECT c.id FROM pggit.commit c WHERE c.id = ANY (bases) ORDER BY c.generation DESC, c.seq DESC LIMIT 1);
BEGIN
    IF v.objects = '{}' THEN
        -- one best common ancestor (or none): the merge's own three-way, renames from history included
        RETURN QUERY
        SELECT w.object_key, w.kind, w.conflict_type, w.conflicting_parts, w.base_definition, w.source_definition, w.target_definition
          FROM pggit.three_way(v.tree, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), (SELECT c.tree FROM pggit.commit c WHERE c.id = t),
                               pggit.renames_since(b, s), pggit.renames_since(b, t)) w
         ORDER BY w.object_key;
    ELSE
        -- a virtual base is read in memory; renames are matched by key there (see pggit.three_way_overlay)
        RETURN QUERY
        SELECT w.object_key, w.kind, w.conflict_type, w.conflicting_parts, w.base_definition, w.source_definition, w.target_definition
          FROM pggit.three_way_overlay(v.tree, v.objects, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), '{}',
                                       (SELECT c.tree FROM pggit.commit c WHERE c.id = t), '{}') w
         ORDER BY w.object_key;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.detect_merge_conflicts(text, text) IS
    'Dry run of merging source_branch into target_branch (branch names or revisions, as pggit.resolve takes them): one row per object key either side changed since the base the merge would merge from (pggit.merge_base_tree: their merge base''s tree; after criss-cross merges, several best common ancestors, the virtual merge base of git''s recursive strategy, pggit.virtual_merge_base, read in memory; for unrelated histories an empty base), with the definitions at the base, on the source and on the target (null where absent). conflict_type (seed 004''s types, plus BOTH_ADDED): SOURCE_MODIFIED or TARGET_MODIFIED (only one side changed it: it merges that way), NO_CONFLICT (both changed it the same way, or in disjoint parts: pggit.conflicting_parts is empty), BOTH_MODIFIED (both changed the same parts differently, listed in conflicting_parts), DELETED_SOURCE (source dropped what target changed), DELETED_TARGET (target dropped what source changed), BOTH_ADDED (each side added the key with another definition), BOTH_RENAMED (each side renamed the object to another key; object_path is then the base''s key). Renames are known from history (pggit.renames_since on each side: what a capture recorded as a rename, columns included): an object renamed on one side and changed on the other is one object, under the new key, its columns matched under their new names; a column renamed differently on each side is a conflicting part (''column <base name> renamed''). After criss-cross merges (a virtual base, read in memory) renames are matched by key only. Reads only; undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.merged_tree(merge_id bigint) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The target's tree with what the merge takes from elsewhere: the source's side of each object only
-- the source changed, the merged definition of disjoint changes (pggit.merge_definitions), and each
-- conflict as resolved. Writes the merged definitions' blobs and the new tree nodes.
DECLARE
    m pggit.merge;
    edits pggit.tree_edit[];
BEGIN
    SELECT * INTO m FROM pggit.merge x WHERE x.id = merged_tree.merge_id;
    WITH w AS (SELECT * FROM pggit.three_way(m.base_tree,
                                             (SELECT c.tree FROM pggit.commit c WHERE c.id = m.source_commit),
                                             (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit),
                                             m.source_renames, m.target_renames)),
         -- where each object goes (its path in the merged tree; null: not there) and its blob
         e AS (SELECT w.target_path,
                      w.target_hash,
                      CASE WHEN x.resolution IN ('source', 'target') AND w.conflict_type = 'BOTH_MODIFIED' AND x.conflict_type = 'BOTH_MODIFIED'
                                THEN pggit.tree_path(w.schema_name, w.kind, w.object_key)
                           WHEN x.resolution = 'source' THEN w.source_path
                           WHEN x.resolution = 'base' THEN w.base_path
                           WHEN x.id IS NOT NULL THEN w.target_path        -- resolved for the target, or still open
                           WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_path
                           WHEN w.conflict_type = 'NO_CONFLICT' AND (w.source_hash IS DISTINCT FROM w.target_hash OR w.source_path IS DISTINCT FROM w.target_path)
                                THEN pggit.tree_path(w.schema_name, w.kind, w.object_key)
                           ELSE w.target_path END AS path,
                      CASE WHEN x.resolution IN ('source', 'target') AND w.conflict_type = 'BOTH_MODIFIED' AND x.conflict_type = 'BOTH_MODIFIED'
                                -- only the parts both changed take the chosen side; the rest merges as disjoint changes do
                                THEN pggit.put_blob(pggit.merge_definitions(
                                         pggit.align_columns(w.base_definition, '{}', f.pref),
                                         pggit.align_columns(w.source_definition, w.source_columns, f.pref),
                                         pggit.align_columns(w.target_definition, w.target_columns, f.pref), x.resolution = 'target'))
                           WHEN x.resolution = 'manual_ddl' THEN x.manual_hash  -- the definition the manual DDL gave (null: dropped)
                           WHEN x.resolution = 'source' THEN w.source_hash
                           WHEN x.resolution = 'base' THEN w.base_hash
                           WHEN x.id IS NOT NULL THEN w.target_hash
                           WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_hash
                           WHEN w.conflict_type = 'NO_CONFLICT' AND w.source_hash IS DISTINCT FROM w.target_hash
                                THEN pggit.put_blob(pggit.merge_definitions(
                                         pggit.align_columns(w.base_definition, '{}', f.src),
                                         pggit.align_columns(w.source_definition, w.source_columns, f.src),
                                         pggit.align_columns(w.target_definition, w.target_columns, f.src)))
                           ELSE w.target_hash END AS hash,
                      -- {base column: merged name} where a side renamed columns
                      CASE WHEN x.resolution IN ('source', 'target') AND w.conflict_type = 'BOTH_MODIFIED' AND x.conflict_type = 'BOTH_MODIFIED' THEN f.pref
                           WHEN x.resolution = 'source' OR (x.id IS NULL AND w.conflict_type = 'SOURCE_MODIFIED') THEN w.source_columns
                           WHEN x.resolution = 'base' THEN NULL
                           WHEN x.id IS NOT NULL THEN w.target_columns
                           WHEN w.conflict_type = 'NO_CONFLICT' AND w.source_hash IS DISTINCT FROM w.target_hash THEN f.src
                           ELSE w.target_columns END AS mcols,
                      w.target_columns AS tcols
                 FROM w LEFT JOIN pggit.merge_conflict x ON x.merge_id = m.id AND x.object_key = w.object_key
                 CROSS JOIN LATERAL (SELECT pggit.final_columns(w.source_columns, w.target_columns) AS src,
                                            pggit.final_columns(w.source_columns, w.target_columns, x.resolution = 'target') AS pref) f),
         -- what the plan from the target's tree must rename rather than drop and create (pggit.merge.renames)
         u AS (UPDATE pggit.merge x
                  SET renames = (SELECT coalesce(jsonb_agg(jsonb_build_object('from', e.target_path[3], 'to', e.path[3], 'columns', c.cols)
                                                           ORDER BY e.path[3]), '[]')
                                   FROM e CROSS JOIN LATERAL (
                                        SELECT coalesce(jsonb_object_agg(coalesce(e.tcols ->> k.k, k.k), coalesce(e.mcols ->> k.k, k.k)), '{}') AS cols
                                          FROM (SELECT jsonb_object_keys(coalesce(e.tcols, '{}')) UNION SELECT jsonb_object_keys(coalesce(e.mcols, '{}'))) k(k)
                                         WHERE coalesce(e.tcols ->> k.k, k.k) <> coalesce(e.mcols ->> k.k, k.k)) c
                                  WHERE e.target_path IS NOT NULL AND e.path IS NOT NULL AND e.hash IS NOT NULL
                                    AND (e.path IS DISTINCT FROM e.target_path OR c.cols <> '{}'))
                WHERE x.id = m.id)
    SELECT array_agg(q.ed ORDER BY (q.ed).hash IS NOT NULL)   -- removals first: a rename's new path may be another's old one
      INTO edits
      FROM (SELECT ROW(e.target_path, NULL)::pggit.tree_edit AS ed FROM e
             WHERE e.target_path IS NOT NULL AND (e.path IS DISTINCT FROM e.target_path OR e.hash IS NULL)
            UNION ALL
            SELECT ROW(e.path, e.hash)::pggit.tree_edit FROM e
             WHERE e.path IS NOT NULL AND e.hash IS NOT NULL
               AND (e.path IS DISTINCT FROM e.target_path OR e.hash IS DISTINCT FROM e.target_hash)) q(ed);
    RETURN pggit.write_tree((SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit), edits);
END
$$;
COMMENT ON FUNCTION pggit.merged_tree(bigint) IS
    'Plumbing of the merge: writes and returns the merged tree of merge merge_id, and records in pggit.merge.renames what the plan from the target''s tree renames (objects: from the target''s key to the merged key; columns: {target''s name: merged name}) rather than dropping and creating. The target''s tree, with each object under its merged key (renamed on one side: that side''s new key; pggit.three_way), with each object only the source changed as the source has it, each object both changed in disjoint parts as pggit.merge_definitions merges it, and each conflict as resolved: a BOTH_MODIFIED one resolved for the source or the target takes that side''s value of the parts both changed and merges the rest (pggit.merge_definitions with prefer_target); one resolved with manual_ddl its manual_hash (absent when null); any other takes the chosen side''s whole definition (base: the base''s); an open one the target''s. Merges from the merge''s base_tree (its base commit''s tree, or a virtual merge base). Raises nothing itself; callers check that no conflict is open.';

CREATE OR REPLACE FUNCTION pggit.put_blob(definition jsonb) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h text := pggit.sha256_hex(definition::text);
BEGIN
    IF definition IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO pggit.blob (hash, definition) VALUES (h, definition) ON CONFLICT (hash) DO NOTHING;
    RETURN h;
END
$$;
COMMENT ON FUNCTION pggit.put_blob(jsonb) IS 'Plumbing: stores one definition under the hex SHA-256 of its JSON text (as a capture does) and returns that hash; null for null.';

CREATE OR REPLACE FUNCTION pggit.three_way_overlay(base_tree text, base_overlay jsonb, source_tree text, source_overlay jsonb,
                                                  target_tree text, target_overlay jsonb)
    RETURNS TABLE (object_key text, kind text, schema_name text, conflict_type text, conflicting_parts text[],
                   base_hash text, source_hash text, target_hash text,
                   base_definition jsonb, source_definition jsonb, target_definition jsonb)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- pggit.three_way over trees that are a stored tree plus an overlay of objects not stored (a virtual
-- merge base, pggit.virtual_merge_base): the overlay's keys and the stored trees' diffs from the
-- base's stored tree are the candidates (cost follows those, as three_way's does); an object in
-- neither diff is the same in the three stored trees. The classification is three_way's.
WITH ds AS (SELECT * FROM pggit.diff_trees(base_tree, source_tree)),
     dt AS (SELECT * FROM pggit.diff_trees(base_tree, target_tree)),
     ov AS (SELECT e.key AS object_key, e.value ->> 'kind' AS kind, e.value ->> 'schema' AS schema_name
              FROM jsonb_each(coalesce(base_overlay, '{}') || coalesce(source_overlay, '{}') || coalesce(target_overlay, '{}')) e),
     u AS (SELECT ds.object_key FROM ds UNION SELECT dt.object_key FROM dt UNION SELECT ov.object_key FROM ov),
     r AS (SELECT u.object_key, coalesce(x.kind, y.kind, v.kind) AS kind, coalesce(x.schema_name, y.schema_name, v.schema_name) AS schema_name,
                  x.object_key IS NOT NULL AS in_x, y.object_key IS NOT NULL AS in_y, x.new_hash AS xn, y.new_hash AS yn,
                  CASE WHEN x.object_key IS NOT NULL OR y.object_key IS NOT NULL THEN coalesce(x.old_hash, y.old_hash)
                       ELSE pggit.tree_lookup(base_tree, pggit.tree_path(v.schema_name, v.kind, v.object_key)) END AS rb
             FROM u LEFT JOIN ds x ON x.object_key = u.object_key LEFT JOIN dt y ON y.object_key = u.object_key
             LEFT JOIN ov v ON v.object_key = u.object_key),
     -- each side's hash and definition: the overlay's where it has the key, else the stored tree's
     h AS (SELECT r.object_key, r.kind, r.schema_name,
                  CASE WHEN base_overlay ? r.object_key THEN base_overlay -> r.object_key ->> 'hash' ELSE r.rb END AS bh,
                  CASE WHEN source_overlay ? r.object_key THEN source_overlay -> r.object_key ->> 'hash'
                       WHEN r.in_x THEN r.xn ELSE r.rb END AS sh,
                  CASE WHEN target_overlay ? r.object_key THEN target_overlay -> r.object_key ->> 'hash'
                       WHEN r.in_y THEN r.yn ELSE r.rb END AS th,
                  nullif(base_overlay -> r.object_key -> 'definition', 'null') AS bo,
                  nullif(source_overlay -> r.object_key -> 'definition', 'null') AS so,
                  nullif(target_overlay -> r.object_key -> 'definition', 'null') AS tov
             FROM r),
     d AS (SELECT h.object_key, h.kind, h.schema_name, h.bh, h.sh, h.th,
                  h.sh IS DISTINCT FROM h.bh AS in_source, h.th IS DISTINCT FROM h.bh AS in_target,
                  coalesce(h.bo, bb.definition) AS bd, coalesce(h.so, sb.definition) AS sd, coalesce(h.tov, tb.definition) AS td
             FROM h
             LEFT JOIN pggit.blob bb ON bb.hash = h.bh AND h.bo IS NULL
             LEFT JOIN pggit.blob sb ON sb.hash = h.sh AND h.so IS NULL
             LEFT JOIN pggit.blob tb ON tb.hash = h.th AND h.tov IS NULL
            WHERE h.sh IS DISTINCT FROM h.bh OR h.th IS DISTINCT FROM h.bh)
SELECT d.object_key, d.kind, d.schema_name,
       pggit.conflict_type(d.in_source, d.in_target, d.bh, d.sh, d.th, false, p.parts),
       coalesce(p.parts, '{}'::text[]),
       d.bh, d.sh, d.th, d.bd, d.sd, d.td
  FROM d
  LEFT JOIN LATERAL (SELECT pggit.conflicting_parts(d.bd, d.sd, d.td) AS parts) p
    ON d.in_source AND d.in_target AND d.sh IS DISTINCT FROM d.th AND d.bh IS NOT NULL AND d.sh IS NOT NULL AND d.th IS NOT NULL
$$;
COMMENT ON FUNCTION pggit.three_way_overlay(text, jsonb, text, jsonb, text, jsonb) IS
    'Plumbing of the merge: pggit.three_way''s rows (the same columns and conflict types) for a base, source and target that are each a stored tree (null: empty) plus an overlay (null or {}: none): a jsonb object of object key -> {kind, schema, hash, definition} standing for objects that are not stored (hash: the hex SHA-256 of the definition''s JSON text, as pggit.put_blob stores it; hash and definition null: absent). pggit.virtual_merge_base gives such a base; the dry run of a criss-cross merge (pggit.detect_merge_conflicts) reads it through this without writing it. Renames are matched by object key only.';

CREATE OR REPLACE FUNCTION pggit.with_base_parts(merged jsonb, base jsonb, parts text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
    -- parts as pggit.conflicting_parts names them: top-level properties, and 'column <name>'
    WITH props AS (SELECT p.p FROM unnest(parts) p(p) WHERE NOT starts_with(p.p, 'column ')),
         cols AS (SELECT substr(p.p, 8) AS name FROM unnest(parts) p(p) WHERE starts_with(p.p, 'column ')),
         o AS (SELECT (merged - ARRAY(SELECT props.p FROM props))
                      || coalesce((SELECT jsonb_object_agg(props.p, base -> props.p) FROM props WHERE base ? props.p), '{}') AS d)
    SELECT CASE WHEN merged IS NULL THEN NULL
                WHEN NOT EXISTS (SELECT 1 FROM cols) THEN o.d
                ELSE o.d || jsonb_build_object('columns', coalesce((
                     SELECT jsonb_agg(x.c ORDER BY x.ord)
                       FROM (-- merged's columns in its order, a conflicting one as base has it (gone where base lacks it)
                             SELECT CASE WHEN mc.c ->> 'name' IN (SELECT cols.name FROM cols) THEN bc.c ELSE mc.c END AS c, mc.ord
                               FROM jsonb_array_elements(coalesce(o.d -> 'columns', '[]')) WITH ORDINALITY mc(c, ord)
                               LEFT JOIN LATERAL (SELECT b.c FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) b(c)
                                                   WHERE b.c ->> 'name' = mc.c ->> 'name') bc ON true
                             UNION ALL
                             -- then base's conflicting columns merged lacks (one side dropped what the other changed)
                             SELECT b.c, 1000000000 + b.ord
                               FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) WITH ORDINALITY b(c, ord)
                              WHERE b.c ->> 'name' IN (SELECT cols.name FROM cols)
                                AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(o.d -> 'columns', '[]')) m(c)
                                                 WHERE m.c ->> 'name' = b.c ->> 'name')) x
                      WHERE x.c IS NOT NULL), '[]')) END
      FROM o);
COMMENT ON FUNCTION pggit.with_base_parts(jsonb, jsonb, text[]) IS
    'Plumbing of the virtual merge base (pggit.virtual_merge_base): definition merged with each of parts (as pggit.conflicting_parts names them: a top-level property, or ''column <name>'') as base has it instead: a property base lacks is removed; a column is replaced by base''s (in merged''s column order), removed where base lacks it, appended (in base''s order) where merged lacks it. Null for a null merged.';

CREATE OR REPLACE FUNCTION pggit.virtual_merge_base(bases text[], OUT tree text, OUT objects jsonb)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Git's recursive strategy for the base of a merge, computed without writing anything: the best
-- common ancestors, oldest first (generation, then commit order), merged one by one into the
-- merge of those before (the target) from the merge base of the two (the best common ancestors of
-- the bases merged so far and the next, itself a virtual base when there are several: recursion
-- down the history, which ends at a single base or none).
-- A virtual merge's own rules, per object: one side changed it, it takes that side; both the same
-- way, that; both in disjoint parts, pggit.merge_definitions; both the same parts differently
-- (BOTH_MODIFIED), the merged definition with those parts as the bases' own merge base has them
-- (pggit.with_base_parts); dropped on one side and changed on the other (DELETED_SOURCE,
-- DELETED_TARGET), the merge base's version (as git's recursive merge keeps the original of a
-- modify/delete conflict in a virtual base); added differently on both (BOTH_ADDED), absent. Git
-- writes conflict markers around the conflicting lines of the virtual base's file instead; a
-- definition has no markers, and the older version makes both sides' changes to those parts show
-- as changes against it, so the merge reports the conflict again (or nothing when both sides
-- resolved it alike) rather than taking one base's side silently.
DECLARE
    ordered text[] := ARRAY(SELECT c.id FROM pggit.commit c WHERE c.id = ANY (bases) ORDER BY c.generation, c.seq);
    inner_bases text[];
    ib record;
    next_tree text;
BEGIN
    objects := '{}';
    IF coalesce(cardinality(ordered), 0) = 0 THEN
        RETURN;   -- unrelated histories: the empty tree
    END IF;
    tree := (SELECT c.tree FROM pggit.commit c WHERE c.id = ordered[1]);
    FOR i IN 2 .. cardinality(ordered) LOOP
        -- the best common ancestors of the bases merged so far and the next: of each one's with it,
        -- those that are no ancestor of another
        inner_bases := ARRAY(SELECT DISTINCT x.x FROM unnest(ordered[1:i - 1]) m(m)
                              CROSS JOIN LATERAL unnest((pggit.paint_down(m.m, ordered[i])).merge_bases) x(x));
        inner_bases := ARRAY(SELECT x.x FROM unnest(inner_bases) x(x)
                              WHERE NOT EXISTS (SELECT 1 FROM unnest(inner_bases) y(y)
                                                 WHERE y.y <> x.x AND (pggit.paint_down(x.x, y.y)).merge_bases = ARRAY[x.x]));
        ib := pggit.virtual_merge_base(inner_bases);
        next_tree := (SELECT c.tree FROM pggit.commit c WHERE c.id = ordered[i]);
        objects := objects || coalesce((
            SELECT jsonb_object_agg(w.object_key, jsonb_build_object('kind', w.kind, 'schema', w.schema_name, 'hash', v.hash, 'definition', v.definition))
              FROM pggit.three_way_overlay(ib.tree, ib.objects, next_tree, '{}', tree, objects) w
             CROSS JOIN LATERAL (SELECT CASE WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_definition
                                             WHEN w.conflict_type = 'NO_CONFLICT'
                                                  THEN pggit.merge_definitions(w.base_definition, w.source_definition, w.target_definition)
                                             WHEN w.conflict_type = 'BOTH_MODIFIED'
                                                  THEN pggit.with_base_parts(pggit.merge_definitions(w.base_definition, w.source_definition, w.target_definition),
                                                                             w.base_definition, w.conflicting_parts)
                                             ELSE w.base_definition END AS definition) m
             CROSS JOIN LATERAL (SELECT CASE WHEN w.conflict_type IN ('NO_CONFLICT', 'BOTH_MODIFIED') THEN pggit.sha256_hex(m.definition::text)
                                             WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_hash
                                             ELSE w.base_hash END AS hash, m.definition) v
             -- what the target (the bases merged so far) has already is not an edit
             WHERE w.conflict_type <> 'TARGET_MODIFIED' AND (w.conflict_type <> 'NO_CONFLICT' OR w.source_hash IS DISTINCT FROM w.target_hash)),
            '{}');
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.virtual_merge_base(text[]) IS
    'Plumbing of the merge: the base a merge of commits whose best common ancestors are bases (commit ids, as pggit.merge_bases lists them) merges from, without writing it: tree (the oldest base''s tree; null for none) and objects (the objects the virtual base has otherwise, as pggit.three_way_overlay takes them; {} for a single base). Several bases are merged as git''s recursive strategy does: oldest first (generation, then commit order), each into the merge of those before from their own merge base (recursively a virtual one). Per object a side''s change, both sides'' same change or disjoint changes (pggit.merge_definitions) merge; where the bases conflict, the virtual base has their own merge base''s version: of the parts both changed differently (BOTH_MODIFIED: the rest merges, pggit.with_base_parts), or of the whole object (DELETED_SOURCE, DELETED_TARGET; BOTH_ADDED: absent), so that the merge sees both sides'' changes there against that older version (git keeps conflict markers there; a definition has none).';

CREATE OR REPLACE FUNCTION pggit.merge_base_tree(a text, b text) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The stored form of pggit.virtual_merge_base: its overlay written as blobs and tree nodes onto its
-- tree. Callers read the result in a later statement (STABLE readers see only what was written
-- before their statement began).
DECLARE
    v record;
BEGIN
    v := pggit.virtual_merge_base(ARRAY(SELECT pggit.merge_bases(a, b)));
    IF v.objects = '{}' THEN
        RETURN v.tree;
    END IF;
    PERFORM pggit.put_blob(e.value -> 'definition') FROM jsonb_each(v.objects) e
      WHERE e.value ->> 'hash' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pggit.blob x WHERE x.hash = e.value ->> 'hash');
    RETURN pggit.write_tree(v.tree, ARRAY(SELECT ROW(pggit.tree_path(e.value ->> 'schema', e.value ->> 'kind', e.key), e.value ->> 'hash')::pggit.tree_edit
                                            FROM jsonb_each(v.objects) e));
END
$$;
COMMENT ON FUNCTION pggit.merge_base_tree(text, text) IS
    'Plumbing of pggit.merge_branch: writes and returns the tree a merge of commits a and b (full ids) merges from (pggit.merge.base_tree): their merge base''s tree when they have one best common ancestor; after criss-cross merges (several) the virtual merge base of pggit.virtual_merge_base, its merged definitions stored as blobs and its tree nodes written; null when they share no history (an empty base).';

CREATE OR REPLACE FUNCTION pggit.broken_dependencies(base_tree text, source_tree text, target_tree text, merged_tree text,
                                                     source_renames jsonb DEFAULT NULL, target_renames jsonb DEFAULT NULL)
    RETURNS TABLE (object_key text, kind text, schema_name text, relation_key text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The relations a side had under a key the merged tree does not have (one side dropped or renamed
-- it), then what the merged tree keeps on each of them: its key is <kind>:<relation identity>.<name>
-- (pggit.read_indexes, read_constraints, read_triggers, read_policies, read_rules), found below that
-- kind's node of the relation's schema.
SELECT o.object_key, k.kind, d.schema_name, d.object_key
  FROM (SELECT DISTINCT p.path[3] AS object_key, p.path[1] AS schema_name
          FROM pggit.three_way(base_tree, source_tree, target_tree, source_renames, target_renames) w
         CROSS JOIN LATERAL (VALUES (w.base_path), (w.source_path), (w.target_path)) p(path)
         WHERE w.kind IN ('table', 'view', 'materialized_view', 'foreign_table') AND p.path IS NOT NULL
           AND pggit.tree_lookup(merged_tree, p.path) IS NULL) d
 CROSS JOIN unnest(ARRAY['index', 'constraint', 'trigger', 'policy', 'rule']) k(kind)
 CROSS JOIN LATERAL pggit.subtree_objects(pggit.tree_lookup(merged_tree, ARRAY[d.schema_name, k.kind])) o
 WHERE starts_with(o.object_key, k.kind || ':' || pggit.key_identity(d.object_key) || '.')
$$;
COMMENT ON FUNCTION pggit.broken_dependencies(text, text, text, text, jsonb, jsonb) IS
    'The dependencies a merge breaks, found in its merged tree: each index, constraint, trigger, policy or rule that merged_tree keeps on a relation (table, view, materialized view, foreign table) under a key merged_tree no longer has (one side dropped the table and the other indexed it; or one side renamed it and the other added a trigger on the old name), with the relation''s key. source_renames, target_renames: as pggit.three_way takes them. Other dependencies (a view''s query, a routine''s body, an index on a column the other side dropped) are not read from definitions: applying the merged plan finds them (Pggit.merge: the merge rolls back with PostgreSQL''s error).';

CREATE OR REPLACE FUNCTION pggit.merge_status_check(m pggit.merge) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch) IS DISTINCT FROM m.target_commit THEN
        RAISE EXCEPTION 'pggit: branch % moved since merge % began (it was at %, it is at %)', m.target_branch, m.id,
              left(m.target_commit, 12), left((SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch), 12)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Abort it (pggit.abort_merge(%s)) and merge again: SELECT * FROM pggit.merge_branch(%L, %L).', m.id, m.source_branch, m.target_branch);
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.merge_status_check(pggit.merge) IS 'Raises object_not_in_prerequisite_state when the merge''s target branch no longer points at the commit the merge began from.';

CREATE OR REPLACE FUNCTION pggit.write_commit(tree text, parents text[], origin text, message text, branch text) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- A commit of a tree the store already has (a merge's, a rollback's): no catalog read. Its change
-- rows are the diff from its first parent's tree, as a capture's are.
DECLARE
    ts timestamptz := clock_timestamp();
    who text := session_user::text;
    cid text := pggit.sha256_hex(pggit.commit_hash_text(tree, parents, who, ts, origin, message));
BEGIN
    INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message)
    VALUES (cid, write_commit.tree, write_commit.parents, who, ts, write_commit.origin, write_commit.message);
    INSERT INTO pggit.change (commit_id, object_key, identity, kind, change, old_hash, new_hash)
    SELECT cid, d.object_key, pggit.key_identity(d.object_key), d.kind, d.change, d.old_hash, d.new_hash
      FROM pggit.diff_trees((SELECT c.tree FROM pggit.commit c WHERE c.id = write_commit.parents[1]), write_commit.tree) d;
    UPDATE pggit.ref r SET commit_id = cid WHERE r.name = write_commit.branch;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.write_commit(text, text[], text, text, text) IS 'Plumbing: writes a commit of tree (already in the store) with parents, origin and message by session_user, its change rows (the diff from the first parent''s tree; renames show as a delete and an add), and moves branch to it; returns its id. Reads no catalog and touches no index: for a branch that is not checked out, or whose tree the live catalog already has.';

CREATE OR REPLACE FUNCTION pggit.write_merge_commit(merge_id bigint) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The merge commit, written straight into the store: for a target that is not checked out, or whose
-- live catalog already has the merged tree (it equals the target's own tree).
DECLARE
    m pggit.merge;
    cid text;
BEGIN
    SELECT * INTO m FROM pggit.merge x WHERE x.id = write_merge_commit.merge_id;
    cid := pggit.write_commit(m.merged_tree, ARRAY[m.target_commit, m.source_commit], 'merge', m.message, m.target_branch);
    -- its renames as a capture would record them (the next merge follows them: pggit.renames_since):
    -- the add of the new key becomes a rename from the old one, whose delete goes
    UPDATE pggit.change x
       SET change = CASE WHEN d.object_key IS NOT NULL THEN 'R' ELSE x.change END,
           old_key = d.object_key,
           old_hash = coalesce(d.old_hash, x.old_hash),
           detail = CASE WHEN r -> 'columns' <> '{}' THEN coalesce(x.detail, '{}') || jsonb_build_object('renamed_columns', r -> 'columns') ELSE x.detail END
      FROM jsonb_array_elements(m.renames) r
      LEFT JOIN pggit.change d ON d.commit_id = cid AND d.change = 'D' AND d.object_key = r ->> 'from' AND r ->> 'from' <> r ->> 'to'
     WHERE x.commit_id = cid AND x.object_key = r ->> 'to' AND x.change IN ('A', 'M')
       AND (d.object_key IS NOT NULL OR r -> 'columns' <> '{}');
    DELETE FROM pggit.change x
     WHERE x.commit_id = cid AND x.change = 'D'
       AND x.object_key IN (SELECT y.old_key FROM pggit.change y WHERE y.commit_id = cid AND y.change = 'R');
    UPDATE pggit.merge x SET status = 'completed', merge_commit = cid, completed_by = session_user, completed_at = clock_timestamp() WHERE x.id = m.id;
    IF m.merge_request_id IS NOT NULL THEN
        PERFORM pggit.mark_merge_request_merged(m.merge_request_id, m.id);
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.write_merge_commit(bigint) IS 'Plumbing of pggit.complete_merge: writes the merge commit of a ready merge (tree: its merged tree; parents: the target''s head, then the source''s), advances the target branch, marks the merge completed, returns the commit id. Touches neither the catalog nor the index: only for a target that is not checked out or whose live catalog already has that tree.';

CREATE OR REPLACE FUNCTION pggit.merge_branch(source_branch text, target_branch text DEFAULT NULL,
                                              merge_strategy text DEFAULT 'recursive', message text DEFAULT NULL)
    RETURNS TABLE (merge_id bigint, merge_commit_sha text, conflicts boolean, conflict_objects text[], status text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- git merge --no-ff, three-way per object key (pggit.three_way). The merge record and its
-- conflict rows are written in any case; without an open conflict the merge completes
-- (pggit.complete_merge) as far as SQL can: see there.
DECLARE
    tgt text := coalesce(merge_branch.target_branch, (SELECT h.branch FROM pggit.head h));
    s text := pggit.resolve(source_branch);
    t text;
    b text;
    mid bigint;
    mc text;
    mst text;
    mr uuid;
    bt text;
    provisional text;
    open_keys text[];
BEGIN
    IF merge_strategy IS NULL OR merge_strategy NOT IN ('recursive', 'ours', 'theirs') THEN
        RAISE EXCEPTION 'pggit: merge_strategy must be recursive, ours or theirs, not "%"', merge_strategy
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));   -- with the commit writer: the target does not move meanwhile
    t := (SELECT r.commit_id FROM pggit.ref r WHERE r.name = tgt);
    IF t IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch named "%" to merge into', tgt USING ERRCODE = 'undefined_object',
              HINT = 'The target of a merge is a branch: SELECT * FROM pggit.list_branches().';
    END IF;
    b := pggit.find_merge_base(s, t);
    IF s = t OR b = s THEN
        INSERT INTO pggit.merge (source_branch, target_branch, source_commit, target_commit, base_commit, base_tree, strategy, status, message,
                                 completed_by, completed_at)
        VALUES (merge_branch.source_branch, tgt, s, t, s, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), merge_strategy, 'up_to_date',
                coalesce(merge_branch.message, format('Merge %s into %s', merge_branch.source_branch, tgt)), session_user, clock_timestamp())
        RETURNING id INTO mid;
        RAISE NOTICE 'pggit: % is already in % (merge %): nothing to merge', merge_branch.source_branch, tgt, mid;
        RETURN QUERY SELECT mid, NULL::text, false, '{}'::text[], 'up_to_date'::text;
        RETURN;
    END IF;
    mr := pggit.merge_gate(merge_branch.source_branch, tgt);   -- refused here when merges need an approved request
    -- the tree the three-way merges from: b's, or after criss-cross merges a virtual merge base
    -- (written here, in a statement of its own, so that the readers below see its nodes)
    bt := pggit.merge_base_tree(s, t);
    INSERT INTO pggit.merge (source_branch, target_branch, source_commit, target_commit, base_commit, base_tree, strategy, status, message, merge_request_id,
                             source_renames, target_renames)
    VALUES (merge_branch.source_branch, tgt, s, t, b, bt, merge_strategy, 'conflicts',
            coalesce(merge_branch.message, format('Merge %s into %s', merge_branch.source_branch, tgt)), mr,
            pggit.renames_since(b, s), pggit.renames_since(b, t))
    RETURNING id INTO mid;
    INSERT INTO pggit.merge_conflict (merge_id, object_key, kind, schema_name, conflict_type, conflicting_parts, base_hash, source_hash, target_hash,
                                      resolution, reason, resolved_by, resolved_at)
    SELECT mid, w.object_key, w.kind, w.schema_name, w.conflict_type, w.conflicting_parts, w.base_hash, w.source_hash, w.target_hash,
           CASE merge_strategy WHEN 'ours' THEN 'target' WHEN 'theirs' THEN 'source' END,
           CASE WHEN merge_strategy <> 'recursive' THEN format('merge strategy %s', merge_strategy) END,
           CASE WHEN merge_strategy <> 'recursive' THEN session_user END,
           CASE WHEN merge_strategy <> 'recursive' THEN clock_timestamp() END
      FROM pggit.merge m
     CROSS JOIN LATERAL pggit.three_way(bt, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), (SELECT c.tree FROM pggit.commit c WHERE c.id = t),
                                        m.source_renames, m.target_renames) w
     WHERE m.id = mid AND w.conflict_type IN ('BOTH_MODIFIED', 'DELETED_SOURCE', 'DELETED_TARGET', 'BOTH_ADDED', 'BOTH_RENAMED');
    -- a dependency the merge breaks, in the tree it would give with each open conflict kept as the target has it
    -- (written first, in a statement of its own: the STABLE readers below see only what was written before theirs began)
    provisional := pggit.merged_tree(mid);
    INSERT INTO pggit.merge_conflict (merge_id, object_key, kind, schema_name, conflict_type, conflicting_parts, base_hash, source_hash, target_hash,
                                      resolution, reason, resolved_by, resolved_at)
    SELECT mid, d.object_key, d.kind, d.schema_name, 'DEPENDENCY', ARRAY['relation ' || d.relation_key],
           pggit.tree_lookup(bt, p.path), pggit.tree_lookup(st.tree, p.path), pggit.tree_lookup(tt.tree, p.path),
           NULL, NULL, NULL, NULL
      FROM (SELECT c.tree FROM pggit.commit c WHERE c.id = s) st
     CROSS JOIN (SELECT c.tree FROM pggit.commit c WHERE c.id = t) tt
     CROSS JOIN (SELECT x.source_renames, x.target_renames FROM pggit.merge x WHERE x.id = mid) rn
     CROSS JOIN LATERAL pggit.broken_dependencies(bt, st.tree, tt.tree, provisional, rn.source_renames, rn.target_renames) d
     CROSS JOIN LATERAL (SELECT pggit.tree_path(d.schema_name, d.kind, d.object_key) AS path) p
    ON CONFLICT ON CONSTRAINT merge_conflict_merge_id_object_key_key DO NOTHING;
    open_keys := ARRAY(SELECT x.object_key FROM pggit.merge_conflict x WHERE x.merge_id = mid AND x.resolution IS NULL ORDER BY x.object_key);
    IF cardinality(open_keys) > 0 THEN
        RETURN QUERY SELECT mid, NULL::text, true, open_keys, 'conflicts'::text;
        RETURN;
    END IF;
    -- no open conflict: the provisional tree is the merged tree, checked for broken dependencies above
    SELECT c.merge_commit, c.status INTO mc, mst FROM pggit.finish_merge(mid, provisional) c;
    RETURN QUERY SELECT mid, mc, EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = mid),
                        ARRAY(SELECT x.object_key FROM pggit.merge_conflict x WHERE x.merge_id = mid ORDER BY x.object_key), mst;
END
$$;
COMMENT ON FUNCTION pggit.merge_branch(text, text, text, text) IS
    'Merges source_branch (a branch or revision) into target_branch (a branch; default: the checked-out one) three-way from the tree of their merge base (pggit.merge.base_tree, pggit.merge_base_tree; base_commit: pggit.find_merge_base''s best common ancestor), or, after criss-cross merges left several best common ancestors, from a virtual merge base as git''s recursive strategy makes it (the bases merged recursively; where they conflict, the version of their own merge base: pggit.virtual_merge_base), per object key, tables per column and per property (pggit.three_way), plus a DEPENDENCY conflict for each object the merged tree would keep on a relation it drops (pggit.broken_dependencies). Returns merge_id (pggit.merge), merge_commit_sha (null until written), conflicts (whether any object conflicted), conflict_objects (their keys) and status (pggit.merge.status). merge_strategy: recursive (conflicts wait as rows: pggit.get_conflicts_by_type, resolve_conflict, resolve_conflicts_batch, then complete_merge), ours / theirs (every conflict resolved for the target / the source, recorded on the conflict rows). Without an open conflict the merge completes (pggit.complete_merge): the merge commit (two parents, no fast-forward) is written at once when the target is not checked out or its tree does not change; otherwise the status is ready until the live catalog reaches the merged tree (Pggit.merge, mvn pggit:merge, or the merge written as a migration and run). Source already in target: status up_to_date, nothing written. When merges need an approved merge request (pggit.merge_gate) refused without one. Errors: undefined_object (unknown branch or revision), invalid_parameter_value (strategy).';

CREATE OR REPLACE FUNCTION pggit.finish_merge(merge_id bigint, merged_tree text)
    RETURNS TABLE (merge_commit text, status text)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The step complete_merge and merge_branch share once the merged tree is known and checked (no
-- open conflict, no broken dependency): the merge is ready, and its commit is written where it can be.
DECLARE
    m pggit.merge;
    checked_out boolean;
    cid text;
BEGIN
    SELECT * INTO m FROM pggit.merge x WHERE x.id = finish_merge.merge_id;
    m.merged_tree := finish_merge.merged_tree;
    UPDATE pggit.merge x SET status = 'ready', merged_tree = m.merged_tree WHERE x.id = m.id;
    checked_out := (SELECT h.branch FROM pggit.head h) = m.target_branch;
    IF NOT checked_out OR m.merged_tree = (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit) THEN
        cid := pggit.write_merge_commit(m.id);
        RETURN QUERY SELECT cid, 'completed'::text;
        RETURN;
    END IF;
    -- the checked-out target: the live catalog must reach the merged tree first. When it has (the
    -- plan was applied in this transaction), a full capture writes the merge commit: the commit
    -- writer takes the source as second parent of a commit whose tree is a ready merge's.
    cid := pggit.commit_changes(m.message, 'merge', NULL, NULL, true);
    IF cid IS NOT NULL AND (SELECT x.merge_commit FROM pggit.merge x WHERE x.id = m.id) = cid THEN
        RETURN QUERY SELECT cid, 'completed'::text;
        RETURN;
    END IF;
    IF cid IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: the live catalog of % is not the merged tree of merge %', m.target_branch, m.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = (SELECT string_agg(d.change || ' ' || d.object_key, ', ' ORDER BY d.object_key)
                              FROM pggit.diff_trees(m.merged_tree, (SELECT c.tree FROM pggit.commit c WHERE c.id = cid)) d),
                  HINT = 'Apply the merge with Pggit.merge or mvn pggit:merge (they plan and run the DDL), or write it as a migration (mvn pggit:merge -Dpggit.flywayMigration=<dir>).';
    END IF;
    RAISE NOTICE 'pggit: merge % is ready: the live catalog of % must change to the merged tree; apply it with Pggit.merge / mvn pggit:merge, or write it as a migration (-Dpggit.flywayMigration); its capture becomes the merge commit', m.id, m.target_branch;
    RETURN QUERY SELECT NULL::text, 'ready'::text;
END
$$;
COMMENT ON FUNCTION pggit.finish_merge(bigint, text) IS
    'Plumbing of pggit.complete_merge and pggit.merge_branch, for a merge whose merged tree (merged_tree) has no open conflict and no broken dependency: marks it ready with that tree and writes the merge commit at once when the target is not checked out or its tree does not change; on the checked-out target from a full capture when the live catalog has the merged tree already, else leaves it ready (a NOTICE says what to run). Returns the merge commit (null while ready) and the status. Raises object_not_in_prerequisite_state when the live catalog is neither the target''s tree nor the merged tree.';

CREATE OR REPLACE FUNCTION pggit.complete_merge(merge_id bigint, verify_all_resolved boolean DEFAULT true)
    RETURNS TABLE (merge_commit text, status text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m pggit.merge;
    broken text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    SELECT * INTO m FROM pggit.merge x WHERE x.id = complete_merge.merge_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge with id %', complete_merge.merge_id USING ERRCODE = 'undefined_object',
              HINT = 'SELECT * FROM pggit.merge_history lists the merges.';
    END IF;
    IF m.status NOT IN ('conflicts', 'ready') THEN
        RAISE EXCEPTION 'pggit: merge % is %, not waiting to complete', m.id, m.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pggit.merge_status_check(m);
    IF verify_all_resolved AND EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL) THEN
        RAISE EXCEPTION 'pggit: merge % has % open conflicts (%)', m.id,
              (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL),
              (SELECT string_agg(x.object_key, ', ' ORDER BY x.object_key) FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Resolve them: SELECT * FROM pggit.get_conflicts_by_type(%s), then pggit.resolve_conflict(conflict_id, ''source'' | ''target'' | ''base'', reason) or pggit.resolve_conflicts_batch; or complete_merge(%s, verify_all_resolved => false) to keep the target''s side of each.', m.id, m.id);
    END IF;
    m.merged_tree := pggit.merged_tree(m.id);   -- its own statement: the STABLE readers below see its nodes
    broken := (SELECT string_agg(d.object_key || ' on ' || d.relation_key, ', ' ORDER BY d.object_key)
                 FROM pggit.broken_dependencies(m.base_tree,
                                                (SELECT c.tree FROM pggit.commit c WHERE c.id = m.source_commit),
                                                (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit), m.merged_tree,
                                                m.source_renames, m.target_renames) d);
    IF broken IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: merge % as resolved keeps objects on relations it drops: %', m.id, broken
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Resolve each DEPENDENCY conflict for the side that does not have the object (or the relation''s conflict for the side that keeps the relation).';
    END IF;
    RETURN QUERY SELECT * FROM pggit.finish_merge(m.id, m.merged_tree);
END
$$;
COMMENT ON FUNCTION pggit.complete_merge(bigint, boolean) IS
    'Completes merge merge_id once its conflicts are resolved (verify_all_resolved => false: an open conflict keeps the target''s side). Computes the merged tree (pggit.merged_tree); writes the merge commit (parents: the target''s head, the source) at once when the target branch is not checked out or the merged tree equals the target''s; on the checked-out target, when the live catalog already has the merged tree (the plan was run in this transaction), writes it from a full capture; otherwise leaves the merge ready (returns status ready, merge_commit null): the DDL is Java''s (Pggit.merge, mvn pggit:merge), or a migration written from the plan completes the merge when its capture has the merged tree. Returns the merge commit and the status. Errors: undefined_object (no such merge), object_not_in_prerequisite_state (not waiting, open conflicts, the target moved since the merge began, or a live catalog that is neither the target''s tree nor the merged tree).';

CREATE OR REPLACE FUNCTION pggit.abort_merge(merge_id bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.merge x SET status = 'aborted', completed_by = session_user, completed_at = clock_timestamp()
     WHERE x.id = abort_merge.merge_id AND x.status IN ('conflicts', 'ready');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge % waiting to complete', abort_merge.merge_id USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.abort_merge(bigint) IS 'git merge --abort: gives up merge merge_id while it has conflicts or is ready (nothing was written to the target); its conflict rows stay as its record. Errors: object_not_in_prerequisite_state when it is not waiting.';

CREATE OR REPLACE FUNCTION pggit.open_merge_conflict(conflict_id uuid) RETURNS pggit.merge_conflict
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- What every resolution checks first, in one place: the conflict exists, its merge still waits
-- with conflicts, and it is not resolved yet. The row is locked until the caller's transaction ends.
DECLARE
    x pggit.merge_conflict;
    st text;
BEGIN
    SELECT * INTO x FROM pggit.merge_conflict c WHERE c.id = open_merge_conflict.conflict_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge conflict with id %', open_merge_conflict.conflict_id USING ERRCODE = 'undefined_object',
              HINT = 'A merge''s conflicts: SELECT conflict_id, object_path FROM pggit.get_conflicts_by_type(<merge id>).';
    END IF;
    st := (SELECT m.status FROM pggit.merge m WHERE m.id = x.merge_id);
    IF st <> 'conflicts' THEN
        RAISE EXCEPTION 'pggit: merge % is %: its conflicts can no longer change', x.merge_id, st USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF x.resolution IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: merge conflict % (%) was resolved at % by % (%)', x.id, x.object_key, x.resolved_at, x.resolved_by, x.resolution
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN x;
END
$$;
COMMENT ON FUNCTION pggit.open_merge_conflict(uuid) IS
    'The open merge conflict conflict_id, locked (FOR UPDATE) until the end of the caller''s transaction: what pggit.resolve_merge_conflict, pggit.resolve_conflict_manually and pggit.record_manual_resolution check first. Errors: undefined_object (no such conflict), object_not_in_prerequisite_state (its merge no longer waits with conflicts, or it is resolved already, naming who resolved it, when and how).';

CREATE OR REPLACE FUNCTION pggit.resolve_merge_conflict(conflict_id uuid, resolution text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r text := CASE resolve_merge_conflict.resolution WHEN 'use_current' THEN 'target' WHEN 'use_tracked' THEN 'source'
                                                     ELSE resolve_merge_conflict.resolution END;
    x pggit.merge_conflict := pggit.open_merge_conflict(resolve_merge_conflict.conflict_id);
BEGIN
    IF r = 'manual_ddl' THEN
        RAISE EXCEPTION 'pggit: resolution manual_ddl takes the DDL to run: resolve merge conflict % (%) with pggit.resolve_conflict_manually', x.id, x.object_key
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('SELECT pggit.resolve_conflict_manually(%L, ddl => ''ALTER ...'', reason => ...) on the checked-out target %s (Java: Pggit.resolveMergeConflictManually).',
                                x.id, (SELECT m.target_branch FROM pggit.merge m WHERE m.id = x.merge_id));
    END IF;
    IF r = 'merge' THEN
        RAISE EXCEPTION 'pggit: merge conflict % (%) cannot be resolved with merge: the parts both sides changed differently (%) do not merge by themselves',
              x.id, x.object_key, coalesce(nullif(array_to_string(x.conflicting_parts, ', '), ''), x.conflict_type)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('The changes to other parts merge already. Take a side for these (source, target or base), or give the DDL that makes the definition you want from the target''s: SELECT pggit.resolve_conflict_manually(%L, ddl => ..., reason => ...).', x.id);
    END IF;
    IF r IS NULL OR r NOT IN ('source', 'target', 'base') THEN
        RAISE EXCEPTION 'pggit: a merge conflict''s resolution is source, target or base (use_tracked = source, use_current = target), not "%"',
              resolve_merge_conflict.resolution USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE pggit.merge_conflict c SET resolution = r, reason = resolve_merge_conflict.reason, resolved_by = session_user, resolved_at = clock_timestamp()
     WHERE c.id = x.id;
    RETURN format('%s: %s takes the %s''s definition%s', x.object_key, x.conflict_type, r,
                  CASE WHEN (CASE r WHEN 'source' THEN x.source_hash WHEN 'target' THEN x.target_hash ELSE x.base_hash END) IS NULL
                       THEN ' (absent there: the merge drops it)' ELSE '' END);
END
$$;
COMMENT ON FUNCTION pggit.resolve_merge_conflict(uuid, text, text) IS
    'Plumbing of pggit.resolve_conflict for the conflicts of a merge: records resolution source, target or base (seed 000''s use_tracked = source, use_current = target) with reason, who and when; returns what the merged tree will take. Errors: undefined_object, invalid_parameter_value (also for manual_ddl, which takes DDL: the message names pggit.resolve_conflict_manually; and merge: the parts both changed do not merge by themselves), object_not_in_prerequisite_state (resolved already, or the merge no longer has conflicts open).';

CREATE OR REPLACE FUNCTION pggit.resolve_conflicts_batch(merge_id bigint, keys text[], choice text, notes text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Atomic: all named conflicts are resolved, or (an error) none.
DECLARE
    missing text[];
    k record;
    n integer := 0;
BEGIN
    missing := ARRAY(SELECT u.k FROM unnest(keys) u(k)
                      WHERE NOT EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = resolve_conflicts_batch.merge_id AND x.object_key = u.k)
                      ORDER BY u.k);
    IF keys IS NULL OR cardinality(keys) = 0 OR cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'pggit: merge % has no conflict on %', resolve_conflicts_batch.merge_id, coalesce(array_to_string(missing, ', '), '(no keys given)')
            USING ERRCODE = 'undefined_object', HINT = format('SELECT object_path FROM pggit.get_conflicts_by_type(%s) lists them.', resolve_conflicts_batch.merge_id);
    END IF;
    FOR k IN SELECT x.id FROM pggit.merge_conflict x WHERE x.merge_id = resolve_conflicts_batch.merge_id AND x.object_key = ANY (keys) ORDER BY x.object_key LOOP
        PERFORM pggit.resolve_merge_conflict(k.id, choice, notes);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflicts_batch(bigint, text[], text, text) IS
    'Resolves the conflicts of merge merge_id on the object keys keys all one way (choice: source, target or base, as pggit.resolve_conflict takes them), with notes as the reason: all or none (an unknown key, a conflict resolved already or a bad choice raises and resolves nothing). Returns how many it resolved.';

CREATE OR REPLACE FUNCTION pggit.get_conflicts_by_type(merge_id bigint, of_type text DEFAULT NULL)
    RETURNS TABLE (conflict_id uuid, object_path text, kind text, conflict_type text, conflicting_parts text[],
                   base_definition jsonb, source_definition jsonb, target_definition jsonb,
                   resolution text, reason text, resolved_by name, resolved_at timestamptz, manual_ddl text, manual_definition jsonb, detail text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT x.id, x.object_key, x.kind, x.conflict_type, x.conflicting_parts, bb.definition, sb.definition, tb.definition,
       x.resolution, x.reason, x.resolved_by, x.resolved_at, x.manual_ddl, mb.definition, x.detail
  FROM pggit.merge_conflict x
  LEFT JOIN pggit.blob bb ON bb.hash = x.base_hash
  LEFT JOIN pggit.blob sb ON sb.hash = x.source_hash
  LEFT JOIN pggit.blob tb ON tb.hash = x.target_hash
  LEFT JOIN pggit.blob mb ON mb.hash = x.manual_hash
 WHERE x.merge_id = get_conflicts_by_type.merge_id
   AND (get_conflicts_by_type.of_type IS NULL OR x.conflict_type = get_conflicts_by_type.of_type)
 ORDER BY x.object_key
$$;
COMMENT ON FUNCTION pggit.get_conflicts_by_type(bigint, text) IS
    'The conflicts of merge merge_id (all, or those of type of_type: BOTH_MODIFIED, DELETED_SOURCE, DELETED_TARGET, BOTH_ADDED, DEPENDENCY), by object key, with the definitions at the base, on the source and on the target (null where absent) and how each was resolved (null: open; manual_ddl: the DDL given to pggit.resolve_conflict_manually and the definition the merged tree takes from it, null when it drops the object).';

CREATE OR REPLACE FUNCTION pggit.record_dependency_conflict(merge_id bigint, object_key text, statement text, detail text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Java tries the plan of a ready merge on the checked-out target in a savepoint (Pggit.merge,
-- completeMerge); a step that fails there is rolled back and recorded here, and the merge waits again.
DECLARE
    m pggit.merge;
    trees text[];
    k text := pggit.key_kind(record_dependency_conflict.object_key);
    sch text;
    old pggit.merge_conflict;
    cid uuid;
BEGIN
    PERFORM pggit.require_text(record_dependency_conflict.object_key, 'object_key');
    PERFORM pggit.require_text(record_dependency_conflict.detail, 'detail');
    SELECT * INTO m FROM pggit.merge x WHERE x.id = record_dependency_conflict.merge_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge with id %', record_dependency_conflict.merge_id USING ERRCODE = 'undefined_object';
    END IF;
    IF m.status NOT IN ('ready', 'conflicts') THEN   -- conflicts: a trial that found several
        RAISE EXCEPTION 'pggit: merge % is %, not waiting: only the plan of a waiting merge is tried', m.id, m.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    trees := ARRAY[(SELECT c.tree FROM pggit.commit c WHERE c.id = m.base_commit), (SELECT c.tree FROM pggit.commit c WHERE c.id = m.source_commit),
                   (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit), m.merged_tree];
    -- the object's schema: the first schema node of the target's, the merged, the source's or the base's tree that holds the key
    sch := (SELECT s.s FROM unnest(ARRAY[trees[3], trees[4], trees[2], trees[1]]) WITH ORDINALITY r(root, o)
              JOIN pggit.tree t ON t.hash = r.root
             CROSS JOIN LATERAL jsonb_object_keys(t.entries) s(s)
             WHERE pggit.tree_lookup(r.root, pggit.tree_path(s.s, k, record_dependency_conflict.object_key)) IS NOT NULL
             ORDER BY r.o, s.s LIMIT 1);
    IF sch IS NULL THEN
        RAISE EXCEPTION 'pggit: merge % has no object %', m.id, record_dependency_conflict.object_key USING ERRCODE = 'undefined_object';
    END IF;
    SELECT * INTO old FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.object_key = record_dependency_conflict.object_key FOR UPDATE;
    IF FOUND THEN
        -- resolved before (a conflict of its own, or this trial's last time): open again, the earlier resolution kept in reason
        UPDATE pggit.merge_conflict x
           SET conflict_type = 'DEPENDENCY', conflicting_parts = ARRAY['statement ' || coalesce(record_dependency_conflict.statement, '?')],
               detail = record_dependency_conflict.detail, resolution = NULL, resolved_by = NULL, resolved_at = NULL,
               reason = CASE WHEN old.resolution IS NULL THEN old.reason
                             ELSE format('reopened: %s resolved for the %s by %s at %s%s fails in the trial of the plan', old.conflict_type,
                                         old.resolution, old.resolved_by, old.resolved_at, coalesce(' (' || old.reason || ')', '')) END
         WHERE x.id = old.id;
        cid := old.id;
    ELSE
        INSERT INTO pggit.merge_conflict (merge_id, object_key, kind, schema_name, conflict_type, conflicting_parts, base_hash, source_hash, target_hash, detail)
        VALUES (m.id, record_dependency_conflict.object_key, k, sch, 'DEPENDENCY', ARRAY['statement ' || coalesce(record_dependency_conflict.statement, '?')],
                pggit.tree_lookup(trees[1], pggit.tree_path(sch, k, record_dependency_conflict.object_key)),
                pggit.tree_lookup(trees[2], pggit.tree_path(sch, k, record_dependency_conflict.object_key)),
                pggit.tree_lookup(trees[3], pggit.tree_path(sch, k, record_dependency_conflict.object_key)),
                record_dependency_conflict.detail)
        RETURNING id INTO cid;
    END IF;
    UPDATE pggit.merge x SET status = 'conflicts', merged_tree = NULL WHERE x.id = m.id;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.record_dependency_conflict(bigint, text, text, text) IS
    'Plumbing of Pggit.merge and completeMerge: records that the step for object_key (statement) of ready merge merge_id''s plan failed (or lost object_key: an index dropped with a column a step drops) when tried on the checked-out target in a savepoint (rolled back), with PostgreSQL''s message, DETAIL and HINT as detail (e.g. cannot drop column a of table t because other objects depend on it / view v depends on column a of table t): a DEPENDENCY conflict (conflicting_parts: {statement <sql>}), or, when the merge has a conflict on that key already (resolved), that one reopened as DEPENDENCY with its earlier resolution kept in reason; the merge goes back to status conflicts (merged_tree null). Resolving it: target keeps the target''s definition of the object (the other side''s change to it is not merged), source or base takes that side''s; complete_merge then computes the merged tree again and Java tries the plan again (the same failure reopens the conflict). Returns the conflict''s id. Errors: undefined_object (no such merge, or no object key in its trees), object_not_in_prerequisite_state (the merge is neither ready nor waiting with conflicts: one trial may record several), invalid_parameter_value (blank key or detail).';

CREATE OR REPLACE FUNCTION pggit.get_conflict_statistics(merge_id bigint)
    RETURNS TABLE (conflict_type text, total bigint, resolved bigint, open bigint, by_source bigint, by_target bigint, by_base bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT x.conflict_type, count(*), count(x.resolution), count(*) - count(x.resolution),
       count(*) FILTER (WHERE x.resolution = 'source'), count(*) FILTER (WHERE x.resolution = 'target'),
       count(*) FILTER (WHERE x.resolution = 'base')
  FROM pggit.merge_conflict x WHERE x.merge_id = get_conflict_statistics.merge_id
 GROUP BY x.conflict_type ORDER BY x.conflict_type
$$;
COMMENT ON FUNCTION pggit.get_conflict_statistics(bigint) IS 'Per conflict type of merge merge_id: how many conflicts, resolved, open, and resolved for the source, the target and the base.';

CREATE OR REPLACE FUNCTION pggit.get_merge_status(merge_id bigint)
    RETURNS TABLE (source_branch text, target_branch text, strategy text, status text, base_commit text,
                   conflicts bigint, open_conflicts bigint, merge_commit text, next_step text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT m.source_branch, m.target_branch, m.strategy, m.status, m.base_commit,
       (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id),
       (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL),
       m.merge_commit,
       CASE m.status
            WHEN 'conflicts' THEN CASE WHEN EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL)
                                       THEN format('resolve the open conflicts (pggit.get_conflicts_by_type(%s)), then pggit.complete_merge(%s)', m.id, m.id)
                                       ELSE format('pggit.complete_merge(%s)', m.id) END
            WHEN 'ready' THEN 'apply the merged tree to the live catalog: Pggit.merge / mvn pggit:merge, or run the migration written from it'
            ELSE NULL END
  FROM pggit.merge m WHERE m.id = get_merge_status.merge_id
$$;
COMMENT ON FUNCTION pggit.get_merge_status(bigint) IS 'Where merge merge_id stands: its branches, strategy, status (pggit.merge), base, conflicts and open conflicts, the merge commit once written, and the next step. No row for an unknown merge.';

CREATE OR REPLACE FUNCTION pggit.rollback_merge(merge_id bigint, reason text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- A new commit on the target whose tree is the target's tree before the merge (git revert -m 1),
-- never a rewrite of history.
DECLARE
    m pggit.merge;
    pre_tree text;
    ts timestamptz := clock_timestamp();
    msg text;
    cid text;
    head text;
BEGIN
    PERFORM pggit.require_text(reason, 'reason');
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    SELECT * INTO m FROM pggit.merge x WHERE x.id = rollback_merge.merge_id FOR UPDATE;
    IF NOT FOUND OR m.status <> 'completed' OR m.merge_commit IS NULL THEN
        RAISE EXCEPTION 'pggit: merge % is not a completed merge', rollback_merge.merge_id USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'A merge still waiting is given up with pggit.abort_merge.';
    END IF;
    head := (SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch);
    pre_tree := (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit);
    msg := format('Roll back merge %s of %s into %s: %s', m.id, m.source_branch, m.target_branch, reason);
    IF (SELECT h.branch FROM pggit.head h) <> m.target_branch OR pre_tree = (SELECT c.tree FROM pggit.commit c WHERE c.id = head) THEN
        cid := pggit.write_commit(pre_tree, ARRAY[head], 'rollback', msg, m.target_branch);
    ELSE
        -- checked out: the live catalog must be back at the pre-merge tree (the reverse plan, run in this transaction)
        cid := pggit.commit_changes(msg, 'rollback', NULL, NULL, true);
        IF cid IS NULL OR (SELECT c.tree FROM pggit.commit c WHERE c.id = cid) <> pre_tree THEN
            RAISE EXCEPTION 'pggit: the live catalog of % is not its tree before merge %', m.target_branch, m.id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = CASE WHEN cid IS NULL THEN 'it is still the tree after the merge (or later)' ELSE
                               (SELECT string_agg(d.change || ' ' || d.object_key, ', ' ORDER BY d.object_key)
                                  FROM pggit.diff_trees(pre_tree, (SELECT c.tree FROM pggit.commit c WHERE c.id = cid)) d) END,
                      HINT = 'Roll it back with Pggit.rollbackMerge or mvn pggit:merge -Dpggit.rollback=<merge id> (they plan and run the reverse DDL, refusing data loss unless allowed).';
        END IF;
    END IF;
    UPDATE pggit.merge x SET status = 'rolled_back', rollback_commit = cid, rollback_reason = reason,
                             rolled_back_by = session_user, rolled_back_at = ts WHERE x.id = m.id;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.rollback_merge(bigint, text) IS
    'Rolls back completed merge merge_id: a new commit (origin rollback) on the target whose tree is the target''s tree before the merge (git revert -m 1; history is never rewritten), and the merge marked rolled_back with reason. On a target that is not checked out (or whose tree is unchanged) written at once; on the checked-out target the live catalog must already be back at that tree (Pggit.rollbackMerge runs the reverse plan, refusing data loss unless allowed, then calls this). Returns the commit id. Errors: invalid_parameter_value (no reason), object_not_in_prerequisite_state (not a completed merge, or the live catalog is elsewhere).';

CREATE OR REPLACE VIEW pggit.merge_history AS
SELECT m.id AS merge_id, m.source_branch, m.target_branch, m.strategy, m.status,
       m.base_commit, m.base_tree, m.source_commit, m.target_commit, m.merge_commit, m.message,
       m.created_by, m.created_at, m.completed_by, m.completed_at,
       (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id) AS conflicts,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('object_key', x.object_key, 'conflict_type', x.conflict_type, 'resolution', x.resolution,
                                                     'reason', x.reason, 'resolved_by', x.resolved_by, 'resolved_at', x.resolved_at,
                                                     'detail', x.detail)
                                  || CASE WHEN x.manual_ddl IS NOT NULL THEN jsonb_build_object('manual_ddl', x.manual_ddl) ELSE '{}' END
                                  ORDER BY x.object_key), '[]')
          FROM pggit.merge_conflict x WHERE x.merge_id = m.id) AS resolutions,
       m.rollback_commit, m.rollback_reason, m.rolled_back_by, m.rolled_back_at
  FROM pggit.merge m;
COMMENT ON VIEW pggit.merge_history IS 'Every merge: who began it and when, its branches, strategy, base (base_commit; base_tree, the tree it merged from: a virtual merge base after criss-cross merges), the commits on each side, status, its conflicts with their resolutions (who, when, why; the DDL of a manual_ddl one), the merge commit, who completed it, and a rollback (commit, reason, who, when).';
