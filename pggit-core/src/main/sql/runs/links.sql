-- Migration links from SQL, for tools without a pggit integration.

CREATE OR REPLACE FUNCTION pggit.link_migration(migration_id text, tool_name text DEFAULT 'flyway', description text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lid bigint;
BEGIN
    PERFORM pggit.require_text(migration_id, 'the migration id');
    PERFORM pggit.require_text(tool_name, 'the tool name');
    SELECT r.link_id INTO lid
      FROM pggit.record_migration(NULL, jsonb_build_object('tool', tool_name, 'id', migration_id, 'description', description),
                                  'success') r;
    RETURN lid;
END
$$;
COMMENT ON FUNCTION pggit.link_migration(text, text, text) IS
    'Links a migration applied by any tool to the commit of its journaled changes (committing them now), or to HEAD when it changed nothing tracked; returns the link id. See pggit.migration_tracking.';

CREATE OR REPLACE FUNCTION pggit.link_migration(migration_id bigint, tool_name text DEFAULT 'flyway', description text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    RETURN pggit.link_migration(migration_id::text, tool_name, description);
COMMENT ON FUNCTION pggit.link_migration(bigint, text, text) IS 'pggit.link_migration with a numeric migration id (e.g. 20250620001).';

CREATE OR REPLACE VIEW pggit.migration_tracking AS
SELECT l.migration_id, l.tool AS tool_name, l.description,
       CASE WHEN l.new_commit THEN c.parents[1] ELSE l.commit_id END AS pggit_version_start,
       l.commit_id AS pggit_version_end, l.recorded_at AS applied_at, l.outcome
  FROM pggit.migration_link l LEFT JOIN pggit.commit c ON c.id = l.commit_id;
COMMENT ON VIEW pggit.migration_tracking IS 'Each linked migration with the commit before it (pggit_version_start) and after it (pggit_version_end).';

CREATE OR REPLACE VIEW pggit.external_migrations AS
SELECT l.migration_id, l.commit_id AS pggit_commit_id, l.tool AS tool_name, l.recorded_at AS applied_at
  FROM pggit.migration_link l;
COMMENT ON VIEW pggit.external_migrations IS 'Migration links in the shape of the pgGit team''s proposal: migration id, commit, tool, time.';
