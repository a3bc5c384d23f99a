-- The one commit writer: journal (or the whole catalog) -> blobs, tree, commit, index, branch.

CREATE OR REPLACE FUNCTION pggit.gather_changes(full_scan boolean, journal_scope text, rules_source text DEFAULT NULL,
                                                 OUT ids bigint[], OUT changes pggit.change_row[])
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The journal rows of the scope and the changes they imply. Another session may drop an object
-- between the catalog scan that finds it and the deparsing of its definition, which then fails
-- ("cache lookup failed", XX000): read again (the object shows as dropped), a few times at most.
BEGIN
    FOR attempt IN 1 .. 5 LOOP
        BEGIN
            ids := pggit.journal_ids(journal_scope);
            SELECT array_agg(c::pggit.change_row) INTO changes FROM pggit.compute_changes(full_scan, ids, rules_source) c;
            RETURN;
        EXCEPTION WHEN internal_error THEN
            IF attempt = 5 THEN
                RAISE;
            END IF;
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.gather_changes(boolean, text, text) IS 'Plumbing of the commit writer: the journal rows of journal_scope (pggit.journal_ids) and the changes they imply under the rules in force for rules_source (pggit.compute_changes), read again when a concurrent DROP made a definition vanish while it was read (internal_error), up to 5 times.';

CREATE OR REPLACE FUNCTION pggit.commit_changes(message text, origin text, author text DEFAULT NULL,
                                     deployment_id bigint DEFAULT NULL, full_scan boolean DEFAULT false,
                                     only_keys text[] DEFAULT NULL, journal_scope text DEFAULT 'all')
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
-- Turns the journal rows of journal_scope (pggit.journal_ids: 'session' for a migration's capture,
-- 'all' otherwise) or, with full_scan, the whole catalog into one commit on HEAD's branch. Returns
-- the new commit id, or null when no tracked object changed (no empty commits). Deletes exactly the
-- journal rows it read: a row committed meanwhile waits for the next commit.
-- Concurrent commits serialise on a transaction-level advisory lock, taken only to write: the
-- catalog is read before it (a migration holding ACCESS EXCLUSIVE on its tables may be waiting for
-- that lock, while reading a definition can need ACCESS SHARE on them: a deadlock), and read again
-- under it when another commit moved HEAD meanwhile. Catalog reads wait at most lock_timeout.
-- On a server the index was not built on (pggit.server_moved) it re-baselines first
-- (pggit.check_server: once per session), since the index's addresses are the old server's.
-- The tracking rules are those in force for the deployment's source (a build's run,
-- pggit.deployment.rules_source), else outside a run (pggit.rules_in_force).
DECLARE
    rules_source text := (SELECT d.rules_source FROM pggit.deployment d WHERE d.id = commit_changes.deployment_id);
    ignored_classids oid[] := '{}';
    ignored_objids oid[] := '{}';
    ids      bigint[];
    seen_head text;
    changes  pggit.change_row[];
    head     text;
    head_tree text;
    new_tree text;
    cid      text;
    new_parents text[];
    merging  record;
    ts       timestamptz := clock_timestamp();
    who      text := coalesce(author, session_user::text);
