CREATE TABLE command.tb_meter (
    id         uuid PRIMARY KEY,
    serial     text NOT NULL UNIQUE,
    kind       reference.meter_kind NOT NULL,
    unit       text NOT NULL REFERENCES reference.tb_unit (code),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE command.tb_meter_reading (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meter_id  uuid NOT NULL REFERENCES command.tb_meter (id) ON DELETE CASCADE,
    read_at   timestamptz NOT NULL,
    value     reference.positive_reading NOT NULL,
    CONSTRAINT reading_once UNIQUE (meter_id, read_at)
);
CREATE INDEX idx_reading_read_at ON command.tb_meter_reading (read_at);

-- raw imports land here before validation
CREATE TABLE command_staging.tb_import (
    line    bigint GENERATED ALWAYS AS IDENTITY,
    payload jsonb NOT NULL
);

-- a name that needs quoting, in German
CREATE TABLE query."Zählerstände" (
    "Zähler" uuid NOT NULL,
    "Stand"  numeric(14, 3)
);
