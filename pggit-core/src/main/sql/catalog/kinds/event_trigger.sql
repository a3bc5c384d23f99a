-- The catalog reader for event triggers. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_event_triggers(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- event triggers (database-wide: schema ''), not pggit's own
SELECT 'pg_event_trigger'::regclass::oid, e.oid, 'event_trigger', '',
       'event_trigger:' || quote_ident(e.evtname), NULL,
       jsonb_build_object('name', e.evtname, 'event', e.evtevent,
                          'tags', (SELECT jsonb_agg(tg ORDER BY tg) FROM unnest(e.evttags) tg),
                          'function', e.evtfoid::regprocedure::text,
                          'enabled', pggit.firing_state(e.evtenabled),
                          'owner', pg_get_userbyid(e.evtowner))
  FROM unnest(wanted) w(objid)
  JOIN pg_event_trigger e ON e.oid = w.objid
  JOIN pg_proc ep ON ep.oid = e.evtfoid
 WHERE ep.pronamespace <> (SELECT pn.oid FROM pg_namespace pn WHERE pn.nspname = 'pggit')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_event_triggers(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the event triggers (not pggit''s own) among wanted (oids in pg_event_trigger), without their comments (read_catalog joins pg_description once).';
