-- Integrity of the object store, like git fsck: every hash recomputed, every reference followed.

CREATE OR REPLACE FUNCTION pggit.fsck()
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- One row per problem, check_name integrity, in verify_consistency's shape. Set-based: each table
-- is read once, and the tree nodes every commit reaches are walked once each (a node shared by
-- many commits, as unchanged subtrees are, is expanded once). Kinds, all severity error unless a
-- purge_history explains them (then info):
--   blob_hash_mismatch, tree_hash_mismatch, commit_hash_mismatch: the stored content no longer
--     hashes to its key (a forced purge's new root, whose parents it cleared, is purged_root, info);
--   missing_tree, missing_blob: a node or definition a commit's tree refers to is not stored;
--   missing_parent: a commit's parent is not stored (purged_parent, info, when a purge ran after
--     the commit was written); missing_commit: a branch, tag or migration link names no commit;
--   index_out_of_step: pggit.object_map (the index) and HEAD's tree disagree on a key or its hash.
WITH RECURSIVE
walk(hash, lvl, path, blob) AS (   -- every tree node below a commit's root (level 0), and the blobs: below the
    -- schema nodes (level 1) a key with a colon is an object (kind:identity), any other key a node
    SELECT DISTINCT c.tree, 0, '{}'::text[], false FROM pggit.commit c
    UNION
    SELECT e.value, w.lvl + 1, w.path || e.key, w.lvl >= 2 AND strpos(e.key, ':') > 0
      FROM walk w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e
     WHERE NOT w.blob
),
purge AS (
    SELECT max(p.purged_at) FILTER (WHERE p.commits_purged > 0) AS last_purge,
           coalesce(array_agg(p.new_root) FILTER (WHERE p.forced AND p.new_root IS NOT NULL), '{}') AS roots
      FROM pggit.purge_log p
),
head AS (
    SELECT c.id, c.tree FROM pggit.commit c WHERE c.id = pggit.head_commit()
),
head_objects AS (
    SELECT o.object_key, o.hash FROM head h, pggit.tree_objects(h.tree) o
)
SELECT 'integrity', x.store || '_hash_mismatch', 'error', x.hash,
       format('%s %s no longer hashes to its key (its text hashes to %s)', x.noun, left(x.hash, 12), left(x.computed, 12)),
       format('pggit.%s was changed outside pggit (by hand or by storage corruption): restore the row from a backup; %s',
              x.store, x.consequence),
       jsonb_build_object('stored', x.hash, 'computed', x.computed)
  FROM (SELECT 'blob' AS store, 'definition' AS noun, b.hash, pggit.sha256_hex(b.definition::text) AS computed,
               'the commits whose trees hold it show a definition that is not the one recorded.' AS consequence
          FROM pggit.blob b
        UNION ALL
        SELECT 'tree', 'tree node', t.hash, pggit.sha256_hex(t.entries::text),
               'every commit whose tree reaches it is suspect.'
          FROM pggit.tree t) x
 WHERE x.computed <> x.hash
UNION ALL
SELECT 'integrity', CASE WHEN x.purged_root THEN 'purged_root' ELSE 'commit_hash_mismatch' END,
       CASE WHEN x.purged_root THEN 'info' ELSE 'error' END, x.id,
       CASE WHEN x.purged_root
            THEN format('commit %s is the root a forced purge_history left: its parents were cleared, so its id hashes parents no longer stored', left(x.id, 12))
            ELSE format('commit %s no longer hashes to its id (its tree, parents, author, time, origin and message hash to %s)', left(x.id, 12), left(x.computed, 12)) END,
       CASE WHEN x.purged_root THEN 'Nothing to do: pggit.purge_log records the forced purge.'
            ELSE 'pggit.commit was changed outside pggit (by hand or by storage corruption): restore the row from a backup; the history it records cannot be trusted.' END,
       jsonb_build_object('stored', x.id, 'computed', x.computed)
  FROM (SELECT c.id, pggit.sha256_hex(pggit.commit_hash_text(c.tree, c.parents, c.author, c.committed_at, c.origin, c.message)) AS computed,
               c.id = ANY (p.roots) AND c.parents = '{}' AS purged_root
          FROM pggit.commit c, purge p) x
 WHERE x.computed <> x.id
UNION ALL
SELECT 'integrity', 'missing_tree', 'error', c.id,
       format('commit %s has tree %s, which is not stored', left(c.id, 12), left(c.tree, 12)),
       'A tree node was deleted outside pggit (purge_history keeps every node a kept commit reaches): restore pggit.tree from a backup; until then show, diff and export of this commit fail.',
       jsonb_build_object('commit', c.id, 'tree', c.tree)
  FROM pggit.commit c
 WHERE NOT EXISTS (SELECT 1 FROM pggit.tree t WHERE t.hash = c.tree)
