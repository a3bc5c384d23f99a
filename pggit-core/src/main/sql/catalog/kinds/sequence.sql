-- The catalog reader for sequences. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_sequences(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- sequences (identity sequences belong to their column)
SELECT 'pg_class'::regclass::oid, r.oid, 'sequence', r.nspname, 'sequence:' || r.qname, NULL,
       jsonb_build_object(
           'schema', r.nspname, 'name', r.relname,
           'type', format_type(s.seqtypid, NULL), 'start', s.seqstart, 'increment', s.seqincrement,
           'min', s.seqmin, 'max', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle,
           'owned_by', (SELECT quote_ident(on_.nspname) || '.' || quote_ident(oc.relname) || '.' || quote_ident(oa.attname)
                          FROM pg_depend d JOIN pg_class oc ON oc.oid = d.refobjid
                          JOIN pg_namespace on_ ON on_.oid = oc.relnamespace
                          JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'a'
                           AND d.refclassid = 'pg_class'::regclass),
           'unlogged', CASE WHEN r.relpersistence = 'u' THEN true END,
           'owner', pg_get_userbyid(r.relowner),
           'acl', CASE WHEN r.relacl IS NOT NULL THEN pggit.acl_text(r.relacl, 's', r.relowner) END)
  FROM unnest(wanted) w(objid)
  JOIN pggit.tracked_relations() r ON r.oid = w.objid
  JOIN pg_sequence s ON s.seqrelid = r.oid
 WHERE r.relkind = 'S'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i')
$$;
COMMENT ON FUNCTION pggit.read_sequences(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the sequences (an identity column''s sequence belongs to its column) among wanted (oids in pg_class), without their comments (read_catalog joins pg_description once).';
