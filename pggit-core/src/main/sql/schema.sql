-- The schema and the version table every install and upgrade step writes to.

CREATE SCHEMA pggit;
COMMENT ON SCHEMA pggit IS 'pggit: git for this database''s schema. See pggit.log(), pggit.status(), pggit.show(), pggit.diff().';

CREATE TABLE pggit.schema_version (
    version      text PRIMARY KEY,
    installed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    installed_by name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.schema_version IS 'Versions of the pggit SQL layer applied to this database, one row per install or upgrade step.';
