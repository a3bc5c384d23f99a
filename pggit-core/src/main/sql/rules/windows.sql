-- Pause windows: tracking paused for a while, resumed by the next call after it ends.

CREATE OR REPLACE FUNCTION pggit.check_duration(duration interval) RETURNS void
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF duration IS NULL OR duration <= interval '0' THEN
        RAISE EXCEPTION 'pggit: duration must be a positive interval such as ''1 hour'', not %', coalesce(duration::text, 'null')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.check_duration(interval) IS 'Raises invalid_parameter_value unless duration is a positive interval (pause_tracking, emergency_disable).';

CREATE OR REPLACE FUNCTION pggit.refresh_tracking_windows() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Nothing wakes up by itself inside PostgreSQL: every pggit call that writes (and each
-- integration run) ends the windows whose time is up, re-enabling the event triggers. The
-- reader's calls never do (they write nothing, for a hot standby): they read a window whose
-- ends_at has passed as ended.
DECLARE
    w pggit.tracking_window;
BEGIN
    FOR w IN SELECT * FROM pggit.tracking_window t WHERE t.ended_at IS NULL AND t.ends_at <= clock_timestamp() LOOP
        IF w.kind = 'emergency' THEN
            ALTER EVENT TRIGGER pggit_ddl_command_end ENABLE;
            ALTER EVENT TRIGGER pggit_sql_drop ENABLE;
        END IF;
        -- a pause ends at its time (the trigger journaled all along; rows are judged by when they
        -- were recorded); an emergency ends when the triggers really came back, which is now
        UPDATE pggit.tracking_window t SET ended_at = CASE WHEN w.kind = 'emergency' THEN clock_timestamp() ELSE w.ends_at END
         WHERE t.id = w.id;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.refresh_tracking_windows() IS 'Ends the pause and emergency windows whose time is up and re-enables the event triggers an emergency disabled; every pggit call that writes runs it first. A pause ends at its ends_at; an emergency at the moment its triggers are re-enabled (DDL until then was not journaled).';

CREATE OR REPLACE FUNCTION pggit.pause_tracking(duration interval) RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    until timestamptz;
BEGIN
    PERFORM pggit.check_duration(duration);
    PERFORM pggit.refresh_tracking_windows();
    IF EXISTS (SELECT 1 FROM pggit.tracking_window t WHERE t.ended_at IS NULL) THEN
        RAISE EXCEPTION 'pggit: tracking is already off (see pggit.tracking_status())' USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO pggit.tracking_window (kind, ends_at) VALUES ('pause', clock_timestamp() + duration) RETURNING ends_at INTO until;
    RETURN until;
END
$$;
COMMENT ON FUNCTION pggit.pause_tracking(interval) IS
    'Pauses tracking for duration (returns when it ends): the event triggers still journal, but changes made in the window are not committed; the drift scan reports them as changed while tracking was paused. Ends at pggit.resume_tracking() or after duration: the reader''s calls count it as ended then, and the next pggit call that writes records its end.';

CREATE OR REPLACE FUNCTION pggit.resume_tracking() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.tracking_window t SET ended_at = clock_timestamp() WHERE t.kind = 'pause' AND t.ended_at IS NULL;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION pggit.resume_tracking() IS 'Ends a pause; false when tracking was not paused.';
