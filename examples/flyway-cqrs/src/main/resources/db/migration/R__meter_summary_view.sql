CREATE OR REPLACE VIEW query.v_meter_summary AS
SELECT m.id, m.serial, m.kind, count(r.id) AS readings
  FROM command.tb_meter m
  LEFT JOIN command.tb_meter_reading r ON r.meter_id = m.id
 GROUP BY m.id, m.serial, m.kind;