BEGIN
    PERFORM pggit.check_server();   -- after pg_dump/pg_restore or pg_upgrade the index is re-mapped by key first
    PERFORM pggit.refresh_tracking_windows();
    seen_head := pggit.head_commit();
    SELECT r.ids, r.changes INTO ids, changes FROM pggit.gather_changes(full_scan, journal_scope, rules_source) r;
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    IF pggit.head_commit() IS DISTINCT FROM seen_head THEN   -- another commit came first: read again, against its index
        SELECT r.ids, r.changes INTO ids, changes FROM pggit.gather_changes(full_scan, journal_scope, rules_source) r;
    END IF;
    IF journal_scope = 'session' AND NOT full_scan THEN
        -- an object another session has pending rows for stays in status(), for that session's commit
        changes := ARRAY(SELECT c FROM unnest(changes) c
                          WHERE NOT EXISTS (SELECT 1 FROM pggit.journal j
                                             WHERE j.classid = c.classid AND j.objid = c.objid AND NOT (j.id = ANY (ids))));
    END IF;
    INSERT INTO pggit.untracked_change (window_id, command_tag, object_identity, recorded_at)
    SELECT w.id, j.command_tag, j.object_identity, j.recorded_at
      FROM pggit.journal j JOIN pggit.tracking_window w
        ON w.kind = 'pause' AND j.recorded_at >= w.started_at AND j.recorded_at < coalesce(w.ended_at, w.ends_at)
     WHERE j.id = ANY (ids);
    IF NOT full_scan AND only_keys IS NULL THEN   -- the objects of the rows the rules dropped before widening
        SELECT coalesce(array_agg(i.classid ORDER BY i.classid, i.objid), '{}'), coalesce(array_agg(i.objid ORDER BY i.classid, i.objid), '{}')
          INTO ignored_classids, ignored_objids
          FROM (SELECT DISTINCT j.classid, j.objid FROM pggit.journal j
                 WHERE j.id = ANY (ids) AND j.objid IS NOT NULL AND j.objid <> 0 AND coalesce(j.schema_name, '') <> 'pggit'
                   AND j.command_tag NOT IN ('REFRESH MATERIALIZED VIEW', 'REINDEX') AND NOT (j.event = 'ddl' AND coalesce(j.flag, false))
                   AND NOT pggit.journal_kept(j.command_tag, j.object_identity, rules_source)) i;
    END IF;
    IF only_keys IS NULL THEN   -- a commit of some objects only leaves the journal to the next full commit
        DELETE FROM pggit.journal j WHERE j.id = ANY (ids);
    END IF;
    -- a directive, once seen, stays a rule for its object key (DROP + CREATE loses the comment)
    WITH seen AS (
        INSERT INTO pggit.object_directive AS o (object_key, directive)
        SELECT DISTINCT ON (c.object_key) c.object_key, c.directive FROM unnest(changes) c WHERE c.directive IS NOT NULL
        ON CONFLICT (object_key) DO UPDATE SET directive = excluded.directive, seen_at = clock_timestamp()
         WHERE o.directive <> excluded.directive
        RETURNING o.object_key, o.directive)
    INSERT INTO pggit.rule_change (rule, new_value)
    SELECT 'directive', jsonb_build_object('object_key', seen.object_key, 'directive', seen.directive) FROM seen;
    -- a journaled change the rules ignore: its live state is accepted, without a commit, so that
    -- the drift scan leaves it alone (pggit.accepted_state)
    IF NOT full_scan AND only_keys IS NULL THEN
        INSERT INTO pggit.accepted_state AS a (object_key, hash)
        SELECT DISTINCT ON (c.object_key) c.object_key, c.new_hash FROM unnest(changes) c
         WHERE NOT c.tracked AND (c.change <> 'M' OR c.old_hash <> c.new_hash)
        ON CONFLICT (object_key) DO UPDATE SET hash = excluded.hash, accepted_at = clock_timestamp(), accepted_by = session_user;
        -- so is the live state of an object whose journal rows the rules dropped before widening
        -- (an ignore pattern, an ignored operation: pggit.journal_kept), so that rules in force
        -- elsewhere (outside the run, another build's) do not see it as drift
        WITH ign AS MATERIALIZED (
            SELECT i.classid, i.objid FROM unnest(ignored_classids, ignored_objids) i(classid, objid)
        ), live AS (
            SELECT l.object_key, l.hash FROM pggit.read_catalog(ignored_classids, ignored_objids) l
             WHERE cardinality(ignored_objids) > 0
        ), seen AS (
            SELECT l.object_key, l.hash FROM live l
            UNION ALL   -- gone: accepted as gone
            SELECT m.object_key, NULL FROM ign i JOIN pggit.object_map m ON m.classid = i.classid AND m.objid = i.objid
             WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.object_key = m.object_key)
        )
        INSERT INTO pggit.accepted_state AS a (object_key, hash)
        SELECT DISTINCT ON (s.object_key) s.object_key, s.hash FROM seen s
         WHERE NOT EXISTS (SELECT 1 FROM unnest(changes) c WHERE s.object_key IN (c.object_key, c.old_key))
           AND s.hash IS DISTINCT FROM (SELECT m.hash FROM pggit.object_map m WHERE m.object_key = s.object_key)
        ON CONFLICT (object_key) DO UPDATE SET hash = excluded.hash, accepted_at = clock_timestamp(), accepted_by = session_user;
    END IF;
    changes := ARRAY(SELECT c FROM unnest(changes) c
                      WHERE c.tracked AND (only_keys IS NULL OR c.object_key = ANY (only_keys) OR c.old_key = ANY (only_keys)));
    IF cardinality(changes) = 0 THEN
        RETURN NULL;
    END IF;
    DELETE FROM pggit.accepted_state a USING unnest(changes) c WHERE a.object_key IN (c.object_key, c.old_key);

    head := pggit.head_commit();
    SELECT c.tree INTO head_tree FROM pggit.commit c WHERE c.id = head;

    INSERT INTO pggit.blob (hash, definition)
    SELECT DISTINCT ON (c.new_hash) c.new_hash, c.definition FROM unnest(changes) c WHERE c.new_hash IS NOT NULL
    ON CONFLICT (hash) DO NOTHING;

    new_tree := pggit.write_tree(head_tree, ARRAY(
        SELECT ROW(pggit.tree_path(m.schema_name, m.kind, m.object_key), NULL)::pggit.tree_edit
          FROM unnest(changes) c JOIN pggit.object_map m ON m.object_key = coalesce(c.old_key, c.object_key)
         WHERE c.change <> 'A'
        UNION ALL
        SELECT ROW(pggit.tree_path(c.schema_name, c.kind, c.object_key), c.new_hash)::pggit.tree_edit
          FROM unnest(changes) c WHERE c.change <> 'D'));

    -- the index follows the catalog, including address-only changes (an index rebuilt under a new oid)
    DELETE FROM pggit.object_map m
     USING unnest(changes) c
     WHERE m.object_key = coalesce(c.old_key, c.object_key) AND c.change IN ('D', 'R');
    DELETE FROM pggit.object_map m
     USING unnest(changes) c
     WHERE c.change <> 'D' AND m.classid = c.classid AND m.objid = c.objid AND m.object_key <> c.object_key;
    INSERT INTO pggit.object_map (object_key, kind, schema_name, parent_key, classid, objid, hash, columns)
    SELECT c.object_key, c.kind, c.schema_name, c.parent_key, c.classid, c.objid, c.new_hash, c.columns
      FROM unnest(changes) c WHERE c.change <> 'D'
    ON CONFLICT (object_key) DO UPDATE
       SET kind = excluded.kind, schema_name = excluded.schema_name, parent_key = excluded.parent_key,
           classid = excluded.classid, objid = excluded.objid, hash = excluded.hash, columns = excluded.columns;

    IF new_tree IS NOT DISTINCT FROM head_tree THEN
        RETURN NULL;
    END IF;

    new_parents := CASE WHEN head IS NULL THEN '{}'::text[] ELSE ARRAY[head] END;
    -- a merge into this branch waiting for the live catalog to reach its tree (pggit.complete_merge
    -- after the plan ran, or the capture of the migration written from it): this is its merge commit
    SELECT m.id, m.source_commit, m.merge_request_id INTO merging FROM pggit.merge m
     WHERE m.status = 'ready' AND m.target_branch = (SELECT h.branch FROM pggit.head h) AND m.target_commit = head
       AND m.merged_tree = new_tree
     ORDER BY m.id DESC LIMIT 1;
    IF merging.id IS NOT NULL THEN
        new_parents := new_parents || merging.source_commit;
    END IF;
    cid := pggit.sha256_hex(pggit.commit_hash_text(new_tree, new_parents, who, ts, origin, message));
    INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message, deployment_id, capture_ms)
    VALUES (cid, new_tree, new_parents, who, ts, origin, message, deployment_id,
            extract(epoch FROM clock_timestamp() - ts) * 1000);
    INSERT INTO pggit.change (commit_id, object_key, identity, kind, change, old_key, old_hash, new_hash, detail)
    SELECT cid, c.object_key, pggit.key_identity(c.object_key), c.kind, c.change, c.old_key, c.old_hash, c.new_hash,
           CASE WHEN c.renamed_columns IS NOT NULL THEN jsonb_build_object('renamed_columns', c.renamed_columns) END
      FROM unnest(changes) c
     WHERE c.change <> 'M' OR c.old_hash <> c.new_hash;
    INSERT INTO pggit.ref (name, commit_id) SELECT h.branch, cid FROM pggit.head h
    ON CONFLICT (name) DO UPDATE SET commit_id = excluded.commit_id;
    IF merging.id IS NOT NULL THEN
        UPDATE pggit.merge m SET status = 'completed', merge_commit = cid, completed_by = session_user, completed_at = ts WHERE m.id = merging.id;
        IF merging.merge_request_id IS NOT NULL THEN
            PERFORM pggit.mark_merge_request_merged(merging.merge_request_id, merging.id);
        END IF;
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.commit_changes(text, text, text, bigint, boolean, text[], text) IS
    'Plumbing behind commit, migrations and baseline: writes one commit of the journaled changes of journal_scope (session: this session''s rows, as a migration''s capture; all: every session''s but those reserved by another session''s open run) or of all drift when full_scan (only the objects only_keys names when given) on HEAD, under the tracking rules of deployment_id''s source (pggit.rules_in_force); returns its id, or null when nothing tracked changed. A commit whose tree is the merged tree of a ready merge into HEAD''s branch begun at HEAD (pggit.merge) is that merge''s commit: the merge''s source is its second parent, and the merge is completed. origin: baseline, migration, deployment, manual, drift, rollback, server-upgrade. On a server the index was not built on (pggit.server_moved) re-baselines first (pggit.check_server).';

