-- What the catalog reader may track at all: schemas and relations outside pggit's own, the system
-- schemas, extensions' members and the migration tools' tables. Inlinable sql, as the kind readers.

CREATE OR REPLACE FUNCTION pggit.tracked_schemas() RETURNS TABLE (oid oid, nspname name)
    LANGUAGE sql STABLE AS $$
SELECT n.oid, n.nspname
  FROM pg_namespace n
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pggit')
   AND n.nspname NOT LIKE 'pg_temp\_%' AND n.nspname NOT LIKE 'pg_toast_temp\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.tracked_schemas() IS 'Part of the catalog reader: the schemas pggit may track (not pggit, pg_catalog, information_schema, pg_toast, temporary schemas, nor an extension''s member; pg_namespace, pg_depend).';

CREATE OR REPLACE FUNCTION pggit.tracked_relations()
    RETURNS TABLE (oid oid, relname name, relkind "char", relpersistence "char", relispartition boolean,
                   relpartbound pg_node_tree, reloptions text[], relreplident "char", relrowsecurity boolean,
                   relforcerowsecurity boolean, relowner oid, relacl aclitem[], nspname name, qname text, rkind text)
    LANGUAGE sql STABLE AS $$
-- joined by oid in each kind reader, so that inlined it costs an index probe per wanted object
SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relispartition, c.relpartbound, c.reloptions, c.relreplident,
       c.relrowsecurity, c.relforcerowsecurity, c.relowner, c.relacl,
       n.nspname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       CASE c.relkind WHEN 'm' THEN 'materialized_view' WHEN 'v' THEN 'view' WHEN 'f' THEN 'foreign_table' ELSE 'table' END
  FROM pg_class c JOIN pggit.tracked_schemas() n ON n.oid = c.relnamespace
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
   AND c.relname NOT IN (SELECT t.relname FROM pggit.tool_table t)
$$;
COMMENT ON FUNCTION pggit.tracked_relations() IS 'Part of the catalog reader: the relations pggit may track, with the pg_class columns the kind readers use, schema, quoted qualified name (qname) and kind (rkind): in a tracked schema, not an extension''s member, not a migration tool''s table (pggit.tool_table).';
