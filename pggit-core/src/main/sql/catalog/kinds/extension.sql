-- The catalog reader for extensions. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_extensions(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- extensions: tracked as the extension, never member by member
SELECT 'pg_extension'::regclass::oid, x.oid, 'extension', n.nspname, 'extension:' || quote_ident(x.extname), NULL,
       jsonb_build_object('name', x.extname, 'version', x.extversion, 'schema', n.nspname)
  FROM unnest(wanted) w(objid)
  JOIN pg_extension x ON x.oid = w.objid
  JOIN pg_namespace n ON n.oid = x.extnamespace
 WHERE x.extname <> 'plpgsql'
$$;
COMMENT ON FUNCTION pggit.read_extensions(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the extensions among wanted (oids in pg_extension), without their comments (read_catalog joins pg_description once).';
