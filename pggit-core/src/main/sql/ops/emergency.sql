-- Emergency: disable pggit's event triggers for a while; tracking status.

CREATE OR REPLACE FUNCTION pggit.emergency_disable(duration interval DEFAULT '1 hour') RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    until timestamptz;
BEGIN
    PERFORM pggit.check_duration(duration);
    PERFORM pggit.refresh_tracking_windows();
    IF EXISTS (SELECT 1 FROM pggit.tracking_window t WHERE t.kind = 'emergency' AND t.ended_at IS NULL) THEN
        RAISE EXCEPTION 'pggit: the event triggers are already disabled (see pggit.tracking_status())'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    ALTER EVENT TRIGGER pggit_ddl_command_end DISABLE;
    ALTER EVENT TRIGGER pggit_sql_drop DISABLE;
    INSERT INTO pggit.tracking_window (kind, ends_at) VALUES ('emergency', clock_timestamp() + duration) RETURNING ends_at INTO until;
    RETURN until;
END
$$;
COMMENT ON FUNCTION pggit.emergency_disable(interval) IS
    'For when the trigger itself is the problem: disables pggit''s event triggers (ALTER EVENT TRIGGER ... DISABLE) for duration and returns when that ends. Nothing inside PostgreSQL wakes up by itself, so they are re-enabled by pggit.emergency_enable() or by the next pggit call that writes (a commit, an integration run, a writable pggit:check) after duration; until then tracking_status() says disabled. The drift scan names the window.';

CREATE OR REPLACE FUNCTION pggit.emergency_enable() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    ALTER EVENT TRIGGER pggit_ddl_command_end ENABLE;
    ALTER EVENT TRIGGER pggit_sql_drop ENABLE;
    UPDATE pggit.tracking_window t SET ended_at = clock_timestamp() WHERE t.kind = 'emergency' AND t.ended_at IS NULL;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION pggit.emergency_enable() IS 'Re-enables pggit''s event triggers; false when they were not disabled by emergency_disable.';

CREATE OR REPLACE FUNCTION pggit.tracking_status()
    RETURNS TABLE (state text, since timestamptz, until timestamptz, triggers_enabled boolean, note text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Computed when read, writing nothing (a reader's call, which a hot standby answers): a window whose
-- time is up counts as ended, though no call has ended it yet (refresh_tracking_windows, run by the
-- calls that write); but an emergency window whose triggers are still disabled keeps tracking off,
-- because the triggers are re-enabled only by a call that writes.
WITH triggers AS (SELECT bool_and(e.evtenabled <> 'D') AS enabled FROM pg_event_trigger e WHERE e.evtname LIKE 'pggit\_%'),
     w AS (SELECT t.kind, t.started_at, t.ends_at, t.ends_at <= now() AS is_over
             FROM pggit.tracking_window t, triggers
            WHERE t.ended_at IS NULL AND (t.ends_at > now() OR (t.kind = 'emergency' AND NOT triggers.enabled))
            ORDER BY t.id DESC LIMIT 1)
SELECT coalesce((SELECT CASE w.kind WHEN 'pause' THEN 'paused' ELSE 'disabled' END FROM w), 'tracking'),
       (SELECT w.started_at FROM w),
       (SELECT w.ends_at FROM w),
       (SELECT triggers.enabled FROM triggers),
       (SELECT CASE
                   WHEN w.kind = 'pause' THEN 'the triggers journal, but changes made until then are left to the drift scan; ends at pggit.resume_tracking() or at the next pggit call after that'
                   WHEN w.is_over THEN 'the emergency window is over, but the event triggers stay disabled until the next pggit call that writes (a commit, a migration run, pggit.refresh_tracking_windows()) or pggit.emergency_enable()'
                   ELSE 'the event triggers are disabled; pggit.emergency_enable() or the next pggit call that writes after that re-enables them'
               END
          FROM w)
$$;
COMMENT ON FUNCTION pggit.tracking_status() IS 'Whether pggit is tracking, paused or disabled, since and until when, and whether its event triggers are enabled; computed when read, writing nothing (a pause whose time is up counts as ended; an emergency stays disabled while its triggers are).';