UNION ALL
SELECT 'integrity', 'missing_tree', 'error', array_to_string(w.path, '/'),
       format('tree node %s at %s is referred to by a stored tree but is not stored', left(w.hash, 12), array_to_string(w.path, '/')),
       'A tree node was deleted outside pggit (purge_history keeps every node a kept commit reaches): restore pggit.tree from a backup; until then the commits above it miss the objects below it.',
       jsonb_build_object('tree', w.hash, 'path', to_jsonb(w.path))
  FROM walk w
 WHERE w.lvl >= 1 AND NOT w.blob AND NOT EXISTS (SELECT 1 FROM pggit.tree t WHERE t.hash = w.hash)
UNION ALL
SELECT 'integrity', 'missing_blob', 'error', w.path[cardinality(w.path)],
       format('definition %s of %s is referred to by a stored tree but is not stored', left(w.hash, 12), w.path[cardinality(w.path)]),
       'A definition was deleted outside pggit (purge_history keeps every definition a kept tree holds): restore pggit.blob from a backup; until then show, diff and export cannot print this object.',
       jsonb_build_object('blob', w.hash, 'object_key', w.path[cardinality(w.path)], 'path', to_jsonb(w.path))
  FROM walk w
 WHERE w.blob AND NOT EXISTS (SELECT 1 FROM pggit.blob b WHERE b.hash = w.hash)
UNION ALL
SELECT 'integrity', CASE WHEN x.purged THEN 'purged_parent' ELSE 'missing_parent' END,
       CASE WHEN x.purged THEN 'info' ELSE 'error' END, x.id,
       format('commit %s names parent %s, which is not stored', left(x.id, 12), left(x.parent, 12))
           || CASE WHEN x.purged THEN ' (purge_history ran after the commit was written)' ELSE '' END,
       CASE WHEN x.purged THEN 'Nothing to do: pggit.purge_log records the purge that freed it.'
            ELSE 'A commit was deleted outside pggit: restore pggit.commit from a backup; log, blame and merge bases stop at this commit.' END,
       jsonb_build_object('commit', x.id, 'parent', x.parent)
  FROM (SELECT c.id, par.parent, coalesce(p.last_purge > c.committed_at, false) AS purged
          FROM pggit.commit c CROSS JOIN purge p CROSS JOIN LATERAL unnest(c.parents) AS par(parent)
         WHERE NOT EXISTS (SELECT 1 FROM pggit.commit q WHERE q.id = par.parent)) x
UNION ALL
SELECT 'integrity', 'missing_commit', 'error', r.what,
       format('%s points at commit %s, which is not stored', r.what, left(r.commit_id, 12)),
       'A commit was deleted outside pggit: restore pggit.commit from a backup, or point the ' || r.noun || ' at a stored commit.',
       jsonb_build_object('commit', r.commit_id)
  FROM (SELECT 'branch ' || x.name AS what, 'branch' AS noun, x.commit_id FROM pggit.ref x
        UNION ALL
        SELECT 'tag ' || x.name, 'tag', x.commit_id FROM pggit.tag x
        UNION ALL
        SELECT 'migration link ' || x.id, 'link', x.commit_id FROM pggit.migration_link x WHERE x.commit_id IS NOT NULL) r
 WHERE NOT EXISTS (SELECT 1 FROM pggit.commit c WHERE c.id = r.commit_id)
UNION ALL
SELECT 'integrity', 'index_out_of_step', 'error', coalesce(m.object_key, o.object_key),
       CASE WHEN o.object_key IS NULL THEN format('%s is in the index (pggit.object_map) but not in HEAD''s tree', m.object_key)
            WHEN m.object_key IS NULL THEN format('%s is in HEAD''s tree but not in the index (pggit.object_map)', o.object_key)
            ELSE format('%s has definition %s in the index (pggit.object_map) but %s in HEAD''s tree', m.object_key, left(m.hash, 12), left(o.hash, 12)) END,
       'pggit.object_map was changed outside pggit: restore it from a backup taken with the commits; captures and the drift scan compare the catalog with the index, so until then they report against the wrong state.',
       jsonb_build_object('index', m.hash, 'head', o.hash)
  FROM (SELECT x.object_key, x.hash FROM pggit.object_map x) m
  FULL JOIN head_objects o ON o.object_key = m.object_key
 WHERE m.hash IS DISTINCT FROM o.hash
ORDER BY 2, 4
$$;
COMMENT ON FUNCTION pggit.fsck() IS
    'Integrity of the object store (git fsck), one row per problem in verify_consistency''s shape (check_name integrity): blob, tree node and commit hashes recomputed (blob_hash_mismatch, tree_hash_mismatch, commit_hash_mismatch), the tree nodes and definitions every commit reaches (missing_tree, missing_blob), parents, branches, tags and links (missing_parent, missing_commit), the index against HEAD''s tree (index_out_of_step); severity error, or info for what purge_history explains (purged_root, purged_parent). No rows: the store is intact.';
