-- The catalog reader: the one place that reads pg_catalog for definitions.

CREATE OR REPLACE FUNCTION pggit.read_catalog(classids oid[] DEFAULT NULL, objids oid[] DEFAULT NULL)
    RETURNS TABLE (classid oid, objid oid, kind text, schema_name text, object_key text, parent_key text,
                   definition jsonb, hash text, directive text, columns jsonb)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
-- plpgsql, not sql: its plan is cached per session, where a sql function is planned on every call.
-- The query is driven by the wanted addresses (joins on oid), so reading a few objects costs a
-- few index probes whatever the catalog's size; a full read first lists every candidate address.
DECLARE
    -- the wanted addresses, one array per catalog: each branch unnests its own (a probe per object)
    w_namespace oid[];
    w_class oid[];
    w_proc oid[];
    w_type oid[];
    w_constraint oid[];
    w_trigger oid[];
    w_extension oid[];
    w_policy oid[];
    w_rewrite oid[];
    w_event_trigger oid[];
    w_publication oid[];
    w_subscription oid[];
    w_foreign_data_wrapper oid[];
    w_foreign_server oid[];
    w_user_mapping oid[];
    w_collation oid[];
    w_default_acl oid[];
    cfg pggit.tracking_config := (SELECT c FROM pggit.tracking_config c);
    all_properties boolean := cfg.track_owners AND cfg.track_privileges AND cfg.track_comments;
BEGIN
IF classids IS NULL THEN   -- a full read: every candidate of each catalog
    w_namespace := ARRAY(SELECT n.oid FROM pg_namespace n);
    w_class := ARRAY(SELECT c.oid FROM pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'i', 'I'));
    w_proc := ARRAY(SELECT p.oid FROM pg_proc p WHERE p.pronamespace <> 'pg_catalog'::regnamespace);
    w_type := ARRAY(SELECT t.oid FROM pg_type t WHERE t.typtype IN ('e', 'd', 'r', 'c'));
    w_constraint := ARRAY(SELECT k.oid FROM pg_constraint k WHERE k.conrelid <> 0);
    w_trigger := ARRAY(SELECT g.oid FROM pg_trigger g WHERE NOT g.tgisinternal);
    w_extension := ARRAY(SELECT x.oid FROM pg_extension x);
    w_policy := ARRAY(SELECT pol.oid FROM pg_policy pol);
    w_rewrite := ARRAY(SELECT r.oid FROM pg_rewrite r WHERE r.rulename <> '_RETURN');
    w_event_trigger := ARRAY(SELECT e.oid FROM pg_event_trigger e);
    w_publication := ARRAY(SELECT pb.oid FROM pg_publication pb);
    w_subscription := ARRAY(SELECT sb.oid FROM pg_subscription sb);
    w_foreign_data_wrapper := ARRAY(SELECT fw.oid FROM pg_foreign_data_wrapper fw);
    w_foreign_server := ARRAY(SELECT fs.oid FROM pg_foreign_server fs);
    w_user_mapping := ARRAY(SELECT um.umid FROM pg_user_mappings um);
    w_collation := ARRAY(SELECT co.oid FROM pg_collation co WHERE co.collnamespace <> 'pg_catalog'::regnamespace);
    w_default_acl := ARRAY(SELECT da.oid FROM pg_default_acl da);
ELSE
    SELECT array_agg(x.o) FILTER (WHERE x.c = 'pg_namespace'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_class'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_proc'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_type'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_constraint'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_trigger'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_extension'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_policy'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_rewrite'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_event_trigger'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_publication'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_subscription'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_foreign_data_wrapper'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_foreign_server'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_user_mapping'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_collation'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_default_acl'::regclass)
      INTO w_namespace, w_class, w_proc, w_type, w_constraint, w_trigger, w_extension, w_policy, w_rewrite,
           w_event_trigger, w_publication, w_subscription, w_foreign_data_wrapper, w_foreign_server, w_user_mapping, w_collation, w_default_acl
      FROM unnest(classids, objids) AS x(c, o);
