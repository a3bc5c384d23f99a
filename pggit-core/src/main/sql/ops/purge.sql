-- Purging history: explicit, recorded, and never of what a branch or tag still reaches unless forced.

CREATE OR REPLACE FUNCTION pggit.purge_history(older_than interval, force boolean DEFAULT false)
    RETURNS TABLE (what text, purged bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Without force: commits older than older_than that no branch or tag reaches (and no migration
-- link names), then tree nodes and definitions nothing kept refers to. With force: also the
-- reachable history before the cutoff; the newest commit before it stays as the new root (its
-- parents are cleared, so its id no longer hashes its parents, as in a shallow clone). Links to
-- purged commits keep their row with commit_id null; tags on them go. Returns what was freed.
DECLARE
    cutoff timestamptz;
    root text;
    n_commits bigint;
    n_trees bigint;
    n_blobs bigint;
BEGIN
    PERFORM pggit.check_duration(older_than);
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    cutoff := clock_timestamp() - older_than;
    CREATE TEMP TABLE pggit_reachable ON COMMIT DROP AS
    WITH RECURSIVE r(id) AS (
        SELECT x.commit_id FROM pggit.ref x UNION SELECT t.commit_id FROM pggit.tag t
        UNION
        SELECT unnest(c.parents) FROM r JOIN pggit.commit c ON c.id = r.id
    ) SELECT id FROM r;
    IF force THEN
        SELECT c.id INTO root FROM pggit.commit c JOIN pggit_reachable r ON r.id = c.id
         WHERE c.committed_at < cutoff ORDER BY c.seq DESC LIMIT 1;
        UPDATE pggit.commit c SET parents = '{}' WHERE c.id = root;
        DELETE FROM pggit.commit c WHERE c.committed_at < cutoff AND c.id IS DISTINCT FROM root;
    ELSE
        DELETE FROM pggit.commit c
         WHERE c.committed_at < cutoff
           AND NOT EXISTS (SELECT 1 FROM pggit_reachable r WHERE r.id = c.id)
           AND NOT EXISTS (SELECT 1 FROM pggit.migration_link l WHERE l.commit_id = c.id);
    END IF;
    GET DIAGNOSTICS n_commits = ROW_COUNT;
    -- garbage: tree nodes under no kept commit, definitions in no kept tree, change row or the index
    CREATE TEMP TABLE pggit_live_trees ON COMMIT DROP AS
    -- (levels 0 and 1: root and schema nodes; below, a key with a colon is an object, kind:identity,
    -- whose value is a blob, and any other key a node: a kind, a trie digit, a 0.1 bucket)
    -- (level 2 stands for every level from the kind nodes down, so shared subtrees are walked once)
    WITH RECURSIVE w(hash, lvl, blob) AS (
        SELECT c.tree, 0, false FROM pggit.commit c
        UNION
        -- a merge's trees (pggit.merge's foreign keys): its base (a virtual one after criss-cross
        -- merges is under no commit) and its merged tree (under none while ready, or once aborted)
        SELECT x.tree, 0, false FROM pggit.merge m CROSS JOIN LATERAL (VALUES (m.base_tree), (m.merged_tree)) x(tree) WHERE x.tree IS NOT NULL
        UNION
        SELECT e.value, least(w.lvl + 1, 2), w.lvl >= 2 AND strpos(e.key, ':') > 0
          FROM w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e
         WHERE NOT w.blob
    ) SELECT hash, blob FROM w;
    DELETE FROM pggit.tree t WHERE NOT EXISTS (SELECT 1 FROM pggit_live_trees l WHERE l.hash = t.hash AND NOT l.blob);
    GET DIAGNOSTICS n_trees = ROW_COUNT;
    DELETE FROM pggit.blob b
     WHERE NOT EXISTS (SELECT 1 FROM pggit_live_trees l WHERE l.hash = b.hash AND l.blob)
       AND NOT EXISTS (SELECT 1 FROM pggit.change ch WHERE ch.old_hash = b.hash OR ch.new_hash = b.hash)
       AND NOT EXISTS (SELECT 1 FROM pggit.object_map m WHERE m.hash = b.hash);
    GET DIAGNOSTICS n_blobs = ROW_COUNT;
    INSERT INTO pggit.purge_log (older_than, forced, new_root, commits_purged, trees_purged, blobs_purged)
    VALUES (older_than, force, root, n_commits, n_trees, n_blobs);
    RETURN QUERY VALUES ('commits', n_commits), ('trees', n_trees), ('blobs', n_blobs);
END
$$;
COMMENT ON FUNCTION pggit.purge_history(interval, boolean) IS
    'Frees history older than older_than: without force only commits no branch, tag or migration link reaches, plus unreferenced tree nodes and definitions; with force also the reachable history before the cutoff, keeping the newest commit before it as the new root. Recorded in pggit.purge_log; returns what was freed. Errors: a duration that is not positive.';
