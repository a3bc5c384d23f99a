-- The catalog reader for default privileges (ALTER DEFAULT PRIVILEGES). Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_default_privileges(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- default privileges (ALTER DEFAULT PRIVILEGES), per role, schema (or all) and object type
SELECT 'pg_default_acl'::regclass::oid, da.oid, 'default_privileges', coalesce(dn.nspname, ''),
       'default_privileges:' || quote_ident(pg_get_userbyid(da.defaclrole)) || coalesce(' in ' || quote_ident(dn.nspname), '')
           || ' on ' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                              WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END,
       NULL,
       jsonb_build_object('role', pg_get_userbyid(da.defaclrole), 'schema', dn.nspname,
                          'on', CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                                      WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END,
                          'acl', (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(da.defaclacl) x))
  FROM unnest(wanted) w(objid)
  JOIN pg_default_acl da ON da.oid = w.objid
  LEFT JOIN pg_namespace dn ON dn.oid = da.defaclnamespace
 WHERE da.defaclnamespace = 0 OR da.defaclnamespace IN (SELECT n.oid FROM pggit.tracked_schemas() n)
$$;
COMMENT ON FUNCTION pggit.read_default_privileges(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the default privileges among wanted (oids in pg_default_acl), without their comments (read_catalog joins pg_description once).';
