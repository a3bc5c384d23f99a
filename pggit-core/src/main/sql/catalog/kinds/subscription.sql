-- The catalog reader for subscriptions. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_subscriptions(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- subscriptions of this database: the definition only, never the connection string (its
-- password); the columns every role may read, in forms that are the same on PostgreSQL 15-18
SELECT 'pg_subscription'::regclass::oid, sb.oid, 'subscription', '',
       'subscription:' || quote_ident(sb.subname), NULL,
       jsonb_build_object('name', sb.subname,
                          'publications', (SELECT jsonb_agg(sp ORDER BY sp) FROM unnest(sb.subpublications) sp),
                          'enabled', sb.subenabled, 'binary', sb.subbinary,
                          'streaming', CASE sb.substream::text WHEN 'true' THEN 'on' WHEN 't' THEN 'on' WHEN 'false' THEN 'off'
                                                               WHEN 'f' THEN 'off' WHEN 'p' THEN 'parallel' END,
                          'slot_name', sb.subslotname, 'synchronous_commit', sb.subsynccommit,
                          'owner', pg_get_userbyid(sb.subowner))
  FROM unnest(wanted) w(objid)
  JOIN pg_subscription sb ON sb.oid = w.objid
 WHERE sb.subdbid = (SELECT db.oid FROM pg_database db WHERE db.datname = current_database())
$$;
COMMENT ON FUNCTION pggit.read_subscriptions(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the subscriptions (never the connection string) among wanted (oids in pg_subscription), without their comments (read_catalog joins pg_description once).';
