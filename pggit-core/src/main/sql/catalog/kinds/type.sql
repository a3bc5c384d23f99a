-- The catalog reader for types (enum, composite, range) and domains. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_types(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- enum, composite, domain and range types
SELECT 'pg_type'::regclass::oid, ty.oid, CASE ty.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.nspname,
       CASE ty.typtype WHEN 'd' THEN 'domain' ELSE 'type' END || ':' || quote_ident(n.nspname) || '.' || quote_ident(ty.typname),
       NULL,
       jsonb_build_object(
           'schema', n.nspname, 'name', ty.typname,
           'type', CASE ty.typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range' END,
           'labels', CASE WHEN ty.typtype = 'e' THEN
                          (SELECT jsonb_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = ty.oid) END,
           'attributes', CASE WHEN ty.typtype = 'c' THEN
                          (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                      'comment', (SELECT ds.description FROM pg_description ds WHERE ds.objoid = ty.typrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum))) ORDER BY a.attnum)
                             FROM pg_attribute a WHERE a.attrelid = ty.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END,
           'base_type', CASE WHEN ty.typtype = 'd' THEN format_type(ty.typbasetype, ty.typtypmod) END,
           'not_null', CASE WHEN ty.typtype = 'd' AND ty.typnotnull THEN true END,
           'default', pg_get_expr(ty.typdefaultbin, 0),   -- typdefault is text fixed under the creator's search_path
           'constraints', CASE WHEN ty.typtype = 'd' THEN
                          (SELECT jsonb_agg(jsonb_build_object('name', k.conname, 'definition', pg_get_constraintdef(k.oid)) ORDER BY k.conname)
                             FROM pg_constraint k WHERE k.contypid = ty.oid AND k.contype = 'c') END,
           'subtype', CASE WHEN ty.typtype = 'r' THEN
                          (SELECT format_type(rg.rngsubtype, NULL) FROM pg_range rg WHERE rg.rngtypid = ty.oid) END,
           'owner', pg_get_userbyid(ty.typowner),
           'acl', CASE WHEN ty.typacl IS NOT NULL THEN pggit.acl_text(ty.typacl, 'T', ty.typowner) END)
  FROM unnest(wanted) w(objid)
  JOIN pg_type ty ON ty.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = ty.typnamespace
 WHERE (ty.typtype IN ('e', 'd', 'r')
        OR (ty.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = ty.typrelid AND c.relkind = 'c')))
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = ty.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_types(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the enum, composite and range types and domains among wanted (oids in pg_type), without their comments (read_catalog joins pg_description once).';
