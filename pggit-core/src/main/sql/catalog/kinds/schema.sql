-- The catalog reader for schemas. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_schemas(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- schemas
SELECT 'pg_namespace'::regclass::oid AS classid, n.oid AS objid, 'schema' AS kind, n.nspname AS schema_name,
       'schema:' || quote_ident(n.nspname) AS object_key, NULL::text AS parent_key,
       jsonb_build_object('name', n.nspname,
                          'owner', pg_get_userbyid(pn.nspowner),
                          'acl', CASE WHEN pn.nspacl IS NOT NULL THEN pggit.acl_text(pn.nspacl, 'n', pn.nspowner) END) AS definition
  FROM pggit.tracked_schemas() n JOIN pg_namespace pn ON pn.oid = n.oid
 WHERE n.oid = ANY (wanted)
$$;
COMMENT ON FUNCTION pggit.read_schemas(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the schemas among wanted (oids in pg_namespace), without their comments (read_catalog joins pg_description once).';
