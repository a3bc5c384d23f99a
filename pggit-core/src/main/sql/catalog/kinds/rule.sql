-- The catalog reader for rules. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_rules(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- rules (not the _RETURN rule that makes a view; children of their table or view)
SELECT 'pg_rewrite'::regclass::oid, r.oid, 'rule', t.nspname,
       'rule:' || t.qname || '.' || quote_ident(r.rulename), t.rkind || ':' || t.qname,
       jsonb_build_object('table', t.qname, 'name', r.rulename,
                          'definition', pg_get_ruledef(r.oid),
                          'enabled', pggit.firing_state(r.ev_enabled))
  FROM unnest(wanted) w(objid)
  JOIN pg_rewrite r ON r.oid = w.objid
  JOIN pggit.tracked_relations() t ON t.oid = r.ev_class AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
 WHERE r.rulename <> '_RETURN'
$$;
COMMENT ON FUNCTION pggit.read_rules(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the rules among wanted (oids in pg_rewrite), without their comments (read_catalog joins pg_description once).';
