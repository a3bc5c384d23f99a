-- Changes the tracking rules ignored: the live state they left, accepted without a commit.

CREATE TABLE pggit.accepted_state (
    object_key   text PRIMARY KEY,
    hash         text,                                     -- the accepted definition's hash; null: accepted as gone
    accepted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    accepted_by  name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.accepted_state IS 'The live state of objects whose journaled change the tracking rules ignored (an operation filter, an ignore pattern, a directive): accepted without a commit, so that the drift scan does not report it, while a later change to another state still shows as drift. Kept apart from the index (object_map), which stays HEAD''s tree; a row goes when a commit records its object.';
