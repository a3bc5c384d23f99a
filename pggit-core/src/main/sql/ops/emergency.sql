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
    'For when the trigger itself is the problem: disables pggit''s event triggers (ALTER EVENT TRIGGER ... DISABLE) for duration and returns when that ends. Nothing inside PostgreSQL wakes up by itself, so they are re-enabled by pggit.emergency_enable() or by the next pggit call or integration run after duration. The drift scan names the window.';

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
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pggit.refresh_tracking_windows();
    RETURN QUERY
    SELECT coalesce((SELECT CASE t.kind WHEN 'pause' THEN 'paused' ELSE 'disabled' END
                       FROM pggit.tracking_window t WHERE t.ended_at IS NULL ORDER BY t.id DESC LIMIT 1), 'tracking'),
           (SELECT t.started_at FROM pggit.tracking_window t WHERE t.ended_at IS NULL ORDER BY t.id DESC LIMIT 1),
           (SELECT t.ends_at FROM pggit.tracking_window t WHERE t.ended_at IS NULL ORDER BY t.id DESC LIMIT 1),
           (SELECT bool_and(e.evtenabled <> 'D') FROM pg_event_trigger e WHERE e.evtname LIKE 'pggit\_%'),
           (SELECT CASE t.kind
                       WHEN 'pause' THEN 'the triggers journal, but changes made until then are left to the drift scan; ends at pggit.resume_tracking() or at the next pggit call after that'
                       ELSE 'the event triggers are disabled; pggit.emergency_enable() or the next pggit call after that re-enables them'
                   END
              FROM pggit.tracking_window t WHERE t.ended_at IS NULL ORDER BY t.id DESC LIMIT 1);
END
$$;
COMMENT ON FUNCTION pggit.tracking_status() IS 'Whether pggit is tracking, paused or disabled, since and until when, and whether its event triggers are enabled.';
