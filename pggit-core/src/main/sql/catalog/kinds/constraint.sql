-- The catalog reader for table constraints. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_constraints(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- table constraints (not-null constraints are part of the column; constraint triggers are triggers;
-- constraints inherited by partitions follow their parent; a partition's own constraint whose index is
-- attached to an index of the partitioned table, which no constraint owns, records that index)
SELECT 'pg_constraint'::regclass::oid, k.oid, 'constraint', t.nspname,
       'constraint:' || t.qname || '.' || quote_ident(k.conname), t.rkind || ':' || t.qname,
       jsonb_build_object('table', t.qname, 'name', k.conname,
                          'type', CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique'
                                                 WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check'
                                                 WHEN 'x' THEN 'exclusion' END,
                          'definition', pg_get_constraintdef(k.oid),
                          'attached_to', (SELECT quote_ident(pn.nspname) || '.' || quote_ident(pc.relname)
                                            FROM pg_class ic
                                            JOIN pg_inherits h ON h.inhrelid = ic.oid
                                            JOIN pg_class pc ON pc.oid = h.inhparent
                                            JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                                           WHERE ic.oid = k.conindid AND ic.relispartition))
  FROM unnest(wanted) w(objid)
  JOIN pg_constraint k ON k.oid = w.objid
  JOIN pggit.tracked_relations() t ON t.oid = k.conrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
 WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conparentid = 0
$$;
COMMENT ON FUNCTION pggit.read_constraints(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the table constraints among wanted (oids in pg_constraint), a partition''s constraint with the partitioned index its index is attached to, without their comments (read_catalog joins pg_description once).';
