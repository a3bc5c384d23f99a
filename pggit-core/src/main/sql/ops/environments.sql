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

CREATE OR REPLACE FUNCTION pggit.export_schema_snapshot(path text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
-- The script of HEAD's tree from the one DDL writer (pggit.tree_ddl), as the Java export's
-- schema.sql has it after its header line. Written exactly: a large object exported by the server
-- (COPY's text format would escape backslashes), then unlinked; the server checks the right.
DECLARE
    head text := pggit.head_commit();
    script text;
    lo oid;
BEGIN
    IF head IS NULL THEN
        RAISE EXCEPTION 'pggit: export_schema_snapshot: there is no commit yet' USING ERRCODE = 'no_data_found';
    END IF;
    script := (SELECT string_agg(d.statement || E'\n\n', '' ORDER BY d.ord)
                 FROM pggit.tree_ddl((SELECT c.tree FROM pggit.commit c WHERE c.id = head)) d);
    IF path IS NULL THEN
        RETURN script;
    END IF;
    IF NOT (pg_has_role(current_user, 'pg_write_server_files', 'USAGE')
            OR (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user)) THEN
        RAISE EXCEPTION 'pggit: export_schema_snapshot(%) writes a file on the database server: % may not (it needs pg_write_server_files)', path, current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Call export_schema_snapshot(NULL) for the script as text, or run mvn pggit:export to write it on the client.';
    END IF;
    lo := lo_from_bytea(0, convert_to(script, 'UTF8'));
    BEGIN
        PERFORM lo_export(lo, path);
    EXCEPTION WHEN OTHERS THEN
        PERFORM lo_unlink(lo);
        RAISE;
    END;
    PERFORM lo_unlink(lo);
    RETURN script;
END
$$;
COMMENT ON FUNCTION pggit.export_schema_snapshot(text) IS
    'The DDL script that recreates HEAD''s tree on an empty database (pggit.tree_ddl: the statements in dependency order, each followed by a blank line; the same script as schema.sql of mvn pggit:export after its header line), as text. With a path, also writes it to that file on the database server, byte for byte in UTF-8 (lo_export), when the caller holds pg_write_server_files or is a superuser; else insufficient_privilege. The function is granted to pggit_writer: the text is a reader''s (pggit.tree_ddl), the file a write. Errors: no_data_found without a commit; what the server raises when it cannot write the file.';
