-- The server the index was built on: pg_dump/pg_restore into another database or cluster and
-- pg_upgrade keep every object but not all their OIDs (capture/server_moves.sql).

CREATE TABLE pggit.server_identity (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_identifier    bigint NOT NULL,     -- pg_control_system(): new for every initdb, so for a restore into another cluster and for pg_upgrade
    database_oid         oid NOT NULL,        -- pg_database.oid: new for a restore into another database (pg_upgrade keeps it since PostgreSQL 15)
    server_version_num   integer NOT NULL,    -- server_version_num; its major (/ 10000) decides whether definitions may print differently
    recorded_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_by          name NOT NULL DEFAULT session_user,
    remapped             integer NOT NULL DEFAULT 0,   -- index entries given the live address of their key
    unmatched            integer NOT NULL DEFAULT 0,   -- index entries whose key the catalog no longer has (shown as drift)
    journal_rows_dropped integer NOT NULL DEFAULT 0,   -- journal rows whose address named an object of the old server
    rebaseline_commit    text,                         -- the server-upgrade commit of definitions the new major prints differently
    note                 text NOT NULL
);
COMMENT ON TABLE pggit.server_identity IS 'The server the index (pggit.object_map) was built on, one row per re-baseline, the latest current: system identifier, database OID and server version, and what pggit.rebaseline_after_move did (entries re-mapped by object key, unmatched keys, journal rows of the old server dropped, the server-upgrade commit). pggit.server_moved compares the latest with the live server.';
