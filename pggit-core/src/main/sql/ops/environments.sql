-- Comparing environments from SQL, and snapshots (the Maven goals do the DDL side).

CREATE OR REPLACE FUNCTION pggit.compare_environments(source_conninfo text, target_conninfo text DEFAULT NULL)
    RETURNS TABLE (change text, object_key text, source_hash text, target_hash text)
    LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
-- Runs with the caller's rights (SECURITY INVOKER): reaching another database is never a way
-- around privileges. Each side is a libpq connection string read through dblink (null target =
-- this database); pggit must be installed in each, its catalog reader reads them. A: only in the
-- source, D: only in the target, M: different definitions.
DECLARE
    has_dblink boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'dblink');
    dblink_schema text := (SELECT n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'dblink');
BEGIN
    IF NOT has_dblink THEN
        RAISE EXCEPTION 'pggit: compare_environments needs the dblink extension in this database'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'CREATE EXTENSION dblink; or compare from the build: mvn pggit:compare -Dpggit.url=<source> -Dpggit.targetUrl=<target>';
    END IF;
    RETURN QUERY EXECUTE format($q$
        WITH s AS (SELECT * FROM %1$I.dblink($1, 'SELECT object_key, hash FROM pggit.read_catalog()') AS r(object_key text, hash text)),
             t AS (SELECT * FROM %1$I.dblink(coalesce($2, format('host=%%s port=%%s dbname=%%s user=%%s',
                                                    split_part(current_setting('unix_socket_directories'), ',', 1),
                                                    current_setting('port'), current_database(), current_user)),
                                             'SELECT object_key, hash FROM pggit.read_catalog()') AS r(object_key text, hash text))
        SELECT CASE WHEN t.object_key IS NULL THEN 'A' WHEN s.object_key IS NULL THEN 'D' ELSE 'M' END,
               coalesce(s.object_key, t.object_key), s.hash, t.hash
          FROM s FULL JOIN t ON t.object_key = s.object_key
         WHERE s.hash IS DISTINCT FROM t.hash
         ORDER BY 2
    $q$, dblink_schema) USING source_conninfo, target_conninfo;
END
$$;
COMMENT ON FUNCTION pggit.compare_environments(text, text) IS
    'Compares the tracked objects of two databases (libpq connection strings; target null = this database) by content hash, with the caller''s rights, through dblink: A only in the source, D only in the target, M different. Without dblink, an error pointing to mvn pggit:compare, which also plans the DDL.';

CREATE OR REPLACE FUNCTION pggit.export_schema_snapshot(path text) RETURNS void
    LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'pggit: export_schema_snapshot(%) cannot write the DDL from inside the server: the DDL is built by pggit''s Java side', path
        USING ERRCODE = 'feature_not_supported',
              HINT = 'Run mvn pggit:export -Dpggit.url=<jdbc url> -Dpggit.rev=HEAD -Dpggit.exportDirectory=<dir> (schema.sql in dependency order, one file per object, manifest.json).';
END
$$;
COMMENT ON FUNCTION pggit.export_schema_snapshot(text) IS 'Always raises feature_not_supported with the Maven goal that exports a snapshot (mvn pggit:export).';
