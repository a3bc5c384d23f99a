-- Whose journal rows a commit takes: a migration's capture its own session's, pggit.commit()
-- everyone's but those of the sessions running an open migration run (the session a deployment
-- records: backend pid and start time, runs/interrupted.sql), which keep theirs for the run.

CREATE OR REPLACE FUNCTION pggit.journal_ids(scope text) RETURNS bigint[]
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- A session is its pid and backend start: a row recorded before this backend started came from an
-- earlier session that had the same pid.
-- plpgsql, not sql: a sql function with SET clauses is planned on every call (every capture calls
-- this); plpgsql caches the plan per session.
BEGIN
RETURN (WITH reserved AS MATERIALIZED (   -- other sessions running an open migration run, read once
    SELECT d.backend_pid AS pid, d.backend_started_at AS backend_start FROM pggit.deployment d
     WHERE d.outcome = 'running' AND d.tool <> 'manual' AND d.backend_pid <> pg_backend_pid()
       AND pggit.session_alive(d.backend_pid, d.backend_started_at)
), me AS MATERIALIZED (
    SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a   -- this backend's row only (the view reads all)
)
SELECT coalesce(array_agg(j.id ORDER BY j.id), '{}')
  FROM pggit.journal j
 WHERE CASE scope
       WHEN 'session' THEN j.pid = pg_backend_pid() AND j.recorded_at >= (SELECT me.backend_start FROM me)
       WHEN 'all' THEN NOT EXISTS (SELECT 1 FROM reserved r WHERE r.pid = j.pid AND j.recorded_at >= coalesce(r.backend_start, '-infinity'))
       END);
END
$$;
COMMENT ON FUNCTION pggit.journal_ids(text) IS 'The journal rows a commit of this scope takes: session = this session''s own (pid and backend start); all = every session''s but those of another session running an open migration-tool deployment (its recorded backend pid and start time, pggit.session_alive). Another value gives no rows.';
