-- The catalog reader for extended statistics objects (CREATE STATISTICS). Inlinable sql (one
-- SELECT, STABLE, no SET, not STRICT, not SECURITY DEFINER): read_catalog plans it as part of its
-- own query.

CREATE OR REPLACE FUNCTION pggit.read_statistics(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- extended statistics objects (children of their table; they live in a schema of their own, which
-- may differ from the table's). pg_get_statisticsobjdef deparses the statement without the
-- statistics target, which ALTER STATISTICS ... SET STATISTICS sets: stxstattarget apart (an
-- integer where -1 is the default up to PostgreSQL 16, a nullable smallint from 17, read through
-- to_jsonb to serve both, the default as null).
SELECT 'pg_statistic_ext'::regclass::oid, s.oid, 'statistics', n.nspname,
       'statistics:' || quote_ident(n.nspname) || '.' || quote_ident(s.stxname), t.rkind || ':' || t.qname,
       jsonb_build_object('schema', n.nspname, 'name', s.stxname, 'table', t.qname,
                          'definition', pg_get_statisticsobjdef(s.oid),
                          'target', nullif((to_jsonb(s) ->> 'stxstattarget')::int, -1),
                          'owner', pg_get_userbyid(s.stxowner))
  FROM unnest(wanted) w(objid)
  JOIN pg_statistic_ext s ON s.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = s.stxnamespace
  JOIN pggit.tracked_relations() t ON t.oid = s.stxrelid
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_statistic_ext'::regclass AND d.objid = s.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_statistics(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the extended statistics objects among wanted (oids in pg_statistic_ext: pg_get_statisticsobjdef, the statistics target stxstattarget apart, owner), without their comments (read_catalog joins pg_description once).';
