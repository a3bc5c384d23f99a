-- Server moves: pg_dump/pg_restore into another database or cluster, and pg_upgrade, keep every
-- object and its key but not all their OIDs (functions, constraints and triggers get new ones; a
-- restore gives every object a new one), and a new major version may print some definitions
-- differently. The index (pggit.object_map) holds the addresses of the server it was built on,
-- recorded in pggit.server_identity: a server whose system identifier, database OID or major
-- version differs is another server, whose index is re-mapped by object key before anything
-- compares addresses (docs/architecture.md, "Server moves").

CREATE OR REPLACE FUNCTION pggit.server_moved()
    RETURNS TABLE (moved boolean, recorded_id bigint, recorded_system_identifier bigint, recorded_database_oid oid,
                   recorded_server_version_num integer, recorded_at timestamptz,
                   system_identifier bigint, database_oid oid, server_version_num integer, message text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Reads only: the latest pggit.server_identity row against the live server. Not recorded yet (an
-- install before its baseline) is not a move: the first writer call records it.
WITH live AS (
    SELECT c.system_identifier, (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()) AS database_oid,
           current_setting('server_version_num')::integer AS version_num
      FROM pg_control_system() c
), rec AS (
    SELECT * FROM pggit.server_identity s ORDER BY s.id DESC LIMIT 1
), cmp AS (
    SELECT live.*, rec.id, rec.system_identifier AS r_sysid, rec.database_oid AS r_dboid, rec.server_version_num AS r_version,
           rec.recorded_at AS r_at,
           rec.id IS NOT NULL AND (rec.system_identifier <> live.system_identifier OR rec.database_oid <> live.database_oid
                                   OR rec.server_version_num / 10000 <> live.version_num / 10000) AS moved
      FROM live LEFT JOIN rec ON true
)
SELECT cmp.moved, cmp.id, cmp.r_sysid, cmp.r_dboid, cmp.r_version, cmp.r_at, cmp.system_identifier, cmp.database_oid, cmp.version_num,
       CASE WHEN cmp.id IS NULL THEN 'pggit: the server the index is built on is not recorded yet; the next commit records it'
            WHEN NOT cmp.moved THEN format('pggit: the index was built on this server (PostgreSQL %s, system identifier %s, database OID %s)',
                                           cmp.version_num / 10000, cmp.system_identifier, cmp.database_oid)
            ELSE format('pggit: this database moved since its index was built: the index was built on PostgreSQL %s '
                        || '(system identifier %s, database OID %s, recorded %s), this is PostgreSQL %s (system identifier %s, '
                        || 'database OID %s): %s. Objects keep their keys but not their OIDs, and a new major version may print '
                        || 'definitions differently, so pggit compares the catalog again once the index is re-mapped by object key: '
                        || 'the next migration run or commit re-baselines, or run SELECT * FROM pggit.rebaseline_after_move() '
                        || '(pggit_writer), or pggit:check with fixes (pggit.verify_consistency(fix_issues => true))',
                        cmp.r_version / 10000, cmp.r_sysid, cmp.r_dboid, cmp.r_at, cmp.version_num / 10000, cmp.system_identifier,
                        cmp.database_oid,
                        CASE WHEN cmp.r_version / 10000 <> cmp.version_num / 10000
                                 THEN 'a new major version (pg_upgrade, or a dump restored into a newer server)'
                             WHEN cmp.r_sysid <> cmp.system_identifier
                                 THEN 'another cluster (a dump restored into another server, or pg_upgrade)'
                             ELSE 'another database of this cluster (pg_dump/pg_restore into a new database, or CREATE DATABASE ... TEMPLATE)' END)
       END
  FROM cmp
$$;
COMMENT ON FUNCTION pggit.server_moved() IS 'Whether this database moved since its index was built (reads only): the server recorded in pggit.server_identity (system identifier, database OID, server version; the latest row) against the live one; moved when the system identifier, the database OID or the major version differs (pg_dump/pg_restore, CREATE DATABASE ... TEMPLATE, pg_upgrade). message says what moved and what to run. Not recorded yet is not a move.';

CREATE OR REPLACE FUNCTION pggit.rebaseline_after_move()
    RETURNS TABLE (moved boolean, remapped integer, unmatched integer, changed integer, journal_rows_dropped integer,
                   commit_id text, message text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
-- When pggit.server_moved() says so (or the server is not recorded yet): re-maps the index by
-- object key against one full read of the catalog reader, and records the live server.
--   * every index entry whose key the catalog has takes that object's live address (and column
--     numbers: a restore closes the gaps of dropped columns); an entry whose key is gone gets no
--     address (classid 0), so the drift scan reports it deleted and no live object is taken for it
--     by address (the old server's OIDs mean nothing here: no rename is guessed from them);
--   * journal rows whose address names another object than they do (rows of the old server, which
--     a full dump carries) are dropped: what they describe, if not committed, shows as drift;
--   * definitions that differ from HEAD: on a new major version, PostgreSQL printing the same
--     object differently, recorded as one commit of origin server-upgrade whose message lists them
--     with the parts of their definitions that differ (objects
--     with journal rows pending are left to the capture that commits them); on the same major they
--     cannot be a new deparse, so they are left to the drift scan.
-- The catalog is read before the advisory lock of the commit writer, as the writer does, and the
-- move checked again under it: a concurrent call re-baselines once.
#variable_conflict use_column
DECLARE
    s record;
    live pggit.change_row[];
    newmap pggit.object_map[];
    pending pggit.change_row[];
    n_remapped integer := 0;
    n_unmatched integer := 0;
    n_dropped integer := 0;
    changed_keys text[];
    same_major_changed integer := 0;
    major_changed boolean;
    ident_id bigint;
    cid text;
    what text;
    listing text;
    msg text;
BEGIN
    SELECT * INTO s FROM pggit.server_moved() m;
    IF NOT s.moved AND s.recorded_id IS NOT NULL THEN
        PERFORM set_config('pggit.server_checked', s.recorded_id::text, false);
        RETURN QUERY SELECT false, 0, 0, 0, 0, NULL::text, s.message;
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM pggit.object_map) THEN   -- an empty index (a fresh install's first commit): no catalog read
        live := ARRAY(SELECT ROW('M', r.object_key, NULL, r.kind, r.schema_name, r.parent_key, r.classid, r.objid, NULL, r.hash,
                                 NULL, NULL, r.columns, NULL, NULL)::pggit.change_row
                        FROM pggit.read_catalog() r);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    SELECT * INTO s FROM pggit.server_moved() m;
    IF NOT s.moved AND s.recorded_id IS NOT NULL THEN   -- another session re-baselined meanwhile
        PERFORM set_config('pggit.server_checked', s.recorded_id::text, false);
        RETURN QUERY SELECT false, 0, 0, 0, 0, NULL::text, s.message;
        RETURN;
    END IF;

    -- journal rows of the old server: their address names another object, or a live one for a drop
    DELETE FROM pggit.journal j
     WHERE j.objid IS NOT NULL AND j.objid <> 0
       AND CASE WHEN j.event = 'drop' THEN coalesce(j.objsubid, 0) = 0 AND (pg_identify_object(j.classid, j.objid, 0)).identity IS NOT NULL
                ELSE (pg_identify_object(j.classid, j.objid, coalesce(j.objsubid, 0))).identity IS DISTINCT FROM j.object_identity END;
    GET DIAGNOSTICS n_dropped = ROW_COUNT;

    -- the index by key: live addresses, or none (classid 0, numbered) for keys the catalog lost
    newmap := ARRAY(
        SELECT ROW(x.object_key, x.kind, x.schema_name, x.parent_key,
                   coalesce(x.live_classid, 0::oid),
                   coalesce(x.live_objid, (row_number() OVER (PARTITION BY x.live_objid IS NULL ORDER BY x.object_key))::oid),
                   x.hash, coalesce(x.live_columns, x.columns))::pggit.object_map
          FROM (SELECT m.*, l.classid AS live_classid, l.objid AS live_objid, l.columns AS live_columns
                  FROM pggit.object_map m LEFT JOIN unnest(live) l ON l.object_key = m.object_key) x);
    SELECT count(*) FILTER (WHERE n.classid <> 0 AND (n.classid, n.objid, n.columns) IS DISTINCT FROM (m.classid, m.objid, m.columns)),
           count(*) FILTER (WHERE n.classid = 0)
      INTO n_remapped, n_unmatched
      FROM unnest(newmap) n JOIN pggit.object_map m ON m.object_key = n.object_key;
    IF n_remapped > 0 OR n_unmatched > 0 THEN
        DELETE FROM pggit.object_map;
        INSERT INTO pggit.object_map SELECT * FROM unnest(newmap);
    END IF;

    -- definitions HEAD holds otherwise; not those a pending journal row will commit
    IF EXISTS (SELECT 1 FROM pggit.journal) THEN
        pending := ARRAY(SELECT ROW(NULL, NULL, NULL, NULL, NULL, NULL, a.classid, a.objid, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::pggit.change_row
                           FROM pggit.affected_objects(ARRAY(SELECT j.id FROM pggit.journal j)) a);
    END IF;
    changed_keys := ARRAY(SELECT n.object_key FROM unnest(newmap) n JOIN unnest(live) l ON l.object_key = n.object_key
                           WHERE l.new_hash <> n.hash
                             AND NOT EXISTS (SELECT 1 FROM unnest(pending) p WHERE p.classid = l.classid AND p.objid = l.objid)
                             -- a state the rules accepted (pggit.accepted_state) is no difference to record
                             AND NOT EXISTS (SELECT 1 FROM pggit.accepted_state a WHERE a.object_key = n.object_key AND a.hash = l.new_hash)
                           ORDER BY 1);
    major_changed := s.recorded_server_version_num IS NOT NULL AND s.recorded_server_version_num / 10000 <> s.server_version_num / 10000;
    IF NOT major_changed THEN
        same_major_changed := cardinality(changed_keys);
        changed_keys := '{}';
    END IF;

    what := CASE WHEN s.recorded_id IS NULL THEN 'first record of the server the index is built on'
                 WHEN major_changed THEN format('PostgreSQL %s to %s', s.recorded_server_version_num / 10000, s.server_version_num / 10000)
                 WHEN s.recorded_system_identifier <> s.system_identifier
                     THEN format('system identifier %s to %s', s.recorded_system_identifier, s.system_identifier)
                 ELSE format('database OID %s to %s', s.recorded_database_oid, s.database_oid) END;
    INSERT INTO pggit.server_identity (system_identifier, database_oid, server_version_num, remapped, unmatched,
                                       journal_rows_dropped, note)
    VALUES (s.system_identifier, s.database_oid, s.server_version_num, n_remapped, n_unmatched, n_dropped,
            CASE WHEN s.recorded_id IS NULL THEN what ELSE 'moved: ' || what END)
    RETURNING id INTO ident_id;
    PERFORM set_config('pggit.server_checked', ident_id::text, false);   -- this session checked: commit_changes goes on

    IF cardinality(changed_keys) > 0 THEN
        -- what changed in the text: per key (the first 20), the parts of its definition that differ
        -- ("view:app.v (query)"), from HEAD's definition and a read of just those objects
        listing := (SELECT string_agg(format('%s (%s)', r.object_key,
                                             coalesce((SELECT string_agg(f.part, ', ' ORDER BY f.part)
                                                         FROM (SELECT jsonb_object_keys(b.definition) UNION SELECT jsonb_object_keys(r.definition)) f(part)
                                                        WHERE b.definition -> f.part IS DISTINCT FROM r.definition -> f.part), 'definition')),
                                      ', ' ORDER BY r.object_key)
                      FROM pggit.read_catalog(ARRAY(SELECT l.classid FROM unnest(live) l WHERE l.object_key = ANY (changed_keys[1:20])
                                                     ORDER BY l.classid, l.objid),
                                              ARRAY(SELECT l.objid FROM unnest(live) l WHERE l.object_key = ANY (changed_keys[1:20])
                                                     ORDER BY l.classid, l.objid)) r
                      JOIN pggit.object_map m ON m.object_key = r.object_key
                      JOIN pggit.blob b ON b.hash = m.hash);
        cid := pggit.commit_changes(
            format('server-upgrade: %s prints %s definition%s differently: %s%s', what, cardinality(changed_keys),
                   CASE WHEN cardinality(changed_keys) = 1 THEN '' ELSE 's' END,
                   coalesce(listing, array_to_string(changed_keys[1:20], ', ')),
                   CASE WHEN cardinality(changed_keys) > 20 THEN format(' and %s more', cardinality(changed_keys) - 20) ELSE '' END),
            'server-upgrade', NULL, NULL, true, changed_keys);
        UPDATE pggit.server_identity i SET rebaseline_commit = cid WHERE i.id = ident_id;
    END IF;

    msg := format('pggit: re-baselined (%s): %s index entr%s re-mapped by object key, %s not in this database (shown as drift), '
                  || '%s journal row%s of the old server dropped; %s',
                  what, n_remapped, CASE WHEN n_remapped = 1 THEN 'y' ELSE 'ies' END, n_unmatched,
                  n_dropped, CASE WHEN n_dropped = 1 THEN '' ELSE 's' END,
                  CASE WHEN cid IS NOT NULL
                           THEN format('the definitions printed differently are commit %s (origin server-upgrade)', left(cid, 7))
                       WHEN same_major_changed > 0
                           THEN format('%s definition%s differ from HEAD on the same major version (not a new deparse): they show as drift',
                                       same_major_changed, CASE WHEN same_major_changed = 1 THEN '' ELSE 's' END)
                       ELSE 'every definition prints as at HEAD: no commit' END);
    RAISE NOTICE '%', msg;
    RETURN QUERY SELECT s.recorded_id IS NOT NULL, n_remapped, n_unmatched, coalesce(cardinality(changed_keys), 0), n_dropped, cid, msg;
END
$$;
COMMENT ON FUNCTION pggit.rebaseline_after_move() IS 'After pg_dump/pg_restore or pg_upgrade (pggit.server_moved): re-maps the index by object key against one full read of the catalog, drops journal rows of the old server, records the live server in pggit.server_identity and, on a new major version, records the definitions it prints differently as one commit of origin server-upgrade; returns what it did (moved false and nothing done when the server is the recorded one). Called by every capture (pggit.commit_changes) and pggit.open_deployment, so the next migration run re-baselines.';

CREATE OR REPLACE FUNCTION pggit.check_server() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Plumbing of the writers (commit_changes, open_deployment): a session checks its server once (a
-- session never moves; the setting it keeps is undone with a rolled-back transaction), so a
-- capture pays a setting lookup and one index probe, not pg_control_system().
BEGIN
    IF current_setting('pggit.server_checked', true) = (SELECT max(s.id) FROM pggit.server_identity s)::text THEN
        RETURN;
    END IF;
    PERFORM pggit.rebaseline_after_move();
END
$$;
COMMENT ON FUNCTION pggit.check_server() IS 'Plumbing of the writers: re-baselines (pggit.rebaseline_after_move) unless this session already checked that the server is the one the index was built on (the session setting pggit.server_checked).';
