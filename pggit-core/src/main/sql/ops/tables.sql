-- The purge log.

CREATE TABLE pggit.purge_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purged_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    purged_by      name NOT NULL DEFAULT session_user,
    older_than     interval NOT NULL,
    forced         boolean NOT NULL,
    new_root       text,                  -- with force: the oldest commit kept, now without parents
    commits_purged bigint NOT NULL,
    trees_purged   bigint NOT NULL,
    blobs_purged   bigint NOT NULL
);
COMMENT ON TABLE pggit.purge_log IS 'Every pggit.purge_history: who, when, what it was asked and what it freed.';
