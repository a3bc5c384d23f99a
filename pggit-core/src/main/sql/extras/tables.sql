-- Function versions and CQRS commits.

CREATE TABLE pggit.function_version (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_key  text NOT NULL,
    version     text NOT NULL CHECK (version ~ '^\d+\.\d+\.\d+$'),
    metadata    jsonb,
    commit_id   text REFERENCES pggit.commit ON DELETE SET NULL,   -- HEAD when it was recorded
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_by name NOT NULL DEFAULT session_user
);

CREATE INDEX function_version_key_idx ON pggit.function_version (object_key);
COMMENT ON TABLE pggit.function_version IS 'Versions set by hand with pggit.track_function; later changes bump from them.';

CREATE TYPE pggit.cqrs_change AS (command_operations text[], query_operations text[], description text, version text);
COMMENT ON TYPE pggit.cqrs_change IS 'A change of a CQRS schema: the command-side statements, the query-side statements, a description and a version (seed 002: ROW(ARRAY[...], ARRAY[...], ''description'', ''2.1.0'')::pggit.cqrs_change).';

CREATE TABLE pggit.cqrs_commit (
    commit_id          text PRIMARY KEY REFERENCES pggit.commit ON DELETE CASCADE,
    command_operations text[] NOT NULL,
    query_operations   text[] NOT NULL,
    version            text,
    description        text
);
COMMENT ON TABLE pggit.cqrs_commit IS 'Commits made by pggit.track_cqrs_change, with both sides.';
