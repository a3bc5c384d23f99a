-- The journal: what the event triggers append while DDL runs (the working tree status).

CREATE TABLE pggit.journal (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event           text NOT NULL,        -- 'ddl' (ddl_command_end) or 'drop' (sql_drop)
    command_tag     text NOT NULL,
    object_type     text,
    schema_name     text,
    object_identity text,
    classid         oid,
    objid           oid,
    objsubid        integer,
    flag            boolean,              -- ddl: in_extension; drop: original
    address_names   text[],               -- drop: pg_event_trigger_dropped_objects().address_names
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    xact            xid8 DEFAULT pg_current_xact_id(),   -- the transaction that ran the DDL
    pid             integer DEFAULT pg_backend_pid()      -- its session (with recorded_at >= the backend's start: pids are reused)
);
COMMENT ON TABLE pggit.journal IS
    'Rows appended by the event triggers, one per object a DDL command touched (pg_event_trigger_ddl_commands / pg_event_trigger_dropped_objects). Consumed (deleted) by the commit that explains them.';
