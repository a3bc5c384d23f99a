-- Restarts of the history: a fresh install after pggit:uninstall removed an earlier one.

CREATE TABLE pggit.history_restart (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uninstalled_at  timestamptz NOT NULL,
    restarted_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    restarted_by    name NOT NULL DEFAULT session_user,
    baseline_commit text
);
COMMENT ON TABLE pggit.history_restart IS 'Each fresh install that found the marker pggit:uninstall leaves (the database setting pggit.uninstalled_at): when the earlier history was removed, and the baseline commit the new history starts from. pggit.verify_consistency reports a restarted history while a migration tool''s history table holds migrations from before it.';
