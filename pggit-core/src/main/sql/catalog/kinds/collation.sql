-- The catalog reader for collations. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_collations(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- collations created in user schemas (version-dependent columns read through to_jsonb:
-- colliculocale on PostgreSQL 15-16 is colllocale from 17; collicurules from 16)
SELECT 'pg_collation'::regclass::oid, co.oid, 'collation', n.nspname,
       'collation:' || quote_ident(n.nspname) || '.' || quote_ident(co.collname), NULL,
       jsonb_build_object('schema', n.nspname, 'name', co.collname,
                          'provider', CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin'
                                                           ELSE co.collprovider::text END,
                          'deterministic', co.collisdeterministic,
                          'lc_collate', to_jsonb(co) ->> 'collcollate', 'lc_ctype', to_jsonb(co) ->> 'collctype',
                          'locale', coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale'),
                          'rules', to_jsonb(co) ->> 'collicurules',
                          'owner', pg_get_userbyid(co.collowner))
  FROM unnest(wanted) w(objid)
  JOIN pg_collation co ON co.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = co.collnamespace
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_collation'::regclass AND d.objid = co.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_collations(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the collations among wanted (oids in pg_collation), without their comments (read_catalog joins pg_description once).';
