-- Porcelain: what psql users call (commit, status, drift, log, show, diff, object_history).

CREATE OR REPLACE FUNCTION pggit.commit(message text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cid text;
BEGIN
    PERFORM pggit.require_text(message, 'the commit message');
    IF EXISTS (SELECT 1 FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' AND NOT d.auto_commit) THEN
        RAISE EXCEPTION 'pggit: deployment "%" is open: its changes become one commit at pggit.end_deployment()',
              (SELECT d.name FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' LIMIT 1)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'End it with pggit.end_deployment(commit_message), or begin it with auto_commit => true to allow commits inside it.';
    END IF;
    cid := pggit.commit_changes(message, 'manual', NULL, NULL, false);
    IF cid IS NULL THEN
        RAISE NOTICE 'pggit: nothing to commit (no journaled change to a tracked object)';
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.commit(text) IS
    'Commits journaled changes (DDL since the last commit) on HEAD with the given message; returns the commit id (hex SHA-256), or null with a notice when nothing tracked changed.';

CREATE OR REPLACE FUNCTION pggit.status()
    RETURNS TABLE (change text, object_key text, old_key text, kind text, detail jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- A reader's call: writes nothing, so a hot standby answers it (a pause whose time is up needs no
-- ending here: the journal rows it left out are known by their time, pggit.affected_objects).
BEGIN
    IF (SELECT m.moved FROM pggit.server_moved() m) THEN   -- the index holds another server's addresses
        RAISE EXCEPTION '%', (SELECT m.message FROM pggit.server_moved() m) USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN QUERY
    SELECT c.change, c.object_key, c.old_key, c.kind,
           CASE WHEN c.renamed_columns IS NOT NULL THEN jsonb_build_object('renamed_columns', c.renamed_columns) END
      FROM pggit.compute_changes(false, ARRAY(SELECT j.id FROM pggit.journal j)) c
     WHERE c.tracked AND (c.change <> 'M' OR c.old_hash <> c.new_hash)
     ORDER BY c.object_key;
END
$$;
COMMENT ON FUNCTION pggit.status() IS
    'Journaled but uncommitted changes that the tracking rules keep: one row per object, change A (added), M (modified), D (deleted) or R (renamed from old_key). On a moved server (pggit.server_moved) raises object_not_in_prerequisite_state, as drift() does.';

CREATE OR REPLACE FUNCTION pggit.drift()
    RETURNS TABLE (change text, object_key text, old_key text, kind text, old_hash text, new_hash text, note text,
                   classid oid, objid oid)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- note names a window when tracking was off that explains the change: a pause during which the
-- object was changed, or an emergency disable since the object was last committed. A reader's call:
-- writes nothing, so a hot standby answers it; a window whose time is up is known by its ends_at.
-- On a moved server (pggit.server_moved) one error says so instead: the index's addresses are the
-- old server's and a new major version prints definitions its own way, so a scan would be a flood.
-- classid, objid: the object's address (live; for a deleted object the one the index had), so that
-- a caller can read the live definitions of just the drifted objects (pggit.read_catalog(classids, objids)).
BEGIN
    IF (SELECT m.moved FROM pggit.server_moved() m) THEN   -- the index holds another server's addresses
        RAISE EXCEPTION '%', (SELECT m.message FROM pggit.server_moved() m) USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN QUERY
    SELECT c.change, c.object_key, c.old_key, c.kind, c.old_hash, c.new_hash,
           coalesce(
               (SELECT format('changed while tracking was paused (%s to %s)', w.started_at, coalesce(w.ended_at, w.ends_at))
                  FROM pggit.untracked_change u JOIN pggit.tracking_window w ON w.id = u.window_id
                 WHERE u.object_identity IN (pggit.key_identity(c.object_key), pggit.key_identity(c.old_key))
                 ORDER BY u.recorded_at DESC LIMIT 1),
               (SELECT format('tracking was disabled from %s to %s: the change may come from then', w.started_at,
                              coalesce(w.ended_at::text, 'now'))
                  FROM pggit.tracking_window w
                 WHERE w.kind = 'emergency'
                   AND coalesce(w.ended_at, 'infinity') > coalesce((SELECT max(cm.committed_at) FROM pggit.change ch
                                                                     JOIN pggit.commit cm ON cm.id = ch.commit_id
                                                                    WHERE ch.object_key = c.object_key), '-infinity')
                 ORDER BY w.started_at DESC LIMIT 1)),
           c.classid, c.objid
      FROM unnest((pggit.gather_changes(true, 'all')).changes) c   -- read again if a concurrent DROP interferes
     WHERE c.tracked AND (c.change <> 'M' OR c.old_hash <> c.new_hash)
       -- a state the rules made a capture accept (pggit.accepted_state) is no drift
       AND NOT EXISTS (SELECT 1 FROM pggit.accepted_state a WHERE a.object_key = c.object_key AND a.hash IS NOT DISTINCT FROM c.new_hash)
     ORDER BY c.object_key;
END
$$;
COMMENT ON FUNCTION pggit.drift() IS
    'Differences between the whole live catalog and the tree at HEAD (journaled or not) that the tracking rules keep, one row per object, but for a state a capture accepted because the rules ignored its change (pggit.accepted_state); note says when tracking was off for it; classid and objid are its address (live, or the index''s for a deleted object). Empty when the database is exactly HEAD. On a database restored or upgraded since its index was built (pggit.server_moved) raises object_not_in_prerequisite_state saying so, until pggit.rebaseline_after_move (or the next migration run or commit) re-maps the index.';

CREATE OR REPLACE FUNCTION pggit.log(max_count integer DEFAULT 100, rev text DEFAULT 'HEAD')
    RETURNS TABLE (commit_id text, committed_at timestamptz, author text, origin text, message text, summary text,
                   deployment_id bigint, migration text, tree text, parents text[], refs text[])
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Reads about max_count commits, not the whole ancestry: a parent is always older (a smaller seq)
-- than its child, so each of the max_count newest ancestors of the start is reached by a path of
-- fewer than max_count parent steps (its commits are newer still, hence among those max_count):
-- the walk stops at that depth. In a history without merges that is exactly max_count commits.
WITH RECURSIVE anc(id, seq, parents, depth, committed_at, author, origin, message, deployment_id, tree) AS (
    SELECT c.id, c.seq, c.parents, 1, c.committed_at, c.author, c.origin, c.message, c.deployment_id, c.tree
      FROM pggit.commit c
     WHERE c.id = CASE WHEN upper(rev) = 'HEAD' THEN pggit.head_commit() ELSE pggit.resolve(rev) END
    UNION
    -- "= ANY (parents)", not a join with unnest (estimated 10 rows each): with that estimate a history
    -- of a thousand commits was hash-joined by scanning pggit.commit once per step
    SELECT c.id, c.seq, c.parents, a.depth + 1, c.committed_at, c.author, c.origin, c.message, c.deployment_id, c.tree
      FROM anc a JOIN pggit.commit c ON c.id = ANY (a.parents)
     WHERE max_count IS NULL OR a.depth < max_count
), newest AS (
    SELECT DISTINCT ON (a.seq) a.* FROM anc a ORDER BY a.seq DESC LIMIT max_count
)
SELECT n.id, n.committed_at, n.author, n.origin, n.message, pggit.commit_summary(n.id), n.deployment_id,
       (SELECT string_agg(l.tool || ' ' || coalesce(l.migration_id, l.script), ', ' ORDER BY l.id)
          FROM pggit.migration_link l WHERE l.commit_id = n.id AND l.new_commit),
       n.tree, n.parents,
       (SELECT array_agg(CASE WHEN r.name = h.branch THEN 'HEAD -> ' || r.name ELSE r.name END ORDER BY r.name = h.branch DESC, r.name)
          FROM pggit.ref r CROSS JOIN pggit.head h WHERE r.commit_id = n.id)
  FROM newest n
 ORDER BY n.seq DESC
$$;
COMMENT ON FUNCTION pggit.log(integer, text) IS 'The history of rev (default HEAD; a branch, commit id, unique prefix or ~N as pggit.resolve takes), newest first, at most max_count commits (null: all), with a change summary, the migrations linked to each commit (tool and id, comma-separated), its tree hash, its parents (first parent first; a merge has two) and the branches pointing at it (refs, as git log --decorate: ''HEAD -> main'' for the checked-out one first, then the others by name; null for none). Empty before the first commit; a rev that names nothing raises undefined_object (pggit.resolve). Reads about max_count commits, however long the history.';

CREATE OR REPLACE FUNCTION pggit.show(rev text DEFAULT 'HEAD')
    RETURNS TABLE (commit_id text, change text, object_key text, old_key text, kind text,
                   old_definition jsonb, new_definition jsonb, detail jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT ch.commit_id, ch.change, ch.object_key, ch.old_key, ch.kind, ob.definition, nb.definition, ch.detail
  FROM pggit.change ch
  LEFT JOIN pggit.blob ob ON ob.hash = ch.old_hash
  LEFT JOIN pggit.blob nb ON nb.hash = ch.new_hash
 WHERE ch.commit_id = pggit.resolve(rev)
 ORDER BY ch.object_key
$$;
COMMENT ON FUNCTION pggit.show(text) IS 'What one commit changed (rev: id, unique prefix, branch or HEAD~N), per object, with definitions before and after.';

CREATE OR REPLACE FUNCTION pggit.diff(from_rev text, to_rev text DEFAULT 'HEAD')
    RETURNS TABLE (change text, object_key text, kind text, old_definition jsonb, new_definition jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT d.change, d.object_key, d.kind, ob.definition, nb.definition
  FROM pggit.diff_trees((SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve(from_rev)),
                        (SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve(to_rev))) d
  LEFT JOIN pggit.blob ob ON ob.hash = d.old_hash
  LEFT JOIN pggit.blob nb ON nb.hash = d.new_hash
 ORDER BY d.object_key
$$;
COMMENT ON FUNCTION pggit.diff(text, text) IS 'Objects added (A), deleted (D) or modified (M) between the trees of two revisions, with both definitions.';

CREATE OR REPLACE FUNCTION pggit.object_history(object_name text)
    RETURNS TABLE (commit_id text, committed_at timestamptz, change text, object_key text, old_key text,
                   message text, definition jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- object_name: a full key ('table:command.tb_meter') or an identity ('command.tb_meter').
SELECT c.id, c.committed_at, ch.change, ch.object_key, ch.old_key, c.message, b.definition
  FROM pggit.change ch
  JOIN pggit.commit c ON c.id = ch.commit_id
  LEFT JOIN pggit.blob b ON b.hash = ch.new_hash
 WHERE ch.object_key = object_name OR ch.identity = object_name
    -- renames are few: the partial index change_old_key_idx lists them, so that no arm scans the table
    OR (ch.old_key IS NOT NULL AND (ch.old_key = object_name OR pggit.key_identity(ch.old_key) = object_name))
 ORDER BY c.seq
$$;
COMMENT ON FUNCTION pggit.object_history(text) IS 'Every commit that added, modified, renamed or deleted the object, oldest first; object_name is a key (kind:identity) or an identity such as command.tb_meter.';
