-- Tracking rules a build names (flyway.pggit.*, liquibase.pggit.*), kept per source: the tool and
-- its history table. A source's runs use its rules for the kinds it names and the database's rules
-- (set from SQL: tracking_config, ignore_pattern) for the others (pggit.rules_in_force).

CREATE TABLE pggit.build_rules (
    source            text PRIMARY KEY CHECK (source <> ''),   -- '<tool>:<schema>.<history table>', e.g. 'flyway:public.flyway_schema_history'
    track_schemas     text[],             -- null: the build names none (the database's apply); '{}': every user schema
    ignore_schemas    text[],             -- null: the database's; '{}': none
    track_operations  text[],             -- null: the database's; '{}': every operation
    ignore_operations text[],             -- null: the database's; '{}': none
    ignore_patterns   text[],             -- null: the database's (pggit.ignore_pattern); '{}': none
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by        name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.build_rules IS 'The tracking rules each build names, per source (tool and history table, e.g. ''flyway:public.flyway_schema_history''), as pggit.apply_build_rules sets them at the start of each of its runs: a null column is a kind the build does not name, for which its runs use the database''s rules (set from SQL). A source that names no rule has no row. Read by pggit.rules_in_force.';
