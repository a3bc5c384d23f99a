-- The catalog reader for publications. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_publications(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- publications (database-wide), with their tables (column lists, row filters) and schemas
SELECT 'pg_publication'::regclass::oid, pb.oid, 'publication', '',
       'publication:' || quote_ident(pb.pubname), NULL,
       jsonb_build_object('name', pb.pubname, 'all_tables', CASE WHEN pb.puballtables THEN true END,
                          'publish', (SELECT jsonb_agg(op) FROM unnest(ARRAY[CASE WHEN pb.pubinsert THEN 'insert' END,
                                          CASE WHEN pb.pubupdate THEN 'update' END, CASE WHEN pb.pubdelete THEN 'delete' END,
                                          CASE WHEN pb.pubtruncate THEN 'truncate' END]) op WHERE op IS NOT NULL),
                          'via_root', CASE WHEN pb.pubviaroot THEN true END,
                          'tables', (SELECT jsonb_agg(jsonb_build_object(
                                                'table', quote_ident(rn.nspname) || '.' || quote_ident(rc.relname),
                                                'columns', (SELECT jsonb_agg(ra.attname ORDER BY ra.attnum) FROM pg_attribute ra
                                                             WHERE ra.attrelid = pr.prrelid AND ra.attnum = ANY (pr.prattrs::int2[])),
                                                'where', pg_get_expr(pr.prqual, pr.prrelid))
                                             ORDER BY rn.nspname, rc.relname)
                                       FROM pg_publication_rel pr JOIN pg_class rc ON rc.oid = pr.prrelid
                                       JOIN pg_namespace rn ON rn.oid = rc.relnamespace WHERE pr.prpubid = pb.oid),
                          'schemas', (SELECT jsonb_agg(pn.nspname ORDER BY pn.nspname) FROM pg_publication_namespace pns
                                        JOIN pg_namespace pn ON pn.oid = pns.pnnspid WHERE pns.pnpubid = pb.oid),
                          'owner', pg_get_userbyid(pb.pubowner))
  FROM unnest(wanted) w(objid)
  JOIN pg_publication pb ON pb.oid = w.objid
$$;
COMMENT ON FUNCTION pggit.read_publications(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the publications among wanted (oids in pg_publication), without their comments (read_catalog joins pg_description once).';
