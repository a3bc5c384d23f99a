-- What a running application reports about its database (the Spring Boot starter's actuator
-- endpoint and health indicator): the end-of-run drift scan is recorded on its deployment, so that
-- a health probe reads the last scan instead of scanning the catalog again.

CREATE OR REPLACE FUNCTION pggit.record_drift_scan(deployment_id bigint)
    RETURNS TABLE (change text, object_key text, old_key text, kind text, old_hash text, new_hash text, note text,
                   classid oid, objid oid)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- One scan (pggit.drift, which raises on a moved server): its rows are returned and their number
-- recorded on the deployment with the time of the scan.
DECLARE
    scan jsonb;
BEGIN
    scan := (SELECT coalesce(jsonb_agg(to_jsonb(d)), '[]') FROM pggit.drift() d);
    UPDATE pggit.deployment d SET drift_objects = jsonb_array_length(scan), drift_scanned_at = clock_timestamp()
     WHERE d.id = record_drift_scan.deployment_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no deployment with id %', deployment_id USING ERRCODE = 'undefined_object';
    END IF;
    RETURN QUERY SELECT d.change, d.object_key, d.old_key, d.kind, d.old_hash, d.new_hash, d.note, d.classid, d.objid
                   FROM jsonb_to_recordset(scan) AS d(change text, object_key text, old_key text, kind text, old_hash text,
                                                      new_hash text, note text, classid oid, objid oid);
END
$$;
COMMENT ON FUNCTION pggit.record_drift_scan(bigint) IS
    'The end-of-run drift scan (pggit_writer): scans once as pggit.drift() does and returns its rows (the same columns), and records their number and the time on the deployment (deployment.drift_objects, drift_scanned_at), where pggit.summary() reads the last scan. Raises undefined_object for a deployment that does not exist, and what pggit.drift() raises on a moved server.';

CREATE OR REPLACE FUNCTION pggit.summary()
    RETURNS TABLE (head text, deployment_id bigint, deployment_name text, tool text, outcome text,
                   started_at timestamptz, ended_at timestamptz, drift_deployment_id bigint, drift_scanned_at timestamptz,
                   drift_objects integer, open_conflicts bigint, interrupted_deployments bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Reads only (no scan): a probe may call it as often as it likes, on a standby too.
SELECT pggit.head_commit(),
       last.id, last.name, last.tool, last.outcome, last.started_at, last.ended_at,
       scan.id, scan.drift_scanned_at, scan.drift_objects,
       (SELECT count(*) FROM pggit.conflict c WHERE c.resolved_at IS NULL),
       (SELECT count(*) FROM pggit.deployment d
         WHERE (d.outcome = 'interrupted'
                OR (d.outcome = 'running' AND d.tool <> 'manual' AND NOT pggit.session_alive(d.backend_pid, d.backend_started_at)))
           AND d.started_at > coalesce((SELECT max(s.started_at) FROM pggit.deployment s WHERE s.outcome = 'success'), '-infinity'))
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (SELECT d.* FROM pggit.deployment d ORDER BY d.id DESC LIMIT 1) last ON true
  LEFT JOIN LATERAL (SELECT d.* FROM pggit.deployment d WHERE d.drift_scanned_at IS NOT NULL
                      ORDER BY d.drift_scanned_at DESC LIMIT 1) scan ON true
$$;
COMMENT ON FUNCTION pggit.summary() IS
    'One row about the database, read without scanning (pggit_reader; for health probes and status endpoints): head (null before the first commit); the latest deployment (deployment_id, deployment_name, tool, outcome running, success, failed, abandoned or interrupted, started_at, ended_at; null when none); the last recorded drift scan (drift_deployment_id, drift_scanned_at, drift_objects: the number of drifted objects pggit.record_drift_scan found at the end of that run; null when no run scanned); open_conflicts (pggit.conflict not resolved); interrupted_deployments (runs of a migration tool closed as interrupted, or running with their session gone, that started after the latest successful deployment: a later successful run clears them).';
