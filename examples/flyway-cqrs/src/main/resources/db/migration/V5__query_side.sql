CREATE TABLE query.tv_meter (
    id      uuid PRIMARY KEY,
    serial  text NOT NULL,
    kind    text NOT NULL,
    data    jsonb NOT NULL DEFAULT '{}'
);

CREATE MATERIALIZED VIEW query_cache.mv_meter_daily AS
SELECT meter_id, date_trunc('day', read_at) AS day, sum(value) AS total
  FROM command.tb_meter_reading
 GROUP BY meter_id, date_trunc('day', read_at);

CREATE UNIQUE INDEX idx_mv_meter_daily ON query_cache.mv_meter_daily (meter_id, day);
