-- The catalog reader for functions, procedures, aggregates (keyed by identity arguments). Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_routines(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- functions and procedures, keyed by identity arguments (overloads are distinct objects)
SELECT 'pg_proc'::regclass::oid, p.oid,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, n.nspname,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END
           || ':' || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')', NULL,
       jsonb_build_object('schema', n.nspname, 'name', p.proname,
                          'arguments', pg_get_function_arguments(p.oid),
                          'returns', pg_get_function_result(p.oid),
                          'language', (SELECT l.lanname FROM pg_language l WHERE l.oid = p.prolang),
                          'volatility', p.provolatile::text, 'strict', p.proisstrict,
                          'security_definer', p.prosecdef, 'parallel', p.proparallel::text,
                          'leakproof', p.proleakproof, 'cost', p.procost, 'rows', p.prorows,
                          'config', CASE WHEN p.proconfig IS NOT NULL THEN (SELECT array_agg(cfg ORDER BY cfg) FROM unnest(p.proconfig) cfg) END,
                          'definition', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END,
                          'aggregate', CASE WHEN p.prokind = 'a' THEN
                               (SELECT jsonb_strip_nulls(jsonb_build_object(
                                    'sfunc', ag.aggtransfn::regproc::text, 'stype', format_type(ag.aggtranstype, NULL),
                                    'finalfunc', nullif(ag.aggfinalfn, 0)::regproc::text,
                                    'combinefunc', nullif(ag.aggcombinefn, 0)::regproc::text,
                                    'initcond', ag.agginitval, 'kind', ag.aggkind::text))
                                  FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid) END,
                          'owner', pg_get_userbyid(p.proowner),
                          'acl', CASE WHEN p.proacl IS NOT NULL THEN pggit.acl_text(p.proacl, 'f', p.proowner) END)
  FROM unnest(wanted) w(objid)
  JOIN pg_proc p ON p.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = p.pronamespace
 -- not an extension's member, nor made by another object (a range type's constructors: deptype i)
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
$$;
COMMENT ON FUNCTION pggit.read_routines(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the functions, procedures and aggregates among wanted (oids in pg_proc), without their comments (read_catalog joins pg_description once).';
