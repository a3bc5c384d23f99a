-- Conflicts: the live schema and the tracked history disagree, and someone has to decide.

CREATE TABLE pggit.conflict (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),   -- what resolve_conflict takes (seed 000)
    object_key   text NOT NULL,
    source       text NOT NULL CHECK (source IN ('drift', 'merge')),
    change       text NOT NULL,           -- A, M, D, R as the live schema differs from HEAD
    tracked_hash text,                    -- the definition at HEAD (null: not tracked)
    current_hash text,                    -- the live definition (null: not in the database)
    detected_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    resolved_at  timestamptz,
    resolved_by  name,
    resolution   text CHECK (resolution IN ('use_current', 'use_tracked', 'merge')),
    reason       text,
    result       text,                    -- what the resolution did
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE   -- the order of detection; a conflict of 0.1 keeps its number (0.1's id) here
);

CREATE UNIQUE INDEX conflict_open_idx ON pggit.conflict (object_key) WHERE resolved_at IS NULL;
COMMENT ON TABLE pggit.conflict IS 'Conflicts between the live schema and the history (from drift, later from merges): open until pggit.resolve_conflict. id is a UUID (resolve_conflict(conflict_id => ''<uuid>'', ...)); seq orders them by detection (a conflict recorded by 0.1 keeps its number, 0.1''s id, there).';
