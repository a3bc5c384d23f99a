-- The catalog reader for tables, views, materialized views, foreign tables. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_relations(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- tables, partitioned tables, views, materialized views
SELECT 'pg_class'::regclass::oid, t.oid, t.rkind, t.nspname, t.rkind || ':' || t.qname, NULL,
       jsonb_build_object(
           'schema', t.nspname, 'name', t.relname,
           'partitioned', CASE WHEN t.relkind = 'p' THEN true END,
           'unlogged', CASE WHEN t.relpersistence = 'u' THEN true END,
           'columns', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                  'name', a.attname,
                                  'type', format_type(a.atttypid, a.atttypmod),
                                  'not_null', CASE WHEN a.attnotnull AND t.relkind IN ('r', 'p', 'f') THEN true END,
                                  'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
                                  'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
                                  'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
                                  'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation
                                                    THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                                                            FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                                                           WHERE co.oid = a.attcollation) END,
                                  'storage', CASE WHEN a.attstorage <> ty.typstorage THEN
                                                  CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external'
                                                                    WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' END END,
                                  'compression', CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END,
                                  'statistics', CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END,   -- -1 (15-16) or null (17+): default
                                  -- guarded: most columns have neither, and an unguarded subquery runs its
                                  -- aggregate for every column (~10% of a table's read)
                                  'options', CASE WHEN a.attfdwoptions IS NOT NULL THEN (SELECT array_agg(o ORDER BY o) FROM unnest(a.attfdwoptions) o) END,
                                  'acl', CASE WHEN a.attacl IS NOT NULL THEN (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(a.attacl) x) END,
                                  'comment', (SELECT ds.description FROM pg_description ds WHERE ds.objoid = t.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum)))
                              ORDER BY a.attnum)
                        FROM pg_attribute a
                        -- the type by an index probe per column (OFFSET 0 keeps it one: joined, the planner
                        -- hashed all of pg_type for every relation, ~0.1 ms per table)
                        CROSS JOIN LATERAL (SELECT ty.typcollation, ty.typstorage FROM pg_type ty WHERE ty.oid = a.atttypid OFFSET 0) ty
                        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                       WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped),
           'query', CASE WHEN t.relkind IN ('v', 'm') THEN pg_get_viewdef(t.oid) END,
           'partition_key', CASE WHEN t.relkind = 'p' THEN pg_get_partkeydef(t.oid) END,
           'partition_of', CASE WHEN t.relispartition THEN
                               (SELECT quote_ident(pn.nspname) || '.' || quote_ident(pc.relname)
                                  FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
                                  JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = t.oid) END,
           'partition_bound', CASE WHEN t.relispartition THEN pg_get_expr(t.relpartbound, t.oid) END,
           'inherits', CASE WHEN NOT t.relispartition THEN
                           (SELECT jsonb_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) ORDER BY i.inhseqno)
                              FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
                              JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = t.oid) END,
           'options', CASE WHEN coalesce(t.reloptions, ft.ftoptions) IS NOT NULL THEN
                          (SELECT array_agg(o ORDER BY o) FROM unnest(coalesce(t.reloptions, ft.ftoptions)) o) END,
           'server', (SELECT quote_ident(fs.srvname) FROM pg_foreign_server fs WHERE fs.oid = ft.ftserver),
           'replica_identity', CASE WHEN t.relkind IN ('r', 'p') THEN
                                   CASE t.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                                                       WHEN 'i' THEN (SELECT 'index ' || quote_ident(ri.relname) FROM pg_index rx
                                                                        JOIN pg_class ri ON ri.oid = rx.indexrelid
                                                                       WHERE rx.indrelid = t.oid AND rx.indisreplident) END END,
           'row_security', CASE WHEN t.relrowsecurity THEN true END,
           'force_row_security', CASE WHEN t.relforcerowsecurity THEN true END,
           'owner', pg_get_userbyid(t.relowner),
           'acl', CASE WHEN t.relacl IS NOT NULL THEN pggit.acl_text(t.relacl, 'r', t.relowner) END)
  FROM unnest(wanted) w(objid)
  JOIN pggit.tracked_relations() t ON t.oid = w.objid
  LEFT JOIN pg_foreign_table ft ON ft.ftrelid = t.oid
 WHERE t.relkind IN ('r', 'p', 'v', 'm', 'f')
$$;
COMMENT ON FUNCTION pggit.read_relations(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the tables (partitioned, unlogged, partitions, inheritance children), views, materialized views and foreign tables among wanted (oids in pg_class), without their comments (read_catalog joins pg_description once).';
