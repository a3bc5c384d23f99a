-- Overloads are distinct objects: pggit keys them by identity arguments.
CREATE FUNCTION app.process_meter(p_meter uuid, p_payload jsonb) RETURNS integer
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO command.tb_meter_reading (meter_id, read_at, value)
    VALUES (p_meter, (p_payload ->> 'at')::timestamptz, (p_payload ->> 'value')::numeric);
    RETURN 1;
END
$$;

CREATE FUNCTION app.process_meter(p_meter uuid) RETURNS integer
    LANGUAGE sql AS $$ SELECT count(*)::integer FROM command.tb_meter_reading WHERE meter_id = p_meter $$;

CREATE FUNCTION app.touch_meter() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := coalesce(NEW.created_at, now());
    RETURN NEW;
END
$$;

CREATE TRIGGER trg_meter_touch BEFORE INSERT ON command.tb_meter
    FOR EACH ROW EXECUTE FUNCTION app.touch_meter();
