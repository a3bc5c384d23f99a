-- Interrupted runs: a migration tool's deployment whose session is gone (the JVM was killed, the
-- connection dropped) can never be closed by its run. A session is its backend pid and that
-- backend's start time together: pids are reused, a pid and a start time never are. So a gone
-- session is known for sure, never guessed from a timeout.

CREATE OR REPLACE FUNCTION pggit.session_alive(backend_pid integer, backend_started_at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- SECURITY DEFINER: pg_stat_activity hides backend_start of other roles' sessions from a role
-- without pg_read_all_stats. A null start time (a deployment opened before pggit 0.2 recorded it)
-- falls back to the pid alone, which may take a reused pid for the session: never the other way.
SELECT EXISTS (SELECT 1 FROM pg_stat_get_activity(session_alive.backend_pid) a
                WHERE a.pid = session_alive.backend_pid
                  AND (session_alive.backend_started_at IS NULL OR a.backend_start = session_alive.backend_started_at))
$$;
COMMENT ON FUNCTION pggit.session_alive(integer, timestamptz) IS
    'Whether the session with this backend pid and backend start time (pg_stat_activity.backend_start) still exists; a null start time checks the pid alone.';

CREATE OR REPLACE FUNCTION pggit.close_interrupted_deployments()
    RETURNS TABLE (deployment_id bigint, name text, tool text, started_at timestamptz, backend_pid integer, links bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Closes, as interrupted, every running deployment of a migration tool whose session is gone, and
-- returns them. Called by open_deployment (the next run) and verify_consistency (the next check).
-- A manual deployment (begin_deployment ... end_deployment) is left open: it may span sessions;
-- abandon_deployment closes it. head_after is the last commit the deployment wrote (or HEAD before
-- it); ended_at is when the interruption was found. A Flyway run's links get the installed rank
-- and execution time its end would have copied from the history table (backfill_flyway_links):
-- Flyway wrote the history row of each linked migration in the migration's transaction; the one
-- it was running when killed was rolled back, link and row alike.
DECLARE
    d pggit.deployment;
    ht record;
BEGIN
    FOR d IN
        UPDATE pggit.deployment x
           SET outcome = 'interrupted', ended_at = clock_timestamp(),
               head_after = coalesce((SELECT c.id FROM pggit.commit c WHERE c.deployment_id = x.id ORDER BY c.seq DESC LIMIT 1),
                                     x.head_before)
         WHERE x.outcome = 'running' AND x.tool <> 'manual'
           AND NOT pggit.session_alive(x.backend_pid, x.backend_started_at)
        RETURNING x.*
    LOOP
        IF d.tool = 'flyway' THEN
            FOR ht IN SELECT h.table_schema, h.table_name FROM pggit.history_tables() h WHERE h.tool = 'flyway' ORDER BY 1, 2 LOOP
                PERFORM pggit.backfill_flyway_links(d.id, ht.table_schema, ht.table_name);
            END LOOP;
        END IF;
        deployment_id := d.id;
        name := d.name;
        tool := d.tool;
        started_at := d.started_at;
        backend_pid := d.backend_pid;
        links := (SELECT count(*) FROM pggit.migration_link l WHERE l.deployment_id = d.id);
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.close_interrupted_deployments() IS
    'Closes as interrupted each running migration-tool deployment whose session (backend pid and start time) is gone, copies a Flyway run''s installed ranks and execution times from the history table into its links, and returns the deployments closed (id, name, tool, started_at, backend_pid, links). The next run (open_deployment) and the next check (verify_consistency) call it.';
