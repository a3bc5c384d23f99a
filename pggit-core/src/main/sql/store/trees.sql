-- Trees: content-addressed nodes root -> schema -> kind -> bucket -> object key, written and diffed level by level.

CREATE OR REPLACE FUNCTION pggit.tree_path(schema_name text, kind text, object_key text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[schema_name, kind, left(pggit.sha256_hex(object_key), 2), object_key];
COMMENT ON FUNCTION pggit.tree_path(text, text, text) IS 'Where an object lives in a tree: schema / kind / bucket (first two hex digits of SHA-256 of the key) / key.';

CREATE OR REPLACE FUNCTION pggit.put_tree(entries jsonb) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h text := pggit.sha256_hex(entries::text);
BEGIN
    INSERT INTO pggit.tree (hash, entries) VALUES (h, entries) ON CONFLICT (hash) DO NOTHING;
    RETURN h;
END
$$;
COMMENT ON FUNCTION pggit.put_tree(jsonb) IS 'Plumbing: stores one tree node (JSON object name -> hash) under the hex SHA-256 of its text and returns that hash.';

CREATE OR REPLACE FUNCTION pggit.tree_lookup(root text, path text[]) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h text := root;
    p text;
BEGIN
    FOREACH p IN ARRAY path LOOP
        EXIT WHEN h IS NULL;
        SELECT t.entries ->> p INTO h FROM pggit.tree t WHERE t.hash = h;
    END LOOP;
    RETURN h;
END
$$;
COMMENT ON FUNCTION pggit.tree_lookup(text, text[]) IS 'The hash at path below tree root (a subtree, or a blob at full depth); null when absent.';

CREATE OR REPLACE FUNCTION pggit.write_tree(base text, edits pggit.tree_edit[]) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Applies edits to tree base and returns the new root hash. Writes only the nodes on the changed
-- paths, one per changed directory, level by level from the buckets up: cost follows the edits,
-- not the tree's size. An emptied node disappears from its parent; the root always exists.
DECLARE
    cur pggit.tree_edit[] := edits;
    lvl int;
BEGIN
    IF coalesce(cardinality(edits), 0) = 0 THEN
        RETURN coalesce(base, pggit.put_tree('{}'::jsonb));
    END IF;
    FOR lvl IN REVERSE 4..1 LOOP
        SELECT array_agg(ROW(g.prefix,
                   CASE WHEN g.merged = '{}'::jsonb AND lvl > 1 THEN NULL ELSE pggit.put_tree(g.merged) END)::pggit.tree_edit)
          INTO cur
          FROM (SELECT x.prefix,
                       (coalesce((SELECT t.entries FROM pggit.tree t WHERE t.hash = pggit.tree_lookup(base, x.prefix)), '{}'::jsonb)
                          - x.dels) || x.adds AS merged
                  FROM (SELECT e.path[1:lvl - 1] AS prefix,
                               coalesce(array_agg(e.path[lvl]) FILTER (WHERE e.hash IS NULL), '{}') AS dels,
                               coalesce(jsonb_object_agg(e.path[lvl], e.hash) FILTER (WHERE e.hash IS NOT NULL), '{}') AS adds
                          FROM unnest(cur) e
                         GROUP BY 1) x) g;
    END LOOP;
    RETURN cur[1].hash;
END
$$;
COMMENT ON FUNCTION pggit.write_tree(text, pggit.tree_edit[]) IS 'Plumbing: applies edits (full paths from pggit.tree_path, hash null = remove) to tree base (null = empty) and returns the new root tree hash.';

CREATE OR REPLACE FUNCTION pggit.tree_objects(root text)
    RETURNS TABLE (schema_name text, kind text, object_key text, hash text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The depth is fixed (root, schema, kind, bucket): one join per level, each node read once by its
-- hash. A recursive walk did the same reads but built a path array per row and ran 6x slower
-- (20,000 objects: about 290 ms against 45 ms on a loaded 2-core machine).
SELECT s.key, k.key, o.key, o.value
  FROM jsonb_each_text((SELECT t.entries FROM pggit.tree t WHERE t.hash = root)) s
 CROSS JOIN LATERAL jsonb_each_text((SELECT t.entries FROM pggit.tree t WHERE t.hash = s.value)) k
 CROSS JOIN LATERAL jsonb_each_text((SELECT t.entries FROM pggit.tree t WHERE t.hash = k.value)) b
 CROSS JOIN LATERAL jsonb_each_text((SELECT t.entries FROM pggit.tree t WHERE t.hash = b.value)) o
$$;
COMMENT ON FUNCTION pggit.tree_objects(text) IS 'Plumbing (ls-tree -r): every object of a tree with its schema, kind and blob hash.';

CREATE OR REPLACE FUNCTION pggit.diff_trees(a text, b text)
    RETURNS TABLE (object_key text, kind text, change text, old_hash text, new_hash text)
    LANGUAGE sql STABLE ROWS 100 SET search_path = pg_catalog, pg_temp AS $$
-- Walks both trees at once and descends only where subtree hashes differ (as git does), so the
-- cost follows the difference, not the trees' size. ROWS 100: a diff is mostly small; the default
-- estimate of 1,000 rows made pggit.diff join the definitions by hashing the whole blob table.
WITH RECURSIVE d(path, ha, hb, lvl) AS (
    SELECT '{}'::text[], a, b, 0 WHERE a IS DISTINCT FROM b
    UNION ALL
    SELECT d.path || s.k, s.va, s.vb, d.lvl + 1
      FROM d, LATERAL (
               SELECT coalesce(x.key, y.key) AS k, x.value AS va, y.value AS vb
                 FROM jsonb_each_text(coalesce((SELECT t.entries FROM pggit.tree t WHERE t.hash = d.ha), '{}'::jsonb)) x
                 FULL JOIN jsonb_each_text(coalesce((SELECT t.entries FROM pggit.tree t WHERE t.hash = d.hb), '{}'::jsonb)) y
                   ON x.key = y.key
                WHERE x.value IS DISTINCT FROM y.value) s
     WHERE d.lvl < 4
)
SELECT path[4], path[2], CASE WHEN ha IS NULL THEN 'A' WHEN hb IS NULL THEN 'D' ELSE 'M' END, ha, hb
  FROM d WHERE lvl = 4
$$;
COMMENT ON FUNCTION pggit.diff_trees(text, text) IS 'Plumbing (diff-tree): objects added (A), deleted (D) or modified (M) from tree a to tree b.';