END IF;
RETURN QUERY
WITH nsp AS (
    SELECT n.oid, n.nspname
      FROM pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pggit')
       AND n.nspname NOT LIKE 'pg_temp\_%' AND n.nspname NOT LIKE 'pg_toast_temp\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
),
trel AS NOT MATERIALIZED (   -- tracked relations: in a tracked schema, no extension's member, no tool's history table
    -- (not materialized: each branch joins it by oid, so it costs an index probe per wanted object)
    SELECT c.*, n.nspname, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qname,
           CASE c.relkind WHEN 'm' THEN 'materialized_view' WHEN 'v' THEN 'view' WHEN 'f' THEN 'foreign_table' ELSE 'table' END AS rkind
      FROM pg_class c JOIN nsp n ON n.oid = c.relnamespace
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
       AND c.relname NOT IN (SELECT t.relname FROM pggit.tool_table t)
),
objs AS (
    -- schemas
    SELECT 'pg_namespace'::regclass::oid AS classid, n.oid AS objid, 'schema' AS kind, n.nspname AS schema_name,
           'schema:' || quote_ident(n.nspname) AS object_key, NULL::text AS parent_key,
           jsonb_build_object('name', n.nspname,
                              'owner', pg_get_userbyid(pn.nspowner),
                              'acl', CASE WHEN pn.nspacl IS NOT NULL THEN pggit.acl_text(pn.nspacl, 'n', pn.nspowner) END) AS definition
      FROM nsp n JOIN pg_namespace pn ON pn.oid = n.oid
     WHERE n.oid = ANY (w_namespace)

    UNION ALL
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
                                      'options', (SELECT array_agg(o ORDER BY o) FROM unnest(a.attfdwoptions) o),
                                      'acl', (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(a.attacl) x),
                                      'comment', (SELECT ds.description FROM pg_description ds WHERE ds.objoid = t.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum)))
                                  ORDER BY a.attnum)
                            FROM pg_attribute a
                            JOIN pg_type ty ON ty.oid = a.atttypid
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
               'options', (SELECT array_agg(o ORDER BY o) FROM unnest(coalesce(t.reloptions, ft.ftoptions)) o),
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
      FROM unnest(w_class) w(objid)
      JOIN trel t ON t.oid = w.objid
      LEFT JOIN pg_foreign_table ft ON ft.ftrelid = t.oid
     WHERE t.relkind IN ('r', 'p', 'v', 'm', 'f')

    UNION ALL
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
      FROM unnest(w_class) w(objid)
      JOIN trel r ON r.oid = w.objid
      JOIN pg_sequence s ON s.seqrelid = r.oid
     WHERE r.relkind = 'S'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i')

    UNION ALL
    -- indexes that no constraint owns (constraint indexes are part of their constraint),
    -- and not partitions of a partitioned index (they follow their parent)
    SELECT 'pg_class'::regclass::oid, ic.oid, 'index', t.nspname,
           'index:' || t.qname || '.' || quote_ident(ic.relname), t.rkind || ':' || t.qname,
           jsonb_build_object('table', t.qname, 'name', ic.relname,
                              'definition', pg_get_indexdef(ic.oid))
      FROM unnest(w_class) w(objid)
      JOIN pg_index i ON i.indexrelid = w.objid
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN trel t ON t.oid = i.indrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
     WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k
                        WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
       AND NOT ic.relispartition

    UNION ALL
    -- table constraints (not-null constraints are part of the column; constraint triggers are triggers;
    -- constraints inherited by partitions follow their parent)
    SELECT 'pg_constraint'::regclass::oid, k.oid, 'constraint', t.nspname,
           'constraint:' || t.qname || '.' || quote_ident(k.conname), t.rkind || ':' || t.qname,
           jsonb_build_object('table', t.qname, 'name', k.conname,
                              'type', CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique'
                                                     WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check'
                                                     WHEN 'x' THEN 'exclusion' END,
                              'definition', pg_get_constraintdef(k.oid))
      FROM unnest(w_constraint) w(objid)
      JOIN pg_constraint k ON k.oid = w.objid
      JOIN trel t ON t.oid = k.conrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
     WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conparentid = 0

    UNION ALL
    -- triggers written by users (not FK internals, not clones on partitions)
    SELECT 'pg_trigger'::regclass::oid, g.oid, 'trigger', t.nspname,
           'trigger:' || t.qname || '.' || quote_ident(g.tgname), t.rkind || ':' || t.qname,
           jsonb_build_object('table', t.qname, 'name', g.tgname,
                              'definition', pg_get_triggerdef(g.oid),
                              'enabled', pggit.firing_state(g.tgenabled))
      FROM unnest(w_trigger) w(objid)
      JOIN pg_trigger g ON g.oid = w.objid
      JOIN trel t ON t.oid = g.tgrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
     WHERE NOT g.tgisinternal AND g.tgparentid = 0

    UNION ALL
    -- functions and procedures, keyed by identity arguments (overloads are distinct objects)
    SELECT 'pg_proc'::regclass::oid, p.oid,
           CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, n.nspname,
           CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END
               || ':' || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')', NULL,
           jsonb_build_object('schema', n.nspname, 'name', p.proname,
                              'arguments', pg_get_function_arguments(p.oid),
                              'returns', pg_get_function_result(p.oid),
                              'language', (SELECT l.lanname FROM pg_language l WHERE l.oid = p.prolang),
                              'volatility', p.provolatile::text, 'strict', p.proisstrict,
                              'security_definer', p.prosecdef, 'parallel', p.proparallel::text,
                              'leakproof', p.proleakproof, 'cost', p.procost, 'rows', p.prorows,
                              'config', (SELECT array_agg(cfg ORDER BY cfg) FROM unnest(p.proconfig) cfg),
                              'definition', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END,
                              'aggregate', CASE WHEN p.prokind = 'a' THEN
                                   (SELECT jsonb_strip_nulls(jsonb_build_object(
                                        'sfunc', ag.aggtransfn::regproc::text, 'stype', format_type(ag.aggtranstype, NULL),
                                        'finalfunc', nullif(ag.aggfinalfn, 0)::regproc::text,
                                        'combinefunc', nullif(ag.aggcombinefn, 0)::regproc::text,
                                        'initcond', ag.agginitval, 'kind', ag.aggkind::text))
                                      FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid) END,
                              'owner', pg_get_userbyid(p.proowner),
                              'acl', CASE WHEN p.proacl IS NOT NULL THEN pggit.acl_text(p.proacl, 'f', p.proowner) END)
      FROM unnest(w_proc) w(objid)
      JOIN pg_proc p ON p.oid = w.objid
      JOIN nsp n ON n.oid = p.pronamespace
     -- not an extension's member, nor made by another object (a range type's constructors: deptype i)
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))

    UNION ALL
    -- enum, composite, domain and range types
    SELECT 'pg_type'::regclass::oid, ty.oid, CASE ty.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.nspname,
           CASE ty.typtype WHEN 'd' THEN 'domain' ELSE 'type' END || ':' || quote_ident(n.nspname) || '.' || quote_ident(ty.typname),
           NULL,
           jsonb_build_object(
               'schema', n.nspname, 'name', ty.typname,
               'type', CASE ty.typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range' END,
               'labels', CASE WHEN ty.typtype = 'e' THEN
                              (SELECT jsonb_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = ty.oid) END,
               'attributes', CASE WHEN ty.typtype = 'c' THEN
                              (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                          'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                          'comment', (SELECT ds.description FROM pg_description ds WHERE ds.objoid = ty.typrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum))) ORDER BY a.attnum)
                                 FROM pg_attribute a WHERE a.attrelid = ty.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END,
               'base_type', CASE WHEN ty.typtype = 'd' THEN format_type(ty.typbasetype, ty.typtypmod) END,
               'not_null', CASE WHEN ty.typtype = 'd' AND ty.typnotnull THEN true END,
               'default', pg_get_expr(ty.typdefaultbin, 0),   -- typdefault is text fixed under the creator's search_path
               'constraints', CASE WHEN ty.typtype = 'd' THEN
                              (SELECT jsonb_agg(jsonb_build_object('name', k.conname, 'definition', pg_get_constraintdef(k.oid)) ORDER BY k.conname)
                                 FROM pg_constraint k WHERE k.contypid = ty.oid AND k.contype = 'c') END,
               'subtype', CASE WHEN ty.typtype = 'r' THEN
                              (SELECT format_type(rg.rngsubtype, NULL) FROM pg_range rg WHERE rg.rngtypid = ty.oid) END,
               'owner', pg_get_userbyid(ty.typowner),
               'acl', CASE WHEN ty.typacl IS NOT NULL THEN pggit.acl_text(ty.typacl, 'T', ty.typowner) END)
      FROM unnest(w_type) w(objid)
      JOIN pg_type ty ON ty.oid = w.objid
      JOIN nsp n ON n.oid = ty.typnamespace
     WHERE (ty.typtype IN ('e', 'd', 'r')
            OR (ty.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = ty.typrelid AND c.relkind = 'c')))
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = ty.oid AND d.deptype = 'e')

    UNION ALL
    -- row-level security policies (children of their table)
    SELECT 'pg_policy'::regclass::oid, pol.oid, 'policy', t.nspname,
           'policy:' || t.qname || '.' || quote_ident(pol.polname), t.rkind || ':' || t.qname,
           jsonb_build_object('table', t.qname, 'name', pol.polname,
                              'permissive', pol.polpermissive,
                              'command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                                         WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                              'roles', (SELECT jsonb_agg(CASE WHEN r.r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.r)) END
                                                         ORDER BY CASE WHEN r.r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.r)) END)
                                          FROM unnest(pol.polroles) r(r)),
                              'using', pg_get_expr(pol.polqual, pol.polrelid),
                              'with_check', pg_get_expr(pol.polwithcheck, pol.polrelid))
      FROM unnest(w_policy) w(objid)
      JOIN pg_policy pol ON pol.oid = w.objid
      JOIN trel t ON t.oid = pol.polrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')

    UNION ALL
    -- rules (not the _RETURN rule that makes a view; children of their table or view)
    SELECT 'pg_rewrite'::regclass::oid, r.oid, 'rule', t.nspname,
           'rule:' || t.qname || '.' || quote_ident(r.rulename), t.rkind || ':' || t.qname,
           jsonb_build_object('table', t.qname, 'name', r.rulename,
                              'definition', pg_get_ruledef(r.oid),
                              'enabled', pggit.firing_state(r.ev_enabled))
      FROM unnest(w_rewrite) w(objid)
      JOIN pg_rewrite r ON r.oid = w.objid
      JOIN trel t ON t.oid = r.ev_class AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
     WHERE r.rulename <> '_RETURN'

    UNION ALL
    -- collations created in user schemas (version-dependent columns read through to_jsonb:
    -- colliculocale on PostgreSQL 15-16 is colllocale from 17; collicurules from 16)
    SELECT 'pg_collation'::regclass::oid, co.oid, 'collation', n.nspname,
           'collation:' || quote_ident(n.nspname) || '.' || quote_ident(co.collname), NULL,
           jsonb_build_object('schema', n.nspname, 'name', co.collname,
                              'provider', CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin'
                                                               ELSE co.collprovider::text END,
                              'deterministic', co.collisdeterministic,
                              'lc_collate', to_jsonb(co) ->> 'collcollate', 'lc_ctype', to_jsonb(co) ->> 'collctype',
                              'locale', coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale'),
                              'rules', to_jsonb(co) ->> 'collicurules',
                              'owner', pg_get_userbyid(co.collowner))
      FROM unnest(w_collation) w(objid)
      JOIN pg_collation co ON co.oid = w.objid
      JOIN nsp n ON n.oid = co.collnamespace
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_collation'::regclass AND d.objid = co.oid AND d.deptype = 'e')

    UNION ALL
    -- event triggers (database-wide: schema ''), not pggit's own
    SELECT 'pg_event_trigger'::regclass::oid, e.oid, 'event_trigger', '',
           'event_trigger:' || quote_ident(e.evtname), NULL,
           jsonb_build_object('name', e.evtname, 'event', e.evtevent,
                              'tags', (SELECT jsonb_agg(tg ORDER BY tg) FROM unnest(e.evttags) tg),
                              'function', e.evtfoid::regprocedure::text,
                              'enabled', pggit.firing_state(e.evtenabled),
                              'owner', pg_get_userbyid(e.evtowner))
      FROM unnest(w_event_trigger) w(objid)
      JOIN pg_event_trigger e ON e.oid = w.objid
      JOIN pg_proc ep ON ep.oid = e.evtfoid
     WHERE ep.pronamespace <> (SELECT pn.oid FROM pg_namespace pn WHERE pn.nspname = 'pggit')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e')

    UNION ALL
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
      FROM unnest(w_publication) w(objid)
      JOIN pg_publication pb ON pb.oid = w.objid

    UNION ALL
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
      FROM unnest(w_subscription) w(objid)
      JOIN pg_subscription sb ON sb.oid = w.objid
     WHERE sb.subdbid = (SELECT db.oid FROM pg_database db WHERE db.datname = current_database())

    UNION ALL
    -- foreign-data wrappers (not an extension's)
    SELECT 'pg_foreign_data_wrapper'::regclass::oid, fw.oid, 'foreign_data_wrapper', '',
           'foreign_data_wrapper:' || quote_ident(fw.fdwname), NULL,
           jsonb_build_object('name', fw.fdwname,
                              'handler', CASE WHEN fw.fdwhandler <> 0 THEN fw.fdwhandler::regproc::text END,
                              'validator', CASE WHEN fw.fdwvalidator <> 0 THEN fw.fdwvalidator::regproc::text END,
                              'options', (SELECT array_agg(o ORDER BY o) FROM unnest(fw.fdwoptions) o),
                              'owner', pg_get_userbyid(fw.fdwowner),
                              'acl', CASE WHEN fw.fdwacl IS NOT NULL THEN pggit.acl_text(fw.fdwacl, 'F', fw.fdwowner) END)
      FROM unnest(w_foreign_data_wrapper) w(objid)
      JOIN pg_foreign_data_wrapper fw ON fw.oid = w.objid
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_foreign_data_wrapper'::regclass AND d.objid = fw.oid AND d.deptype = 'e')

    UNION ALL
    -- foreign servers (a password option is never read)
    SELECT 'pg_foreign_server'::regclass::oid, fs.oid, 'server', '',
           'server:' || quote_ident(fs.srvname), NULL,
           jsonb_build_object('name', fs.srvname, 'wrapper', (SELECT quote_ident(x.fdwname) FROM pg_foreign_data_wrapper x WHERE x.oid = fs.srvfdw),
                              'type', fs.srvtype, 'version', fs.srvversion,
                              'options', (SELECT array_agg(o ORDER BY o) FROM unnest(fs.srvoptions) o WHERE o NOT LIKE 'password=%'),
                              'owner', pg_get_userbyid(fs.srvowner),
                              'acl', CASE WHEN fs.srvacl IS NOT NULL THEN pggit.acl_text(fs.srvacl, 'S', fs.srvowner) END)
      FROM unnest(w_foreign_server) w(objid)
      JOIN pg_foreign_server fs ON fs.oid = w.objid
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_foreign_server'::regclass AND d.objid = fs.oid AND d.deptype = 'e')

    UNION ALL
    -- user mappings, through the pg_user_mappings view (options shown only to whom may see them;
    -- a password option is never read); children of their server
    SELECT 'pg_user_mapping'::regclass::oid, um.umid, 'user_mapping', '',
           'user_mapping:' || CASE WHEN um.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(um.usename) END || '@' || quote_ident(um.srvname),
           'server:' || quote_ident(um.srvname),
           jsonb_build_object('user', CASE WHEN um.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(um.usename) END,
                              'server', quote_ident(um.srvname),
                              'options', (SELECT array_agg(o ORDER BY o) FROM unnest(um.umoptions) o WHERE o NOT LIKE 'password=%'))
      FROM unnest(w_user_mapping) w(objid)
      JOIN pg_user_mappings um ON um.umid = w.objid

    UNION ALL
    -- default privileges (ALTER DEFAULT PRIVILEGES), per role, schema (or all) and object type
    SELECT 'pg_default_acl'::regclass::oid, da.oid, 'default_privileges', coalesce(dn.nspname, ''),
           'default_privileges:' || quote_ident(pg_get_userbyid(da.defaclrole)) || coalesce(' in ' || quote_ident(dn.nspname), '')
               || ' on ' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                                  WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END,
           NULL,
           jsonb_build_object('role', pg_get_userbyid(da.defaclrole), 'schema', dn.nspname,
                              'on', CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                                          WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END,
                              'acl', (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(da.defaclacl) x))
      FROM unnest(w_default_acl) w(objid)
      JOIN pg_default_acl da ON da.oid = w.objid
      LEFT JOIN pg_namespace dn ON dn.oid = da.defaclnamespace
     WHERE da.defaclnamespace = 0 OR da.defaclnamespace IN (SELECT n.oid FROM nsp n)

    UNION ALL
    -- extensions: tracked as the extension, never member by member
    SELECT 'pg_extension'::regclass::oid, x.oid, 'extension', n.nspname, 'extension:' || quote_ident(x.extname), NULL,
           jsonb_build_object('name', x.extname, 'version', x.extversion, 'schema', n.nspname)
      FROM unnest(w_extension) w(objid)
      JOIN pg_extension x ON x.oid = w.objid
      JOIN pg_namespace n ON n.oid = x.extnamespace
     WHERE x.extname <> 'plpgsql'
),
-- each object's comment (pg_description, objsubid 0), joined once here instead of probed per kind
objc AS (
    SELECT o.classid, o.objid, o.kind, o.schema_name, o.object_key, o.parent_key,
           o.definition || jsonb_build_object('comment', ds.description) AS definition
      FROM objs o
      LEFT JOIN pg_description ds ON ds.objoid = o.objid AND ds.classoid = o.classid AND ds.objsubid = 0
)
SELECT o.classid, o.objid, o.kind, o.schema_name::text, o.object_key, o.parent_key,
       d.def, encode(sha256(convert_to(d.def::text, 'UTF8')), 'hex'),   -- = pggit.sha256_hex, written out: per row
       CASE WHEN o.definition ->> 'comment' LIKE '%@pggit%' THEN pggit.directive_of(o.definition ->> 'comment') END,
       -- a relation's columns by attnum: an address per column, so that a rename is followed (not part of the hash)
       CASE WHEN o.kind IN ('table', 'view', 'materialized_view', 'foreign_table') THEN
           (SELECT jsonb_object_agg(a.attnum, a.attname) FROM pg_attribute a
             WHERE a.attrelid = o.objid AND a.attnum > 0 AND NOT a.attisdropped) END
  FROM objc o,
       LATERAL (SELECT CASE WHEN o.definition ->> 'comment' LIKE '%@pggit%'
                            THEN pggit.without_directives(jsonb_strip_nulls(o.definition))
                            ELSE jsonb_strip_nulls(o.definition) END AS d0) d0,
       LATERAL (SELECT CASE WHEN all_properties THEN d0.d0
                            ELSE pggit.without_properties(d0.d0, cfg.track_owners, cfg.track_privileges, cfg.track_comments) END AS def) d
 WHERE cfg.track_privileges OR o.kind <> 'default_privileges';   -- default privileges are nothing but privileges
END
$$;
COMMENT ON FUNCTION pggit.read_catalog(oid[], oid[]) IS
    'The catalog reader: canonical definitions (JSON, nulls stripped, tracking directives removed from comments, lists in catalog order where order matters and sorted otherwise) of all tracked objects, or of the objects whose (classid, objid) pairs are given, with the directive their comment carries. Reads pg_namespace, pg_class, pg_attribute, pg_attrdef, pg_index, pg_constraint, pg_trigger, pg_proc, pg_aggregate, pg_type, pg_enum, pg_range, pg_sequence, pg_inherits, pg_extension, pg_collation, pg_policy, pg_rewrite, pg_event_trigger, pg_publication(_rel, _namespace), pg_subscription (not subconninfo), pg_foreign_data_wrapper, pg_foreign_server, pg_foreign_table, pg_user_mappings (no password option), pg_default_acl, pg_description and pg_depend (extension members, deptype e, and objects another object made, deptype i, are never tracked). columns = a relation''s {attnum: name}, outside the hash, to follow column renames. hash = hex SHA-256 of definition::text.';
