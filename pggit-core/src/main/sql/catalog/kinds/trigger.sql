-- The catalog reader for triggers. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_triggers(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- triggers written by users (not FK internals, not clones on partitions)
SELECT 'pg_trigger'::regclass::oid, g.oid, 'trigger', t.nspname,
       'trigger:' || t.qname || '.' || quote_ident(g.tgname), t.rkind || ':' || t.qname,
       jsonb_build_object('table', t.qname, 'name', g.tgname,
                          'definition', pg_get_triggerdef(g.oid),
                          'enabled', pggit.firing_state(g.tgenabled))
  FROM unnest(wanted) w(objid)
  JOIN pg_trigger g ON g.oid = w.objid
  JOIN pggit.tracked_relations() t ON t.oid = g.tgrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
 WHERE NOT g.tgisinternal AND g.tgparentid = 0
$$;
COMMENT ON FUNCTION pggit.read_triggers(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the triggers among wanted (oids in pg_trigger), without their comments (read_catalog joins pg_description once).';
