-- Whose journal rows a commit takes: a migration's capture its own session's, pggit.commit()
-- everyone's but the sessions inside an open migration run, which keep theirs for the run.

CREATE OR REPLACE FUNCTION pggit.reserve_session() RETURNS void
    LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
-- a shared session-level advisory lock: held while the run goes on, gone when the session ends
-- (a killed JVM's connection included), so a reservation never outlives its session
SELECT pg_advisory_lock_shared(1885825396, 1)   -- 1885825396 = 'pgit'
$$;
COMMENT ON FUNCTION pggit.reserve_session() IS 'Called on a migration run''s connection when the run starts: until pggit.release_session() or the end of the session, this session''s journal rows are the run''s, and pggit.commit() from other sessions leaves them alone (a shared advisory lock, key (1885825396, 1), seen in pg_locks).';

CREATE OR REPLACE FUNCTION pggit.release_session() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- as often as it was taken; never when not held (pg_advisory_unlock_shared would warn)
    WHILE EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.locktype = 'advisory'
                     AND l.classid = 1885825396 AND l.objid = 1 AND l.objsubid = 2 AND l.granted) LOOP
        PERFORM pg_advisory_unlock_shared(1885825396, 1);
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.release_session() IS 'Ends this session''s reservation of its journal rows (pggit.reserve_session), at the end of a migration run.';

CREATE OR REPLACE FUNCTION pggit.journal_ids(scope text) RETURNS bigint[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- A session is its pid and backend start: a row recorded before this backend started came from an
-- earlier session that had the same pid.
WITH reserved AS MATERIALIZED (   -- other sessions inside an open run (pggit.reserve_session), read once
    SELECT l.pid, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.classid = 1885825396 AND l.objid = 1 AND l.objsubid = 2 AND l.granted
       AND l.pid <> pg_backend_pid()
), me AS MATERIALIZED (
    SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()
)
SELECT coalesce(array_agg(j.id ORDER BY j.id), '{}')
  FROM pggit.journal j
 WHERE CASE scope
       WHEN 'session' THEN j.pid = pg_backend_pid() AND j.recorded_at >= (SELECT me.backend_start FROM me)
       WHEN 'all' THEN NOT EXISTS (SELECT 1 FROM reserved r WHERE r.pid = j.pid AND j.recorded_at >= r.backend_start)
       END
$$;
COMMENT ON FUNCTION pggit.journal_ids(text) IS 'The journal rows a commit of this scope takes: session = this session''s own (pid and backend start); all = every session''s but those of other sessions inside an open migration run (pggit.reserve_session). Another value gives no rows.';
