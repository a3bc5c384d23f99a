-- The catalog reader for foreign-data wrappers, servers, user mappings (foreign tables are relations). Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_foreign_data_wrappers(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- foreign-data wrappers (not an extension's)
SELECT 'pg_foreign_data_wrapper'::regclass::oid, fw.oid, 'foreign_data_wrapper', '',
       'foreign_data_wrapper:' || quote_ident(fw.fdwname), NULL,
       jsonb_build_object('name', fw.fdwname,
                          'handler', CASE WHEN fw.fdwhandler <> 0 THEN fw.fdwhandler::regproc::text END,
                          'validator', CASE WHEN fw.fdwvalidator <> 0 THEN fw.fdwvalidator::regproc::text END,
                          'options', (SELECT array_agg(o ORDER BY o) FROM unnest(fw.fdwoptions) o),
                          'owner', pg_get_userbyid(fw.fdwowner),
                          'acl', CASE WHEN fw.fdwacl IS NOT NULL THEN pggit.acl_text(fw.fdwacl, 'F', fw.fdwowner) END)
  FROM unnest(wanted) w(objid)
  JOIN pg_foreign_data_wrapper fw ON fw.oid = w.objid
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_foreign_data_wrapper'::regclass AND d.objid = fw.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_foreign_data_wrappers(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the foreign-data wrappers among wanted (oids in pg_foreign_data_wrapper), without their comments (read_catalog joins pg_description once).';

CREATE OR REPLACE FUNCTION pggit.read_servers(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- foreign servers (a password option is never read)
SELECT 'pg_foreign_server'::regclass::oid, fs.oid, 'server', '',
       'server:' || quote_ident(fs.srvname), NULL,
       jsonb_build_object('name', fs.srvname, 'wrapper', (SELECT quote_ident(x.fdwname) FROM pg_foreign_data_wrapper x WHERE x.oid = fs.srvfdw),
                          'type', fs.srvtype, 'version', fs.srvversion,
                          'options', (SELECT array_agg(o ORDER BY o) FROM unnest(fs.srvoptions) o WHERE o NOT LIKE 'password=%'),
                          'owner', pg_get_userbyid(fs.srvowner),
                          'acl', CASE WHEN fs.srvacl IS NOT NULL THEN pggit.acl_text(fs.srvacl, 'S', fs.srvowner) END)
  FROM unnest(wanted) w(objid)
  JOIN pg_foreign_server fs ON fs.oid = w.objid
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_foreign_server'::regclass AND d.objid = fs.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_servers(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the foreign servers (never a password option) among wanted (oids in pg_foreign_server), without their comments (read_catalog joins pg_description once).';

CREATE OR REPLACE FUNCTION pggit.read_user_mappings(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- user mappings, through the pg_user_mappings view (options shown only to whom may see them;
-- a password option is never read); children of their server
SELECT 'pg_user_mapping'::regclass::oid, um.umid, 'user_mapping', '',
       'user_mapping:' || CASE WHEN um.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(um.usename) END || '@' || quote_ident(um.srvname),
       'server:' || quote_ident(um.srvname),
       jsonb_build_object('user', CASE WHEN um.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(um.usename) END,
                          'server', quote_ident(um.srvname),
                          'options', (SELECT array_agg(o ORDER BY o) FROM unnest(um.umoptions) o WHERE o NOT LIKE 'password=%'))
  FROM unnest(wanted) w(objid)
  JOIN pg_user_mappings um ON um.umid = w.objid
$$;
COMMENT ON FUNCTION pggit.read_user_mappings(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the user mappings (never a password option) among wanted (oids in pg_user_mapping), without their comments (read_catalog joins pg_description once).';
