-- The catalog reader for indexes. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_indexes(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- indexes that no constraint owns (constraint indexes are part of their constraint); an index of a
-- partition that is attached to an index of the partitioned table is an index of the partition, which
-- records the index it is attached to (pg_inherits between indexes; an index's parent is in the
-- schema of its table). Validity is no part of a definition: a partitioned index turns valid when
-- every partition's index is attached, and an invalid plain index is a failed build, not schema.
SELECT 'pg_class'::regclass::oid, ic.oid, 'index', t.nspname,
       'index:' || t.qname || '.' || quote_ident(ic.relname), t.rkind || ':' || t.qname,
       jsonb_build_object('table', t.qname, 'name', ic.relname,
                          'definition', pg_get_indexdef(ic.oid),
                          'attached_to', (SELECT quote_ident(pn.nspname) || '.' || quote_ident(pc.relname)
                                            FROM pg_inherits h
                                            JOIN pg_class pc ON pc.oid = h.inhparent
                                            JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                                           WHERE ic.relispartition AND h.inhrelid = ic.oid))
  FROM unnest(wanted) w(objid)
  JOIN pg_index i ON i.indexrelid = w.objid
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pggit.tracked_relations() t ON t.oid = i.indrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
 WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k
                    WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
$$;
COMMENT ON FUNCTION pggit.read_indexes(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the indexes no constraint owns among wanted (oids in pg_class), partitions'' indexes with the index each is attached to, without their comments (read_catalog joins pg_description once).';
