-- What the integrations call per run and per migration: deployments, links, failures.

CREATE OR REPLACE FUNCTION pggit.open_deployment(name text, tool text, target text DEFAULT NULL, session_pid integer DEFAULT NULL,
                                                  rules_source text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- session_pid: the backend pid of the session that runs the migrations, when it is not this one
-- (Flyway's callback opens the deployment on a connection of its own, closed at once, while the
-- migrations run on Flyway's). The deployment records that session's pid and start time, so the
-- next run or check can tell for sure that the run is gone (close_interrupted_deployments), which
-- this call does first. rules_source: the build's source (tool and history table, as given to
-- pggit.apply_build_rules) whose tracking rules the run's captures use (pggit.rules_in_force);
-- null: the rules outside a run.
DECLARE
    run_pid integer := coalesce(session_pid, pg_backend_pid());
    started timestamptz;
    id bigint;
BEGIN
    SELECT a.backend_start INTO started FROM pg_stat_get_activity(run_pid) a
     WHERE a.pid = run_pid AND a.datid = (SELECT b.oid FROM pg_database b WHERE b.datname = current_database());
    IF started IS NULL THEN
        RAISE EXCEPTION 'pggit: no session with backend pid % in this database', run_pid USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pggit.close_interrupted_deployments();
    PERFORM pggit.check_server();   -- a run on a restored or upgraded database re-baselines before its migrations
    INSERT INTO pggit.deployment (name, tool, target, head_before, backend_pid, backend_started_at, rules_source)
    VALUES (open_deployment.name, open_deployment.tool, open_deployment.target, pggit.head_commit(), run_pid, started,
            nullif(open_deployment.rules_source, ''))
    RETURNING deployment.id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION pggit.open_deployment(text, text, text, integer, text) IS
    'Opens a deployment (outcome running) for the session with backend pid session_pid (null: this session) and returns its id; its captures use the tracking rules in force for rules_source (a build''s tool and history table, pggit.apply_build_rules; null: the rules outside a run, pggit.rules_in_force); first closes the deployments whose session is gone (close_interrupted_deployments) and, on a database restored or upgraded since its index was built, re-baselines (pggit.rebaseline_after_move).';

CREATE OR REPLACE FUNCTION pggit.close_deployment(deployment_id bigint, outcome text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF outcome NOT IN ('success', 'failed', 'abandoned') THEN
        RAISE EXCEPTION 'pggit: deployment outcome must be success, failed or abandoned, not "%"', outcome
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE pggit.deployment d
       SET ended_at = clock_timestamp(), outcome = close_deployment.outcome, head_after = pggit.head_commit()
     WHERE d.id = close_deployment.deployment_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no deployment with id %', deployment_id USING ERRCODE = 'undefined_object';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.close_deployment(bigint, text) IS 'Closes a deployment with outcome success, failed or abandoned, recording HEAD after it.';

CREATE OR REPLACE FUNCTION pggit.record_migration(deployment_id bigint, migration jsonb, outcome text, error text DEFAULT NULL,
                                       origin text DEFAULT 'migration', error_sqlstate text DEFAULT NULL)
    RETURNS TABLE (link_id bigint, commit_id text, new_commit boolean, summary text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- migration: {"tool": "flyway"|"liquibase", "id", "type", "description", "script", "checksum",
--             "author", "contexts", "labels", "exec_type"} (absent keys = null).
-- A success commits its journaled changes (origin migration, or rollback for an undone changeset)
-- and links it to that commit, or to HEAD when it changed nothing tracked. A failure: a link
-- without a commit, with the error's message and SQLSTATE (error, error_sqlstate).
DECLARE
    cid text;
    lid bigint;
    tool text := migration ->> 'tool';
    label text := concat_ws(' ',
        CASE WHEN migration ->> 'tool' <> 'flyway' THEN concat_ws('::', migration ->> 'id', migration ->> 'author')
             WHEN migration ->> 'id' IS NULL THEN 'R' ELSE 'V' || (migration ->> 'id') END,
        migration ->> 'description');
BEGIN
    IF outcome NOT IN ('success', 'failed') THEN
        RAISE EXCEPTION 'pggit: migration outcome must be success or failed, not "%"', outcome
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF outcome = 'success' THEN
        cid := pggit.commit_changes(CASE WHEN origin = 'rollback' THEN tool || ' rollback ' ELSE tool || ' ' END || label,
                                    origin, migration ->> 'author', deployment_id, false, NULL, 'session');   -- its own session's DDL only
        new_commit := cid IS NOT NULL;
        cid := coalesce(cid, pggit.head_commit());
    ELSE
        new_commit := false;
    END IF;
    INSERT INTO pggit.migration_link (deployment_id, tool, migration_id, migration_type, description, script, checksum,
                                      author, contexts, labels, exec_type, outcome, commit_id, new_commit, error, error_sqlstate)
    VALUES (record_migration.deployment_id, tool, migration ->> 'id', migration ->> 'type', migration ->> 'description',
            migration ->> 'script', migration ->> 'checksum', migration ->> 'author', migration ->> 'contexts',
            migration ->> 'labels', migration ->> 'exec_type', outcome, cid, new_commit, error, error_sqlstate)
    RETURNING id INTO lid;
    link_id := lid;
    commit_id := cid;
    summary := CASE WHEN new_commit THEN pggit.commit_summary(cid) ELSE 'no tracked changes' END;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION pggit.record_migration(bigint, jsonb, text, text, text, text) IS
    'Links one applied (origin migration) or rolled-back (origin rollback) migration or changeset to the commit it produced, committing its journaled changes first; one that changed nothing tracked is linked to HEAD; outcome failed records a link without a commit, with the error''s message and SQLSTATE. migration is a JSON object: tool, id, type, description, script, checksum, author, contexts, labels, exec_type.';

CREATE OR REPLACE FUNCTION pggit.record_migration_fail_open(deployment_id bigint, migration jsonb, origin text DEFAULT 'migration')
    RETURNS TABLE (link_id bigint, commit_id text, new_commit boolean, summary text, capture_error text, capture_sqlstate text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- pggit.record_migration for a successful migration, fail-open: an error inside pggit is caught
-- (the EXCEPTION block is a subtransaction, so the migration's own transaction goes on), recorded
-- in pggit.capture_failure and returned in capture_error; the drift scan then reports what was
-- missed. One round trip per migration instead of savepoint, call and release.
BEGIN
    BEGIN
        RETURN QUERY SELECT r.link_id, r.commit_id, r.new_commit, r.summary, NULL::text, NULL::text
                       FROM pggit.record_migration(deployment_id, migration, 'success', NULL, origin) r;
    EXCEPTION WHEN OTHERS THEN
        capture_error := SQLERRM;
        capture_sqlstate := SQLSTATE;
        INSERT INTO pggit.capture_failure (deployment_id, migration, sqlstate, error)
        VALUES (record_migration_fail_open.deployment_id,
                concat_ws(' ', CASE WHEN migration ->> 'tool' <> 'flyway' THEN concat_ws('::', migration ->> 'id', migration ->> 'author')
                                    WHEN migration ->> 'id' IS NULL THEN 'R' ELSE 'V' || (migration ->> 'id') END,
                          migration ->> 'description'),
                capture_sqlstate, capture_error);
        RETURN NEXT;
    END;
END
$$;
COMMENT ON FUNCTION pggit.record_migration_fail_open(bigint, jsonb, text) IS
    'record_migration for a successful migration that never fails it: an error inside pggit is recorded in pggit.capture_failure and returned in capture_error (with its SQLSTATE) instead of raised.';

CREATE OR REPLACE FUNCTION pggit.set_tool_deployment_id(deployment_id bigint, tool_deployment_id text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
UPDATE pggit.deployment d SET tool_deployment_id = set_tool_deployment_id.tool_deployment_id
 WHERE d.id = set_tool_deployment_id.deployment_id AND d.tool_deployment_id IS NULL
$$;
COMMENT ON FUNCTION pggit.set_tool_deployment_id(bigint, text) IS 'Records the tool''s own id of a run (Liquibase deployment_id) on a deployment, once.';

CREATE OR REPLACE FUNCTION pggit.record_capture_failure(deployment_id bigint, migration text, sqlstate text, error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
INSERT INTO pggit.capture_failure (deployment_id, migration, sqlstate, error)
VALUES (record_capture_failure.deployment_id, record_capture_failure.migration,
        record_capture_failure.sqlstate, record_capture_failure.error)
$$;
COMMENT ON FUNCTION pggit.record_capture_failure(bigint, text, text, text) IS 'Records an error inside pggit during a migration (fail-open mode).';

CREATE OR REPLACE FUNCTION pggit.backfill_flyway_links(deployment_id bigint, history_schema text, history_table text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Flyway writes its history row after AFTER_EACH_MIGRATE, so installed_rank and execution_time
-- are copied from its history table at the end of the run: versioned migrations by version,
-- repeatable ones by script and checksum (latest rank). history_schema null = current_schema().
DECLARE
    n integer;
    tbl regclass := to_regclass(format('%I.%I', coalesce(history_schema, current_schema()), history_table));
BEGIN
    IF tbl IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format($q$
        UPDATE pggit.migration_link l
           SET installed_rank = h.installed_rank, execution_time_ms = h.execution_time
          FROM (SELECT DISTINCT ON (coalesce(version, ''), script, checksum) installed_rank, version, script, checksum, execution_time
                  FROM %s ORDER BY coalesce(version, ''), script, checksum, installed_rank DESC) h
         WHERE l.deployment_id = $1 AND l.tool = 'flyway' AND l.installed_rank IS NULL
           AND l.script = h.script AND l.checksum IS NOT DISTINCT FROM h.checksum::text
           AND l.migration_id IS NOT DISTINCT FROM h.version
    $q$, tbl) USING deployment_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.backfill_flyway_links(bigint, text, text) IS
    'Copies installed_rank and execution_time (ms) from Flyway''s history table (schema null = current schema) into the deployment''s links; returns the rows updated, 0 when the table does not exist.';

CREATE OR REPLACE FUNCTION pggit.backfill_liquibase_links(deployment_id bigint, history_schema text, history_table text,
                                                           link_ids bigint[] DEFAULT NULL, execution_times_ms integer[] DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Liquibase writes a changeset's databasechangelog row after its listener's ran(), so the order
-- executed (orderexecuted, the run-wide order Liquibase itself keeps) is copied at the end of the
-- run, by id, author and changelog file, into the links still without a rank; a rolled-back
-- changeset has no row and keeps none. databasechangelog records no duration: execution times
-- are those the listener measured (willRun to ran), given as link_ids with execution_times_ms.
-- history_schema null = current_schema().
DECLARE
    n integer := 0;
    tbl regclass := to_regclass(format('%I.%I', coalesce(history_schema, current_schema()), history_table));
BEGIN
    IF cardinality(link_ids) > 0 THEN
        UPDATE pggit.migration_link l SET execution_time_ms = t.ms
          FROM unnest(link_ids, execution_times_ms) t(id, ms)
         WHERE l.id = t.id AND l.deployment_id = backfill_liquibase_links.deployment_id AND l.tool = 'liquibase';
    END IF;
    IF tbl IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format($q$
        UPDATE pggit.migration_link l
           SET installed_rank = h.orderexecuted
          FROM (SELECT DISTINCT ON (id, author, filename) id, author, filename, orderexecuted
                  FROM %s ORDER BY id, author, filename, orderexecuted DESC) h
         WHERE l.deployment_id = $1 AND l.tool = 'liquibase' AND l.installed_rank IS NULL AND l.outcome = 'success'
           AND coalesce(l.exec_type, '') NOT IN ('ROLLED_BACK', 'FAILED')
           AND l.migration_id = h.id AND l.author IS NOT DISTINCT FROM h.author AND l.script = h.filename
    $q$, tbl) USING deployment_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.backfill_liquibase_links(bigint, text, text, bigint[], integer[]) IS
    'Copies the order executed (orderexecuted) from Liquibase''s databasechangelog (schema null = current schema) into the deployment''s links by changeset id, author and changelog file, and sets the execution times (ms) the listener measured for link_ids; returns the links ranked, 0 when the table does not exist.';
