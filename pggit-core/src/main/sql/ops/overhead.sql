-- What tracking costs, per day.

CREATE OR REPLACE FUNCTION pggit.tracking_overhead_report()
    RETURNS TABLE (day date, commits bigint, objects_changed numeric, capture_ms_total double precision,
                   capture_ms_avg double precision, capture_ms_max double precision, journal_rows_pending bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT d.day, d.commits, d.objects_changed, d.total, d.avg, d.max,
       (SELECT count(*) FROM pggit.journal j WHERE j.recorded_at::date = d.day)
  FROM (SELECT c.committed_at::date AS day, count(*) AS commits,
               sum((SELECT count(*) FROM pggit.change ch WHERE ch.commit_id = c.id)) AS objects_changed,
               sum(c.capture_ms) AS total, avg(c.capture_ms) AS avg, max(c.capture_ms) AS max
          FROM pggit.commit c GROUP BY 1) d
 ORDER BY d.day DESC
$$;
COMMENT ON FUNCTION pggit.tracking_overhead_report() IS
    'Per day: commits, objects changed, capture time in milliseconds (total, average and maximum of commit_changes), and journal rows still waiting for a commit.';
