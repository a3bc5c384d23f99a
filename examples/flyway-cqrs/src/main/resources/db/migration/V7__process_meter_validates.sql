-- Alters one overload; the other stays untouched.
CREATE OR REPLACE FUNCTION app.process_meter(p_meter uuid, p_payload jsonb) RETURNS integer
    LANGUAGE plpgsql AS $$
BEGIN
    IF (p_payload ->> 'value')::numeric < 0 THEN
        RAISE EXCEPTION 'negative reading for meter %', p_meter;
    END IF;
    INSERT INTO command.tb_meter_reading (meter_id, read_at, value)
    VALUES (p_meter, (p_payload ->> 'at')::timestamptz, (p_payload ->> 'value')::numeric);
    REFRESH MATERIALIZED VIEW query_cache.mv_meter_daily;
    RETURN 1;
END
$$;
