CREATE TYPE reference.meter_kind AS ENUM ('electricity', 'gas', 'water');

CREATE DOMAIN reference.positive_reading AS numeric(14, 3) CHECK (VALUE >= 0);

CREATE TABLE reference.tb_unit (
    code        text PRIMARY KEY,
    description text NOT NULL
);
COMMENT ON TABLE reference.tb_unit IS 'Units a meter can report in';