CREATE OR REPLACE FUNCTION pggit.commit_summary(commit_id text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- '+2 tables, ~1 function, >1 index, -1 view': added, modified, renamed, deleted, by kind.
-- plpgsql, not sql: a sql function with SET clauses is planned on every call (one per migration).
#variable_conflict use_column
BEGIN
RETURN (SELECT coalesce(string_agg(format('%s%s %s', sym, n,
                    CASE WHEN n = 1 THEN replace(kind, '_', ' ')
                         WHEN kind LIKE '%x' THEN replace(kind, '_', ' ') || 'es'
                         ELSE replace(kind, '_', ' ') || 's' END), ', ' ORDER BY ord, kind), 'no changes')
  FROM (SELECT ch.kind,
               CASE ch.change WHEN 'A' THEN '+' WHEN 'M' THEN '~' WHEN 'R' THEN '>' ELSE '-' END AS sym,
               CASE ch.change WHEN 'A' THEN 1 WHEN 'M' THEN 2 WHEN 'R' THEN 3 ELSE 4 END AS ord,
               count(*) AS n
          FROM pggit.change ch WHERE ch.commit_id = commit_summary.commit_id
         GROUP BY 1, 2, 3) s);
END
$$;
COMMENT ON FUNCTION pggit.commit_summary(text) IS 'One line per commit: counts by kind of objects added (+), modified (~), renamed (>) and deleted (-).';
