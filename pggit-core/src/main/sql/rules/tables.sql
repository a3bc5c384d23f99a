-- Tracking rules: applied when journal rows become commits and in the drift scan, never in the trigger.
-- Precedence: object directive, ignore patterns, operation filters, schema include/exclude.

CREATE TABLE pggit.tracking_config (
    singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    track_schemas     text[],             -- names, % the only wildcard; null = every user schema
    ignore_schemas    text[],             -- names, % the only wildcard
    track_operations  text[],             -- command-tag prefixes (CREATE, ALTER, DROP, CREATE INDEX ...); null = all
    ignore_operations text[],
    track_owners      boolean NOT NULL DEFAULT true,   -- false: owners are no part of definitions
    track_privileges  boolean NOT NULL DEFAULT true,   -- false: ACLs (and default privileges) are not tracked
    track_comments    boolean NOT NULL DEFAULT true,   -- false: comments are no part of definitions
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by        name NOT NULL DEFAULT session_user
);
INSERT INTO pggit.tracking_config DEFAULT VALUES;
COMMENT ON TABLE pggit.tracking_config IS 'Schema and operation filters (pggit.configure_tracking) and whether owners, privileges and comments are part of definitions (pggit.configure_properties). Defaults track every user schema, operation and property.';

CREATE TABLE pggit.ignore_pattern (
    pattern    text PRIMARY KEY,          -- pattern over '<command tag> <object identity>', % the only wildcard
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_by name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.ignore_pattern IS 'Patterns (% the only wildcard, pggit.like_pattern) matched against the command tag followed by the object identity, e.g. ''CREATE INDEX query.%''.';

CREATE TABLE pggit.object_directive (
    object_key text PRIMARY KEY,
    directive  text NOT NULL CHECK (directive IN ('track', 'ignore')),
    seen_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE pggit.object_directive IS 'Directives seen in object comments (@pggit-track, @pggit-ignore), kept per object key until removed, since DROP + CREATE loses the comment.';

CREATE TABLE pggit.rule_change (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by name NOT NULL DEFAULT session_user,
    rule       text NOT NULL,             -- configure_tracking, ignore_pattern, directive; a build's: the kind (track_schemas ... ignore_patterns)
    old_value  jsonb,
    new_value  jsonb,
    source     text                       -- the build whose rules changed (pggit.build_rules.source), null from SQL
);

CREATE TABLE pggit.tracking_window (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('pause', 'emergency')),
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    ends_at    timestamptz NOT NULL,      -- when it ends by itself (checked at the next pggit call)
    ended_at   timestamptz,               -- when it did end
    started_by name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.tracking_window IS 'Windows when tracking was paused (the trigger journals, commits skip the window) or disabled (emergency: the event triggers were disabled). The drift scan names them.';

CREATE TABLE pggit.untracked_change (
    window_id       bigint NOT NULL REFERENCES pggit.tracking_window,
    command_tag     text NOT NULL,
    object_identity text,
    recorded_at     timestamptz NOT NULL
);
COMMENT ON TABLE pggit.untracked_change IS 'Journal rows that fell in a pause window: not committed, kept so the drift scan can say the object changed while tracking was off.';

COMMENT ON TABLE pggit.rule_change IS 'The history of tracking rules: every change of configuration, pattern or directive set from SQL (source null), and of the rules a build names (pggit.apply_build_rules: source names the build, rule the kind, old_value and new_value its lists, null when not named).';
