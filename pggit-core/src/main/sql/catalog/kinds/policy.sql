-- The catalog reader for row-level security policies. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_policies(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- row-level security policies (children of their table)
SELECT 'pg_policy'::regclass::oid, pol.oid, 'policy', t.nspname,
       'policy:' || t.qname || '.' || quote_ident(pol.polname), t.rkind || ':' || t.qname,
       jsonb_build_object('table', t.qname, 'name', pol.polname,
                          'permissive', pol.polpermissive,
                          'command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                                     WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                          'roles', (SELECT jsonb_agg(CASE WHEN r.r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.r)) END
                                                     ORDER BY CASE WHEN r.r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.r)) END)
                                      FROM unnest(pol.polroles) r(r)),
                          'using', pg_get_expr(pol.polqual, pol.polrelid),
                          'with_check', pg_get_expr(pol.polwithcheck, pol.polrelid))
  FROM unnest(wanted) w(objid)
  JOIN pg_policy pol ON pol.oid = w.objid
  JOIN pggit.tracked_relations() t ON t.oid = pol.polrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
$$;
COMMENT ON FUNCTION pggit.read_policies(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the row-level security policies among wanted (oids in pg_policy), without their comments (read_catalog joins pg_description once).';
