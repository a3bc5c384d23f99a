-- Comparing environments from SQL, and snapshots (the Maven goals do the DDL side).

CREATE OR REPLACE FUNCTION pggit.compare_environments(source_conninfo text, target_conninfo text DEFAULT NULL)
    RETURNS TABLE (change text, object_key text, source_hash text, target_hash text)
    LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
-- Runs with the caller's rights (SECURITY INVOKER): reaching another database is never a way
-- around privileges. Each side is an environment: the name of a foreign server (of the dblink_fdw
-- or postgres_fdw wrapper) with a user mapping for the caller, which dblink resolves itself
-- (dblink_get_conn: a server name becomes the server's options and the mapping's, so no password
-- sits in a pggit table), or a libpq connection string (key=value pairs or a postgres:// URI); a
-- null target is this database. pggit must be installed in each, its catalog reader reads them.
-- A: only in the source, D: only in the target, M: different definitions; a difference is kept
-- only when this database's tracking rules and directives keep that change (pggit.is_tracked).
DECLARE
    dblink_schema text := (SELECT n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'dblink');
    env text;
    srv record;
BEGIN
    IF dblink_schema IS NULL THEN
        RAISE EXCEPTION 'pggit: compare_environments needs the dblink extension in this database'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'CREATE EXTENSION dblink; or compare from the build: mvn pggit:compare -Dpggit.url=<source> -Dpggit.targetUrl=<target>';
    END IF;
    FOREACH env IN ARRAY ARRAY[source_conninfo, coalesce(target_conninfo, '=')] LOOP   -- '=': this database
        SELECT s.srvname, w.fdwname,
               EXISTS (SELECT 1 FROM pg_user_mappings u WHERE u.srvid = s.oid AND u.umuser IN (0, (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user))) AS mapped
          INTO srv
          FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
         WHERE s.srvname = env;
        IF srv.srvname IS NOT NULL AND srv.fdwname NOT IN ('dblink_fdw', 'postgres_fdw') THEN
            RAISE EXCEPTION 'pggit: environment "%" is a foreign server of wrapper %, not of dblink_fdw or postgres_fdw', env, srv.fdwname
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Name a server of FOREIGN DATA WRAPPER dblink_fdw (OPTIONS host, port, dbname), or pass a connection string.';
        ELSIF srv.srvname IS NOT NULL AND NOT srv.mapped THEN
            RAISE EXCEPTION 'pggit: environment "%" is a foreign server without a user mapping for role "%"', env, current_user
                USING ERRCODE = 'undefined_object',
                      HINT = format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user ''...'', password ''...'');', env);
        ELSIF srv.srvname IS NULL AND env IS NULL THEN
            RAISE EXCEPTION 'pggit: compare_environments needs a source environment (a foreign server name or a connection string)'
                USING ERRCODE = 'null_value_not_allowed';
        ELSIF srv.srvname IS NULL AND strpos(env, '=') = 0 AND env !~* '^postgres(ql)?://' THEN
            RAISE EXCEPTION 'pggit: environment "%" is neither a foreign server nor a connection string', env
                USING ERRCODE = 'undefined_object',
                      HINT = format('Create the server: CREATE SERVER %I FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host ''...'', port ''...'', dbname ''...''); '
                                    || 'CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user ''...'', password ''...''); '
                                    || 'or pass a connection string (host=... dbname=..., or postgresql://...).', env, env);
        END IF;
    END LOOP;
    RETURN QUERY EXECUTE format($q$
        WITH s AS (SELECT * FROM %1$I.dblink($1, 'SELECT object_key, hash, kind, schema_name, directive FROM pggit.read_catalog()')
                                 AS r(object_key text, hash text, kind text, schema_name text, directive text)),
             t AS (SELECT * FROM %1$I.dblink(coalesce($2, format('host=%%s port=%%s dbname=%%s user=%%s',
                                                    split_part(current_setting('unix_socket_directories'), ',', 1),
                                                    current_setting('port'), current_database(), current_user)),
                                             'SELECT object_key, hash, kind, schema_name, directive FROM pggit.read_catalog()')
                                 AS r(object_key text, hash text, kind text, schema_name text, directive text)),
             d AS (SELECT CASE WHEN t.object_key IS NULL THEN 'A' WHEN s.object_key IS NULL THEN 'D' ELSE 'M' END AS change,
                          coalesce(s.object_key, t.object_key) AS object_key, s.hash AS source_hash, t.hash AS target_hash,
                          coalesce(t.kind, s.kind) AS kind, coalesce(t.schema_name, s.schema_name) AS schema_name,
                          coalesce(t.directive, s.directive) AS directive
                     FROM s FULL JOIN t ON t.object_key = s.object_key
                    WHERE s.hash IS DISTINCT FROM t.hash)
        SELECT d.change, d.object_key, d.source_hash, d.target_hash
          FROM d
         WHERE pggit.is_tracked(d.change, d.object_key, d.kind, d.schema_name, d.directive)   -- this database's rules
         ORDER BY 2
    $q$, dblink_schema) USING source_conninfo, target_conninfo;
END
$$;
COMMENT ON FUNCTION pggit.compare_environments(text, text) IS
    'Compares the tracked objects of two environments by content hash, with the caller''s rights, through dblink: each the name of a foreign server (dblink_fdw or postgres_fdw, with a user mapping for the caller: no password in a pggit table) or a libpq connection string; target null = this database. A only in the source, D only in the target, M different; only the differences this database''s tracking rules and directives keep (pggit.is_tracked; the directive of the target''s object first). A name that is neither a server nor a connection string is an error (undefined_object). Without dblink, an error pointing to mvn pggit:compare, which also plans the DDL.';

CREATE OR REPLACE FUNCTION pggit.export_schema_snapshot(path text) RETURNS void
    LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'pggit: export_schema_snapshot(%) cannot write the DDL from inside the server: the DDL is built by pggit''s Java side', path
        USING ERRCODE = 'feature_not_supported',
              HINT = 'Run mvn pggit:export -Dpggit.url=<jdbc url> -Dpggit.rev=HEAD -Dpggit.exportDirectory=<dir> (schema.sql in dependency order, one file per object, manifest.json).';
END
$$;
COMMENT ON FUNCTION pggit.export_schema_snapshot(text) IS 'Always raises feature_not_supported with the Maven goal that exports a snapshot (mvn pggit:export).';
