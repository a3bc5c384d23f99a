-- Consistency: drift, gaps between the tools' history tables and the links, tracking state.
-- One implementation, in the database: pggit:check, psql users and the Liquibase commands call it.

CREATE OR REPLACE FUNCTION pggit.history_tables()
    RETURNS TABLE (tool text, table_schema text, table_name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The migration tools' history tables in this database, recognised by name (pggit.tool_table) and
-- by their columns: Flyway's has installed_rank, version, script, checksum, success; Liquibase's
-- has id, author, filename, md5sum, exectype.
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'installed_rank')
            THEN 'flyway' ELSE 'liquibase' END, n.nspname::text, c.relname::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relname IN (SELECT t.relname FROM pggit.tool_table t)
   AND ((SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
          AND a.attname IN ('installed_rank', 'version', 'script', 'checksum', 'success')) = 5
        OR (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
             AND a.attname IN ('id', 'author', 'filename', 'md5sum', 'exectype')) = 5)
$$;
COMMENT ON FUNCTION pggit.history_tables() IS 'The migration tools'' history tables in this database (tool flyway or liquibase, schema, table), recognised by name (pggit.tool_table) and by their columns.';

CREATE OR REPLACE FUNCTION pggit.drift_findings(drift jsonb, verbose boolean DEFAULT false)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The drift check's findings from one drift scan (a jsonb array of pggit.drift() rows), so that the
-- reader's check (verify_consistency) and the writer's (record_conflicts) report it alike from a
-- single scan. Writes nothing; reads the definitions and the open conflicts. verbose: details.before
-- is the definition at HEAD (the store's blob of old_hash), details.after the live one: the store's
-- when a commit holds that state, else read from the catalog by address, once for just the drifted
-- objects no commit holds (an added, modified or renamed object's new state), and only when the
-- live object still has the hash the scan found.
WITH d AS (
    SELECT * FROM jsonb_to_recordset(coalesce(drift, '[]')) AS d(change text, object_key text, old_key text, kind text, old_hash text,
                                                                new_hash text, note text, classid oid, objid oid)
),
unstored AS (
    SELECT DISTINCT d.classid, d.objid FROM d
     WHERE d.change <> 'D' AND d.classid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pggit.blob b WHERE b.hash = d.new_hash)
),
live AS MATERIALIZED (   -- computed once, on the first verbose finding that needs it; never without verbose;
    -- one jsonb object keyed by '<object_key> <hash>', so that each finding finds its own by a key lookup
    SELECT jsonb_object_agg(r.object_key || ' ' || r.hash, r.definition) AS definitions
      FROM pggit.read_catalog(coalesce((SELECT array_agg(u.classid ORDER BY u.classid, u.objid) FROM unstored u), '{}'),
                              coalesce((SELECT array_agg(u.objid ORDER BY u.classid, u.objid) FROM unstored u), '{}')) r
)
SELECT 'drift', 'drift_' || CASE d.change WHEN 'A' THEN 'added' WHEN 'D' THEN 'removed' WHEN 'R' THEN 'renamed' ELSE 'changed' END,
       'error', d.object_key,
       CASE d.change WHEN 'A' THEN format('%s exists in the database but in no commit', d.object_key)
                     WHEN 'D' THEN format('%s is in HEAD but no longer in the database', d.object_key)
                     WHEN 'R' THEN format('%s was renamed to %s outside any commit', d.old_key, d.object_key)
                     ELSE format('%s differs from its definition at HEAD', d.object_key) END
           || coalesce(' (' || d.note || ')', ''),
       'Adopt it as a commit (mvn pggit:adopt, or pggit.verify_consistency(fix_issues => true)), '
           || coalesce((SELECT format('resolve conflict %s with pggit.resolve_conflict(conflict_id => %L, resolution => ''use_current'' or ''use_tracked'', reason => ...)', x.id, x.id)
                          FROM pggit.conflict x WHERE x.object_key = d.object_key AND x.resolved_at IS NULL),
                       'record it as a conflict (pggit.record_conflicts(), which mvn pggit:check runs where it may write) and resolve it')
           || ', or revert it with a migration.',
       CASE WHEN drift_findings.verbose THEN jsonb_build_object(
           'before', (SELECT b.definition FROM pggit.blob b WHERE b.hash = d.old_hash),
           'after', CASE WHEN d.new_hash IS NOT NULL
                         THEN coalesce((SELECT b.definition FROM pggit.blob b WHERE b.hash = d.new_hash),
                                       (SELECT l.definitions -> (d.object_key || ' ' || d.new_hash) FROM live l)) END) END
  FROM d
 ORDER BY d.object_key
$$;
COMMENT ON FUNCTION pggit.drift_findings(jsonb, boolean) IS
    'The drift check''s findings (check_name drift; kind drift_added, drift_removed, drift_changed or drift_renamed; its open conflict in the hint; when verbose, details.before = the definition at HEAD and details.after = the live one, from the store or read once by address for the drifted objects no commit holds) from one drift scan given as a jsonb array of pggit.drift() rows: shared by verify_consistency and record_conflicts. Writes nothing.';

CREATE OR REPLACE FUNCTION pggit.verify_consistency(fix_issues boolean DEFAULT false, verbose boolean DEFAULT false,
                                         checks text[] DEFAULT NULL)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- One row per finding, check_name one of drift, gap, conflict, tracking, integrity:
--   drift:    added / removed / changed objects no commit explains (kind drift_added, drift_removed,
--             drift_changed, drift_renamed); fix_issues => true adopts them as a commit (origin drift);
--             on a database restored or upgraded since its index was built, one finding server_moved
--             instead (pggit.server_moved), or with fix_issues the re-baseline (server_rebaselined,
--             pggit.rebaseline_after_move) and then the drift scan;
--   gap:      unlinked_migration (in a history table, applied after pggit was installed, no link),
--             missing_migration (a link whose history row is gone; not a Liquibase changeset whose
--             latest link is its rollback), checksum_mismatch (the history
--             table's checksum is not the linked one; Liquibase's 8: -> 9: upgrade is not a gap),
--             failed_migration, out_of_order (Flyway: applied after a higher version),
--             restarted_history (warning: pggit was uninstalled and installed again, and the history
--             table holds migrations from before the restart);
--   tracking: tracking_off (paused or disabled), capture_failure (pggit could not record a migration),
--             interrupted_deployment (warning: a run whose session ended without closing its
--             deployment, closed by close_interrupted_deployments: the next run, or pggit:check
--             first where it may write; those that started in the last 7 days: an incident to look
--             at, not a state to fix, so it does not stay in every check; pggit.deployment keeps them all);
--   integrity: what pggit.fsck() finds in the object store (hash mismatches, missing tree nodes,
--             definitions and parents, the index out of step with HEAD; check/fsck.sql);
--   conflict: none yet (the conflict registry comes with merge).
-- verbose adds details (definitions before and after, history rows, hashes); checks names the checks
-- to run (drift, gap, tracking, integrity; null = all), so a client can run them one by one and
-- report progress.
-- Without fix_issues a reader's call, which writes nothing (no row, no temporary table, no
-- transaction id), so that a hot standby answers it: drift is not recorded as conflicts here (that
-- is pggit.record_conflicts, the writer's step of a check), windows whose time is up count as ended
-- when read (tracking_status), and interrupted runs are reported, not closed.
DECLARE
    installed timestamptz := (SELECT min(v.installed_at) FROM pggit.schema_version v);
    ht record;
    adopted text;
    scan jsonb;
    mv record;
    rb record;
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(checks) c WHERE c IS NULL OR c NOT IN ('drift', 'gap', 'tracking', 'integrity')) THEN
        RAISE EXCEPTION 'pggit: checks has %: the allowed values are drift, gap, tracking, integrity (or null for all)', checks
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF fix_issues AND NOT pg_has_role(session_user, 'pggit_admin', 'USAGE') THEN
        RAISE EXCEPTION 'pggit: fix_issues => true adopts drift as a commit, which takes pggit_admin; role "%" has not got it', session_user
            USING ERRCODE = 'insufficient_privilege', HINT = 'Run the check without fixes, or GRANT pggit_admin TO the role that adopts drift.';
    END IF;
    IF checks IS NULL OR 'drift' = ANY (checks) THEN
    -- a moved server (pg_dump/pg_restore, pg_upgrade): one finding, not a flood of every object whose
    -- address or printed definition differs; with fixes, the re-baseline first, then the drift scan
    SELECT * INTO mv FROM pggit.server_moved() m;
    IF mv.moved AND fix_issues THEN
        SELECT * INTO rb FROM pggit.rebaseline_after_move() r;
        RETURN QUERY SELECT 'drift', 'server_rebaselined', 'info', current_database()::text, rb.message, NULL::text,
                            CASE WHEN verify_consistency.verbose THEN to_jsonb(rb) END;
    ELSIF mv.moved THEN
        RETURN QUERY SELECT 'drift', 'server_moved', 'error', current_database()::text, mv.message,
                            'Run a migration (the Flyway callback and Liquibase re-baseline at the start of a run), a commit, '
                                || 'SELECT * FROM pggit.rebaseline_after_move() (pggit_writer), or this check with fixes; then check again.',
                            CASE WHEN verify_consistency.verbose THEN to_jsonb(mv) END;
    END IF;
    IF NOT mv.moved OR fix_issues THEN
    scan := (SELECT coalesce(jsonb_agg(to_jsonb(d)), '[]') FROM pggit.drift() d);   -- one scan, for the findings and the fix
    RETURN QUERY SELECT f.* FROM pggit.drift_findings(scan, verify_consistency.verbose) f;

    IF fix_issues AND jsonb_array_length(scan) > 0 THEN
        adopted := pggit.commit_changes('adopt drift (verify_consistency)', 'drift', NULL, NULL, true);
        RETURN QUERY SELECT 'drift', 'drift_adopted', 'info', adopted,
                            format('drift adopted as commit %s', left(adopted, 7)), NULL::text, NULL::jsonb;
    END IF;
    END IF;
    END IF;

    IF checks IS NULL OR 'gap' = ANY (checks) THEN
    -- a link belongs to the history table its run named (deployment.rules_source, tool:schema.table):
    -- two services with their own history tables in one database each see their own links; a link
    -- of a run that named none (0.1's, or one opened from SQL) or named a table gone since is
    -- compared with every history table of its tool
    FOR ht IN SELECT h.*, h.tool || ':' || h.table_schema || '.' || h.table_name AS source,
                     array_agg(h.tool || ':' || h.table_schema || '.' || h.table_name) OVER () AS sources
                FROM pggit.history_tables() h LOOP
        IF ht.tool = 'flyway' THEN
            RETURN QUERY EXECUTE format($q$
                WITH h AS (SELECT * FROM %I.%I WHERE type NOT IN ('SCHEMA', 'BASELINE', 'DELETE')),
                     l AS (SELECT ml.* FROM pggit.migration_link ml LEFT JOIN pggit.deployment d ON d.id = ml.deployment_id
                            WHERE ml.tool = 'flyway' AND ml.outcome = 'success'
                              AND (d.rules_source IS NULL OR d.rules_source = $4 OR NOT d.rules_source = ANY ($3)))
                SELECT 'gap', 'unlinked_migration', 'error',
                       coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s (%%s, rank %%s) was applied at %%s but has no link to a commit', coalesce('V' || h.version, 'R'),
                              h.script, h.installed_rank, h.installed_on),
                       'It ran without the pggit callback: add io.pggit.flyway.PggitFlywayCallback to flyway.callbacks; its changes show as drift, adopt them.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.success AND h.installed_on >= $1
                   AND NOT EXISTS (SELECT 1 FROM l WHERE l.installed_rank = h.installed_rank
                                      OR (l.installed_rank IS NULL AND l.script = h.script AND l.migration_id IS NOT DISTINCT FROM h.version))
                UNION ALL
                SELECT 'gap', 'missing_migration', 'error', coalesce('V' || l.migration_id, 'R') || ' ' || coalesce(l.description, ''),
                       format('%%s (%%s) is linked to commit %%s but no longer in %%s', coalesce('V' || l.migration_id, 'R'), l.script,
                              left(l.commit_id, 7), %L),
                       'Its history row was deleted (flyway repair, or by hand): restore it, or accept the gap.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l
                 WHERE l.installed_rank IS NOT NULL AND NOT EXISTS (SELECT 1 FROM h WHERE h.installed_rank = l.installed_rank)
                UNION ALL
                SELECT 'gap', 'checksum_mismatch', 'error', coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s: the history table says checksum %%s, the link %%s', h.script, h.checksum, l.checksum),
                       'The migration was changed and repaired after it ran: review it, then record the new state with a migration.',
                       CASE WHEN $2 THEN jsonb_build_object('history', to_jsonb(h), 'link', to_jsonb(l)) END
                  FROM h JOIN l ON l.installed_rank = h.installed_rank
                 WHERE l.checksum IS DISTINCT FROM h.checksum::text
                UNION ALL
                SELECT 'gap', 'failed_migration', 'error', coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s failed (history rank %%s)', h.script, h.installed_rank),
                       'Fix the migration, run flyway repair, and migrate again.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h WHERE NOT h.success
                UNION ALL
                SELECT 'gap', 'out_of_order', 'warning', 'V' || h.version || ' ' || h.description,
                       format('V%%s was applied after a higher version (rank %%s)', h.version, h.installed_rank),
                       'Applied out of order (flyway.outOfOrder): check that it does not depend on what the later versions did.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.version IS NOT NULL AND h.success
                   AND EXISTS (SELECT 1 FROM h e WHERE e.version IS NOT NULL AND e.installed_rank < h.installed_rank
                                  AND string_to_array(e.version, '.')::numeric[] > string_to_array(h.version, '.')::numeric[])
            $q$, ht.table_schema, ht.table_name, ht.table_schema || '.' || ht.table_name)
                USING installed, verify_consistency.verbose, ht.sources, ht.source;
        ELSE
            RETURN QUERY EXECUTE format($q$
                -- l: the latest link of each changeset that is applied. A failed rollback leaves it
                -- applied (its earlier link stands); a changeset whose latest link is a rollback is not
                -- applied, so its row's absence from databasechangelog is no gap; applied again, it
                -- has a newer link.
                WITH h AS (SELECT * FROM %I.%I),
                     l AS (SELECT * FROM (SELECT DISTINCT ON (ml.migration_id, ml.author, ml.script) ml.* FROM pggit.migration_link ml
                                           LEFT JOIN pggit.deployment d ON d.id = ml.deployment_id
                                           WHERE ml.tool = 'liquibase' AND ml.exec_type IS DISTINCT FROM 'ROLLBACK_FAILED'
                                             AND (d.rules_source IS NULL OR d.rules_source = $4 OR NOT d.rules_source = ANY ($3))
                                           ORDER BY ml.migration_id, ml.author, ml.script, ml.id DESC) latest
                            WHERE latest.exec_type IS DISTINCT FROM 'ROLLED_BACK')
                SELECT 'gap', 'unlinked_migration', 'error', h.id || '::' || h.author || ' (' || h.filename || ')',
                       format('changeset %%s::%%s (%%s) ran at %%s but has no link to a commit', h.id, h.author, h.filename, h.dateexecuted),
                       'It ran without pggit-liquibase on the classpath: add it; its changes show as drift, adopt them.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.dateexecuted >= $1
                   AND NOT EXISTS (SELECT 1 FROM l WHERE l.migration_id = h.id AND l.author = h.author AND l.script = h.filename)
                UNION ALL
                SELECT 'gap', 'missing_migration', 'error', l.migration_id || '::' || l.author || ' (' || l.script || ')',
                       format('changeset %%s::%%s is linked to commit %%s but no longer in %%s', l.migration_id, l.author,
                              left(l.commit_id, 7), %L),
                       'Its databasechangelog row was deleted: restore it, or accept the gap.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l
                 WHERE l.outcome = 'success'
                   AND NOT EXISTS (SELECT 1 FROM h WHERE h.id = l.migration_id AND h.author = l.author AND h.filename = l.script)
                UNION ALL
                SELECT 'gap', 'checksum_mismatch', 'error', h.id || '::' || h.author || ' (' || h.filename || ')',
                       format('changeset %%s::%%s: databasechangelog says %%s, the link %%s', h.id, h.author, h.md5sum, l.checksum),
                       'The changeset was edited after it ran: review it, then record the new state with a new changeset.',
                       CASE WHEN $2 THEN jsonb_build_object('history', to_jsonb(h), 'link', to_jsonb(l)) END
                  FROM h JOIN l ON l.migration_id = h.id AND l.author = h.author AND l.script = h.filename
                 WHERE h.md5sum IS NOT NULL AND l.checksum IS NOT NULL AND h.md5sum <> l.checksum
                   AND split_part(h.md5sum, ':', 1) = split_part(l.checksum, ':', 1)   -- 8: -> 9: is Liquibase's upgrade
                UNION ALL
                SELECT 'gap', 'failed_migration', 'error', l.migration_id || '::' || l.author || ' (' || l.script || ')',
                       format('changeset %%s::%%s failed: %%s', l.migration_id, l.author, coalesce(l.error, 'no message')),
                       'Fix the changeset and run update again.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l WHERE l.outcome = 'failed'
            $q$, ht.table_schema, ht.table_name, ht.table_schema || '.' || ht.table_name)
                USING installed, verify_consistency.verbose, ht.sources, ht.source;
        END IF;
        -- a history restarted by a reinstall after pggit:uninstall, while the tool's history table
        -- holds migrations from before it: their commits are gone
        IF EXISTS (SELECT 1 FROM pggit.history_restart) THEN
            RETURN QUERY EXECUTE format($q$
                SELECT 'gap', 'restarted_history', 'warning', %L,
                       format('pggit''s history restarted at %%s (pggit was uninstalled at %%s, and the history before that was removed): '
                              || '%%s migrations in %%s ran before it and have no commits', r.restarted_at, r.uninstalled_at, count(*), %L),
                       'Nothing to do when the uninstall was intended: the schema they built is in the baseline commit '
                           || coalesce(left(r.baseline_commit, 7), '(none)') || '.',
                       CASE WHEN $2 THEN jsonb_build_object('uninstalled_at', r.uninstalled_at, 'restarted_at', r.restarted_at,
                                                            'baseline_commit', r.baseline_commit, 'migrations_before', count(*)) END
                  FROM %I.%I h, (SELECT * FROM pggit.history_restart x ORDER BY x.id DESC LIMIT 1) r
                 WHERE h.%I < r.restarted_at
                 GROUP BY r.id, r.restarted_at, r.uninstalled_at, r.restarted_by, r.baseline_commit
            $q$, ht.table_schema || '.' || ht.table_name, ht.table_schema || '.' || ht.table_name, ht.table_schema, ht.table_name,
                 CASE ht.tool WHEN 'flyway' THEN 'installed_on' ELSE 'dateexecuted' END) USING installed, verify_consistency.verbose;
        END IF;
    END LOOP;
    END IF;

    IF checks IS NULL OR 'tracking' = ANY (checks) THEN
    RETURN QUERY
    SELECT 'tracking', 'tracking_off', 'warning', 'pggit', format('tracking is %s since %s, until %s', t.state, t.since, t.until),
           t.note, NULL::jsonb
      FROM pggit.tracking_status() t WHERE t.state <> 'tracking'
    UNION ALL
    SELECT 'tracking', 'interrupted_deployment', 'warning', 'deployment ' || d.id,
           format('deployment %s "%s" (%s, started %s) was interrupted: its session ended without closing it, after %s migration(s) linked',
                  d.id, d.name, d.tool, d.started_at, (SELECT count(*) FROM pggit.migration_link l WHERE l.deployment_id = d.id)),
           'The run was killed or lost its connection. The migration it was running, when transactional, was rolled back and '
               || 'runs again in the next run; a non-transactional one may be half applied: look at the drift and the tool''s history table.',
           CASE WHEN verify_consistency.verbose THEN to_jsonb(d) || jsonb_build_object('links',
                    (SELECT jsonb_agg(to_jsonb(l) ORDER BY l.id) FROM pggit.migration_link l WHERE l.deployment_id = d.id)) END
      FROM pggit.deployment d
     WHERE (d.outcome = 'interrupted'
            OR (d.outcome = 'running' AND d.tool <> 'manual' AND NOT pggit.session_alive(d.backend_pid, d.backend_started_at)))
       AND d.started_at > now() - interval '7 days'
    UNION ALL
    SELECT 'tracking', 'capture_failure', 'error', f.migration,
           format('pggit could not record %s: %s', f.migration, f.error),
           'Its changes show as drift: adopt them once the cause is fixed.', NULL::jsonb
      FROM pggit.capture_failure f
     WHERE f.recorded_at > coalesce((SELECT max(c.committed_at) FROM pggit.commit c WHERE c.origin IN ('drift', 'baseline')), '-infinity');
    END IF;

    IF checks IS NULL OR 'integrity' = ANY (checks) THEN
    RETURN QUERY
    SELECT f.check_name, f.kind, f.severity, f.subject, f.message, f.hint, CASE WHEN verify_consistency.verbose THEN f.details END
      FROM pggit.fsck() f;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.verify_consistency(boolean, boolean, text[]) IS
    'One row per finding (check_name drift, gap, conflict, tracking or integrity; kind; severity error, warning or info; subject; message; hint; details when verbose): drift against HEAD (on a database restored or upgraded since its index was built, one server_moved finding instead, or with fix_issues the re-baseline first), gaps between the Flyway and Liquibase history tables and the links (unlinked, missing, checksum mismatch, failed, out of order, restarted history after pggit:uninstall), tracking off, capture failures, interrupted deployments (those of the last 7 days; pggit.close_interrupted_deployments closes them), and the object store''s integrity (pggit.fsck: hash mismatches, missing tree nodes, definitions and parents, the index out of step with HEAD). Without fix_issues it writes nothing (so a hot standby answers it); drift is recorded as conflicts by pggit.record_conflicts, the writer''s step. fix_issues => true (pggit_admin) adopts drift as a commit of origin drift. checks (text[]: drift, gap, tracking, integrity) runs only those, null runs all; another name raises invalid_parameter_value.';

CREATE OR REPLACE FUNCTION pggit.adopt(message text DEFAULT 'adopt drift') RETURNS text
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    RETURN pggit.commit_changes(message, 'drift', NULL, NULL, true);
COMMENT ON FUNCTION pggit.adopt(text) IS 'Records all current drift (the whole catalog against HEAD) as one commit of origin drift, so a hotfix made by hand becomes history; returns its id, or null when there is none.';
