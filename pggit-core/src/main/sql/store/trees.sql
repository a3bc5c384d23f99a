-- Trees: content-addressed nodes root -> schema -> kind -> the kind's trie of object keys, written and diffed
-- along the changed paths only.

CREATE OR REPLACE FUNCTION pggit.tree_path(schema_name text, kind text, object_key text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[schema_name, kind, object_key];
COMMENT ON FUNCTION pggit.tree_path(text, text, text) IS 'Where an object lives in a tree, as pggit.write_tree and pggit.tree_lookup take it: {schema, kind, object key} (below the kind, the key''s place in the kind''s trie follows from SHA-256 of the key).';

CREATE OR REPLACE FUNCTION pggit.tree_node_shape(entries jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT CASE WHEN k IS NULL OR strpos(k, ':') > 0 THEN 'leaf' WHEN k ~ '^[0-9a-f]$' THEN 'trie' WHEN k ~ '^[0-9a-f]{2}$' THEN 'buckets' ELSE 'names' END
              FROM (SELECT min(x) AS k FROM jsonb_object_keys(entries) x) f);
COMMENT ON FUNCTION pggit.tree_node_shape(jsonb) IS
    'The shape of a tree node below the kind level, from its keys: leaf (object key -> blob hash; every object key has a colon, kind:identity; also the empty node), trie (one hex digit of SHA-256(object key) -> child node: 0.2''s kind tries), buckets (two hex digits -> bucket node: the kind nodes 0.1 wrote, 256 buckets each) or names (a root or schema node).';

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
-- {schema} and {schema, kind} name nodes; {schema, kind, object key} goes down the kind's trie by
-- the hex digits of SHA-256(object key), one per level (or, in a tree 0.1 wrote, its bucket: the
-- first two digits), until a leaf holds the key or the branch ends.
DECLARE
    h text := root;
    e jsonb;
    kh text;
    depth int := 0;
BEGIN
    FOR i IN 1 .. least(cardinality(path), 2) LOOP
        EXIT WHEN h IS NULL;
        SELECT t.entries ->> path[i] INTO h FROM pggit.tree t WHERE t.hash = h;
    END LOOP;
    IF h IS NULL OR cardinality(path) < 3 THEN
        RETURN h;
    END IF;
    kh := pggit.sha256_hex(path[3]);
    LOOP
        SELECT t.entries INTO e FROM pggit.tree t WHERE t.hash = h;
        IF e IS NULL THEN
            RETURN NULL;
        ELSIF e ? path[3] THEN
            RETURN e ->> path[3];
        END IF;
        h := coalesce(e ->> substr(kh, depth + 1, 1), e ->> left(kh, 2));
        IF h IS NULL OR depth > 64 THEN
            RETURN NULL;
        END IF;
        depth := depth + 1;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.tree_lookup(text, text[]) IS 'The hash at path below tree root: {schema} or {schema, kind} give a node, {schema, kind, object key} (pggit.tree_path) the object''s blob hash; null when absent. Reads trees of both layouts (0.2''s kind tries and 0.1''s 256 buckets).';

CREATE OR REPLACE FUNCTION pggit.subtree_objects(node text)
    RETURNS TABLE (object_key text, hash text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Below the kind level every key with a colon is an object (kind:identity) and every other key a
-- child node (a trie digit or a 0.1 bucket).
WITH RECURSIVE w(key, value) AS (
    SELECT e.key, e.value FROM pggit.tree t, jsonb_each_text(t.entries) e WHERE t.hash = node
    UNION ALL
    SELECT e.key, e.value FROM w JOIN pggit.tree t ON t.hash = w.value, jsonb_each_text(t.entries) e
     WHERE strpos(w.key, ':') = 0
)
SELECT w.key, w.value FROM w WHERE strpos(w.key, ':') > 0
$$;
COMMENT ON FUNCTION pggit.subtree_objects(text) IS 'Plumbing: every object (object key, blob hash) below a node at or under the kind level of a tree (a kind node, a trie node, a 0.1 bucket); none for null.';

CREATE OR REPLACE FUNCTION pggit.build_trie(objects jsonb, depth integer) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- A set of at most 16 objects is one leaf; a larger set is split by the hex digit at position
-- depth + 1 of SHA-256(object key) into up to 16 children, each built the same way one level down.
-- The shape follows from the set alone, so equal sets give equal hashes (content addressing).
BEGIN
    IF objects IS NULL OR objects = '{}'::jsonb THEN
        RETURN NULL;
    ELSIF (SELECT count(*) FROM jsonb_object_keys(objects)) <= 16 THEN
        RETURN pggit.put_tree(objects);
    END IF;
    RETURN pggit.put_tree((
        SELECT jsonb_object_agg(g.digit, pggit.build_trie(g.sub, depth + 1))
          FROM (SELECT substr(pggit.sha256_hex(x.key), depth + 1, 1) AS digit, jsonb_object_agg(x.key, x.value) AS sub
                  FROM jsonb_each(objects) x GROUP BY 1) g));
END
$$;
COMMENT ON FUNCTION pggit.build_trie(jsonb, integer) IS 'Plumbing: stores the trie node at depth (0 = the kind node) holding objects ({object key: blob hash}) and returns its hash, null for no objects: a leaf of at most 16 objects, else a node of up to 16 children split by the hex digit at position depth + 1 of SHA-256(object key).';

CREATE OR REPLACE FUNCTION pggit.write_trie(node text, depth integer, edits jsonb) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Applies edits ({object key: blob hash, or null to remove}) to the trie node at depth and returns
-- the new node's hash (null when nothing is left). Only the nodes on the edited keys' paths are
-- read and written: one per level, ~log16(objects / 16) levels. A node whose objects drop to 16
-- or fewer becomes a leaf again (the shape stays a function of the set); a 0.1 kind node (256
-- buckets) is rebuilt into a trie the first time it is written.
DECLARE
    e jsonb := coalesce((SELECT t.entries FROM pggit.tree t WHERE t.hash = node), '{}'::jsonb);
    shape text := pggit.tree_node_shape(e);
    removed text[] := ARRAY(SELECT x.key FROM jsonb_each(edits) x WHERE x.value = 'null'::jsonb);
    g record;
    child text;
    kept jsonb;
    merged jsonb;
BEGIN
    IF shape = 'trie' THEN
        FOR g IN SELECT substr(pggit.sha256_hex(x.key), depth + 1, 1) AS digit, jsonb_object_agg(x.key, x.value) AS sub
                   FROM jsonb_each(edits) x GROUP BY 1 LOOP
            child := pggit.write_trie(e ->> g.digit, depth + 1, g.sub);
            e := CASE WHEN child IS NULL THEN e - g.digit ELSE e || jsonb_build_object(g.digit, child) END;
        END LOOP;
        IF cardinality(removed) > 0 THEN
            -- a removal: 16 or fewer objects left below make one leaf
            SELECT jsonb_object_agg(o.object_key, o.hash) INTO kept
              FROM (SELECT o.object_key, o.hash FROM jsonb_each_text(e) c, pggit.subtree_objects(c.value) o LIMIT 17) o;
        END IF;
        IF kept IS NOT NULL AND (SELECT count(*) FROM jsonb_object_keys(kept)) <= 16 THEN
            RETURN pggit.build_trie(kept, depth);
        ELSIF e = '{}'::jsonb THEN
            RETURN NULL;
        END IF;
        RETURN pggit.put_tree(e);
    ELSIF shape = 'buckets' THEN
        e := (SELECT jsonb_object_agg(o.object_key, o.hash) FROM pggit.subtree_objects(node) o);
    END IF;
    merged := (e - removed) || jsonb_strip_nulls(edits);
    IF shape = 'buckets' AND merged = e THEN
        RETURN node;   -- the same objects (an address-only change): the 0.1 node stays, and so does the tree
    END IF;
    RETURN pggit.build_trie(merged, depth);
END
$$;
COMMENT ON FUNCTION pggit.write_trie(text, integer, jsonb) IS 'Plumbing of pggit.write_tree: applies edits ({object key: blob hash, or null to remove}) to the kind trie node at depth (0 = the kind node; null = empty) and returns the new node''s hash, null when no object is left.';

CREATE OR REPLACE FUNCTION pggit.write_tree(base text, edits pggit.tree_edit[]) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Applies edits to tree base and returns the new root hash. Writes only the nodes on the changed
-- paths: in each edited kind's trie one node per level (pggit.write_trie), then the kind's schema
-- node and the root: cost follows the edits, not the tree's size. An emptied node disappears from
-- its parent; the root always exists.
DECLARE
    cur pggit.tree_edit[];
    lvl int;
BEGIN
    IF coalesce(cardinality(edits), 0) = 0 THEN
        RETURN coalesce(base, pggit.put_tree('{}'::jsonb));
    END IF;
    -- the kinds: {schema, kind} -> new kind node
    SELECT array_agg(ROW(ARRAY[k.schema_name, k.kind],
                         pggit.write_trie(pggit.tree_lookup(base, ARRAY[k.schema_name, k.kind]), 0, k.edits))::pggit.tree_edit)
      INTO cur
      FROM (SELECT e.path[1] AS schema_name, e.path[2] AS kind, jsonb_object_agg(e.path[3], e.hash ORDER BY e.hash IS NOT NULL) AS edits   -- an add after a removal of one key wins
              FROM unnest(edits) e GROUP BY 1, 2) k;
    -- then the schema nodes and the root
    FOR lvl IN REVERSE 2..1 LOOP
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
COMMENT ON FUNCTION pggit.write_tree(text, pggit.tree_edit[]) IS 'Plumbing: applies edits (paths {schema, kind, object key} from pggit.tree_path, hash null = remove) to tree base (null = empty) and returns the new root tree hash. Layout: root (schema -> node) -> schema (kind -> node) -> the kind''s trie (pggit.build_trie).';

CREATE OR REPLACE FUNCTION pggit.tree_objects(root text)
    RETURNS TABLE (schema_name text, kind text, object_key text, hash text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Levels 0 and 1 are the root and the schema nodes; below a kind node every key with a colon is an
-- object and every other key a child node, whatever the layout (0.2's tries, 0.1's buckets).
WITH RECURSIVE walk(schema_name, kind, key, hash, lvl) AS (
    SELECT NULL::text, NULL::text, NULL::text, root, 0 WHERE root IS NOT NULL
    UNION ALL
    SELECT CASE WHEN w.lvl = 0 THEN e.key ELSE w.schema_name END, CASE WHEN w.lvl = 1 THEN e.key ELSE w.kind END,
           e.key, e.value, w.lvl + 1
      FROM walk w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e
     WHERE w.lvl < 2 OR strpos(w.key, ':') = 0
)
SELECT w.schema_name, w.kind, w.key, w.hash FROM walk w WHERE w.lvl > 2 AND strpos(w.key, ':') > 0
$$;
COMMENT ON FUNCTION pggit.tree_objects(text) IS 'Plumbing (ls-tree -r): every object of a tree with its schema, kind and blob hash.';

CREATE OR REPLACE FUNCTION pggit.diff_trees(a text, b text)
    RETURNS TABLE (object_key text, kind text, change text, old_hash text, new_hash text, schema_name text)
    LANGUAGE sql STABLE ROWS 100 SET search_path = pg_catalog, pg_temp AS $$
-- Walks both trees at once and descends only where subtree hashes differ (as git does), so the
-- cost follows the difference, not the trees' size. Below the kind level two nodes of one shape
-- are matched by key: each entry of a against b's entry of that key, then b's keys a lacks (nodes
-- are at most 16 entries, so a key lookup beats hashing both sides for a join); a leaf against a
-- trie node (a kind that grew past 16 objects or shrank below), or 0.1's buckets against a 0.2
-- trie, compare every object below them by key. Each pair's two nodes are fetched once: the
-- OFFSET 0 fences keep the planner from copying the node lookups into every use (it did: ten
-- index scans per pair instead of two, twice the time). ROWS 100: a diff is mostly small; the
-- default estimate of 1,000 rows made pggit.diff join the definitions by hashing the whole blob
-- table.
WITH RECURSIVE d(key, sch, kind, ha, hb, lvl) AS (
    SELECT NULL::text, NULL::text, NULL::text, a, b, 0 WHERE a IS DISTINCT FROM b
    UNION ALL
    SELECT s.key, CASE WHEN d.lvl = 0 THEN s.key ELSE d.sch END, CASE WHEN d.lvl = 1 THEN s.key ELSE d.kind END, s.va, s.vb, d.lvl + 1
      FROM d
      CROSS JOIN LATERAL (SELECT n0.ea, n0.eb,
                                 d.lvl < 2 OR n0.ea IS NULL OR n0.eb IS NULL
                                 OR pggit.tree_node_shape(n0.ea) = pggit.tree_node_shape(n0.eb) AS same_shape
                            FROM (SELECT (SELECT t.entries FROM pggit.tree t WHERE t.hash = d.ha) AS ea,
                                         (SELECT t.entries FROM pggit.tree t WHERE t.hash = d.hb) AS eb
                                  OFFSET 0) n0
                          OFFSET 0) n
      CROSS JOIN LATERAL (
               SELECT x.key, x.value AS va, n.eb ->> x.key AS vb
                 FROM jsonb_each_text(n.ea) x
                WHERE n.same_shape AND x.value IS DISTINCT FROM n.eb ->> x.key
               UNION ALL
               SELECT y.key, NULL, y.value
                 FROM jsonb_each_text(n.eb) y
                WHERE n.same_shape AND NOT coalesce(n.ea ? y.key, false)
               UNION ALL
               SELECT coalesce(x.object_key, y.object_key), x.hash, y.hash
                 FROM pggit.subtree_objects(d.ha) x FULL JOIN pggit.subtree_objects(d.hb) y ON x.object_key = y.object_key
                WHERE NOT n.same_shape AND x.hash IS DISTINCT FROM y.hash) s
     WHERE d.lvl < 2 OR strpos(d.key, ':') = 0
)
SELECT d.key, d.kind, CASE WHEN d.ha IS NULL THEN 'A' WHEN d.hb IS NULL THEN 'D' ELSE 'M' END, d.ha, d.hb, d.sch
  FROM d WHERE d.lvl > 2 AND strpos(d.key, ':') > 0
$$;
COMMENT ON FUNCTION pggit.diff_trees(text, text) IS 'Plumbing (diff-tree): objects added (A), deleted (D) or modified (M) from tree a to tree b, with their blob hashes on each side (null where absent) and the schema node they live under (pggit.tree_path''s first element).';
