-- pggit 0.2, upgrade step from 0.1: GENERATED from pggit-core/src/main/sql/updates/pggit--0.1--0.2.sql. Do not edit:
-- change the sources and run  mvn -B -pl pggit-core -Pregenerate-sql process-test-classes
-- Run by io.pggit.core.internal.install.Installer in one transaction under its advisory lock, into schema
-- "pggit"; never by hand. Frozen once released: later versions ship as upgrade steps.

-- Upgrade step 0.1 -> 0.2. Hand-written: ALTERs of tables and types in place (a column an upgrade
-- adds goes last in the sources' CREATE TABLE too), DROPs of what 0.2 no longer has, and an \ir of
-- each source file whose functions or views 0.2 changes or adds (its CREATE OR REPLACE statements
-- re-create the unchanged ones beside them as they are). UpgradeTest proves that 0.1 plus this
-- step equals a fresh install of 0.2.

-- The catalog reader: one inlinable function per kind (catalog/kinds/), pg_description joined
-- once instead of probed per kind; the same definitions as 0.1's.
-- ==== catalog/tables.sql ========================================================================

-- The row every kind reader of the catalog reader returns.

CREATE TYPE pggit.catalog_entry AS (
    classid     oid,     -- the catalog the object lives in (pg_class, pg_proc, ...)
    objid       oid,     -- its oid there: the object's live address, never part of a key or definition
    kind        text,    -- table, view, index, function, ... (docs/catalog-coverage.md)
    schema_name text,    -- '' for the kinds of no schema (event triggers, publications, servers, ...)
    object_key  text,    -- kind:identity, names quoted as quote_ident does
    parent_key  text,    -- the table of an index, constraint, trigger, policy or rule; the server of a user mapping
    definition  jsonb    -- the canonical definition, before nulls are stripped and without the comment
);
COMMENT ON TYPE pggit.catalog_entry IS 'One object as a kind reader of the catalog reader (pggit.read_<kinds>) returns it: address (classid, objid), kind, schema, key, parent key and definition without its comment.';
-- ==== catalog/tracked.sql =======================================================================

-- What the catalog reader may track at all: schemas and relations outside pggit's own, the system
-- schemas, extensions' members and the migration tools' tables. Inlinable sql, as the kind readers.

CREATE OR REPLACE FUNCTION pggit.tracked_schemas() RETURNS TABLE (oid oid, nspname name)
    LANGUAGE sql STABLE AS $$
SELECT n.oid, n.nspname
  FROM pg_namespace n
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pggit')
   AND n.nspname NOT LIKE 'pg_temp\_%' AND n.nspname NOT LIKE 'pg_toast_temp\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.tracked_schemas() IS 'Part of the catalog reader: the schemas pggit may track (not pggit, pg_catalog, information_schema, pg_toast, temporary schemas, nor an extension''s member; pg_namespace, pg_depend).';

CREATE OR REPLACE FUNCTION pggit.tracked_relations()
    RETURNS TABLE (oid oid, relname name, relkind "char", relpersistence "char", relispartition boolean,
                   relpartbound pg_node_tree, reloptions text[], relreplident "char", relrowsecurity boolean,
                   relforcerowsecurity boolean, relowner oid, relacl aclitem[], nspname name, qname text, rkind text)
    LANGUAGE sql STABLE AS $$
-- joined by oid in each kind reader, so that inlined it costs an index probe per wanted object
SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relispartition, c.relpartbound, c.reloptions, c.relreplident,
       c.relrowsecurity, c.relforcerowsecurity, c.relowner, c.relacl,
       n.nspname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       CASE c.relkind WHEN 'm' THEN 'materialized_view' WHEN 'v' THEN 'view' WHEN 'f' THEN 'foreign_table' ELSE 'table' END
  FROM pg_class c JOIN pggit.tracked_schemas() n ON n.oid = c.relnamespace
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
   AND c.relname NOT IN (SELECT t.relname FROM pggit.tool_table t)
$$;
COMMENT ON FUNCTION pggit.tracked_relations() IS 'Part of the catalog reader: the relations pggit may track, with the pg_class columns the kind readers use, schema, quoted qualified name (qname) and kind (rkind): in a tracked schema, not an extension''s member, not a migration tool''s table (pggit.tool_table).';
-- ==== catalog/kinds/schema.sql ==================================================================

-- The catalog reader for schemas. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_schemas(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- schemas
SELECT 'pg_namespace'::regclass::oid AS classid, n.oid AS objid, 'schema' AS kind, n.nspname AS schema_name,
       'schema:' || quote_ident(n.nspname) AS object_key, NULL::text AS parent_key,
       jsonb_build_object('name', n.nspname,
                          'owner', pg_get_userbyid(pn.nspowner),
                          'acl', CASE WHEN pn.nspacl IS NOT NULL THEN pggit.acl_text(pn.nspacl, 'n', pn.nspowner) END) AS definition
  FROM pggit.tracked_schemas() n JOIN pg_namespace pn ON pn.oid = n.oid
 WHERE n.oid = ANY (wanted)
$$;
COMMENT ON FUNCTION pggit.read_schemas(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the schemas among wanted (oids in pg_namespace), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/kinds/relation.sql ================================================================

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
-- ==== catalog/kinds/sequence.sql ================================================================

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
-- ==== catalog/kinds/index.sql ===================================================================

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
-- ==== catalog/kinds/constraint.sql ==============================================================

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
-- ==== catalog/kinds/trigger.sql =================================================================

-- The catalog reader for triggers. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_triggers(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- triggers written by users (not FK internals, not clones on partitions)
SELECT 'pg_trigger'::regclass::oid, g.oid, 'trigger', t.nspname,
       'trigger:' || t.qname || '.' || quote_ident(g.tgname), t.rkind || ':' || t.qname,
       jsonb_build_object('table', t.qname, 'name', g.tgname,
                          'definition', pg_get_triggerdef(g.oid),
                          'enabled', pggit.firing_state(g.tgenabled))
  FROM unnest(wanted) w(objid)
  JOIN pg_trigger g ON g.oid = w.objid
  JOIN pggit.tracked_relations() t ON t.oid = g.tgrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
 WHERE NOT g.tgisinternal AND g.tgparentid = 0
$$;
COMMENT ON FUNCTION pggit.read_triggers(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the triggers among wanted (oids in pg_trigger), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/kinds/routine.sql =================================================================

-- The catalog reader for functions, procedures, aggregates (keyed by identity arguments). Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_routines(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
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
                          'config', CASE WHEN p.proconfig IS NOT NULL THEN (SELECT array_agg(cfg ORDER BY cfg) FROM unnest(p.proconfig) cfg) END,
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
  FROM unnest(wanted) w(objid)
  JOIN pg_proc p ON p.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = p.pronamespace
 -- not an extension's member, nor made by another object (a range type's constructors: deptype i)
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
$$;
COMMENT ON FUNCTION pggit.read_routines(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the functions, procedures and aggregates among wanted (oids in pg_proc), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/kinds/type.sql ====================================================================

-- The catalog reader for types (enum, composite, range) and domains. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_types(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
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
  FROM unnest(wanted) w(objid)
  JOIN pg_type ty ON ty.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = ty.typnamespace
 WHERE (ty.typtype IN ('e', 'd', 'r')
        OR (ty.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = ty.typrelid AND c.relkind = 'c')))
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = ty.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_types(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the enum, composite and range types and domains among wanted (oids in pg_type), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/kinds/policy.sql ==================================================================

-- The catalog reader for row-level security policies. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_policies(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
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
  FROM unnest(wanted) w(objid)
  JOIN pg_policy pol ON pol.oid = w.objid
  JOIN pggit.tracked_relations() t ON t.oid = pol.polrelid AND t.relkind IN ('r', 'p', 'v', 'm', 'f')
$$;
COMMENT ON FUNCTION pggit.read_policies(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the row-level security policies among wanted (oids in pg_policy), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/kinds/rule.sql ====================================================================

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
-- ==== catalog/kinds/collation.sql ===============================================================

-- The catalog reader for collations. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_collations(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
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
  FROM unnest(wanted) w(objid)
  JOIN pg_collation co ON co.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = co.collnamespace
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_collation'::regclass AND d.objid = co.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_collations(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the collations among wanted (oids in pg_collation), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/kinds/event_trigger.sql ===========================================================

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
-- ==== catalog/kinds/publication.sql =============================================================

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
-- ==== catalog/kinds/subscription.sql ============================================================

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
-- ==== catalog/kinds/foreign_data.sql ============================================================

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
-- ==== catalog/kinds/default_privileges.sql ======================================================

-- The catalog reader for default privileges (ALTER DEFAULT PRIVILEGES). Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_default_privileges(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
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
  FROM unnest(wanted) w(objid)
  JOIN pg_default_acl da ON da.oid = w.objid
  LEFT JOIN pg_namespace dn ON dn.oid = da.defaclnamespace
 WHERE da.defaclnamespace = 0 OR da.defaclnamespace IN (SELECT n.oid FROM pggit.tracked_schemas() n)
$$;
COMMENT ON FUNCTION pggit.read_default_privileges(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the default privileges among wanted (oids in pg_default_acl), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/kinds/extension.sql ===============================================================

-- The catalog reader for extensions. Inlinable sql (one SELECT, STABLE, no SET, not
-- STRICT, not SECURITY DEFINER): read_catalog plans it as part of its own query.

CREATE OR REPLACE FUNCTION pggit.read_extensions(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- extensions: tracked as the extension, never member by member
SELECT 'pg_extension'::regclass::oid, x.oid, 'extension', n.nspname, 'extension:' || quote_ident(x.extname), NULL,
       jsonb_build_object('name', x.extname, 'version', x.extversion, 'schema', n.nspname)
  FROM unnest(wanted) w(objid)
  JOIN pg_extension x ON x.oid = w.objid
  JOIN pg_namespace n ON n.oid = x.extnamespace
 WHERE x.extname <> 'plpgsql'
$$;
COMMENT ON FUNCTION pggit.read_extensions(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the extensions among wanted (oids in pg_extension), without their comments (read_catalog joins pg_description once).';
-- extended statistics, a kind of its own (issue 13)
-- ==== catalog/kinds/statistics.sql ==============================================================

-- The catalog reader for extended statistics objects (CREATE STATISTICS). Inlinable sql (one
-- SELECT, STABLE, no SET, not STRICT, not SECURITY DEFINER): read_catalog plans it as part of its
-- own query.

CREATE OR REPLACE FUNCTION pggit.read_statistics(wanted oid[]) RETURNS SETOF pggit.catalog_entry
    LANGUAGE sql STABLE AS $$
-- extended statistics objects (children of their table; they live in a schema of their own, which
-- may differ from the table's). pg_get_statisticsobjdef deparses the statement without the
-- statistics target, which ALTER STATISTICS ... SET STATISTICS sets: stxstattarget apart (an
-- integer where -1 is the default up to PostgreSQL 16, a nullable smallint from 17, read through
-- to_jsonb to serve both, the default as null).
SELECT 'pg_statistic_ext'::regclass::oid, s.oid, 'statistics', n.nspname,
       'statistics:' || quote_ident(n.nspname) || '.' || quote_ident(s.stxname), t.rkind || ':' || t.qname,
       jsonb_build_object('schema', n.nspname, 'name', s.stxname, 'table', t.qname,
                          'definition', pg_get_statisticsobjdef(s.oid),
                          'target', nullif((to_jsonb(s) ->> 'stxstattarget')::int, -1),
                          'owner', pg_get_userbyid(s.stxowner))
  FROM unnest(wanted) w(objid)
  JOIN pg_statistic_ext s ON s.oid = w.objid
  JOIN pggit.tracked_schemas() n ON n.oid = s.stxnamespace
  JOIN pggit.tracked_relations() t ON t.oid = s.stxrelid
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_statistic_ext'::regclass AND d.objid = s.oid AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION pggit.read_statistics(oid[]) IS 'Part of the catalog reader, inlined into pggit.read_catalog: the definitions of the extended statistics objects among wanted (oids in pg_statistic_ext: pg_get_statisticsobjdef, the statistics target stxstattarget apart, owner), without their comments (read_catalog joins pg_description once).';
-- ==== catalog/read_catalog.sql ==================================================================

-- The catalog reader: the one place that reads pg_catalog for definitions.

CREATE OR REPLACE FUNCTION pggit.canonical_entry(o pggit.catalog_entry, cfg pggit.tracking_config)
    RETURNS TABLE (classid oid, objid oid, kind text, schema_name text, object_key text, parent_key text,
                   definition jsonb, hash text, directive text, columns jsonb)
    LANGUAGE sql STABLE AS $$
-- Inlinable sql (one SELECT, STABLE, no SET, not STRICT, not SECURITY DEFINER): read_catalog plans
-- it into each kind's statement. The settings that change deparsed text are read_catalog's.
SELECT o.classid, o.objid, o.kind, o.schema_name::text, o.object_key, o.parent_key,
       d.def, encode(sha256(convert_to(d.def::text, 'UTF8')), 'hex'),   -- = pggit.sha256_hex, written out: per row
       CASE WHEN c.definition ->> 'comment' LIKE '%@pggit%' THEN pggit.directive_of(c.definition ->> 'comment') END,
       -- a relation's columns by attnum: an address per column, so that a rename is followed (not part of the hash)
       CASE WHEN o.kind IN ('table', 'view', 'materialized_view', 'foreign_table') THEN
           (SELECT jsonb_object_agg(a.attnum, a.attname) FROM pg_attribute a
             WHERE a.attrelid = o.objid AND a.attnum > 0 AND NOT a.attisdropped) END
  -- o.definition is referenced once, behind OFFSET 0: the kind reader's expression that builds it is
  -- substituted for each reference once its query is flattened into this one, and would run as often
  FROM (SELECT o.definition || jsonb_build_object('comment', ds.description) AS definition   -- {"comment": null} is stripped below
          FROM (SELECT) one
          LEFT JOIN pg_description ds ON ds.objoid = o.objid AND ds.classoid = o.classid AND ds.objsubid = 0   -- its comment
        OFFSET 0) c,
       LATERAL (SELECT CASE WHEN c.definition ->> 'comment' LIKE '%@pggit%'
                            THEN pggit.without_directives(jsonb_strip_nulls(c.definition))
                            ELSE jsonb_strip_nulls(c.definition) END AS d0) d0,
       LATERAL (SELECT CASE WHEN cfg.track_owners AND cfg.track_privileges AND cfg.track_comments THEN d0.d0
                            ELSE pggit.without_properties(d0.d0, cfg.track_owners, cfg.track_privileges, cfg.track_comments) END AS def) d
 WHERE cfg.track_privileges OR o.kind <> 'default_privileges'   -- default privileges are nothing but privileges
$$;
COMMENT ON FUNCTION pggit.canonical_entry(pggit.catalog_entry, pggit.tracking_config) IS
    'Part of the catalog reader, inlined into pggit.read_catalog: one kind reader''s entry made canonical under the tracking configuration cfg: its comment joined (pg_description, objsubid 0), nulls stripped, tracking directives removed from the comment, untracked properties (owner, privileges, comments) removed, hashed (hex SHA-256 of definition::text), with the directive its comment carries and, for relations, the {attnum: name} map of its columns. No row for default privileges when privileges are not tracked.';

CREATE OR REPLACE FUNCTION pggit.read_catalog(classids oid[] DEFAULT NULL, objids oid[] DEFAULT NULL)
    RETURNS TABLE (classid oid, objid oid, kind text, schema_name text, object_key text, parent_key text,
                   definition jsonb, hash text, directive text, columns jsonb)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
    -- the settings that change deparsed text, pinned so that the same catalog gives the same
    -- definitions whatever the client's session (pg_dump pins DateStyle, IntervalStyle and
    -- extra_float_digits for the same reason; a timestamptz partition bound or default prints in
    -- TimeZone, a money literal in lc_monetary, a bytea one in bytea_output, a string with a
    -- backslash per standard_conforming_strings, every name per quote_all_identifiers)
    SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY' SET IntervalStyle = 'postgres' SET extra_float_digits = 3
    SET bytea_output = 'hex' SET standard_conforming_strings = on SET quote_all_identifiers = off
    SET lc_monetary = 'C' SET xmloption = 'content' AS $$
#variable_conflict use_column
-- plpgsql, not sql: its plan is cached per session, where a sql function is planned on every call.
-- The query is driven by the wanted addresses (joins on oid), so reading a few objects costs a
-- few index probes whatever the catalog's size; a full read first lists every candidate address.
DECLARE
    -- the wanted addresses, one array per catalog: each branch unnests its own (a probe per object)
    w_namespace oid[];
    w_class oid[];
    w_relation oid[];   -- w_class split by relkind, so that each kind's statement runs only when wanted
    w_sequence oid[];
    w_index oid[];
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
    w_statistic_ext oid[];
    w_schemas oid[];    -- a full read's schemas (pggit.tracked_schemas), listed once
    cfg pggit.tracking_config := (SELECT c FROM pggit.tracking_config c);
BEGIN
IF classids IS NULL THEN   -- a full read: every candidate of each catalog
    -- relations, routines, types and constraints only in the schemas the kind readers keep
    -- (pggit.tracked_schemas; an index or a constraint lives in its table's schema): the system
    -- catalogs' ~1,500 relations, indexes and routines and pggit's own were probed and dropped one by
    -- one, most of a small database's full read (a drift scan of 97 objects: 22 of its ms)
    w_namespace := ARRAY(SELECT n.oid FROM pg_namespace n);
    w_schemas := ARRAY(SELECT s.oid FROM pggit.tracked_schemas() s);
    SELECT array_agg(c.oid) FILTER (WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')),
           array_agg(c.oid) FILTER (WHERE c.relkind = 'S'),
           array_agg(c.oid) FILTER (WHERE c.relkind IN ('i', 'I'))
      INTO w_relation, w_sequence, w_index
      FROM pg_class c WHERE c.relnamespace = ANY (w_schemas);
    w_proc := ARRAY(SELECT p.oid FROM pg_proc p WHERE p.pronamespace = ANY (w_schemas));
    w_type := ARRAY(SELECT t.oid FROM pg_type t WHERE t.typtype IN ('e', 'd', 'r', 'c') AND t.typnamespace = ANY (w_schemas));
    w_constraint := ARRAY(SELECT k.oid FROM pg_constraint k WHERE k.conrelid <> 0 AND k.connamespace = ANY (w_schemas));
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
    w_statistic_ext := ARRAY(SELECT s.oid FROM pg_statistic_ext s);
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
           array_agg(x.o) FILTER (WHERE x.c = 'pg_default_acl'::regclass),
           array_agg(x.o) FILTER (WHERE x.c = 'pg_statistic_ext'::regclass)
      INTO w_namespace, w_class, w_proc, w_type, w_constraint, w_trigger, w_extension, w_policy, w_rewrite,
           w_event_trigger, w_publication, w_subscription, w_foreign_data_wrapper, w_foreign_server, w_user_mapping, w_collation, w_default_acl,
           w_statistic_ext
      FROM unnest(classids, objids) AS x(c, o);
    SELECT array_agg(c.oid) FILTER (WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')),
           array_agg(c.oid) FILTER (WHERE c.relkind = 'S'),
           array_agg(c.oid) FILTER (WHERE c.relkind IN ('i', 'I'))
      INTO w_relation, w_sequence, w_index
      FROM unnest(w_class) w(oid) JOIN pg_class c ON c.oid = w.oid;
END IF;
-- one statement per kind, run only for the kinds with wanted addresses: a capture of a table and its
-- index plans, starts and runs two small queries, not one over every kind (whose executor start-up
-- alone cost ~1.5 ms per call); each statement's plan is cached per session
IF cardinality(w_namespace) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_schemas(w_namespace) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_relation) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_relations(w_relation) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_sequence) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_sequences(w_sequence) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_index) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_indexes(w_index) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_constraint) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_constraints(w_constraint) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_trigger) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_triggers(w_trigger) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_proc) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_routines(w_proc) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_type) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_types(w_type) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_policy) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_policies(w_policy) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_rewrite) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_rules(w_rewrite) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_collation) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_collations(w_collation) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_event_trigger) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_event_triggers(w_event_trigger) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_publication) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_publications(w_publication) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_subscription) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_subscriptions(w_subscription) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_foreign_data_wrapper) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_foreign_data_wrappers(w_foreign_data_wrapper) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_foreign_server) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_servers(w_foreign_server) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_user_mapping) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_user_mappings(w_user_mapping) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_default_acl) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_default_privileges(w_default_acl) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_extension) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_extensions(w_extension) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
IF cardinality(w_statistic_ext) > 0 THEN
    RETURN QUERY SELECT e.* FROM (SELECT * FROM pggit.read_statistics(w_statistic_ext) OFFSET 0) o, LATERAL pggit.canonical_entry(o, cfg) e;
END IF;
END
$$;
COMMENT ON FUNCTION pggit.read_catalog(oid[], oid[]) IS
    'The catalog reader: canonical definitions (JSON, nulls stripped, tracking directives removed from comments, lists in catalog order where order matters and sorted otherwise) of all tracked objects, or of the objects whose (classid, objid) pairs are given, with the directive their comment carries. Reads pg_namespace, pg_class, pg_attribute, pg_attrdef, pg_index, pg_constraint, pg_trigger, pg_proc, pg_aggregate, pg_type, pg_enum, pg_range, pg_sequence, pg_inherits, pg_extension, pg_collation, pg_policy, pg_rewrite, pg_event_trigger, pg_publication(_rel, _namespace), pg_subscription (not subconninfo), pg_foreign_data_wrapper, pg_foreign_server, pg_foreign_table, pg_user_mappings (no password option), pg_default_acl, pg_statistic_ext, pg_description and pg_depend (extension members, deptype e, and objects another object made, deptype i, are never tracked). columns = a relation''s {attnum: name}, outside the hash, to follow column renames. hash = hex SHA-256 of definition::text.';

-- Conflict ids are UUIDs (issue 13; seed 000: resolve_conflict(conflict_id => 'uuid-here', ...)).
-- Each conflict of 0.1 gets a fresh UUID as its id and keeps its number as seq, the order of
-- detection that new conflicts continue; resolve_conflict takes the UUID (also as text, a quoted
-- literal) and refuses a number with a message naming seq (its 0.1 signature, bigint, re-created
-- below as that refusal). check/conflicts.sql and check/consistency.sql (a drift finding's hint
-- names its conflict's UUID) are included below.
ALTER TABLE pggit.conflict ADD COLUMN seq bigint;
UPDATE pggit.conflict SET seq = id;
ALTER TABLE pggit.conflict ALTER COLUMN id DROP IDENTITY;
ALTER TABLE pggit.conflict ALTER COLUMN id TYPE uuid USING gen_random_uuid(), ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE pggit.conflict ALTER COLUMN seq SET NOT NULL, ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY,
    ADD CONSTRAINT conflict_seq_key UNIQUE (seq);
SELECT setval(pg_get_serial_sequence('pggit.conflict', 'seq'), max(seq)) FROM pggit.conflict HAVING max(seq) IS NOT NULL;
-- use_tracked restores tables (created, dropped, renamed back, altered: restore_table, table_ddl,
-- table_alters, column_ddl, new in check/conflicts.sql below), refusing data loss unless allowed
-- (issue 13): restore_tracked gains allow_data_loss, which resolve_conflict passes on.
DROP FUNCTION pggit.restore_tracked(text, text, jsonb);
COMMENT ON TABLE pggit.conflict IS 'Conflicts between the live schema and the history (from drift, later from merges): open until pggit.resolve_conflict. id is a UUID (resolve_conflict(conflict_id => ''<uuid>'', ...)); seq orders them by detection (a conflict recorded by 0.1 keeps its number, 0.1''s id, there).';

-- Comments on the functions 0.1 left without one.
-- ==== store/hashing.sql =========================================================================

-- Hashing and object-key helpers.

CREATE OR REPLACE FUNCTION pggit.sha256_hex(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN encode(sha256(convert_to(t, 'UTF8')), 'hex');
COMMENT ON FUNCTION pggit.sha256_hex(text) IS 'Hex SHA-256 of the UTF-8 bytes of t: the hash of every blob, tree and commit.';

CREATE OR REPLACE FUNCTION pggit.commit_hash_text(tree text, parents text[], author text, committed_at timestamptz,
                                                  origin text, message text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN format(E'tree %s\nparents %s\nauthor %s\ntime %s\norigin %s\n\n%s',
                  tree, array_to_string(parents, ' '), author,
                  to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), origin, message);
COMMENT ON FUNCTION pggit.commit_hash_text(text, text[], text, timestamptz, text, text) IS
    'The text a commit id is the hex SHA-256 of: tree, parents (space-separated), author, time (UTC, microseconds), origin, a blank line, the message.';

CREATE OR REPLACE FUNCTION pggit.require_text(value text, what text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF value IS NULL OR btrim(value) = '' THEN
        RAISE EXCEPTION 'pggit: % is missing', what USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.require_text(text, text) IS 'Raises invalid_parameter_value ''pggit: <what> is missing'' when value is null or blank.';

CREATE OR REPLACE FUNCTION pggit.key_identity(object_key text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN substr(object_key, strpos(object_key, ':') + 1);
COMMENT ON FUNCTION pggit.key_identity(text) IS 'The identity part of an object key: ''table:command.tb_meter'' -> ''command.tb_meter''.';

CREATE OR REPLACE FUNCTION pggit.key_kind(object_key text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN split_part(object_key, ':', 1);
COMMENT ON FUNCTION pggit.key_kind(text) IS 'The kind part of an object key: ''table:command.tb_meter'' -> ''table''.';
-- Each kind's objects are a trie of small nodes (at most 16 entries) instead of 256 buckets, so a
-- commit rewrites a few small nodes, not the kind's 256-entry node (issue 14); the trees 0.1 wrote
-- stay as written and are read as they are (their kind nodes are rebuilt when next written).
COMMENT ON TABLE pggit.tree IS
    'Content-addressed tree nodes: root (schema name -> node) -> schema (kind -> node) -> the kind''s trie: a leaf of at most 16 objects (object key -> blob hash), or a node of up to 16 children by the next hex digit of SHA-256(object key) (pggit.build_trie). Trees 0.1 wrote have, below each kind node, 256 buckets (first two hex digits) of objects; pggit reads both.';
COMMENT ON TYPE pggit.tree_edit IS 'One edit of a tree: path = {schema, kind, object key} (pggit.tree_path; a prefix of it while writing), hash = new blob or child hash, or null to remove.';
DROP FUNCTION pggit.diff_trees(text, text);   -- gains schema_name (the merge writes trees by path)
-- ==== store/trees.sql ===========================================================================

-- Trees: content-addressed nodes root -> schema -> kind -> the kind's trie of object keys, written and diffed
-- along the changed paths only.

CREATE OR REPLACE FUNCTION pggit.tree_path(schema_name text, kind text, object_key text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[schema_name, kind, object_key];
COMMENT ON FUNCTION pggit.tree_path(text, text, text) IS 'Where an object lives in a tree, as pggit.write_tree and pggit.tree_lookup take it: {schema, kind, object key} (below the kind, the key''s place in the kind''s trie follows from SHA-256 of the key).';

CREATE OR REPLACE FUNCTION pggit.tree_node_shape(entries jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT CASE WHEN k IS NULL OR strpos(k, ':') > 0 THEN 'leaf' WHEN k ~ '^[0-9a-f]$' THEN 'trie' WHEN k ~ '^[0-9a-f]{2}$' THEN 'buckets' ELSE 'names' END
              FROM (SELECT min(x) AS k FROM jsonb_object_keys(entries) x) f);
COMMENT ON FUNCTION pggit.tree_node_shape(jsonb) IS
    'The shape of a tree node below the kind level, from its keys: leaf (object key -> blob hash; every object key has a colon, kind:identity; also the empty node), trie (one hex digit of SHA-256(object key) -> child node: 0.2''s kind tries), buckets (two hex digits -> bucket node: the kind nodes 0.1 wrote, 256 buckets each) or names (a root or schema node).';

CREATE OR REPLACE FUNCTION pggit.put_tree(entries jsonb) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h text := pggit.sha256_hex(entries::text);
BEGIN
    INSERT INTO pggit.tree (hash, entries) VALUES (h, entries) ON CONFLICT (hash) DO NOTHING;
    RETURN h;
END
$$;
COMMENT ON FUNCTION pggit.put_tree(jsonb) IS 'Plumbing: stores one tree node (JSON object name -> hash) under the hex SHA-256 of its text and returns that hash.';

CREATE OR REPLACE FUNCTION pggit.tree_lookup(root text, path text[]) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- {schema} and {schema, kind} name nodes; {schema, kind, object key} goes down the kind's trie by
-- the hex digits of SHA-256(object key), one per level (or, in a tree 0.1 wrote, its bucket: the
-- first two digits), until a leaf holds the key or the branch ends.
DECLARE
    h text := root;
    e jsonb;
    kh text;
    depth int := 0;
BEGIN
    FOR i IN 1 .. least(cardinality(path), 2) LOOP
        EXIT WHEN h IS NULL;
        SELECT t.entries ->> path[i] INTO h FROM pggit.tree t WHERE t.hash = h;
    END LOOP;
    IF h IS NULL OR cardinality(path) < 3 THEN
        RETURN h;
    END IF;
    kh := pggit.sha256_hex(path[3]);
    LOOP
        SELECT t.entries INTO e FROM pggit.tree t WHERE t.hash = h;
        IF e IS NULL THEN
            RETURN NULL;
        ELSIF e ? path[3] THEN
            RETURN e ->> path[3];
        END IF;
        h := coalesce(e ->> substr(kh, depth + 1, 1), e ->> left(kh, 2));
        IF h IS NULL OR depth > 64 THEN
            RETURN NULL;
        END IF;
        depth := depth + 1;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.tree_lookup(text, text[]) IS 'The hash at path below tree root: {schema} or {schema, kind} give a node, {schema, kind, object key} (pggit.tree_path) the object''s blob hash; null when absent. Reads trees of both layouts (0.2''s kind tries and 0.1''s 256 buckets).';

CREATE OR REPLACE FUNCTION pggit.subtree_objects(node text)
    RETURNS TABLE (object_key text, hash text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Below the kind level every key with a colon is an object (kind:identity) and every other key a
-- child node (a trie digit or a 0.1 bucket).
WITH RECURSIVE w(key, value) AS (
    SELECT e.key, e.value FROM pggit.tree t, jsonb_each_text(t.entries) e WHERE t.hash = node
    UNION ALL
    SELECT e.key, e.value FROM w JOIN pggit.tree t ON t.hash = w.value, jsonb_each_text(t.entries) e
     WHERE strpos(w.key, ':') = 0
)
SELECT w.key, w.value FROM w WHERE strpos(w.key, ':') > 0
$$;
COMMENT ON FUNCTION pggit.subtree_objects(text) IS 'Plumbing: every object (object key, blob hash) below a node at or under the kind level of a tree (a kind node, a trie node, a 0.1 bucket); none for null.';

CREATE OR REPLACE FUNCTION pggit.build_trie(objects jsonb, depth integer) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- A set of at most 16 objects is one leaf; a larger set is split by the hex digit at position
-- depth + 1 of SHA-256(object key) into up to 16 children, each built the same way one level down.
-- The shape follows from the set alone, so equal sets give equal hashes (content addressing).
BEGIN
    IF objects IS NULL OR objects = '{}'::jsonb THEN
        RETURN NULL;
    ELSIF (SELECT count(*) FROM jsonb_object_keys(objects)) <= 16 THEN
        RETURN pggit.put_tree(objects);
    END IF;
    RETURN pggit.put_tree((
        SELECT jsonb_object_agg(g.digit, pggit.build_trie(g.sub, depth + 1))
          FROM (SELECT substr(pggit.sha256_hex(x.key), depth + 1, 1) AS digit, jsonb_object_agg(x.key, x.value) AS sub
                  FROM jsonb_each(objects) x GROUP BY 1) g));
END
$$;
COMMENT ON FUNCTION pggit.build_trie(jsonb, integer) IS 'Plumbing: stores the trie node at depth (0 = the kind node) holding objects ({object key: blob hash}) and returns its hash, null for no objects: a leaf of at most 16 objects, else a node of up to 16 children split by the hex digit at position depth + 1 of SHA-256(object key).';

CREATE OR REPLACE FUNCTION pggit.write_trie(node text, depth integer, edits jsonb) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Applies edits ({object key: blob hash, or null to remove}) to the trie node at depth and returns
-- the new node's hash (null when nothing is left). Only the nodes on the edited keys' paths are
-- read and written: one per level, ~log16(objects / 16) levels. A node whose objects drop to 16
-- or fewer becomes a leaf again (the shape stays a function of the set); a 0.1 kind node (256
-- buckets) is rebuilt into a trie the first time it is written.
DECLARE
    e jsonb := coalesce((SELECT t.entries FROM pggit.tree t WHERE t.hash = node), '{}'::jsonb);
    shape text := pggit.tree_node_shape(e);
    removed text[] := ARRAY(SELECT x.key FROM jsonb_each(edits) x WHERE x.value = 'null'::jsonb);
    g record;
    child text;
    kept jsonb;
    merged jsonb;
BEGIN
    IF shape = 'trie' THEN
        FOR g IN SELECT substr(pggit.sha256_hex(x.key), depth + 1, 1) AS digit, jsonb_object_agg(x.key, x.value) AS sub
                   FROM jsonb_each(edits) x GROUP BY 1 LOOP
            child := pggit.write_trie(e ->> g.digit, depth + 1, g.sub);
            e := CASE WHEN child IS NULL THEN e - g.digit ELSE e || jsonb_build_object(g.digit, child) END;
        END LOOP;
        IF cardinality(removed) > 0 THEN
            -- a removal: 16 or fewer objects left below make one leaf
            SELECT jsonb_object_agg(o.object_key, o.hash) INTO kept
              FROM (SELECT o.object_key, o.hash FROM jsonb_each_text(e) c, pggit.subtree_objects(c.value) o LIMIT 17) o;
        END IF;
        IF kept IS NOT NULL AND (SELECT count(*) FROM jsonb_object_keys(kept)) <= 16 THEN
            RETURN pggit.build_trie(kept, depth);
        ELSIF e = '{}'::jsonb THEN
            RETURN NULL;
        END IF;
        RETURN pggit.put_tree(e);
    ELSIF shape = 'buckets' THEN
        e := (SELECT jsonb_object_agg(o.object_key, o.hash) FROM pggit.subtree_objects(node) o);
    END IF;
    merged := (e - removed) || jsonb_strip_nulls(edits);
    IF shape = 'buckets' AND merged = e THEN
        RETURN node;   -- the same objects (an address-only change): the 0.1 node stays, and so does the tree
    END IF;
    RETURN pggit.build_trie(merged, depth);
END
$$;
COMMENT ON FUNCTION pggit.write_trie(text, integer, jsonb) IS 'Plumbing of pggit.write_tree: applies edits ({object key: blob hash, or null to remove}) to the kind trie node at depth (0 = the kind node; null = empty) and returns the new node''s hash, null when no object is left.';

CREATE OR REPLACE FUNCTION pggit.write_tree(base text, edits pggit.tree_edit[]) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Applies edits to tree base and returns the new root hash. Writes only the nodes on the changed
-- paths: in each edited kind's trie one node per level (pggit.write_trie), then the kind's schema
-- node and the root: cost follows the edits, not the tree's size. An emptied node disappears from
-- its parent; the root always exists.
DECLARE
    cur pggit.tree_edit[];
    lvl int;
BEGIN
    IF coalesce(cardinality(edits), 0) = 0 THEN
        RETURN coalesce(base, pggit.put_tree('{}'::jsonb));
    END IF;
    -- the kinds: {schema, kind} -> new kind node
    SELECT array_agg(ROW(ARRAY[k.schema_name, k.kind],
                         pggit.write_trie(pggit.tree_lookup(base, ARRAY[k.schema_name, k.kind]), 0, k.edits))::pggit.tree_edit)
      INTO cur
      FROM (SELECT e.path[1] AS schema_name, e.path[2] AS kind, jsonb_object_agg(e.path[3], e.hash ORDER BY e.hash IS NOT NULL) AS edits   -- an add after a removal of one key wins
              FROM unnest(edits) e GROUP BY 1, 2) k;
    -- then the schema nodes and the root
    FOR lvl IN REVERSE 2..1 LOOP
        SELECT array_agg(ROW(g.prefix,
                   CASE WHEN g.merged = '{}'::jsonb AND lvl > 1 THEN NULL ELSE pggit.put_tree(g.merged) END)::pggit.tree_edit)
          INTO cur
          FROM (SELECT x.prefix,
                       (coalesce((SELECT t.entries FROM pggit.tree t WHERE t.hash = pggit.tree_lookup(base, x.prefix)), '{}'::jsonb)
                          - x.dels) || x.adds AS merged
                  FROM (SELECT e.path[1:lvl - 1] AS prefix,
                               coalesce(array_agg(e.path[lvl]) FILTER (WHERE e.hash IS NULL), '{}') AS dels,
                               coalesce(jsonb_object_agg(e.path[lvl], e.hash) FILTER (WHERE e.hash IS NOT NULL), '{}') AS adds
                          FROM unnest(cur) e
                         GROUP BY 1) x) g;
    END LOOP;
    RETURN cur[1].hash;
END
$$;
COMMENT ON FUNCTION pggit.write_tree(text, pggit.tree_edit[]) IS 'Plumbing: applies edits (paths {schema, kind, object key} from pggit.tree_path, hash null = remove) to tree base (null = empty) and returns the new root tree hash. Layout: root (schema -> node) -> schema (kind -> node) -> the kind''s trie (pggit.build_trie).';

CREATE OR REPLACE FUNCTION pggit.tree_objects(root text)
    RETURNS TABLE (schema_name text, kind text, object_key text, hash text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Levels 0 and 1 are the root and the schema nodes; below a kind node every key with a colon is an
-- object and every other key a child node, whatever the layout (0.2's tries, 0.1's buckets).
WITH RECURSIVE walk(schema_name, kind, key, hash, lvl) AS (
    SELECT NULL::text, NULL::text, NULL::text, root, 0 WHERE root IS NOT NULL
    UNION ALL
    SELECT CASE WHEN w.lvl = 0 THEN e.key ELSE w.schema_name END, CASE WHEN w.lvl = 1 THEN e.key ELSE w.kind END,
           e.key, e.value, w.lvl + 1
      FROM walk w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e
     WHERE w.lvl < 2 OR strpos(w.key, ':') = 0
)
SELECT w.schema_name, w.kind, w.key, w.hash FROM walk w WHERE w.lvl > 2 AND strpos(w.key, ':') > 0
$$;
COMMENT ON FUNCTION pggit.tree_objects(text) IS 'Plumbing (ls-tree -r): every object of a tree with its schema, kind and blob hash.';

CREATE OR REPLACE FUNCTION pggit.diff_trees(a text, b text)
    RETURNS TABLE (object_key text, kind text, change text, old_hash text, new_hash text, schema_name text)
    LANGUAGE sql STABLE ROWS 100 SET search_path = pg_catalog, pg_temp AS $$
-- Walks both trees at once and descends only where subtree hashes differ (as git does), so the
-- cost follows the difference, not the trees' size. Below the kind level two nodes of one shape
-- are matched by key: each entry of a against b's entry of that key, then b's keys a lacks (nodes
-- are at most 16 entries, so a key lookup beats hashing both sides for a join); a leaf against a
-- trie node (a kind that grew past 16 objects or shrank below), or 0.1's buckets against a 0.2
-- trie, compare every object below them by key. Each pair's two nodes are fetched once: the
-- OFFSET 0 fences keep the planner from copying the node lookups into every use (it did: ten
-- index scans per pair instead of two, twice the time). ROWS 100: a diff is mostly small; the
-- default estimate of 1,000 rows made pggit.diff join the definitions by hashing the whole blob
-- table.
WITH RECURSIVE d(key, sch, kind, ha, hb, lvl) AS (
    SELECT NULL::text, NULL::text, NULL::text, a, b, 0 WHERE a IS DISTINCT FROM b
    UNION ALL
    SELECT s.key, CASE WHEN d.lvl = 0 THEN s.key ELSE d.sch END, CASE WHEN d.lvl = 1 THEN s.key ELSE d.kind END, s.va, s.vb, d.lvl + 1
      FROM d
      CROSS JOIN LATERAL (SELECT n0.ea, n0.eb,
                                 d.lvl < 2 OR n0.ea IS NULL OR n0.eb IS NULL
                                 OR pggit.tree_node_shape(n0.ea) = pggit.tree_node_shape(n0.eb) AS same_shape
                            FROM (SELECT (SELECT t.entries FROM pggit.tree t WHERE t.hash = d.ha) AS ea,
                                         (SELECT t.entries FROM pggit.tree t WHERE t.hash = d.hb) AS eb
                                  OFFSET 0) n0
                          OFFSET 0) n
      CROSS JOIN LATERAL (
               SELECT x.key, x.value AS va, n.eb ->> x.key AS vb
                 FROM jsonb_each_text(n.ea) x
                WHERE n.same_shape AND x.value IS DISTINCT FROM n.eb ->> x.key
               UNION ALL
               SELECT y.key, NULL, y.value
                 FROM jsonb_each_text(n.eb) y
                WHERE n.same_shape AND NOT coalesce(n.ea ? y.key, false)
               UNION ALL
               SELECT coalesce(x.object_key, y.object_key), x.hash, y.hash
                 FROM pggit.subtree_objects(d.ha) x FULL JOIN pggit.subtree_objects(d.hb) y ON x.object_key = y.object_key
                WHERE NOT n.same_shape AND x.hash IS DISTINCT FROM y.hash) s
     WHERE d.lvl < 2 OR strpos(d.key, ':') = 0
)
SELECT d.key, d.kind, CASE WHEN d.ha IS NULL THEN 'A' WHEN d.hb IS NULL THEN 'D' ELSE 'M' END, d.ha, d.hb, d.sch
  FROM d WHERE d.lvl > 2 AND strpos(d.key, ':') > 0
$$;
COMMENT ON FUNCTION pggit.diff_trees(text, text) IS 'Plumbing (diff-tree): objects added (A), deleted (D) or modified (M) from tree a to tree b, with their blob hashes on each side (null where absent) and the schema node they live under (pggit.tree_path''s first element).';
-- ==== ops/purge.sql =============================================================================

-- Purging history: explicit, recorded, and never of what a branch or tag still reaches unless forced.

CREATE OR REPLACE FUNCTION pggit.purge_history(older_than interval, force boolean DEFAULT false)
    RETURNS TABLE (what text, purged bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Without force: commits older than older_than that no branch or tag reaches (and no migration
-- link names), then tree nodes and definitions nothing kept refers to. With force: also the
-- reachable history before the cutoff; the newest commit before it stays as the new root (its
-- parents are cleared, so its id no longer hashes its parents, as in a shallow clone). Links to
-- purged commits keep their row with commit_id null; tags on them go. Returns what was freed.
DECLARE
    cutoff timestamptz;
    root text;
    n_commits bigint;
    n_trees bigint;
    n_blobs bigint;
BEGIN
    PERFORM pggit.check_duration(older_than);
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    cutoff := clock_timestamp() - older_than;
    CREATE TEMP TABLE pggit_reachable ON COMMIT DROP AS
    WITH RECURSIVE r(id) AS (
        SELECT x.commit_id FROM pggit.ref x UNION SELECT t.commit_id FROM pggit.tag t
        UNION
        SELECT unnest(c.parents) FROM r JOIN pggit.commit c ON c.id = r.id
    ) SELECT id FROM r;
    IF force THEN
        SELECT c.id INTO root FROM pggit.commit c JOIN pggit_reachable r ON r.id = c.id
         WHERE c.committed_at < cutoff ORDER BY c.seq DESC LIMIT 1;
        UPDATE pggit.commit c SET parents = '{}' WHERE c.id = root;
        DELETE FROM pggit.commit c WHERE c.committed_at < cutoff AND c.id IS DISTINCT FROM root;
    ELSE
        DELETE FROM pggit.commit c
         WHERE c.committed_at < cutoff
           AND NOT EXISTS (SELECT 1 FROM pggit_reachable r WHERE r.id = c.id)
           AND NOT EXISTS (SELECT 1 FROM pggit.migration_link l WHERE l.commit_id = c.id);
    END IF;
    GET DIAGNOSTICS n_commits = ROW_COUNT;
    -- garbage: tree nodes under no kept commit, definitions in no kept tree, change row or the index
    CREATE TEMP TABLE pggit_live_trees ON COMMIT DROP AS
    -- (levels 0 and 1: root and schema nodes; below, a key with a colon is an object, kind:identity,
    -- whose value is a blob, and any other key a node: a kind, a trie digit, a 0.1 bucket)
    -- (level 2 stands for every level from the kind nodes down, so shared subtrees are walked once)
    WITH RECURSIVE w(hash, lvl, blob) AS (
        SELECT c.tree, 0, false FROM pggit.commit c
        UNION
        -- a merge's trees (pggit.merge's foreign keys): its base (a virtual one after criss-cross
        -- merges is under no commit) and its merged tree (under none while ready, or once aborted)
        SELECT x.tree, 0, false FROM pggit.merge m CROSS JOIN LATERAL (VALUES (m.base_tree), (m.merged_tree)) x(tree) WHERE x.tree IS NOT NULL
        UNION
        SELECT e.value, least(w.lvl + 1, 2), w.lvl >= 2 AND strpos(e.key, ':') > 0
          FROM w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e
         WHERE NOT w.blob
    ) SELECT hash, blob FROM w;
    DELETE FROM pggit.tree t WHERE NOT EXISTS (SELECT 1 FROM pggit_live_trees l WHERE l.hash = t.hash AND NOT l.blob);
    GET DIAGNOSTICS n_trees = ROW_COUNT;
    DELETE FROM pggit.blob b
     WHERE NOT EXISTS (SELECT 1 FROM pggit_live_trees l WHERE l.hash = b.hash AND l.blob)
       AND NOT EXISTS (SELECT 1 FROM pggit.change ch WHERE ch.old_hash = b.hash OR ch.new_hash = b.hash)
       AND NOT EXISTS (SELECT 1 FROM pggit.object_map m WHERE m.hash = b.hash);
    GET DIAGNOSTICS n_blobs = ROW_COUNT;
    INSERT INTO pggit.purge_log (older_than, forced, new_root, commits_purged, trees_purged, blobs_purged)
    VALUES (older_than, force, root, n_commits, n_trees, n_blobs);
    RETURN QUERY VALUES ('commits', n_commits), ('trees', n_trees), ('blobs', n_blobs);
END
$$;
COMMENT ON FUNCTION pggit.purge_history(interval, boolean) IS
    'Frees history older than older_than: without force only commits no branch, tag or migration link reaches, plus unreferenced tree nodes and definitions; with force also the reachable history before the cutoff, keeping the newest commit before it as the new root. Recorded in pggit.purge_log; returns what was freed. Errors: a duration that is not positive.';
-- head_commit and the capture's other hot helpers are plpgsql, so their plans are cached per session (issue 14).
-- History at scale (issue 14): a commit id prefix is found through an index of byte order (a LIKE
-- prefix match cannot use the primary key under a collation other than C); HEAD~N walks a skip list
-- over first parents (columns depth and skip, set by trigger commit_graph, store/refs.sql), which
-- is backfilled here, parents first.
CREATE INDEX commit_id_prefix_idx ON pggit.commit ((id COLLATE "C"));
ALTER TABLE pggit.commit ADD COLUMN depth integer, ADD COLUMN skip text, ADD COLUMN generation integer;
-- pggit.object_history finds renames through a partial index of them instead of a scan of every change
-- (api/porcelain.sql, below).
CREATE INDEX change_old_key_idx ON pggit.change (old_key) WHERE old_key IS NOT NULL;
-- the renames a merge follows (pggit.renames_since, store/merge.sql)
CREATE INDEX change_renames_idx ON pggit.change (commit_id) WHERE change = 'R' OR detail ? 'renamed_columns';
-- ==== store/refs.sql ============================================================================

-- Refs and revisions: HEAD, branches, commit ids and prefixes, ~N.

CREATE OR REPLACE FUNCTION pggit.head_commit() RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- plpgsql, not sql: a sql function with SET clauses is planned on every call (a capture calls this
-- several times); plpgsql caches the plan per session
BEGIN
    RETURN (SELECT r.commit_id FROM pggit.ref r JOIN pggit.head h ON h.branch = r.name);
END
$$;
COMMENT ON FUNCTION pggit.head_commit() IS 'The commit HEAD points at (through its branch); null before the first commit.';

CREATE OR REPLACE FUNCTION pggit.skip_depth(depth integer) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN depth < 2 THEN 0
                WHEN depth % 2 = 1 THEN (((depth - 1) & (depth - 2)) & (((depth - 1) & (depth - 2)) - 1)) + 1
                ELSE depth & (depth - 1) END;
COMMENT ON FUNCTION pggit.skip_depth(integer) IS 'The depth a commit at first-parent depth depth keeps its skip pointer to (pggit.commit.skip): the skip list of Bitcoin Core''s CBlockIndex (GetSkipHeight), with which any ancestor is O(log n) lookups away. 0 below depth 2.';

CREATE OR REPLACE FUNCTION pggit.first_parent_ancestor(commit_id text, target_depth integer) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Walks from commit_id towards its first-parent ancestor at target_depth, taking a skip pointer
-- wherever it does not overshoot (Bitcoin Core's CBlockIndex::GetAncestor): O(log n) lookups. Null
-- when commit_id is unknown, target_depth is not between 0 and its depth, or the walk meets a
-- commit that is not there (history purged before it).
DECLARE
    walk text := commit_id;
    h integer;
    parent text;
    jump text;
    hs integer;
    hsp integer;
BEGIN
    SELECT c.depth, c.parents[1], c.skip INTO h, parent, jump FROM pggit.commit c WHERE c.id = walk;
    IF h IS NULL OR target_depth IS NULL OR target_depth < 0 OR target_depth > h THEN
        RETURN NULL;
    END IF;
    WHILE h > target_depth LOOP
        hs := pggit.skip_depth(h);
        hsp := pggit.skip_depth(h - 1);
        IF jump IS NOT NULL AND (hs = target_depth OR (hs > target_depth AND NOT (hsp < hs - 2 AND hsp >= target_depth))) THEN
            walk := jump;
            h := hs;
        ELSE
            walk := parent;
            h := h - 1;
        END IF;
        SELECT c.parents[1], c.skip INTO parent, jump FROM pggit.commit c WHERE c.id = walk;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END LOOP;
    RETURN walk;
END
$$;
COMMENT ON FUNCTION pggit.first_parent_ancestor(text, integer) IS 'The first-parent ancestor of commit_id at first-parent depth target_depth (pggit.commit.depth), in O(log n) lookups over the skip pointers; null when there is none (unknown commit, a depth outside 0 .. its depth, or history purged before it).';

CREATE OR REPLACE FUNCTION pggit.commit_graph() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- BEFORE INSERT on pggit.commit: depth = 1 + the first parent's (0 for a root, or when the first
-- parent is not here), skip = the first-parent ancestor at pggit.skip_depth(depth), generation =
-- 1 + the greatest generation among the parents that are here (1 for a root).
BEGIN
    NEW.depth := coalesce((SELECT c.depth + 1 FROM pggit.commit c WHERE c.id = NEW.parents[1]), 0);
    NEW.skip := CASE WHEN NEW.depth > 0 THEN pggit.first_parent_ancestor(NEW.parents[1], pggit.skip_depth(NEW.depth)) END;
    NEW.generation := 1 + coalesce((SELECT max(c.generation) FROM pggit.commit c WHERE c.id = ANY (NEW.parents)), 0);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pggit.commit_graph() IS 'Trigger function (BEFORE INSERT on pggit.commit): sets depth and skip, the skip list over first parents that pggit.first_parent_ancestor walks, and generation (git''s commit-graph generation number: 1 + the greatest among the parents, 1 for a root), which pggit.paint_down walks in.';
CREATE OR REPLACE TRIGGER commit_graph BEFORE INSERT ON pggit.commit FOR EACH ROW EXECUTE FUNCTION pggit.commit_graph();

CREATE OR REPLACE FUNCTION pggit.resolve(rev text) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Accepts: a full commit id, a unique prefix of at least 4 hex digits, a branch name, HEAD,
-- and any of those followed by ~N (N-th first parent).
DECLARE
    base text := rev;
    steps int := 0;
    cid text;
    n int;
BEGIN
    IF rev IS NULL THEN
        RETURN NULL;
    END IF;
    IF rev ~ '~\d*$' THEN
        base := substring(rev FROM '^(.*)~\d*$');
        steps := coalesce(nullif(substring(rev FROM '~(\d*)$'), '')::int, 1);
    END IF;
    IF upper(base) = 'HEAD' THEN
        cid := pggit.head_commit();
    ELSE
        SELECT r.commit_id INTO cid FROM pggit.ref r WHERE r.name = base;
        IF cid IS NULL THEN
            IF base !~ '^[0-9a-f]{4,64}$' THEN
                RAISE EXCEPTION 'pggit: unknown revision "%"', rev
                    USING ERRCODE = 'undefined_object', HINT = 'Use a commit id (at least 4 hex digits), a branch name or HEAD, optionally followed by ~N.';
            END IF;
            -- the ids starting with base, as a range of the index commit_id_prefix_idx (byte order:
            -- every id starting with base lies in [base, base || 'g'), hex digits sorting below 'g'),
            -- which a LIKE prefix match cannot use under a database collation other than C
            SELECT count(*), min(c.id) INTO n, cid FROM pggit.commit c
             WHERE (c.id COLLATE "C") >= base AND (c.id COLLATE "C") < base || 'g';
            IF n = 0 THEN
                RAISE EXCEPTION 'pggit: no commit matches "%"', rev USING ERRCODE = 'undefined_object';
            ELSIF n > 1 THEN
                RAISE EXCEPTION 'pggit: commit prefix "%" is ambiguous (% commits)', base, n
                    USING ERRCODE = 'ambiguous_parameter', HINT = 'Give more hex digits.';
            END IF;
        END IF;
    END IF;
    IF steps > 0 AND cid IS NOT NULL THEN
        -- N first parents back through the skip list: O(log N) lookups, however long the history
        cid := pggit.first_parent_ancestor(cid, (SELECT c.depth FROM pggit.commit c WHERE c.id = cid) - steps);
        IF cid IS NULL THEN
            RAISE EXCEPTION 'pggit: revision "%" goes past the first commit', rev USING ERRCODE = 'undefined_object';
        END IF;
    END IF;
    IF cid IS NULL THEN
        RAISE EXCEPTION 'pggit: "%" points at no commit yet', rev USING ERRCODE = 'undefined_object';
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.resolve(text) IS 'Resolves a revision (commit id, unique prefix >= 4 hex digits, branch, HEAD, with optional ~N) to a full commit id; raises undefined_object when nothing matches.';
DO $$
DECLARE
    cid text;
BEGIN
    FOR cid IN SELECT c.id FROM pggit.commit c ORDER BY c.seq LOOP
        UPDATE pggit.commit c SET depth = coalesce((SELECT p.depth + 1 FROM pggit.commit p WHERE p.id = c.parents[1]), 0)
         WHERE c.id = cid;
        UPDATE pggit.commit c SET skip = pggit.first_parent_ancestor(c.parents[1], pggit.skip_depth(c.depth))
         WHERE c.id = cid AND c.depth > 0;
        UPDATE pggit.commit c SET generation = 1 + coalesce((SELECT max(p.generation) FROM pggit.commit p WHERE p.id = ANY (c.parents)), 0)
         WHERE c.id = cid;
    END LOOP;
END
$$;
ALTER TABLE pggit.commit ALTER COLUMN depth SET NOT NULL, ALTER COLUMN generation SET NOT NULL;
COMMENT ON TABLE pggit.commit IS 'Commits: a tree plus parents and metadata; id is content-addressed (deterministic). depth and skip (not hashed) are a skip list over first parents, set on insert by trigger commit_graph: pggit.first_parent_ancestor reaches HEAD~N in O(log N) lookups. generation (not hashed, also set by commit_graph) is git''s commit-graph generation number: every ancestor has a smaller one, so walks in generation order (pggit.paint_down: merge bases, ahead and behind) stop early.';
-- Branches (issue 15): a ref records who created it, when and why; a branch 0.1 made (main) dates from
-- the first commit. store/branches.sql: create, list, delete, merge bases, ahead and behind.
ALTER TABLE pggit.ref ADD COLUMN created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                      ADD COLUMN created_by name NOT NULL DEFAULT session_user,
                      ADD COLUMN description text;
UPDATE pggit.ref SET created_at = coalesce((SELECT min(c.committed_at) FROM pggit.commit c), created_at);
COMMENT ON TABLE pggit.ref IS 'Branches: a name pointing at a commit, with who created it, when, and why (pggit.create_branch, pggit.create_feature_branch). The commit writer advances the branch pggit.head names.';
-- ==== store/branches.sql ========================================================================

-- Branches and the commit graph (issue 15): create, list and delete branches; merge bases, ahead
-- and behind, by a walk in generation order (git's paint_down_to_common over its commit-graph).

CREATE OR REPLACE FUNCTION pggit.paint_down(a text, b text, OUT merge_bases text[], OUT ahead bigint, OUT behind bigint)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Git's paint_down_to_common over generation numbers (pggit.commit.generation). Commits are taken
-- from a queue greatest generation first, each painted with the sides it is reachable from (1: a,
-- 2: b); a commit painted by both is a merge base unless it is already stale (an ancestor of a
-- base: its parents inherit the stale mark, 4). Every child has a greater generation than its
-- parents, so when a commit leaves the queue every path to it from a or b has been walked and its
-- paint is final; hence no base found is an ancestor of another (git's remove_redundant, needed
-- there for commit dates, is not needed here). The walk stops when only stale commits are queued:
-- it reads the commits that are on one side only and the first common ones, not the common history
-- below them. ahead: commits reachable from a and not from b; behind: from b and not from a.
DECLARE
    q_id text[];
    q_gen integer[];
    q_paint integer[];
    i integer;
    best integer;
    cur text;
    paint integer;
    live integer;   -- queued commits that are not stale
    p record;
    j integer;
BEGIN
    merge_bases := '{}';
    ahead := 0;
    behind := 0;
    IF a = b THEN
        merge_bases := ARRAY[a];
        RETURN;
    END IF;
    SELECT array_agg(c.id ORDER BY c.id = b), array_agg(c.generation ORDER BY c.id = b),
           array_agg(CASE WHEN c.id = a THEN 1 ELSE 2 END ORDER BY c.id = b)
      INTO q_id, q_gen, q_paint
      FROM pggit.commit c WHERE c.id IN (a, b);
    IF coalesce(cardinality(q_id), 0) < 2 THEN
        RAISE EXCEPTION 'pggit: no commit % to walk from', CASE WHEN NOT coalesce(a = ANY (q_id), false) THEN a ELSE b END
            USING ERRCODE = 'undefined_object';
    END IF;
    live := 2;
    WHILE live > 0 LOOP
        best := 1;
        FOR i IN 2 .. cardinality(q_id) LOOP
            IF q_gen[i] > q_gen[best] THEN
                best := i;
            END IF;
        END LOOP;
        cur := q_id[best];
        paint := q_paint[best];
        q_id := q_id[:best - 1] || q_id[best + 1:];
        q_gen := q_gen[:best - 1] || q_gen[best + 1:];
        q_paint := q_paint[:best - 1] || q_paint[best + 1:];
        IF paint & 4 = 0 THEN
            live := live - 1;
            IF paint = 3 THEN
                merge_bases := merge_bases || cur;
                paint := 7;
            ELSIF paint = 1 THEN
                ahead := ahead + 1;
            ELSE
                behind := behind + 1;
            END IF;
        END IF;
        FOR p IN SELECT c.id, c.generation FROM pggit.commit c
                  WHERE c.id = ANY ((SELECT x.parents FROM pggit.commit x WHERE x.id = cur)::text[]) LOOP
            j := array_position(q_id, p.id);
            IF j IS NULL THEN
                q_id := q_id || p.id;
                q_gen := q_gen || p.generation;
                q_paint := q_paint || paint;
                IF paint & 4 = 0 THEN
                    live := live + 1;
                END IF;
            ELSE
                IF q_paint[j] & 4 = 0 AND (q_paint[j] | paint) & 4 <> 0 THEN
                    live := live - 1;
                END IF;
                q_paint[j] := q_paint[j] | paint;
            END IF;
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.paint_down(text, text) IS
    'Plumbing: walks the commit graph from commits a and b (full ids) in generation order (git''s paint_down_to_common) and returns merge_bases (every best common ancestor: the common ancestors that are not ancestors of another common ancestor; one in most histories, several after criss-cross merges; none when the histories are unrelated), ahead (commits reachable from a and not from b) and behind (from b, not from a). Reads the commits on one side only and the first common ones. Raises undefined_object for an unknown commit.';

CREATE OR REPLACE FUNCTION pggit.merge_bases(a text, b text) RETURNS SETOF text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- git merge-base --all
DECLARE
    ca text := pggit.resolve(a);
    cb text := pggit.resolve(b);
BEGIN
    -- one on the other's first-parent line is the only one (as in find_merge_base: no walk)
    IF pggit.first_parent_ancestor(ca, (SELECT c.depth FROM pggit.commit c WHERE c.id = cb)) = cb THEN
        RETURN NEXT cb;
    ELSIF pggit.first_parent_ancestor(cb, (SELECT c.depth FROM pggit.commit c WHERE c.id = ca)) = ca THEN
        RETURN NEXT ca;
    ELSE
        RETURN QUERY SELECT x FROM unnest((pggit.paint_down(ca, cb)).merge_bases) x;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.merge_bases(text, text) IS
    'Every best common ancestor of revisions a and b (branch names, commit ids, unique prefixes, HEAD, ~N: as pggit.resolve takes them), as git merge-base --all: one in most histories, several after criss-cross merges, none when they share no history. A merge merges from all of them (pggit.merge_base_tree: a virtual merge base when there are several). Raises undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.find_merge_base(a text, b text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ca text := pggit.resolve(a);
    cb text := pggit.resolve(b);
BEGIN
    -- b on a's first-parent line (a branch that was not committed to since a left it, or main's own
    -- past) is its own merge base: O(log n) lookups over the skip list instead of a walk
    IF pggit.first_parent_ancestor(ca, (SELECT c.depth FROM pggit.commit c WHERE c.id = cb)) = cb THEN
        RETURN cb;
    ELSIF pggit.first_parent_ancestor(cb, (SELECT c.depth FROM pggit.commit c WHERE c.id = ca)) = ca THEN
        RETURN ca;
    END IF;
    RETURN (SELECT c.id FROM pggit.commit c WHERE c.id = ANY ((pggit.paint_down(ca, cb)).merge_bases)
             ORDER BY c.generation DESC, c.seq DESC LIMIT 1);
END
$$;
COMMENT ON FUNCTION pggit.find_merge_base(text, text) IS
    'The merge base of revisions a and b (branch names or commit ids, as pggit.resolve takes them): their lowest common ancestor in the commit graph, as git merge-base. After criss-cross merges there are several best common ancestors (pggit.merge_bases lists them); this returns the one of the greatest generation, the newest on a tie (pggit.merge records it as base_commit; the tree a merge merges from is pggit.merge_base_tree''s, which merges them all). Null when a and b share no history; undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.ahead_behind(a text, b text, OUT ahead bigint, OUT behind bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
BEGIN
    r := pggit.paint_down(pggit.resolve(a), pggit.resolve(b));
    ahead := r.ahead;
    behind := r.behind;
END
$$;
COMMENT ON FUNCTION pggit.ahead_behind(text, text) IS
    'How far revision a is from b (as pggit.resolve takes them), as git rev-list --left-right --count b...a: ahead = commits reachable from a and not from b, behind = from b and not from a. Walks those commits and the first common ones (pggit.paint_down).';

CREATE OR REPLACE FUNCTION pggit.check_branch_name(branch_name text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
-- git check-ref-format's rules for a branch name, and two of pggit's: a name that could be read
-- as a commit id prefix (4 to 64 hex digits) is refused, since pggit.resolve tries branch names
-- first and would hide the commit; so is HEAD.
DECLARE
    why text;
BEGIN
    why := CASE
        WHEN branch_name IS NULL OR branch_name = '' THEN 'it is empty'
        WHEN length(branch_name) > 200 THEN 'it is longer than 200 characters'
        WHEN upper(branch_name) = 'HEAD' OR branch_name = '@' THEN 'it is reserved'
        WHEN branch_name ~ '^[0-9a-f]{4,64}$' THEN 'it reads as a commit id prefix'
        WHEN branch_name ~ '[[:cntrl:][:space:]~^:?*\[\\]' THEN 'it holds a space, a control character or one of ~ ^ : ? * [ \'
        WHEN strpos(branch_name, '..') > 0 OR strpos(branch_name, '@{') > 0 OR strpos(branch_name, '//') > 0 THEN 'it holds .., @{ or //'
        WHEN branch_name ~ '(^|/)[.-]' OR branch_name ~ '[./]$' OR branch_name ~ '\.lock($|/)' THEN
            'a part of it starts with . or -, or it ends with / or ., or a part ends with .lock'
    END;
    IF why IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: "%" is not a valid branch name: %', branch_name, why
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Branch names follow git''s rules (git check-ref-format), e.g. feature/meter-readings; any letters, digits and . _ - / are fine.';
    END IF;
    RETURN branch_name;
END
$$;
COMMENT ON FUNCTION pggit.check_branch_name(text) IS
    'Returns branch_name when it is a valid branch name, else raises invalid_parameter_value saying why: git check-ref-format''s rules (no space, control character, ~ ^ : ? * [ \, .., @{ or //; no part starting with . or -, no trailing / or ., no part ending in .lock), not HEAD or @, and not 4 to 64 hex digits (it would hide commit ids of that prefix from pggit.resolve). Unicode letters are fine.';

CREATE OR REPLACE FUNCTION pggit.create_branch(branch_name text, from_commit text DEFAULT NULL, description text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cid text := pggit.resolve(coalesce(from_commit, 'HEAD'));
BEGIN
    PERFORM pggit.check_branch_name(branch_name);
    BEGIN
        INSERT INTO pggit.ref (name, commit_id, description) VALUES (branch_name, cid, description);
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'pggit: branch "%" already exists (at %)', branch_name,
                        left((SELECT r.commit_id FROM pggit.ref r WHERE r.name = branch_name), 12)
            USING ERRCODE = 'duplicate_object', HINT = 'Pick another name, or pggit.delete_branch it first.';
    END;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.create_branch(text, text, text) IS
    'Creates branch branch_name at revision from_commit (default HEAD; anything pggit.resolve takes) with an optional description, and returns the commit id it points at. HEAD stays where it is. Errors: invalid_parameter_value for a name pggit.check_branch_name refuses, duplicate_object when the branch exists, undefined_object when from_commit names nothing (or there is no commit yet).';

CREATE OR REPLACE FUNCTION pggit.create_feature_branch(feature_name text, description text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pggit.create_branch('feature/' || feature_name, NULL, description);
    RETURN 'feature/' || feature_name;
END
$$;
COMMENT ON FUNCTION pggit.create_feature_branch(text, text) IS
    'Creates branch feature/<feature_name> at HEAD with a description (seed 003) and returns the branch name. Errors as pggit.create_branch.';

CREATE OR REPLACE FUNCTION pggit.list_branches()
    RETURNS TABLE (branch_name text, head_sha text, created_at timestamptz, created_by name, description text,
                   is_head boolean, ahead bigint, behind bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT r.name, r.commit_id, r.created_at, r.created_by, r.description, r.name = h.branch, ab.ahead, ab.behind
  FROM pggit.ref r
  CROSS JOIN pggit.head h
  LEFT JOIN pggit.ref m ON m.name = 'main'
  LEFT JOIN LATERAL pggit.paint_down(r.commit_id, m.commit_id) ab ON m.commit_id IS NOT NULL
 ORDER BY r.name = h.branch DESC, r.name
$$;
COMMENT ON FUNCTION pggit.list_branches() IS
    'Every branch: its name, the commit it points at (head_sha), when, by whom and why it was created, whether HEAD names it (is_head), and how many commits it is ahead of and behind main (null when there is no main). The checked-out branch first, then by name.';

CREATE OR REPLACE FUNCTION pggit.delete_branch(branch_name text, force boolean DEFAULT false) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tip text;
    head_branch text;
    head_tip text;
    unmerged bigint;
BEGIN
    SELECT h.branch INTO head_branch FROM pggit.head h FOR SHARE;
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = branch_name FOR UPDATE;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', branch_name USING ERRCODE = 'undefined_object',
            HINT = 'pggit.list_branches() lists them.';
    ELSIF branch_name = head_branch THEN
        RAISE EXCEPTION 'pggit: branch "%" is checked out', branch_name USING ERRCODE = 'object_in_use',
            HINT = 'Check out another branch first.';
    END IF;
    head_tip := pggit.head_commit();
    IF NOT force AND head_tip IS NOT NULL THEN
        unmerged := (pggit.paint_down(tip, head_tip)).ahead;
        IF unmerged > 0 THEN
            RAISE EXCEPTION 'pggit: branch "%" is not merged into % (% commit(s) only it has)', branch_name, head_branch, unmerged
                USING ERRCODE = 'object_in_use',
                      HINT = 'Merge it first, or delete it anyway with pggit.delete_branch(branch_name, force => true): its commits stay until pggit.purge_history removes what no branch or tag reaches.';
        END IF;
    END IF;
    DELETE FROM pggit.ref r WHERE r.name = branch_name;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.delete_branch(text, boolean) IS
    'Deletes branch branch_name and returns true. Refuses (object_in_use) the checked-out branch, and a branch with commits the checked-out branch does not reach unless force; undefined_object when there is no such branch. The commits stay in the store until pggit.purge_history removes what no branch or tag reaches.';

CREATE OR REPLACE FUNCTION pggit.diff_branches(b1 text, b2 text)
    RETURNS TABLE (object_path text, change_type text, old_definition jsonb, new_definition jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- pggit.diff of two branch tips: the two trees walked at once (pggit.diff_trees), so the cost follows
-- their difference.
DECLARE
    t1 text := (SELECT c.tree FROM pggit.ref r JOIN pggit.commit c ON c.id = r.commit_id WHERE r.name = diff_branches.b1);
    t2 text := (SELECT c.tree FROM pggit.ref r JOIN pggit.commit c ON c.id = r.commit_id WHERE r.name = diff_branches.b2);
BEGIN
    IF t1 IS NULL OR t2 IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', CASE WHEN t1 IS NULL THEN diff_branches.b1 ELSE diff_branches.b2 END
            USING ERRCODE = 'undefined_object', HINT = 'pggit.list_branches() lists them; pggit.diff(from_rev, to_rev) compares any two revisions.';
    END IF;
    RETURN QUERY
    SELECT d.object_key, d.change, ob.definition, nb.definition
      FROM pggit.diff_trees(t1, t2) d
      LEFT JOIN pggit.blob ob ON ob.hash = d.old_hash
      LEFT JOIN pggit.blob nb ON nb.hash = d.new_hash
     ORDER BY d.object_key;
END
$$;
COMMENT ON FUNCTION pggit.diff_branches(text, text) IS
    'The difference between the tips of branches b1 and b2 (names as pggit.ref has them, not revisions): one row per object key whose definition differs, by key, with change_type as pggit.diff spells it (A: only b2 has it, D: only b1 has it, M: both, differently) and its definition on b1 (old_definition) and on b2 (new_definition), null where absent. The same rows as pggit.diff(b1, b2); cost follows the difference (pggit.diff_trees), not the trees. Reads only. Errors: undefined_object for a name that is no branch.';
-- Merges and their conflicts (issue 15): store/merge_tables.sql, the merge itself in store/merge.sql.
-- ==== store/merge_tables.sql ====================================================================

-- Merges (issue 15): one row per merge of a source into a target branch, and its conflicts, each a
-- row that is resolved and audited before the merge completes.

CREATE TABLE pggit.merge (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_branch  text NOT NULL,         -- as given: a branch name or a revision
    target_branch  text NOT NULL,         -- a branch (pggit.ref): the one the merge commit advances
    source_commit  text NOT NULL REFERENCES pggit.commit,
    target_commit  text NOT NULL REFERENCES pggit.commit,   -- the target's head when the merge began
    base_commit    text REFERENCES pggit.commit,            -- pggit.find_merge_base; null for unrelated histories
    source_renames jsonb NOT NULL DEFAULT '{}',             -- pggit.renames_since(base_commit, source_commit)
    target_renames jsonb NOT NULL DEFAULT '{}',             -- pggit.renames_since(base_commit, target_commit)
    renames        jsonb NOT NULL DEFAULT '[]',             -- pggit.merged_tree: [{from: target's key, to: merged key, columns: {old: new}}]
    base_tree      text REFERENCES pggit.tree,              -- the tree the three-way merges from: pggit.merge_base_tree
    strategy       text NOT NULL CHECK (strategy IN ('recursive', 'ours', 'theirs')),
    status         text NOT NULL CHECK (status IN ('conflicts', 'ready', 'completed', 'up_to_date', 'aborted', 'rolled_back')),
    merged_tree    text REFERENCES pggit.tree,              -- once no conflict is open
    merge_commit   text REFERENCES pggit.commit,
    message        text NOT NULL,
    created_by     name NOT NULL DEFAULT session_user,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_by   name,
    completed_at   timestamptz,
    rollback_commit text REFERENCES pggit.commit,
    rollback_reason text,
    rolled_back_by name,
    rolled_back_at timestamptz
);
-- the commit writer looks for a merge waiting for the live catalog to reach its tree
CREATE INDEX merge_ready_idx ON pggit.merge (target_branch) WHERE status = 'ready';
COMMENT ON TABLE pggit.merge IS
    'Merges of source_branch into target_branch (pggit.merge_branch). base_commit is the best common ancestor (pggit.find_merge_base), base_tree the tree the three-way merges from (pggit.merge_base_tree): base_commit''s, or after criss-cross merges (several best common ancestors) a virtual merge base, the bases merged recursively as git''s recursive strategy does; null for unrelated histories (an empty base). status: conflicts (open conflict rows wait in pggit.merge_conflict), ready (merged_tree computed; waits for the live catalog of the checked-out target to reach it: applied by Pggit.merge / mvn pggit:merge, or by a migration whose capture has that tree), completed (merge_commit written, two parents), up_to_date (source already in target: nothing written), aborted, rolled_back (pggit.rollback_merge wrote rollback_commit).';

CREATE TABLE pggit.merge_conflict (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),   -- what pggit.resolve_conflict takes
    merge_id          bigint NOT NULL REFERENCES pggit.merge ON DELETE CASCADE,
    object_key        text NOT NULL,
    kind              text NOT NULL,
    schema_name       text NOT NULL,
    conflict_type     text NOT NULL CHECK (conflict_type IN ('BOTH_MODIFIED', 'DELETED_SOURCE', 'DELETED_TARGET', 'BOTH_ADDED', 'BOTH_RENAMED', 'DEPENDENCY')),
    conflicting_parts text[] NOT NULL,
    base_hash         text,
    source_hash       text,
    target_hash       text,
    resolution        text CHECK (resolution IN ('source', 'target', 'base', 'manual_ddl')),
    reason            text,
    resolved_by       name,
    resolved_at       timestamptz,
    manual_ddl        text,                                      -- manual_ddl: the DDL as given (pggit.resolve_conflict_manually)
    manual_hash       text REFERENCES pggit.blob,                -- manual_ddl: the merged definition; null: the merge drops the object
    detail            text,                 -- DEPENDENCY from the trial of the plan: PostgreSQL's error, DETAIL, HINT
    UNIQUE (merge_id, object_key),
    CHECK (manual_ddl IS NULL AND manual_hash IS NULL OR resolution = 'manual_ddl'),
    CHECK (resolution IS DISTINCT FROM 'manual_ddl' OR manual_ddl IS NOT NULL)
);
COMMENT ON TABLE pggit.merge_conflict IS
    'The conflicts of a merge (pggit.merge), one per object key: conflict_type as pggit.detect_merge_conflicts gives it, or DEPENDENCY (pggit.broken_dependencies: an object on a relation the merged tree no longer has, conflicting_parts names the relation), the blob hashes at the base and on each side (null: absent there), and the resolution (source, target or base: the side whose definition the merged tree takes; manual_ddl: the definition that manual_ddl, run on the target''s version in a trial rolled back, gave, kept as blob manual_hash, null when it dropped the object), why, who and when. Resolved by pggit.resolve_conflict, pggit.resolve_conflicts_batch and pggit.resolve_conflict_manually; a strategy ours / theirs resolves each one as it is recorded. A DEPENDENCY conflict found by the trial of the plan on the checked-out target (Pggit.merge, completeMerge: pggit.record_dependency_conflict) carries PostgreSQL''s error, DETAIL and HINT in detail.';
-- ==== store/merge.sql ===========================================================================

-- Three-way merge of schema history (issue 15): per object key, the two sides' changes since their
-- merge base; where both changed one object, per part of its definition (pggit.conflicting_parts);
-- the merged definition of disjoint changes (pggit.merge_definitions); the merge itself, its
-- conflicts as rows, their resolution, completion and rollback.

CREATE OR REPLACE FUNCTION pggit.conflicting_parts(base jsonb, source jsonb, target jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
    SELECT coalesce(array_agg(p.part ORDER BY p.part), '{}')
      FROM (-- a definition's own properties (owner, comment, options, a routine's body, a view's query, ...)
            SELECT k.k AS part
              FROM (SELECT jsonb_object_keys(coalesce(base, '{}')) UNION SELECT jsonb_object_keys(coalesce(source, '{}'))
                    UNION SELECT jsonb_object_keys(coalesce(target, '{}'))) k(k)
             WHERE k.k <> 'columns'
               AND source -> k.k IS DISTINCT FROM base -> k.k AND target -> k.k IS DISTINCT FROM base -> k.k
               AND source -> k.k IS DISTINCT FROM target -> k.k
            UNION ALL
            -- a relation's columns, each by name: one side adding a column and the other changing another is clean
            SELECT 'column ' || n.n
              FROM (SELECT c ->> 'name' FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) c
                    UNION SELECT c ->> 'name' FROM jsonb_array_elements(coalesce(source -> 'columns', '[]')) c
                    UNION SELECT c ->> 'name' FROM jsonb_array_elements(coalesce(target -> 'columns', '[]')) c) n(n)
              CROSS JOIN LATERAL (SELECT (SELECT c FROM jsonb_array_elements(base -> 'columns') c WHERE c ->> 'name' = n.n) AS bc,
                                         (SELECT c FROM jsonb_array_elements(source -> 'columns') c WHERE c ->> 'name' = n.n) AS sc,
                                         (SELECT c FROM jsonb_array_elements(target -> 'columns') c WHERE c ->> 'name' = n.n) AS tc) x
             WHERE x.sc IS DISTINCT FROM x.bc AND x.tc IS DISTINCT FROM x.bc AND x.sc IS DISTINCT FROM x.tc) p);
COMMENT ON FUNCTION pggit.conflicting_parts(jsonb, jsonb, jsonb) IS
    'The parts of one object''s definition that both sides of a merge changed differently from base: each top-level property (e.g. query, body, owner, comment) that source and target both changed and not to the same value, and, for a relation, each column (''column <name>'', matched by name) that both changed differently, added differently or one changed while the other dropped. Empty when the two sides'' changes are disjoint (a three-way merge of the parts is clean).';

CREATE OR REPLACE FUNCTION pggit.merge_definitions(base jsonb, source jsonb, target jsonb, prefer_target boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
    WITH k AS (SELECT jsonb_object_keys(coalesce(base, '{}')) AS k UNION SELECT jsonb_object_keys(coalesce(source, '{}'))
               UNION SELECT jsonb_object_keys(coalesce(target, '{}'))),
         -- each property: the side that changed it (both: the preferred one), else the target's
         p AS (SELECT k.k, CASE WHEN prefer_target AND target -> k.k IS DISTINCT FROM base -> k.k THEN target -> k.k
                                WHEN source -> k.k IS DISTINCT FROM base -> k.k THEN source -> k.k ELSE target -> k.k END AS v
                 FROM k WHERE k.k <> 'columns'),
         -- columns: the target's in its order, each as the side that changed it has it (gone where the
         -- source dropped it), then the columns only the source has (added; or, source preferred, kept
         -- and changed where the target dropped them), in its order
         c AS (SELECT x.c, x.ord
                 FROM (SELECT CASE WHEN prefer_target AND t.c IS DISTINCT FROM bc.c THEN t.c
                                   WHEN sc.c IS DISTINCT FROM bc.c THEN sc.c ELSE t.c END AS c, t.ord
                         FROM jsonb_array_elements(coalesce(target -> 'columns', '[]')) WITH ORDINALITY t(c, ord)
                         LEFT JOIN LATERAL (SELECT b.c FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) b(c)
                                             WHERE b.c ->> 'name' = t.c ->> 'name') bc ON true
                         LEFT JOIN LATERAL (SELECT s.c FROM jsonb_array_elements(coalesce(source -> 'columns', '[]')) s(c)
                                             WHERE s.c ->> 'name' = t.c ->> 'name') sc ON true
                       UNION ALL
                       SELECT s.c, 1000000000 + s.ord
                         FROM jsonb_array_elements(coalesce(source -> 'columns', '[]')) WITH ORDINALITY s(c, ord)
                         LEFT JOIN LATERAL (SELECT b.c FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) b(c)
                                             WHERE b.c ->> 'name' = s.c ->> 'name') bc ON true
                        WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(target -> 'columns', '[]')) t(c) WHERE t.c ->> 'name' = s.c ->> 'name')
                          AND (bc.c IS NULL OR (NOT prefer_target AND s.c IS DISTINCT FROM bc.c))) x
                WHERE x.c IS NOT NULL)
    SELECT CASE WHEN source IS NULL OR target IS NULL THEN NULL ELSE
           coalesce((SELECT jsonb_object_agg(p.k, p.v) FROM p WHERE p.v IS NOT NULL), '{}'::jsonb)
           || CASE WHEN target ? 'columns' OR source ? 'columns'
                   THEN jsonb_build_object('columns', coalesce((SELECT jsonb_agg(c.c ORDER BY c.ord) FROM c), '[]'::jsonb))
                   ELSE '{}'::jsonb END END);
COMMENT ON FUNCTION pggit.merge_definitions(jsonb, jsonb, jsonb, boolean) IS
    'The three-way merge of one object''s definition: each top-level property as the side that changed it from base has it (changed on both: the source''s, or the target''s with prefer_target), else as the target has it; a relation''s columns (matched by name) in the target''s order, each likewise (gone where the source dropped it and the target did not change it), then the columns only the source has (added; without prefer_target also those it changed and the target dropped), in its order (the order ALTER TABLE ADD COLUMN on the target gives). For disjoint changes (pggit.conflicting_parts empty) both preferences give one result; for a BOTH_MODIFIED conflict resolved for one side, only the conflicting parts take that side. Null when either side is absent.';

CREATE OR REPLACE FUNCTION pggit.renames_since(base_commit text, tip text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Renames are known from history, never guessed from names: each capture recorded a rename (an
-- object id under a new key: change R, old_key) and a relation's renamed columns (same attnum,
-- another name: detail.renamed_columns). Composed here commit by commit along tip's first parents
-- down to base_commit, each commit's renames taken against the state before it (a swap of two
-- names in one commit stays a swap). The rows come from the partial index change_renames_idx (all
-- renames of the store, few), each kept when its commit is on that line (pggit.first_parent_ancestor:
-- O(log n) lookups), so the cost follows the renames, not the length of the line.
DECLARE
    bd integer := (SELECT c.depth FROM pggit.commit c WHERE c.id = base_commit);
    td integer := (SELECT c.depth FROM pggit.commit c WHERE c.id = tip);
    m jsonb := '{}';      -- base key -> {"key": key now, "columns": {base column: column now}}
    back jsonb := '{}';   -- key now -> base key
    back0 jsonb;
    cur text := NULL;
    r record;
    bk text;
    e jsonb;
    cols jsonb;
    col record;
    bc text;
BEGIN
    IF bd IS NULL OR tip IS NULL OR pggit.first_parent_ancestor(tip, bd) IS DISTINCT FROM base_commit THEN
        RETURN '{}';
    END IF;
    FOR r IN SELECT x.commit_id AS id, x.change, x.object_key, x.old_key, x.detail -> 'renamed_columns' AS cols, c.depth
               FROM pggit.change x JOIN pggit.commit c ON c.id = x.commit_id
              WHERE (x.change = 'R' OR x.detail ? 'renamed_columns')
                AND c.depth > bd AND c.depth <= td AND pggit.first_parent_ancestor(tip, c.depth) = c.id
              ORDER BY c.depth, x.object_key LOOP
        IF r.id IS DISTINCT FROM cur THEN
            cur := r.id;
            back0 := back;   -- the names before this commit
        END IF;
        bk := coalesce(back0 ->> coalesce(r.old_key, r.object_key), coalesce(r.old_key, r.object_key));
        e := coalesce(m -> bk, jsonb_build_object('key', bk));
        IF r.change = 'R' THEN
            back := (back - coalesce(r.old_key, '')) || jsonb_build_object(r.object_key, bk);
            e := e || jsonb_build_object('key', r.object_key);
        END IF;
        IF r.cols IS NOT NULL THEN
            cols := coalesce(e -> 'columns', '{}');
            FOR col IN SELECT k.key AS old_name, k.value AS new_name FROM jsonb_each_text(r.cols) k LOOP
                bc := coalesce((SELECT c.key FROM jsonb_each_text(coalesce(e -> 'columns', '{}')) c WHERE c.value = col.old_name LIMIT 1), col.old_name);
                cols := cols || jsonb_build_object(bc, col.new_name);
            END LOOP;
            e := e || jsonb_build_object('columns', (SELECT coalesce(jsonb_object_agg(c.key, c.value), '{}') FROM jsonb_each(cols) c
                                                      WHERE c.value #>> '{}' <> c.key));
        END IF;
        m := m || jsonb_build_object(bk, e);
    END LOOP;
    -- only what still differs from the base: a name renamed back is no rename
    RETURN coalesce((SELECT jsonb_object_agg(x.key, x.value) FROM jsonb_each(m) x
                      WHERE x.value ->> 'key' <> x.key OR x.value -> 'columns' <> '{}'), '{}');
END
$$;
COMMENT ON FUNCTION pggit.renames_since(text, text) IS
    'The renames between commit base_commit and its descendant tip, from history: {base key: {"key": its key at tip, "columns": {base column name: its name at tip}}} for every object renamed (a capture''s change R: the same object id under a new key) or whose columns were renamed (change detail renamed_columns: same attnum, another name), composed commit by commit along tip''s first parents. Empty when base_commit is not on tip''s first-parent line (renames are then matched by key only) or nothing was renamed. An object renamed and later dropped stays listed (a merge pairs a rename only where the tip has the new key: pggit.three_way). Reads the store''s renames through the partial index change_renames_idx: its cost follows the number of renames, not the commits between.';

CREATE OR REPLACE FUNCTION pggit.renames_between(from_commit text, to_commit text) RETURNS jsonb
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- From one commit to another through their merge base: the renames since the base on the from side
-- undone, then those on the to side.
WITH b AS (SELECT pggit.find_merge_base(from_commit, to_commit) AS base),
     f AS (SELECT pggit.renames_since(b.base, from_commit) AS m FROM b),
     t AS (SELECT pggit.renames_since(b.base, to_commit) AS m FROM b),
     k AS (SELECT x.key AS bk, coalesce(f.m -> x.key ->> 'key', x.key) AS fk, coalesce(t.m -> x.key ->> 'key', x.key) AS tk,
                  coalesce(f.m -> x.key -> 'columns', '{}') AS fc, coalesce(t.m -> x.key -> 'columns', '{}') AS tc
             FROM f, t, LATERAL (SELECT jsonb_object_keys(f.m) UNION SELECT jsonb_object_keys(t.m)) x(key)),
     c AS (SELECT k.bk, k.fk, k.tk,
                  (SELECT coalesce(jsonb_object_agg(coalesce(k.fc ->> n.n, n.n), coalesce(k.tc ->> n.n, n.n)), '{}')
                     FROM (SELECT jsonb_object_keys(k.fc) UNION SELECT jsonb_object_keys(k.tc)) n(n)
                    WHERE coalesce(k.fc ->> n.n, n.n) <> coalesce(k.tc ->> n.n, n.n)) AS cols
             FROM k)
SELECT coalesce(jsonb_agg(jsonb_build_object('from', c.fk, 'to', c.tk, 'columns', c.cols) ORDER BY c.tk), '[]')
  FROM c WHERE c.fk <> c.tk OR c.cols <> '{}'
$$;
COMMENT ON FUNCTION pggit.renames_between(text, text) IS
    'The renames from commit from_commit to commit to_commit (full ids), as the planner takes them (pggit.merge.renames'' shape): [{"from": key at from_commit, "to": key at to_commit, "columns": {name at from_commit: name at to_commit}}], through their merge base: pggit.renames_since on the from side undone, then on the to side. A checkout renames these in place instead of dropping and creating them.';

CREATE OR REPLACE FUNCTION pggit.final_columns(source_columns jsonb, target_columns jsonb, prefer_target boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT jsonb_object_agg(k.k, CASE WHEN prefer_target THEN coalesce(target_columns -> k.k, source_columns -> k.k)
                                                ELSE coalesce(source_columns -> k.k, target_columns -> k.k) END)
              FROM (SELECT jsonb_object_keys(coalesce(source_columns, '{}')) UNION SELECT jsonb_object_keys(coalesce(target_columns, '{}'))) k(k));
COMMENT ON FUNCTION pggit.final_columns(jsonb, jsonb, boolean) IS
    'Plumbing of the merge: the merged name of each base column that either side renamed ({base name: merged name}), from the two sides'' column renames ({base name: name on that side}, pggit.renames_since): the renaming side''s name; renamed on both sides, the source''s (prefer_target: the target''s). Null when neither renamed a column.';

CREATE OR REPLACE FUNCTION pggit.align_columns(definition jsonb, side_columns jsonb, final_columns jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN final_columns IS NULL OR definition IS NULL OR NOT definition ? 'columns' THEN definition ELSE
           definition || jsonb_build_object('columns', (
               SELECT coalesce(jsonb_agg(CASE WHEN f.name IS NULL THEN c ELSE c || jsonb_build_object('name', f.name) END ORDER BY o), '[]')
                 FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY x(c, o)
                 -- the column's base name (this side renamed it, or kept it), then its merged name
                 CROSS JOIN LATERAL (SELECT coalesce((SELECT s.key FROM jsonb_each_text(coalesce(side_columns, '{}')) s WHERE s.value = c ->> 'name' LIMIT 1),
                                                     CASE WHEN NOT coalesce(side_columns ? (c ->> 'name'), false) THEN c ->> 'name' END) AS base_name) b
                 LEFT JOIN LATERAL (SELECT final_columns ->> b.base_name AS name) f ON true)) END;
COMMENT ON FUNCTION pggit.align_columns(jsonb, jsonb, jsonb) IS
    'Plumbing of the merge: a relation''s definition with its columns under their merged names, so that the three definitions of a merge match column by column: each column whose base name (side_columns: {base name: name on this side}, this side''s renames; ''{}'' for the base) is renamed in final_columns (pggit.final_columns) takes the merged name. Definitions without columns, or a null final_columns, come back as they are.';

CREATE OR REPLACE FUNCTION pggit.conflict_type(in_source boolean, in_target boolean, base_hash text, source_hash text, target_hash text,
                                               renamed_apart boolean, parts text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN NOT in_target THEN 'SOURCE_MODIFIED'
                WHEN NOT in_source THEN 'TARGET_MODIFIED'
                WHEN source_hash IS NOT DISTINCT FROM target_hash AND NOT renamed_apart THEN 'NO_CONFLICT'   -- the same change on both sides
                WHEN base_hash IS NULL THEN 'BOTH_ADDED'           -- one key added differently on each side
                WHEN source_hash IS NULL THEN 'DELETED_SOURCE'     -- source dropped what target changed
                WHEN target_hash IS NULL THEN 'DELETED_TARGET'     -- target dropped what source changed
                WHEN renamed_apart THEN 'BOTH_RENAMED'             -- renamed differently on each side
                WHEN coalesce(cardinality(parts), 0) = 0 THEN 'NO_CONFLICT'   -- disjoint parts
                ELSE 'BOTH_MODIFIED' END;
COMMENT ON FUNCTION pggit.conflict_type(boolean, boolean, text, text, text, boolean, text[]) IS
    'The one classification of the merge (pggit.three_way, pggit.three_way_overlay), for an object the source (in_source) or the target (in_target) changed from the base, with its blob hash on each side (null: absent), whether the sides renamed it to different keys, and the parts both changed (pggit.conflicting_parts): SOURCE_MODIFIED, TARGET_MODIFIED, NO_CONFLICT (the same change, or disjoint parts), BOTH_ADDED, DELETED_SOURCE, DELETED_TARGET, BOTH_RENAMED, BOTH_MODIFIED.';

CREATE OR REPLACE FUNCTION pggit.three_way(base_tree text, source_tree text, target_tree text,
                                           source_renames jsonb DEFAULT NULL, target_renames jsonb DEFAULT NULL)
    RETURNS TABLE (object_key text, kind text, schema_name text, conflict_type text, conflicting_parts text[],
                   base_hash text, source_hash text, target_hash text,
                   base_definition jsonb, source_definition jsonb, target_definition jsonb,
                   base_path text[], source_path text[], target_path text[], source_columns jsonb, target_columns jsonb)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Both sides' diffs from the base (pggit.diff_trees twice: cost follows the changes, not the trees),
-- each with its renames paired (a base key the side dropped, and the key history says it was
-- renamed to, which the side added: one object), joined by the base key.
WITH ds0 AS (SELECT * FROM pggit.diff_trees(base_tree, source_tree)),
     dt0 AS (SELECT * FROM pggit.diff_trees(base_tree, target_tree)),
     rs AS (SELECT r.key AS bk, a.object_key AS nk, a.schema_name AS nsch, a.new_hash AS nh
              FROM jsonb_each(coalesce(source_renames, '{}')) r
              JOIN ds0 d ON d.object_key = r.key AND d.change = 'D'
              JOIN ds0 a ON a.object_key = r.value ->> 'key' AND a.change = 'A'),
     rt AS (SELECT r.key AS bk, a.object_key AS nk, a.schema_name AS nsch, a.new_hash AS nh
              FROM jsonb_each(coalesce(target_renames, '{}')) r
              JOIN dt0 d ON d.object_key = r.key AND d.change = 'D'
              JOIN dt0 a ON a.object_key = r.value ->> 'key' AND a.change = 'A'),
     -- per base key (or, for an added object, its key): where the side has it now (k, sch) and its hash there (h)
     ds AS (SELECT d.object_key AS id, d.kind, d.schema_name AS bsch, d.old_hash AS bh,
                   CASE WHEN r.bk IS NOT NULL THEN r.nk WHEN d.new_hash IS NOT NULL THEN d.object_key END AS k,
                   coalesce(r.nsch, d.schema_name) AS sch, coalesce(r.nh, d.new_hash) AS h
              FROM ds0 d LEFT JOIN rs r ON r.bk = d.object_key
             WHERE NOT EXISTS (SELECT 1 FROM rs x WHERE x.nk = d.object_key)),
     dt AS (SELECT d.object_key AS id, d.kind, d.schema_name AS bsch, d.old_hash AS bh,
                   CASE WHEN r.bk IS NOT NULL THEN r.nk WHEN d.new_hash IS NOT NULL THEN d.object_key END AS k,
                   coalesce(r.nsch, d.schema_name) AS sch, coalesce(r.nh, d.new_hash) AS h
              FROM dt0 d LEFT JOIN rt r ON r.bk = d.object_key
             WHERE NOT EXISTS (SELECT 1 FROM rt x WHERE x.nk = d.object_key)),
     k AS (SELECT coalesce(x.id, y.id) AS id, coalesce(x.kind, y.kind) AS kind, coalesce(x.bsch, y.bsch) AS bsch,
                  coalesce(x.bh, y.bh) AS bh,
                  CASE WHEN x.id IS NULL THEN y.bh ELSE x.h END AS sh,
                  CASE WHEN y.id IS NULL THEN x.bh ELSE y.h END AS th,
                  CASE WHEN x.id IS NULL THEN CASE WHEN y.bh IS NOT NULL THEN y.id END ELSE x.k END AS sk,
                  CASE WHEN x.id IS NULL THEN y.bsch ELSE x.sch END AS ssch,
                  CASE WHEN y.id IS NULL THEN CASE WHEN x.bh IS NOT NULL THEN x.id END ELSE y.k END AS tk,
                  CASE WHEN y.id IS NULL THEN x.bsch ELSE y.sch END AS tsch,
                  x.id IS NOT NULL AS in_source, y.id IS NOT NULL AS in_target
             FROM ds x FULL JOIN dt y ON y.id = x.id),
     d AS (SELECT k.*,
                  -- the merged key: the renaming side's (both renamed alike: that one), else the base's
                  CASE WHEN k.sk IS NOT NULL AND k.sk <> k.id AND (k.tk IS NULL OR k.tk = k.id OR k.tk = k.sk) THEN k.sk
                       WHEN k.tk IS NOT NULL AND k.tk <> k.id AND (k.sk IS NULL OR k.sk = k.id) THEN k.tk
                       ELSE k.id END AS mk,
                  source_renames -> k.id -> 'columns' AS scols, target_renames -> k.id -> 'columns' AS tcols,
                  bb.definition AS bd, sb.definition AS sd, tb.definition AS td
             FROM k
             LEFT JOIN pggit.blob bb ON bb.hash = k.bh
             LEFT JOIN pggit.blob sb ON sb.hash = k.sh
             LEFT JOIN pggit.blob tb ON tb.hash = k.th)
SELECT d.mk, d.kind,
       CASE d.mk WHEN d.sk THEN d.ssch WHEN d.tk THEN d.tsch ELSE d.bsch END,
       pggit.conflict_type(d.in_source, d.in_target, d.bh, d.sh, d.th,
                           d.sk IS DISTINCT FROM d.tk AND d.sk <> d.id AND d.tk <> d.id, p.parts),
       coalesce(p.parts, '{}'::text[]),
       d.bh, d.sh, d.th, d.bd, d.sd, d.td,
       CASE WHEN d.bh IS NOT NULL THEN pggit.tree_path(d.bsch, d.kind, d.id) END,
       CASE WHEN d.sk IS NOT NULL THEN pggit.tree_path(d.ssch, d.kind, d.sk) END,
       CASE WHEN d.tk IS NOT NULL THEN pggit.tree_path(d.tsch, d.kind, d.tk) END,
       d.scols, d.tcols
  FROM d
  -- the parts, for an object both sides modified differently (computed once per such object), its
  -- columns matched under their merged names; a column renamed differently on each side conflicts
  LEFT JOIN LATERAL (SELECT pggit.conflicting_parts(pggit.align_columns(d.bd, '{}', f.f), pggit.align_columns(d.sd, d.scols, f.f),
                                                    pggit.align_columns(d.td, d.tcols, f.f))
                            || ARRAY(SELECT 'column ' || c.key || ' renamed' FROM jsonb_each_text(d.scols) c
                                      WHERE d.tcols ->> c.key <> c.value ORDER BY c.key) AS parts
                       FROM (SELECT pggit.final_columns(d.scols, d.tcols) AS f) f) p
    ON d.in_source AND d.in_target AND d.sh IS DISTINCT FROM d.th AND d.bh IS NOT NULL AND d.sh IS NOT NULL AND d.th IS NOT NULL
$$;
COMMENT ON FUNCTION pggit.three_way(text, text, text, jsonb, jsonb) IS
    'Plumbing of the merge: one row per object that the source or the target tree changed from the base tree (null: empty), with its merged key (renamed on one side: that side''s new key), kind and schema, the conflict type (see pggit.detect_merge_conflicts), the parts both changed, the blob hash and definition at the base, on the source and on the target (null where absent), the object''s tree path on each side (its key differs where that side renamed it) and each side''s column renames ({base name: name there}). source_renames and target_renames are pggit.renames_since from the base to each side: a base key a side dropped and the key history says it was renamed to, which that side added, are one object; without them objects match by key only.';

CREATE OR REPLACE FUNCTION pggit.detect_merge_conflicts(source_branch text, target_branch text)
    RETURNS TABLE (object_path text, kind text, conflict_type text, conflicting_parts text[],
                   base_definition jsonb, source_definition jsonb, target_definition jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- A dry run of merging source into target: every object that either side changed since the base
-- the merge would merge from (pggit.merge_base_tree's: the merge base's tree, a virtual merge base
-- after criss-cross merges, an empty base for unrelated histories), per object key, with the
-- definitions on each side. Writes nothing: a virtual base is read as pggit.virtual_merge_base
-- computes it, in memory, through pggit.three_way_overlay.
DECLARE
    s text := pggit.resolve(source_branch);
    t text := pggit.resolve(target_branch);
    bases text[] := ARRAY(SELECT pggit.merge_bases(s, t));
    v record := pggit.virtual_merge_base(bases);
    -- the best of them, as pggit.find_merge_base picks it: where renames are read from
    b text := (SELECT c.id FROM pggit.commit c WHERE c.id = ANY (bases) ORDER BY c.generation DESC, c.seq DESC LIMIT 1);
BEGIN
    IF v.objects = '{}' THEN
        -- one best common ancestor (or none): the merge's own three-way, renames from history included
        RETURN QUERY
        SELECT w.object_key, w.kind, w.conflict_type, w.conflicting_parts, w.base_definition, w.source_definition, w.target_definition
          FROM pggit.three_way(v.tree, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), (SELECT c.tree FROM pggit.commit c WHERE c.id = t),
                               pggit.renames_since(b, s), pggit.renames_since(b, t)) w
         ORDER BY w.object_key;
    ELSE
        -- a virtual base is read in memory; renames are matched by key there (see pggit.three_way_overlay)
        RETURN QUERY
        SELECT w.object_key, w.kind, w.conflict_type, w.conflicting_parts, w.base_definition, w.source_definition, w.target_definition
          FROM pggit.three_way_overlay(v.tree, v.objects, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), '{}',
                                       (SELECT c.tree FROM pggit.commit c WHERE c.id = t), '{}') w
         ORDER BY w.object_key;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.detect_merge_conflicts(text, text) IS
    'Dry run of merging source_branch into target_branch (branch names or revisions, as pggit.resolve takes them): one row per object key either side changed since the base the merge would merge from (pggit.merge_base_tree: their merge base''s tree; after criss-cross merges, several best common ancestors, the virtual merge base of git''s recursive strategy, pggit.virtual_merge_base, read in memory; for unrelated histories an empty base), with the definitions at the base, on the source and on the target (null where absent). conflict_type (seed 004''s types, plus BOTH_ADDED): SOURCE_MODIFIED or TARGET_MODIFIED (only one side changed it: it merges that way), NO_CONFLICT (both changed it the same way, or in disjoint parts: pggit.conflicting_parts is empty), BOTH_MODIFIED (both changed the same parts differently, listed in conflicting_parts), DELETED_SOURCE (source dropped what target changed), DELETED_TARGET (target dropped what source changed), BOTH_ADDED (each side added the key with another definition), BOTH_RENAMED (each side renamed the object to another key; object_path is then the base''s key). Renames are known from history (pggit.renames_since on each side: what a capture recorded as a rename, columns included): an object renamed on one side and changed on the other is one object, under the new key, its columns matched under their new names; a column renamed differently on each side is a conflicting part (''column <base name> renamed''). After criss-cross merges (a virtual base, read in memory) renames are matched by key only. Reads only; undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.merged_tree(merge_id bigint) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The target's tree with what the merge takes from elsewhere: the source's side of each object only
-- the source changed, the merged definition of disjoint changes (pggit.merge_definitions), and each
-- conflict as resolved. Writes the merged definitions' blobs and the new tree nodes.
DECLARE
    m pggit.merge;
    edits pggit.tree_edit[];
BEGIN
    SELECT * INTO m FROM pggit.merge x WHERE x.id = merged_tree.merge_id;
    WITH w AS (SELECT * FROM pggit.three_way(m.base_tree,
                                             (SELECT c.tree FROM pggit.commit c WHERE c.id = m.source_commit),
                                             (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit),
                                             m.source_renames, m.target_renames)),
         -- where each object goes (its path in the merged tree; null: not there) and its blob
         e AS (SELECT w.target_path,
                      w.target_hash,
                      CASE WHEN x.resolution IN ('source', 'target') AND w.conflict_type = 'BOTH_MODIFIED' AND x.conflict_type = 'BOTH_MODIFIED'
                                THEN pggit.tree_path(w.schema_name, w.kind, w.object_key)
                           WHEN x.resolution = 'source' THEN w.source_path
                           WHEN x.resolution = 'base' THEN w.base_path
                           WHEN x.id IS NOT NULL THEN w.target_path        -- resolved for the target, or still open
                           WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_path
                           WHEN w.conflict_type = 'NO_CONFLICT' AND (w.source_hash IS DISTINCT FROM w.target_hash OR w.source_path IS DISTINCT FROM w.target_path)
                                THEN pggit.tree_path(w.schema_name, w.kind, w.object_key)
                           ELSE w.target_path END AS path,
                      CASE WHEN x.resolution IN ('source', 'target') AND w.conflict_type = 'BOTH_MODIFIED' AND x.conflict_type = 'BOTH_MODIFIED'
                                -- only the parts both changed take the chosen side; the rest merges as disjoint changes do
                                THEN pggit.put_blob(pggit.merge_definitions(
                                         pggit.align_columns(w.base_definition, '{}', f.pref),
                                         pggit.align_columns(w.source_definition, w.source_columns, f.pref),
                                         pggit.align_columns(w.target_definition, w.target_columns, f.pref), x.resolution = 'target'))
                           WHEN x.resolution = 'manual_ddl' THEN x.manual_hash  -- the definition the manual DDL gave (null: dropped)
                           WHEN x.resolution = 'source' THEN w.source_hash
                           WHEN x.resolution = 'base' THEN w.base_hash
                           WHEN x.id IS NOT NULL THEN w.target_hash
                           WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_hash
                           WHEN w.conflict_type = 'NO_CONFLICT' AND w.source_hash IS DISTINCT FROM w.target_hash
                                THEN pggit.put_blob(pggit.merge_definitions(
                                         pggit.align_columns(w.base_definition, '{}', f.src),
                                         pggit.align_columns(w.source_definition, w.source_columns, f.src),
                                         pggit.align_columns(w.target_definition, w.target_columns, f.src)))
                           ELSE w.target_hash END AS hash,
                      -- {base column: merged name} where a side renamed columns
                      CASE WHEN x.resolution IN ('source', 'target') AND w.conflict_type = 'BOTH_MODIFIED' AND x.conflict_type = 'BOTH_MODIFIED' THEN f.pref
                           WHEN x.resolution = 'source' OR (x.id IS NULL AND w.conflict_type = 'SOURCE_MODIFIED') THEN w.source_columns
                           WHEN x.resolution = 'base' THEN NULL
                           WHEN x.id IS NOT NULL THEN w.target_columns
                           WHEN w.conflict_type = 'NO_CONFLICT' AND w.source_hash IS DISTINCT FROM w.target_hash THEN f.src
                           ELSE w.target_columns END AS mcols,
                      w.target_columns AS tcols
                 FROM w LEFT JOIN pggit.merge_conflict x ON x.merge_id = m.id AND x.object_key = w.object_key
                 CROSS JOIN LATERAL (SELECT pggit.final_columns(w.source_columns, w.target_columns) AS src,
                                            pggit.final_columns(w.source_columns, w.target_columns, x.resolution = 'target') AS pref) f),
         -- what the plan from the target's tree must rename rather than drop and create (pggit.merge.renames)
         u AS (UPDATE pggit.merge x
                  SET renames = (SELECT coalesce(jsonb_agg(jsonb_build_object('from', e.target_path[3], 'to', e.path[3], 'columns', c.cols)
                                                           ORDER BY e.path[3]), '[]')
                                   FROM e CROSS JOIN LATERAL (
                                        SELECT coalesce(jsonb_object_agg(coalesce(e.tcols ->> k.k, k.k), coalesce(e.mcols ->> k.k, k.k)), '{}') AS cols
                                          FROM (SELECT jsonb_object_keys(coalesce(e.tcols, '{}')) UNION SELECT jsonb_object_keys(coalesce(e.mcols, '{}'))) k(k)
                                         WHERE coalesce(e.tcols ->> k.k, k.k) <> coalesce(e.mcols ->> k.k, k.k)) c
                                  WHERE e.target_path IS NOT NULL AND e.path IS NOT NULL AND e.hash IS NOT NULL
                                    AND (e.path IS DISTINCT FROM e.target_path OR c.cols <> '{}'))
                WHERE x.id = m.id)
    SELECT array_agg(q.ed ORDER BY (q.ed).hash IS NOT NULL)   -- removals first: a rename's new path may be another's old one
      INTO edits
      FROM (SELECT ROW(e.target_path, NULL)::pggit.tree_edit AS ed FROM e
             WHERE e.target_path IS NOT NULL AND (e.path IS DISTINCT FROM e.target_path OR e.hash IS NULL)
            UNION ALL
            SELECT ROW(e.path, e.hash)::pggit.tree_edit FROM e
             WHERE e.path IS NOT NULL AND e.hash IS NOT NULL
               AND (e.path IS DISTINCT FROM e.target_path OR e.hash IS DISTINCT FROM e.target_hash)) q(ed);
    RETURN pggit.write_tree((SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit), edits);
END
$$;
COMMENT ON FUNCTION pggit.merged_tree(bigint) IS
    'Plumbing of the merge: writes and returns the merged tree of merge merge_id, and records in pggit.merge.renames what the plan from the target''s tree renames (objects: from the target''s key to the merged key; columns: {target''s name: merged name}) rather than dropping and creating. The target''s tree, with each object under its merged key (renamed on one side: that side''s new key; pggit.three_way), with each object only the source changed as the source has it, each object both changed in disjoint parts as pggit.merge_definitions merges it, and each conflict as resolved: a BOTH_MODIFIED one resolved for the source or the target takes that side''s value of the parts both changed and merges the rest (pggit.merge_definitions with prefer_target); one resolved with manual_ddl its manual_hash (absent when null); any other takes the chosen side''s whole definition (base: the base''s); an open one the target''s. Merges from the merge''s base_tree (its base commit''s tree, or a virtual merge base). Raises nothing itself; callers check that no conflict is open.';

CREATE OR REPLACE FUNCTION pggit.put_blob(definition jsonb) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h text := pggit.sha256_hex(definition::text);
BEGIN
    IF definition IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO pggit.blob (hash, definition) VALUES (h, definition) ON CONFLICT (hash) DO NOTHING;
    RETURN h;
END
$$;
COMMENT ON FUNCTION pggit.put_blob(jsonb) IS 'Plumbing: stores one definition under the hex SHA-256 of its JSON text (as a capture does) and returns that hash; null for null.';

CREATE OR REPLACE FUNCTION pggit.three_way_overlay(base_tree text, base_overlay jsonb, source_tree text, source_overlay jsonb,
                                                  target_tree text, target_overlay jsonb)
    RETURNS TABLE (object_key text, kind text, schema_name text, conflict_type text, conflicting_parts text[],
                   base_hash text, source_hash text, target_hash text,
                   base_definition jsonb, source_definition jsonb, target_definition jsonb)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- pggit.three_way over trees that are a stored tree plus an overlay of objects not stored (a virtual
-- merge base, pggit.virtual_merge_base): the overlay's keys and the stored trees' diffs from the
-- base's stored tree are the candidates (cost follows those, as three_way's does); an object in
-- neither diff is the same in the three stored trees. The classification is three_way's.
WITH ds AS (SELECT * FROM pggit.diff_trees(base_tree, source_tree)),
     dt AS (SELECT * FROM pggit.diff_trees(base_tree, target_tree)),
     ov AS (SELECT e.key AS object_key, e.value ->> 'kind' AS kind, e.value ->> 'schema' AS schema_name
              FROM jsonb_each(coalesce(base_overlay, '{}') || coalesce(source_overlay, '{}') || coalesce(target_overlay, '{}')) e),
     u AS (SELECT ds.object_key FROM ds UNION SELECT dt.object_key FROM dt UNION SELECT ov.object_key FROM ov),
     r AS (SELECT u.object_key, coalesce(x.kind, y.kind, v.kind) AS kind, coalesce(x.schema_name, y.schema_name, v.schema_name) AS schema_name,
                  x.object_key IS NOT NULL AS in_x, y.object_key IS NOT NULL AS in_y, x.new_hash AS xn, y.new_hash AS yn,
                  CASE WHEN x.object_key IS NOT NULL OR y.object_key IS NOT NULL THEN coalesce(x.old_hash, y.old_hash)
                       ELSE pggit.tree_lookup(base_tree, pggit.tree_path(v.schema_name, v.kind, v.object_key)) END AS rb
             FROM u LEFT JOIN ds x ON x.object_key = u.object_key LEFT JOIN dt y ON y.object_key = u.object_key
             LEFT JOIN ov v ON v.object_key = u.object_key),
     -- each side's hash and definition: the overlay's where it has the key, else the stored tree's
     h AS (SELECT r.object_key, r.kind, r.schema_name,
                  CASE WHEN base_overlay ? r.object_key THEN base_overlay -> r.object_key ->> 'hash' ELSE r.rb END AS bh,
                  CASE WHEN source_overlay ? r.object_key THEN source_overlay -> r.object_key ->> 'hash'
                       WHEN r.in_x THEN r.xn ELSE r.rb END AS sh,
                  CASE WHEN target_overlay ? r.object_key THEN target_overlay -> r.object_key ->> 'hash'
                       WHEN r.in_y THEN r.yn ELSE r.rb END AS th,
                  nullif(base_overlay -> r.object_key -> 'definition', 'null') AS bo,
                  nullif(source_overlay -> r.object_key -> 'definition', 'null') AS so,
                  nullif(target_overlay -> r.object_key -> 'definition', 'null') AS tov
             FROM r),
     d AS (SELECT h.object_key, h.kind, h.schema_name, h.bh, h.sh, h.th,
                  h.sh IS DISTINCT FROM h.bh AS in_source, h.th IS DISTINCT FROM h.bh AS in_target,
                  coalesce(h.bo, bb.definition) AS bd, coalesce(h.so, sb.definition) AS sd, coalesce(h.tov, tb.definition) AS td
             FROM h
             LEFT JOIN pggit.blob bb ON bb.hash = h.bh AND h.bo IS NULL
             LEFT JOIN pggit.blob sb ON sb.hash = h.sh AND h.so IS NULL
             LEFT JOIN pggit.blob tb ON tb.hash = h.th AND h.tov IS NULL
            WHERE h.sh IS DISTINCT FROM h.bh OR h.th IS DISTINCT FROM h.bh)
SELECT d.object_key, d.kind, d.schema_name,
       pggit.conflict_type(d.in_source, d.in_target, d.bh, d.sh, d.th, false, p.parts),
       coalesce(p.parts, '{}'::text[]),
       d.bh, d.sh, d.th, d.bd, d.sd, d.td
  FROM d
  LEFT JOIN LATERAL (SELECT pggit.conflicting_parts(d.bd, d.sd, d.td) AS parts) p
    ON d.in_source AND d.in_target AND d.sh IS DISTINCT FROM d.th AND d.bh IS NOT NULL AND d.sh IS NOT NULL AND d.th IS NOT NULL
$$;
COMMENT ON FUNCTION pggit.three_way_overlay(text, jsonb, text, jsonb, text, jsonb) IS
    'Plumbing of the merge: pggit.three_way''s rows (the same columns and conflict types) for a base, source and target that are each a stored tree (null: empty) plus an overlay (null or {}: none): a jsonb object of object key -> {kind, schema, hash, definition} standing for objects that are not stored (hash: the hex SHA-256 of the definition''s JSON text, as pggit.put_blob stores it; hash and definition null: absent). pggit.virtual_merge_base gives such a base; the dry run of a criss-cross merge (pggit.detect_merge_conflicts) reads it through this without writing it. Renames are matched by object key only.';

CREATE OR REPLACE FUNCTION pggit.with_base_parts(merged jsonb, base jsonb, parts text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
    -- parts as pggit.conflicting_parts names them: top-level properties, and 'column <name>'
    WITH props AS (SELECT p.p FROM unnest(parts) p(p) WHERE NOT starts_with(p.p, 'column ')),
         cols AS (SELECT substr(p.p, 8) AS name FROM unnest(parts) p(p) WHERE starts_with(p.p, 'column ')),
         o AS (SELECT (merged - ARRAY(SELECT props.p FROM props))
                      || coalesce((SELECT jsonb_object_agg(props.p, base -> props.p) FROM props WHERE base ? props.p), '{}') AS d)
    SELECT CASE WHEN merged IS NULL THEN NULL
                WHEN NOT EXISTS (SELECT 1 FROM cols) THEN o.d
                ELSE o.d || jsonb_build_object('columns', coalesce((
                     SELECT jsonb_agg(x.c ORDER BY x.ord)
                       FROM (-- merged's columns in its order, a conflicting one as base has it (gone where base lacks it)
                             SELECT CASE WHEN mc.c ->> 'name' IN (SELECT cols.name FROM cols) THEN bc.c ELSE mc.c END AS c, mc.ord
                               FROM jsonb_array_elements(coalesce(o.d -> 'columns', '[]')) WITH ORDINALITY mc(c, ord)
                               LEFT JOIN LATERAL (SELECT b.c FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) b(c)
                                                   WHERE b.c ->> 'name' = mc.c ->> 'name') bc ON true
                             UNION ALL
                             -- then base's conflicting columns merged lacks (one side dropped what the other changed)
                             SELECT b.c, 1000000000 + b.ord
                               FROM jsonb_array_elements(coalesce(base -> 'columns', '[]')) WITH ORDINALITY b(c, ord)
                              WHERE b.c ->> 'name' IN (SELECT cols.name FROM cols)
                                AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(o.d -> 'columns', '[]')) m(c)
                                                 WHERE m.c ->> 'name' = b.c ->> 'name')) x
                      WHERE x.c IS NOT NULL), '[]')) END
      FROM o);
COMMENT ON FUNCTION pggit.with_base_parts(jsonb, jsonb, text[]) IS
    'Plumbing of the virtual merge base (pggit.virtual_merge_base): definition merged with each of parts (as pggit.conflicting_parts names them: a top-level property, or ''column <name>'') as base has it instead: a property base lacks is removed; a column is replaced by base''s (in merged''s column order), removed where base lacks it, appended (in base''s order) where merged lacks it. Null for a null merged.';

CREATE OR REPLACE FUNCTION pggit.virtual_merge_base(bases text[], OUT tree text, OUT objects jsonb)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Git's recursive strategy for the base of a merge, computed without writing anything: the best
-- common ancestors, oldest first (generation, then commit order), merged one by one into the
-- merge of those before (the target) from the merge base of the two (the best common ancestors of
-- the bases merged so far and the next, itself a virtual base when there are several: recursion
-- down the history, which ends at a single base or none).
-- A virtual merge's own rules, per object: one side changed it, it takes that side; both the same
-- way, that; both in disjoint parts, pggit.merge_definitions; both the same parts differently
-- (BOTH_MODIFIED), the merged definition with those parts as the bases' own merge base has them
-- (pggit.with_base_parts); dropped on one side and changed on the other (DELETED_SOURCE,
-- DELETED_TARGET), the merge base's version (as git's recursive merge keeps the original of a
-- modify/delete conflict in a virtual base); added differently on both (BOTH_ADDED), absent. Git
-- writes conflict markers around the conflicting lines of the virtual base's file instead; a
-- definition has no markers, and the older version makes both sides' changes to those parts show
-- as changes against it, so the merge reports the conflict again (or nothing when both sides
-- resolved it alike) rather than taking one base's side silently.
DECLARE
    ordered text[] := ARRAY(SELECT c.id FROM pggit.commit c WHERE c.id = ANY (bases) ORDER BY c.generation, c.seq);
    inner_bases text[];
    ib record;
    next_tree text;
BEGIN
    objects := '{}';
    IF coalesce(cardinality(ordered), 0) = 0 THEN
        RETURN;   -- unrelated histories: the empty tree
    END IF;
    tree := (SELECT c.tree FROM pggit.commit c WHERE c.id = ordered[1]);
    FOR i IN 2 .. cardinality(ordered) LOOP
        -- the best common ancestors of the bases merged so far and the next: of each one's with it,
        -- those that are no ancestor of another
        inner_bases := ARRAY(SELECT DISTINCT x.x FROM unnest(ordered[1:i - 1]) m(m)
                              CROSS JOIN LATERAL unnest((pggit.paint_down(m.m, ordered[i])).merge_bases) x(x));
        inner_bases := ARRAY(SELECT x.x FROM unnest(inner_bases) x(x)
                              WHERE NOT EXISTS (SELECT 1 FROM unnest(inner_bases) y(y)
                                                 WHERE y.y <> x.x AND (pggit.paint_down(x.x, y.y)).merge_bases = ARRAY[x.x]));
        ib := pggit.virtual_merge_base(inner_bases);
        next_tree := (SELECT c.tree FROM pggit.commit c WHERE c.id = ordered[i]);
        objects := objects || coalesce((
            SELECT jsonb_object_agg(w.object_key, jsonb_build_object('kind', w.kind, 'schema', w.schema_name, 'hash', v.hash, 'definition', v.definition))
              FROM pggit.three_way_overlay(ib.tree, ib.objects, next_tree, '{}', tree, objects) w
             CROSS JOIN LATERAL (SELECT CASE WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_definition
                                             WHEN w.conflict_type = 'NO_CONFLICT'
                                                  THEN pggit.merge_definitions(w.base_definition, w.source_definition, w.target_definition)
                                             WHEN w.conflict_type = 'BOTH_MODIFIED'
                                                  THEN pggit.with_base_parts(pggit.merge_definitions(w.base_definition, w.source_definition, w.target_definition),
                                                                             w.base_definition, w.conflicting_parts)
                                             ELSE w.base_definition END AS definition) m
             CROSS JOIN LATERAL (SELECT CASE WHEN w.conflict_type IN ('NO_CONFLICT', 'BOTH_MODIFIED') THEN pggit.sha256_hex(m.definition::text)
                                             WHEN w.conflict_type = 'SOURCE_MODIFIED' THEN w.source_hash
                                             ELSE w.base_hash END AS hash, m.definition) v
             -- what the target (the bases merged so far) has already is not an edit
             WHERE w.conflict_type <> 'TARGET_MODIFIED' AND (w.conflict_type <> 'NO_CONFLICT' OR w.source_hash IS DISTINCT FROM w.target_hash)),
            '{}');
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.virtual_merge_base(text[]) IS
    'Plumbing of the merge: the base a merge of commits whose best common ancestors are bases (commit ids, as pggit.merge_bases lists them) merges from, without writing it: tree (the oldest base''s tree; null for none) and objects (the objects the virtual base has otherwise, as pggit.three_way_overlay takes them; {} for a single base). Several bases are merged as git''s recursive strategy does: oldest first (generation, then commit order), each into the merge of those before from their own merge base (recursively a virtual one). Per object a side''s change, both sides'' same change or disjoint changes (pggit.merge_definitions) merge; where the bases conflict, the virtual base has their own merge base''s version: of the parts both changed differently (BOTH_MODIFIED: the rest merges, pggit.with_base_parts), or of the whole object (DELETED_SOURCE, DELETED_TARGET; BOTH_ADDED: absent), so that the merge sees both sides'' changes there against that older version (git keeps conflict markers there; a definition has none).';

CREATE OR REPLACE FUNCTION pggit.merge_base_tree(a text, b text) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The stored form of pggit.virtual_merge_base: its overlay written as blobs and tree nodes onto its
-- tree. Callers read the result in a later statement (STABLE readers see only what was written
-- before their statement began).
DECLARE
    v record;
BEGIN
    v := pggit.virtual_merge_base(ARRAY(SELECT pggit.merge_bases(a, b)));
    IF v.objects = '{}' THEN
        RETURN v.tree;
    END IF;
    PERFORM pggit.put_blob(e.value -> 'definition') FROM jsonb_each(v.objects) e
      WHERE e.value ->> 'hash' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pggit.blob x WHERE x.hash = e.value ->> 'hash');
    RETURN pggit.write_tree(v.tree, ARRAY(SELECT ROW(pggit.tree_path(e.value ->> 'schema', e.value ->> 'kind', e.key), e.value ->> 'hash')::pggit.tree_edit
                                            FROM jsonb_each(v.objects) e));
END
$$;
COMMENT ON FUNCTION pggit.merge_base_tree(text, text) IS
    'Plumbing of pggit.merge_branch: writes and returns the tree a merge of commits a and b (full ids) merges from (pggit.merge.base_tree): their merge base''s tree when they have one best common ancestor; after criss-cross merges (several) the virtual merge base of pggit.virtual_merge_base, its merged definitions stored as blobs and its tree nodes written; null when they share no history (an empty base).';

CREATE OR REPLACE FUNCTION pggit.broken_dependencies(base_tree text, source_tree text, target_tree text, merged_tree text,
                                                     source_renames jsonb DEFAULT NULL, target_renames jsonb DEFAULT NULL)
    RETURNS TABLE (object_key text, kind text, schema_name text, relation_key text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The relations a side had under a key the merged tree does not have (one side dropped or renamed
-- it), then what the merged tree keeps on each of them: its key is <kind>:<relation identity>.<name>
-- (pggit.read_indexes, read_constraints, read_triggers, read_policies, read_rules), found below that
-- kind's node of the relation's schema.
SELECT o.object_key, k.kind, d.schema_name, d.object_key
  FROM (SELECT DISTINCT p.path[3] AS object_key, p.path[1] AS schema_name
          FROM pggit.three_way(base_tree, source_tree, target_tree, source_renames, target_renames) w
         CROSS JOIN LATERAL (VALUES (w.base_path), (w.source_path), (w.target_path)) p(path)
         WHERE w.kind IN ('table', 'view', 'materialized_view', 'foreign_table') AND p.path IS NOT NULL
           AND pggit.tree_lookup(merged_tree, p.path) IS NULL) d
 CROSS JOIN unnest(ARRAY['index', 'constraint', 'trigger', 'policy', 'rule']) k(kind)
 CROSS JOIN LATERAL pggit.subtree_objects(pggit.tree_lookup(merged_tree, ARRAY[d.schema_name, k.kind])) o
 WHERE starts_with(o.object_key, k.kind || ':' || pggit.key_identity(d.object_key) || '.')
$$;
COMMENT ON FUNCTION pggit.broken_dependencies(text, text, text, text, jsonb, jsonb) IS
    'The dependencies a merge breaks, found in its merged tree: each index, constraint, trigger, policy or rule that merged_tree keeps on a relation (table, view, materialized view, foreign table) under a key merged_tree no longer has (one side dropped the table and the other indexed it; or one side renamed it and the other added a trigger on the old name), with the relation''s key. source_renames, target_renames: as pggit.three_way takes them. Other dependencies (a view''s query, a routine''s body, an index on a column the other side dropped) are not read from definitions: applying the merged plan finds them (Pggit.merge: the merge rolls back with PostgreSQL''s error).';

CREATE OR REPLACE FUNCTION pggit.merge_status_check(m pggit.merge) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch) IS DISTINCT FROM m.target_commit THEN
        RAISE EXCEPTION 'pggit: branch % moved since merge % began (it was at %, it is at %)', m.target_branch, m.id,
              left(m.target_commit, 12), left((SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch), 12)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Abort it (pggit.abort_merge(%s)) and merge again: SELECT * FROM pggit.merge_branch(%L, %L).', m.id, m.source_branch, m.target_branch);
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.merge_status_check(pggit.merge) IS 'Raises object_not_in_prerequisite_state when the merge''s target branch no longer points at the commit the merge began from.';

CREATE OR REPLACE FUNCTION pggit.write_commit(tree text, parents text[], origin text, message text, branch text) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- A commit of a tree the store already has (a merge's, a rollback's): no catalog read. Its change
-- rows are the diff from its first parent's tree, as a capture's are.
DECLARE
    ts timestamptz := clock_timestamp();
    who text := session_user::text;
    cid text := pggit.sha256_hex(pggit.commit_hash_text(tree, parents, who, ts, origin, message));
BEGIN
    INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message)
    VALUES (cid, write_commit.tree, write_commit.parents, who, ts, write_commit.origin, write_commit.message);
    INSERT INTO pggit.change (commit_id, object_key, identity, kind, change, old_hash, new_hash)
    SELECT cid, d.object_key, pggit.key_identity(d.object_key), d.kind, d.change, d.old_hash, d.new_hash
      FROM pggit.diff_trees((SELECT c.tree FROM pggit.commit c WHERE c.id = write_commit.parents[1]), write_commit.tree) d;
    UPDATE pggit.ref r SET commit_id = cid WHERE r.name = write_commit.branch;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.write_commit(text, text[], text, text, text) IS 'Plumbing: writes a commit of tree (already in the store) with parents, origin and message by session_user, its change rows (the diff from the first parent''s tree; renames show as a delete and an add), and moves branch to it; returns its id. Reads no catalog and touches no index: for a branch that is not checked out, or whose tree the live catalog already has.';

CREATE OR REPLACE FUNCTION pggit.write_merge_commit(merge_id bigint) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The merge commit, written straight into the store: for a target that is not checked out, or whose
-- live catalog already has the merged tree (it equals the target's own tree).
DECLARE
    m pggit.merge;
    cid text;
BEGIN
    SELECT * INTO m FROM pggit.merge x WHERE x.id = write_merge_commit.merge_id;
    cid := pggit.write_commit(m.merged_tree, ARRAY[m.target_commit, m.source_commit], 'merge', m.message, m.target_branch);
    -- its renames as a capture would record them (the next merge follows them: pggit.renames_since):
    -- the add of the new key becomes a rename from the old one, whose delete goes
    UPDATE pggit.change x
       SET change = CASE WHEN d.object_key IS NOT NULL THEN 'R' ELSE x.change END,
           old_key = d.object_key,
           old_hash = coalesce(d.old_hash, x.old_hash),
           detail = CASE WHEN r -> 'columns' <> '{}' THEN coalesce(x.detail, '{}') || jsonb_build_object('renamed_columns', r -> 'columns') ELSE x.detail END
      FROM jsonb_array_elements(m.renames) r
      LEFT JOIN pggit.change d ON d.commit_id = cid AND d.change = 'D' AND d.object_key = r ->> 'from' AND r ->> 'from' <> r ->> 'to'
     WHERE x.commit_id = cid AND x.object_key = r ->> 'to' AND x.change IN ('A', 'M')
       AND (d.object_key IS NOT NULL OR r -> 'columns' <> '{}');
    DELETE FROM pggit.change x
     WHERE x.commit_id = cid AND x.change = 'D'
       AND x.object_key IN (SELECT y.old_key FROM pggit.change y WHERE y.commit_id = cid AND y.change = 'R');
    UPDATE pggit.merge x SET status = 'completed', merge_commit = cid, completed_by = session_user, completed_at = clock_timestamp() WHERE x.id = m.id;
    IF m.merge_request_id IS NOT NULL THEN
        PERFORM pggit.mark_merge_request_merged(m.merge_request_id, m.id);
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.write_merge_commit(bigint) IS 'Plumbing of pggit.complete_merge: writes the merge commit of a ready merge (tree: its merged tree; parents: the target''s head, then the source''s), advances the target branch, marks the merge completed, returns the commit id. Touches neither the catalog nor the index: only for a target that is not checked out or whose live catalog already has that tree.';

CREATE OR REPLACE FUNCTION pggit.merge_branch(source_branch text, target_branch text DEFAULT NULL,
                                              merge_strategy text DEFAULT 'recursive', message text DEFAULT NULL)
    RETURNS TABLE (merge_id bigint, merge_commit_sha text, conflicts boolean, conflict_objects text[], status text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- git merge --no-ff, three-way per object key (pggit.three_way). The merge record and its
-- conflict rows are written in any case; without an open conflict the merge completes
-- (pggit.complete_merge) as far as SQL can: see there.
DECLARE
    tgt text := coalesce(merge_branch.target_branch, (SELECT h.branch FROM pggit.head h));
    s text := pggit.resolve(source_branch);
    t text;
    b text;
    mid bigint;
    mc text;
    mst text;
    mr uuid;
    bt text;
    provisional text;
    open_keys text[];
BEGIN
    IF merge_strategy IS NULL OR merge_strategy NOT IN ('recursive', 'ours', 'theirs') THEN
        RAISE EXCEPTION 'pggit: merge_strategy must be recursive, ours or theirs, not "%"', merge_strategy
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));   -- with the commit writer: the target does not move meanwhile
    t := (SELECT r.commit_id FROM pggit.ref r WHERE r.name = tgt);
    IF t IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch named "%" to merge into', tgt USING ERRCODE = 'undefined_object',
              HINT = 'The target of a merge is a branch: SELECT * FROM pggit.list_branches().';
    END IF;
    b := pggit.find_merge_base(s, t);
    IF s = t OR b = s THEN
        INSERT INTO pggit.merge (source_branch, target_branch, source_commit, target_commit, base_commit, base_tree, strategy, status, message,
                                 completed_by, completed_at)
        VALUES (merge_branch.source_branch, tgt, s, t, s, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), merge_strategy, 'up_to_date',
                coalesce(merge_branch.message, format('Merge %s into %s', merge_branch.source_branch, tgt)), session_user, clock_timestamp())
        RETURNING id INTO mid;
        RAISE NOTICE 'pggit: % is already in % (merge %): nothing to merge', merge_branch.source_branch, tgt, mid;
        RETURN QUERY SELECT mid, NULL::text, false, '{}'::text[], 'up_to_date'::text;
        RETURN;
    END IF;
    mr := pggit.merge_gate(merge_branch.source_branch, tgt);   -- refused here when merges need an approved request
    -- the tree the three-way merges from: b's, or after criss-cross merges a virtual merge base
    -- (written here, in a statement of its own, so that the readers below see its nodes)
    bt := pggit.merge_base_tree(s, t);
    INSERT INTO pggit.merge (source_branch, target_branch, source_commit, target_commit, base_commit, base_tree, strategy, status, message, merge_request_id,
                             source_renames, target_renames)
    VALUES (merge_branch.source_branch, tgt, s, t, b, bt, merge_strategy, 'conflicts',
            coalesce(merge_branch.message, format('Merge %s into %s', merge_branch.source_branch, tgt)), mr,
            pggit.renames_since(b, s), pggit.renames_since(b, t))
    RETURNING id INTO mid;
    INSERT INTO pggit.merge_conflict (merge_id, object_key, kind, schema_name, conflict_type, conflicting_parts, base_hash, source_hash, target_hash,
                                      resolution, reason, resolved_by, resolved_at)
    SELECT mid, w.object_key, w.kind, w.schema_name, w.conflict_type, w.conflicting_parts, w.base_hash, w.source_hash, w.target_hash,
           CASE merge_strategy WHEN 'ours' THEN 'target' WHEN 'theirs' THEN 'source' END,
           CASE WHEN merge_strategy <> 'recursive' THEN format('merge strategy %s', merge_strategy) END,
           CASE WHEN merge_strategy <> 'recursive' THEN session_user END,
           CASE WHEN merge_strategy <> 'recursive' THEN clock_timestamp() END
      FROM pggit.merge m
     CROSS JOIN LATERAL pggit.three_way(bt, (SELECT c.tree FROM pggit.commit c WHERE c.id = s), (SELECT c.tree FROM pggit.commit c WHERE c.id = t),
                                        m.source_renames, m.target_renames) w
     WHERE m.id = mid AND w.conflict_type IN ('BOTH_MODIFIED', 'DELETED_SOURCE', 'DELETED_TARGET', 'BOTH_ADDED', 'BOTH_RENAMED');
    -- a dependency the merge breaks, in the tree it would give with each open conflict kept as the target has it
    -- (written first, in a statement of its own: the STABLE readers below see only what was written before theirs began)
    provisional := pggit.merged_tree(mid);
    INSERT INTO pggit.merge_conflict (merge_id, object_key, kind, schema_name, conflict_type, conflicting_parts, base_hash, source_hash, target_hash,
                                      resolution, reason, resolved_by, resolved_at)
    SELECT mid, d.object_key, d.kind, d.schema_name, 'DEPENDENCY', ARRAY['relation ' || d.relation_key],
           pggit.tree_lookup(bt, p.path), pggit.tree_lookup(st.tree, p.path), pggit.tree_lookup(tt.tree, p.path),
           NULL, NULL, NULL, NULL
      FROM (SELECT c.tree FROM pggit.commit c WHERE c.id = s) st
     CROSS JOIN (SELECT c.tree FROM pggit.commit c WHERE c.id = t) tt
     CROSS JOIN (SELECT x.source_renames, x.target_renames FROM pggit.merge x WHERE x.id = mid) rn
     CROSS JOIN LATERAL pggit.broken_dependencies(bt, st.tree, tt.tree, provisional, rn.source_renames, rn.target_renames) d
     CROSS JOIN LATERAL (SELECT pggit.tree_path(d.schema_name, d.kind, d.object_key) AS path) p
    ON CONFLICT ON CONSTRAINT merge_conflict_merge_id_object_key_key DO NOTHING;
    open_keys := ARRAY(SELECT x.object_key FROM pggit.merge_conflict x WHERE x.merge_id = mid AND x.resolution IS NULL ORDER BY x.object_key);
    IF cardinality(open_keys) > 0 THEN
        RETURN QUERY SELECT mid, NULL::text, true, open_keys, 'conflicts'::text;
        RETURN;
    END IF;
    -- no open conflict: the provisional tree is the merged tree, checked for broken dependencies above
    SELECT c.merge_commit, c.status INTO mc, mst FROM pggit.finish_merge(mid, provisional) c;
    RETURN QUERY SELECT mid, mc, EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = mid),
                        ARRAY(SELECT x.object_key FROM pggit.merge_conflict x WHERE x.merge_id = mid ORDER BY x.object_key), mst;
END
$$;
COMMENT ON FUNCTION pggit.merge_branch(text, text, text, text) IS
    'Merges source_branch (a branch or revision) into target_branch (a branch; default: the checked-out one) three-way from the tree of their merge base (pggit.merge.base_tree, pggit.merge_base_tree; base_commit: pggit.find_merge_base''s best common ancestor), or, after criss-cross merges left several best common ancestors, from a virtual merge base as git''s recursive strategy makes it (the bases merged recursively; where they conflict, the version of their own merge base: pggit.virtual_merge_base), per object key, tables per column and per property (pggit.three_way), plus a DEPENDENCY conflict for each object the merged tree would keep on a relation it drops (pggit.broken_dependencies). Returns merge_id (pggit.merge), merge_commit_sha (null until written), conflicts (whether any object conflicted), conflict_objects (their keys) and status (pggit.merge.status). merge_strategy: recursive (conflicts wait as rows: pggit.get_conflicts_by_type, resolve_conflict, resolve_conflicts_batch, then complete_merge), ours / theirs (every conflict resolved for the target / the source, recorded on the conflict rows). Without an open conflict the merge completes (pggit.complete_merge): the merge commit (two parents, no fast-forward) is written at once when the target is not checked out or its tree does not change; otherwise the status is ready until the live catalog reaches the merged tree (Pggit.merge, mvn pggit:merge, or the merge written as a migration and run). Source already in target: status up_to_date, nothing written. When merges need an approved merge request (pggit.merge_gate) refused without one. Errors: undefined_object (unknown branch or revision), invalid_parameter_value (strategy).';

CREATE OR REPLACE FUNCTION pggit.finish_merge(merge_id bigint, merged_tree text)
    RETURNS TABLE (merge_commit text, status text)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The step complete_merge and merge_branch share once the merged tree is known and checked (no
-- open conflict, no broken dependency): the merge is ready, and its commit is written where it can be.
DECLARE
    m pggit.merge;
    checked_out boolean;
    cid text;
BEGIN
    SELECT * INTO m FROM pggit.merge x WHERE x.id = finish_merge.merge_id;
    m.merged_tree := finish_merge.merged_tree;
    UPDATE pggit.merge x SET status = 'ready', merged_tree = m.merged_tree WHERE x.id = m.id;
    checked_out := (SELECT h.branch FROM pggit.head h) = m.target_branch;
    IF NOT checked_out OR m.merged_tree = (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit) THEN
        cid := pggit.write_merge_commit(m.id);
        RETURN QUERY SELECT cid, 'completed'::text;
        RETURN;
    END IF;
    -- the checked-out target: the live catalog must reach the merged tree first. When it has (the
    -- plan was applied in this transaction), a full capture writes the merge commit: the commit
    -- writer takes the source as second parent of a commit whose tree is a ready merge's.
    cid := pggit.commit_changes(m.message, 'merge', NULL, NULL, true);
    IF cid IS NOT NULL AND (SELECT x.merge_commit FROM pggit.merge x WHERE x.id = m.id) = cid THEN
        RETURN QUERY SELECT cid, 'completed'::text;
        RETURN;
    END IF;
    IF cid IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: the live catalog of % is not the merged tree of merge %', m.target_branch, m.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = (SELECT string_agg(d.change || ' ' || d.object_key, ', ' ORDER BY d.object_key)
                              FROM pggit.diff_trees(m.merged_tree, (SELECT c.tree FROM pggit.commit c WHERE c.id = cid)) d),
                  HINT = 'Apply the merge with Pggit.merge or mvn pggit:merge (they plan and run the DDL), or write it as a migration (mvn pggit:merge -Dpggit.flywayMigration=<dir>).';
    END IF;
    RAISE NOTICE 'pggit: merge % is ready: the live catalog of % must change to the merged tree; apply it with Pggit.merge / mvn pggit:merge, or write it as a migration (-Dpggit.flywayMigration); its capture becomes the merge commit', m.id, m.target_branch;
    RETURN QUERY SELECT NULL::text, 'ready'::text;
END
$$;
COMMENT ON FUNCTION pggit.finish_merge(bigint, text) IS
    'Plumbing of pggit.complete_merge and pggit.merge_branch, for a merge whose merged tree (merged_tree) has no open conflict and no broken dependency: marks it ready with that tree and writes the merge commit at once when the target is not checked out or its tree does not change; on the checked-out target from a full capture when the live catalog has the merged tree already, else leaves it ready (a NOTICE says what to run). Returns the merge commit (null while ready) and the status. Raises object_not_in_prerequisite_state when the live catalog is neither the target''s tree nor the merged tree.';

CREATE OR REPLACE FUNCTION pggit.complete_merge(merge_id bigint, verify_all_resolved boolean DEFAULT true)
    RETURNS TABLE (merge_commit text, status text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m pggit.merge;
    broken text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    SELECT * INTO m FROM pggit.merge x WHERE x.id = complete_merge.merge_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge with id %', complete_merge.merge_id USING ERRCODE = 'undefined_object',
              HINT = 'SELECT * FROM pggit.merge_history lists the merges.';
    END IF;
    IF m.status NOT IN ('conflicts', 'ready') THEN
        RAISE EXCEPTION 'pggit: merge % is %, not waiting to complete', m.id, m.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pggit.merge_status_check(m);
    IF verify_all_resolved AND EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL) THEN
        RAISE EXCEPTION 'pggit: merge % has % open conflicts (%)', m.id,
              (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL),
              (SELECT string_agg(x.object_key, ', ' ORDER BY x.object_key) FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Resolve them: SELECT * FROM pggit.get_conflicts_by_type(%s), then pggit.resolve_conflict(conflict_id, ''source'' | ''target'' | ''base'', reason) or pggit.resolve_conflicts_batch; or complete_merge(%s, verify_all_resolved => false) to keep the target''s side of each.', m.id, m.id);
    END IF;
    m.merged_tree := pggit.merged_tree(m.id);   -- its own statement: the STABLE readers below see its nodes
    broken := (SELECT string_agg(d.object_key || ' on ' || d.relation_key, ', ' ORDER BY d.object_key)
                 FROM pggit.broken_dependencies(m.base_tree,
                                                (SELECT c.tree FROM pggit.commit c WHERE c.id = m.source_commit),
                                                (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit), m.merged_tree,
                                                m.source_renames, m.target_renames) d);
    IF broken IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: merge % as resolved keeps objects on relations it drops: %', m.id, broken
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Resolve each DEPENDENCY conflict for the side that does not have the object (or the relation''s conflict for the side that keeps the relation).';
    END IF;
    RETURN QUERY SELECT * FROM pggit.finish_merge(m.id, m.merged_tree);
END
$$;
COMMENT ON FUNCTION pggit.complete_merge(bigint, boolean) IS
    'Completes merge merge_id once its conflicts are resolved (verify_all_resolved => false: an open conflict keeps the target''s side). Computes the merged tree (pggit.merged_tree); writes the merge commit (parents: the target''s head, the source) at once when the target branch is not checked out or the merged tree equals the target''s; on the checked-out target, when the live catalog already has the merged tree (the plan was run in this transaction), writes it from a full capture; otherwise leaves the merge ready (returns status ready, merge_commit null): the DDL is Java''s (Pggit.merge, mvn pggit:merge), or a migration written from the plan completes the merge when its capture has the merged tree. Returns the merge commit and the status. Errors: undefined_object (no such merge), object_not_in_prerequisite_state (not waiting, open conflicts, the target moved since the merge began, or a live catalog that is neither the target''s tree nor the merged tree).';

CREATE OR REPLACE FUNCTION pggit.abort_merge(merge_id bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.merge x SET status = 'aborted', completed_by = session_user, completed_at = clock_timestamp()
     WHERE x.id = abort_merge.merge_id AND x.status IN ('conflicts', 'ready');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge % waiting to complete', abort_merge.merge_id USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.abort_merge(bigint) IS 'git merge --abort: gives up merge merge_id while it has conflicts or is ready (nothing was written to the target); its conflict rows stay as its record. Errors: object_not_in_prerequisite_state when it is not waiting.';

CREATE OR REPLACE FUNCTION pggit.open_merge_conflict(conflict_id uuid) RETURNS pggit.merge_conflict
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- What every resolution checks first, in one place: the conflict exists, its merge still waits
-- with conflicts, and it is not resolved yet. The row is locked until the caller's transaction ends.
DECLARE
    x pggit.merge_conflict;
    st text;
BEGIN
    SELECT * INTO x FROM pggit.merge_conflict c WHERE c.id = open_merge_conflict.conflict_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge conflict with id %', open_merge_conflict.conflict_id USING ERRCODE = 'undefined_object',
              HINT = 'A merge''s conflicts: SELECT conflict_id, object_path FROM pggit.get_conflicts_by_type(<merge id>).';
    END IF;
    st := (SELECT m.status FROM pggit.merge m WHERE m.id = x.merge_id);
    IF st <> 'conflicts' THEN
        RAISE EXCEPTION 'pggit: merge % is %: its conflicts can no longer change', x.merge_id, st USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF x.resolution IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: merge conflict % (%) was resolved at % by % (%)', x.id, x.object_key, x.resolved_at, x.resolved_by, x.resolution
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN x;
END
$$;
COMMENT ON FUNCTION pggit.open_merge_conflict(uuid) IS
    'The open merge conflict conflict_id, locked (FOR UPDATE) until the end of the caller''s transaction: what pggit.resolve_merge_conflict, pggit.resolve_conflict_manually and pggit.record_manual_resolution check first. Errors: undefined_object (no such conflict), object_not_in_prerequisite_state (its merge no longer waits with conflicts, or it is resolved already, naming who resolved it, when and how).';

CREATE OR REPLACE FUNCTION pggit.resolve_merge_conflict(conflict_id uuid, resolution text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r text := CASE resolve_merge_conflict.resolution WHEN 'use_current' THEN 'target' WHEN 'use_tracked' THEN 'source'
                                                     ELSE resolve_merge_conflict.resolution END;
    x pggit.merge_conflict := pggit.open_merge_conflict(resolve_merge_conflict.conflict_id);
BEGIN
    IF r = 'manual_ddl' THEN
        RAISE EXCEPTION 'pggit: resolution manual_ddl takes the DDL to run: resolve merge conflict % (%) with pggit.resolve_conflict_manually', x.id, x.object_key
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('SELECT pggit.resolve_conflict_manually(%L, ddl => ''ALTER ...'', reason => ...) on the checked-out target %s (Java: Pggit.resolveMergeConflictManually).',
                                x.id, (SELECT m.target_branch FROM pggit.merge m WHERE m.id = x.merge_id));
    END IF;
    IF r = 'merge' THEN
        RAISE EXCEPTION 'pggit: merge conflict % (%) cannot be resolved with merge: the parts both sides changed differently (%) do not merge by themselves',
              x.id, x.object_key, coalesce(nullif(array_to_string(x.conflicting_parts, ', '), ''), x.conflict_type)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('The changes to other parts merge already. Take a side for these (source, target or base), or give the DDL that makes the definition you want from the target''s: SELECT pggit.resolve_conflict_manually(%L, ddl => ..., reason => ...).', x.id);
    END IF;
    IF r IS NULL OR r NOT IN ('source', 'target', 'base') THEN
        RAISE EXCEPTION 'pggit: a merge conflict''s resolution is source, target or base (use_tracked = source, use_current = target), not "%"',
              resolve_merge_conflict.resolution USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE pggit.merge_conflict c SET resolution = r, reason = resolve_merge_conflict.reason, resolved_by = session_user, resolved_at = clock_timestamp()
     WHERE c.id = x.id;
    RETURN format('%s: %s takes the %s''s definition%s', x.object_key, x.conflict_type, r,
                  CASE WHEN (CASE r WHEN 'source' THEN x.source_hash WHEN 'target' THEN x.target_hash ELSE x.base_hash END) IS NULL
                       THEN ' (absent there: the merge drops it)' ELSE '' END);
END
$$;
COMMENT ON FUNCTION pggit.resolve_merge_conflict(uuid, text, text) IS
    'Plumbing of pggit.resolve_conflict for the conflicts of a merge: records resolution source, target or base (seed 000''s use_tracked = source, use_current = target) with reason, who and when; returns what the merged tree will take. Errors: undefined_object, invalid_parameter_value (also for manual_ddl, which takes DDL: the message names pggit.resolve_conflict_manually; and merge: the parts both changed do not merge by themselves), object_not_in_prerequisite_state (resolved already, or the merge no longer has conflicts open).';

CREATE OR REPLACE FUNCTION pggit.resolve_conflicts_batch(merge_id bigint, keys text[], choice text, notes text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Atomic: all named conflicts are resolved, or (an error) none.
DECLARE
    missing text[];
    k record;
    n integer := 0;
BEGIN
    missing := ARRAY(SELECT u.k FROM unnest(keys) u(k)
                      WHERE NOT EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = resolve_conflicts_batch.merge_id AND x.object_key = u.k)
                      ORDER BY u.k);
    IF keys IS NULL OR cardinality(keys) = 0 OR cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'pggit: merge % has no conflict on %', resolve_conflicts_batch.merge_id, coalesce(array_to_string(missing, ', '), '(no keys given)')
            USING ERRCODE = 'undefined_object', HINT = format('SELECT object_path FROM pggit.get_conflicts_by_type(%s) lists them.', resolve_conflicts_batch.merge_id);
    END IF;
    FOR k IN SELECT x.id FROM pggit.merge_conflict x WHERE x.merge_id = resolve_conflicts_batch.merge_id AND x.object_key = ANY (keys) ORDER BY x.object_key LOOP
        PERFORM pggit.resolve_merge_conflict(k.id, choice, notes);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflicts_batch(bigint, text[], text, text) IS
    'Resolves the conflicts of merge merge_id on the object keys keys all one way (choice: source, target or base, as pggit.resolve_conflict takes them), with notes as the reason: all or none (an unknown key, a conflict resolved already or a bad choice raises and resolves nothing). Returns how many it resolved.';

CREATE OR REPLACE FUNCTION pggit.get_conflicts_by_type(merge_id bigint, of_type text DEFAULT NULL)
    RETURNS TABLE (conflict_id uuid, object_path text, kind text, conflict_type text, conflicting_parts text[],
                   base_definition jsonb, source_definition jsonb, target_definition jsonb,
                   resolution text, reason text, resolved_by name, resolved_at timestamptz, manual_ddl text, manual_definition jsonb, detail text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT x.id, x.object_key, x.kind, x.conflict_type, x.conflicting_parts, bb.definition, sb.definition, tb.definition,
       x.resolution, x.reason, x.resolved_by, x.resolved_at, x.manual_ddl, mb.definition, x.detail
  FROM pggit.merge_conflict x
  LEFT JOIN pggit.blob bb ON bb.hash = x.base_hash
  LEFT JOIN pggit.blob sb ON sb.hash = x.source_hash
  LEFT JOIN pggit.blob tb ON tb.hash = x.target_hash
  LEFT JOIN pggit.blob mb ON mb.hash = x.manual_hash
 WHERE x.merge_id = get_conflicts_by_type.merge_id
   AND (get_conflicts_by_type.of_type IS NULL OR x.conflict_type = get_conflicts_by_type.of_type)
 ORDER BY x.object_key
$$;
COMMENT ON FUNCTION pggit.get_conflicts_by_type(bigint, text) IS
    'The conflicts of merge merge_id (all, or those of type of_type: BOTH_MODIFIED, DELETED_SOURCE, DELETED_TARGET, BOTH_ADDED, DEPENDENCY), by object key, with the definitions at the base, on the source and on the target (null where absent) and how each was resolved (null: open; manual_ddl: the DDL given to pggit.resolve_conflict_manually and the definition the merged tree takes from it, null when it drops the object).';

CREATE OR REPLACE FUNCTION pggit.record_dependency_conflict(merge_id bigint, object_key text, statement text, detail text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Java tries the plan of a ready merge on the checked-out target in a savepoint (Pggit.merge,
-- completeMerge); a step that fails there is rolled back and recorded here, and the merge waits again.
DECLARE
    m pggit.merge;
    trees text[];
    k text := pggit.key_kind(record_dependency_conflict.object_key);
    sch text;
    old pggit.merge_conflict;
    cid uuid;
BEGIN
    PERFORM pggit.require_text(record_dependency_conflict.object_key, 'object_key');
    PERFORM pggit.require_text(record_dependency_conflict.detail, 'detail');
    SELECT * INTO m FROM pggit.merge x WHERE x.id = record_dependency_conflict.merge_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge with id %', record_dependency_conflict.merge_id USING ERRCODE = 'undefined_object';
    END IF;
    IF m.status NOT IN ('ready', 'conflicts') THEN   -- conflicts: a trial that found several
        RAISE EXCEPTION 'pggit: merge % is %, not waiting: only the plan of a waiting merge is tried', m.id, m.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    trees := ARRAY[(SELECT c.tree FROM pggit.commit c WHERE c.id = m.base_commit), (SELECT c.tree FROM pggit.commit c WHERE c.id = m.source_commit),
                   (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit), m.merged_tree];
    -- the object's schema: the first schema node of the target's, the merged, the source's or the base's tree that holds the key
    sch := (SELECT s.s FROM unnest(ARRAY[trees[3], trees[4], trees[2], trees[1]]) WITH ORDINALITY r(root, o)
              JOIN pggit.tree t ON t.hash = r.root
             CROSS JOIN LATERAL jsonb_object_keys(t.entries) s(s)
             WHERE pggit.tree_lookup(r.root, pggit.tree_path(s.s, k, record_dependency_conflict.object_key)) IS NOT NULL
             ORDER BY r.o, s.s LIMIT 1);
    IF sch IS NULL THEN
        RAISE EXCEPTION 'pggit: merge % has no object %', m.id, record_dependency_conflict.object_key USING ERRCODE = 'undefined_object';
    END IF;
    SELECT * INTO old FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.object_key = record_dependency_conflict.object_key FOR UPDATE;
    IF FOUND THEN
        -- resolved before (a conflict of its own, or this trial's last time): open again, the earlier resolution kept in reason
        UPDATE pggit.merge_conflict x
           SET conflict_type = 'DEPENDENCY', conflicting_parts = ARRAY['statement ' || coalesce(record_dependency_conflict.statement, '?')],
               detail = record_dependency_conflict.detail, resolution = NULL, resolved_by = NULL, resolved_at = NULL,
               reason = CASE WHEN old.resolution IS NULL THEN old.reason
                             ELSE format('reopened: %s resolved for the %s by %s at %s%s fails in the trial of the plan', old.conflict_type,
                                         old.resolution, old.resolved_by, old.resolved_at, coalesce(' (' || old.reason || ')', '')) END
         WHERE x.id = old.id;
        cid := old.id;
    ELSE
        INSERT INTO pggit.merge_conflict (merge_id, object_key, kind, schema_name, conflict_type, conflicting_parts, base_hash, source_hash, target_hash, detail)
        VALUES (m.id, record_dependency_conflict.object_key, k, sch, 'DEPENDENCY', ARRAY['statement ' || coalesce(record_dependency_conflict.statement, '?')],
                pggit.tree_lookup(trees[1], pggit.tree_path(sch, k, record_dependency_conflict.object_key)),
                pggit.tree_lookup(trees[2], pggit.tree_path(sch, k, record_dependency_conflict.object_key)),
                pggit.tree_lookup(trees[3], pggit.tree_path(sch, k, record_dependency_conflict.object_key)),
                record_dependency_conflict.detail)
        RETURNING id INTO cid;
    END IF;
    UPDATE pggit.merge x SET status = 'conflicts', merged_tree = NULL WHERE x.id = m.id;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.record_dependency_conflict(bigint, text, text, text) IS
    'Plumbing of Pggit.merge and completeMerge: records that the step for object_key (statement) of ready merge merge_id''s plan failed (or lost object_key: an index dropped with a column a step drops) when tried on the checked-out target in a savepoint (rolled back), with PostgreSQL''s message, DETAIL and HINT as detail (e.g. cannot drop column a of table t because other objects depend on it / view v depends on column a of table t): a DEPENDENCY conflict (conflicting_parts: {statement <sql>}), or, when the merge has a conflict on that key already (resolved), that one reopened as DEPENDENCY with its earlier resolution kept in reason; the merge goes back to status conflicts (merged_tree null). Resolving it: target keeps the target''s definition of the object (the other side''s change to it is not merged), source or base takes that side''s; complete_merge then computes the merged tree again and Java tries the plan again (the same failure reopens the conflict). Returns the conflict''s id. Errors: undefined_object (no such merge, or no object key in its trees), object_not_in_prerequisite_state (the merge is neither ready nor waiting with conflicts: one trial may record several), invalid_parameter_value (blank key or detail).';

CREATE OR REPLACE FUNCTION pggit.get_conflict_statistics(merge_id bigint)
    RETURNS TABLE (conflict_type text, total bigint, resolved bigint, open bigint, by_source bigint, by_target bigint, by_base bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT x.conflict_type, count(*), count(x.resolution), count(*) - count(x.resolution),
       count(*) FILTER (WHERE x.resolution = 'source'), count(*) FILTER (WHERE x.resolution = 'target'),
       count(*) FILTER (WHERE x.resolution = 'base')
  FROM pggit.merge_conflict x WHERE x.merge_id = get_conflict_statistics.merge_id
 GROUP BY x.conflict_type ORDER BY x.conflict_type
$$;
COMMENT ON FUNCTION pggit.get_conflict_statistics(bigint) IS 'Per conflict type of merge merge_id: how many conflicts, resolved, open, and resolved for the source, the target and the base.';

CREATE OR REPLACE FUNCTION pggit.get_merge_status(merge_id bigint)
    RETURNS TABLE (source_branch text, target_branch text, strategy text, status text, base_commit text,
                   conflicts bigint, open_conflicts bigint, merge_commit text, next_step text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT m.source_branch, m.target_branch, m.strategy, m.status, m.base_commit,
       (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id),
       (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL),
       m.merge_commit,
       CASE m.status
            WHEN 'conflicts' THEN CASE WHEN EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.merge_id = m.id AND x.resolution IS NULL)
                                       THEN format('resolve the open conflicts (pggit.get_conflicts_by_type(%s)), then pggit.complete_merge(%s)', m.id, m.id)
                                       ELSE format('pggit.complete_merge(%s)', m.id) END
            WHEN 'ready' THEN 'apply the merged tree to the live catalog: Pggit.merge / mvn pggit:merge, or run the migration written from it'
            ELSE NULL END
  FROM pggit.merge m WHERE m.id = get_merge_status.merge_id
$$;
COMMENT ON FUNCTION pggit.get_merge_status(bigint) IS 'Where merge merge_id stands: its branches, strategy, status (pggit.merge), base, conflicts and open conflicts, the merge commit once written, and the next step. No row for an unknown merge.';

CREATE OR REPLACE FUNCTION pggit.rollback_merge(merge_id bigint, reason text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- A new commit on the target whose tree is the target's tree before the merge (git revert -m 1),
-- never a rewrite of history.
DECLARE
    m pggit.merge;
    pre_tree text;
    ts timestamptz := clock_timestamp();
    msg text;
    cid text;
    head text;
BEGIN
    PERFORM pggit.require_text(reason, 'reason');
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    SELECT * INTO m FROM pggit.merge x WHERE x.id = rollback_merge.merge_id FOR UPDATE;
    IF NOT FOUND OR m.status <> 'completed' OR m.merge_commit IS NULL THEN
        RAISE EXCEPTION 'pggit: merge % is not a completed merge', rollback_merge.merge_id USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'A merge still waiting is given up with pggit.abort_merge.';
    END IF;
    head := (SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch);
    pre_tree := (SELECT c.tree FROM pggit.commit c WHERE c.id = m.target_commit);
    msg := format('Roll back merge %s of %s into %s: %s', m.id, m.source_branch, m.target_branch, reason);
    IF (SELECT h.branch FROM pggit.head h) <> m.target_branch OR pre_tree = (SELECT c.tree FROM pggit.commit c WHERE c.id = head) THEN
        cid := pggit.write_commit(pre_tree, ARRAY[head], 'rollback', msg, m.target_branch);
    ELSE
        -- checked out: the live catalog must be back at the pre-merge tree (the reverse plan, run in this transaction)
        cid := pggit.commit_changes(msg, 'rollback', NULL, NULL, true);
        IF cid IS NULL OR (SELECT c.tree FROM pggit.commit c WHERE c.id = cid) <> pre_tree THEN
            RAISE EXCEPTION 'pggit: the live catalog of % is not its tree before merge %', m.target_branch, m.id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = CASE WHEN cid IS NULL THEN 'it is still the tree after the merge (or later)' ELSE
                               (SELECT string_agg(d.change || ' ' || d.object_key, ', ' ORDER BY d.object_key)
                                  FROM pggit.diff_trees(pre_tree, (SELECT c.tree FROM pggit.commit c WHERE c.id = cid)) d) END,
                      HINT = 'Roll it back with Pggit.rollbackMerge or mvn pggit:merge -Dpggit.rollback=<merge id> (they plan and run the reverse DDL, refusing data loss unless allowed).';
        END IF;
    END IF;
    UPDATE pggit.merge x SET status = 'rolled_back', rollback_commit = cid, rollback_reason = reason,
                             rolled_back_by = session_user, rolled_back_at = ts WHERE x.id = m.id;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.rollback_merge(bigint, text) IS
    'Rolls back completed merge merge_id: a new commit (origin rollback) on the target whose tree is the target''s tree before the merge (git revert -m 1; history is never rewritten), and the merge marked rolled_back with reason. On a target that is not checked out (or whose tree is unchanged) written at once; on the checked-out target the live catalog must already be back at that tree (Pggit.rollbackMerge runs the reverse plan, refusing data loss unless allowed, then calls this). Returns the commit id. Errors: invalid_parameter_value (no reason), object_not_in_prerequisite_state (not a completed merge, or the live catalog is elsewhere).';

CREATE OR REPLACE VIEW pggit.merge_history AS
SELECT m.id AS merge_id, m.source_branch, m.target_branch, m.strategy, m.status,
       m.base_commit, m.base_tree, m.source_commit, m.target_commit, m.merge_commit, m.message,
       m.created_by, m.created_at, m.completed_by, m.completed_at,
       (SELECT count(*) FROM pggit.merge_conflict x WHERE x.merge_id = m.id) AS conflicts,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('object_key', x.object_key, 'conflict_type', x.conflict_type, 'resolution', x.resolution,
                                                     'reason', x.reason, 'resolved_by', x.resolved_by, 'resolved_at', x.resolved_at,
                                                     'detail', x.detail)
                                  || CASE WHEN x.manual_ddl IS NOT NULL THEN jsonb_build_object('manual_ddl', x.manual_ddl) ELSE '{}' END
                                  ORDER BY x.object_key), '[]')
          FROM pggit.merge_conflict x WHERE x.merge_id = m.id) AS resolutions,
       m.rollback_commit, m.rollback_reason, m.rolled_back_by, m.rolled_back_at
  FROM pggit.merge m;
COMMENT ON VIEW pggit.merge_history IS 'Every merge: who began it and when, its branches, strategy, base (base_commit; base_tree, the tree it merged from: a virtual merge base after criss-cross merges), the commits on each side, status, its conflicts with their resolutions (who, when, why; the DDL of a manual_ddl one), the merge commit, who completed it, and a rollback (commit, reason, who, when).';
-- Merge conflicts resolved by hand (manual_ddl): store/merge_manual.sql, new.
-- ==== store/merge_manual.sql ====================================================================

-- A merge conflict resolved by hand (issue 15, seed 003's manual_ddl): the user's DDL, run on the
-- target's version of the object in a trial that is rolled back, gives the definition the merged
-- tree takes. The DDL runs as the caller (SECURITY INVOKER, no search_path of pggit's: the caller's
-- own), never as pggit's owner: a SECURITY DEFINER function running text from its arguments would
-- hand the owner's rights to every writer. Only the bookkeeping, which writes pggit's tables, is
-- SECURITY DEFINER (pggit.record_manual_resolution), and it runs no text.

CREATE OR REPLACE FUNCTION pggit.live_definition(object_key text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The one catalog reader (pggit.read_catalog), at the object's address from the last capture
-- (pggit.object_map: a probe); when it is not there under that key (created since, or dropped and
-- created again), a full read, kept to that key.
DECLARE
    d jsonb;
BEGIN
    SELECT e.definition INTO d
      FROM pggit.object_map m CROSS JOIN LATERAL pggit.read_catalog(ARRAY[m.classid], ARRAY[m.objid]) e
     WHERE m.object_key = live_definition.object_key AND e.object_key = live_definition.object_key;
    IF NOT FOUND THEN
        SELECT e.definition INTO d FROM pggit.read_catalog() e WHERE e.object_key = live_definition.object_key;
    END IF;
    RETURN d;
END
$$;
COMMENT ON FUNCTION pggit.live_definition(text) IS
    'The live definition of the object with key object_key, as a capture would store it (pggit.read_catalog: its blob hash is pggit.sha256_hex(definition::text)); null when the live catalog has no object under that key. Reads its address from pggit.object_map, or the whole catalog when it is not there. Reads only; SECURITY INVOKER: it sees what the caller sees.';

CREATE OR REPLACE FUNCTION pggit.record_manual_resolution(conflict_id uuid, definition jsonb, ddl text, reason text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The bookkeeping of pggit.resolve_conflict_manually. It runs no text: ddl is only kept.
DECLARE
    x pggit.merge_conflict;
    m pggit.merge;
    merged jsonb := definition;
    h text;
BEGIN
    PERFORM pggit.require_text(ddl, 'the manual DDL');
    x := pggit.open_merge_conflict(record_manual_resolution.conflict_id);
    SELECT * INTO m FROM pggit.merge y WHERE y.id = x.merge_id;
    PERFORM pggit.merge_status_check(m);
    IF x.conflict_type = 'BOTH_MODIFIED' AND definition IS NOT NULL THEN
        -- the DDL's changes to the target's definition, over the three-way merge of the two sides
        -- (the parts both changed as the target has them): the source's disjoint changes stay merged
        merged := pggit.merge_definitions((SELECT b.definition FROM pggit.blob b WHERE b.hash = x.target_hash), definition,
                                          pggit.merge_definitions((SELECT b.definition FROM pggit.blob b WHERE b.hash = x.base_hash),
                                                                  (SELECT b.definition FROM pggit.blob b WHERE b.hash = x.source_hash),
                                                                  (SELECT b.definition FROM pggit.blob b WHERE b.hash = x.target_hash), true));
    END IF;
    h := pggit.put_blob(merged);
    UPDATE pggit.merge_conflict c
       SET resolution = 'manual_ddl', manual_ddl = record_manual_resolution.ddl, manual_hash = h, reason = record_manual_resolution.reason,
           resolved_by = session_user, resolved_at = clock_timestamp()
     WHERE c.id = x.id;
    RETURN format('%s: %s takes the definition the manual DDL gives%s', x.object_key, x.conflict_type,
                  CASE WHEN h IS NULL THEN ' (none: the merge drops it)'
                       WHEN h = x.source_hash THEN ' (the source''s)' WHEN h = x.target_hash THEN ' (the target''s)' ELSE '' END);
END
$$;
COMMENT ON FUNCTION pggit.record_manual_resolution(uuid, jsonb, text, text) IS
    'Plumbing of pggit.resolve_conflict_manually: records merge conflict conflict_id as resolved with manual_ddl: ddl as given, reason, who and when, and the definition the merged tree takes (pggit.merge_conflict.manual_hash): for BOTH_MODIFIED the changes definition makes to the target''s definition merged over the two sides'' three-way merge (pggit.merge_definitions: the source''s disjoint changes stay), else definition itself; null definition: the merge drops the object. Runs no DDL and trusts definition (a writer may write the merged tree anyway); call pggit.resolve_conflict_manually, which computes it. Errors: invalid_parameter_value (no ddl), undefined_object, object_not_in_prerequisite_state (resolved already, the merge no longer has conflicts open, its target moved).';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict_manually(conflict_id uuid, ddl text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql AS $$
-- SECURITY INVOKER and no SET search_path: ddl runs as the caller, with the caller's search_path
-- (every name below is qualified). The trial runs in a subtransaction that is always rolled back:
-- the DDL, its event triggers' journal rows and whatever else it did are undone; only the
-- definition read meanwhile survives, in a variable.
DECLARE
    x pggit.merge_conflict;
    m pggit.merge;
    head_branch text;
    live jsonb;
    addr pggit.object_map;
    result jsonb;
    renamed_to text;
    others text;
    last_journal bigint;
    tried boolean := false;
    e_state text;
    e_msg text;
    e_detail text;
    e_hint text;
BEGIN
    PERFORM pggit.require_text(ddl, 'the manual DDL');
    x := pggit.open_merge_conflict(resolve_conflict_manually.conflict_id);
    SELECT * INTO m FROM pggit.merge y WHERE y.id = x.merge_id;
    head_branch := (SELECT h.branch FROM pggit.head h);
    IF head_branch IS DISTINCT FROM m.target_branch THEN
        RAISE EXCEPTION 'pggit: the manual DDL of merge conflict % runs on the target''s version of %, and its target % is not checked out (% is)',
              x.id, x.object_key, m.target_branch, head_branch
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Check out %s first (Pggit.checkout, mvn pggit:checkout), or take a side: pggit.resolve_conflict(%L, ''source'' | ''target'' | ''base'', reason).',
                                m.target_branch, x.id);
    END IF;
    IF (SELECT r.commit_id FROM pggit.ref r WHERE r.name = m.target_branch) IS DISTINCT FROM m.target_commit THEN
        RAISE EXCEPTION 'pggit: branch % moved since merge % began', m.target_branch, m.id USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = format('Abort it (pggit.abort_merge(%s)) and merge again.', m.id);
    END IF;
    live := pggit.live_definition(x.object_key);
    IF pggit.sha256_hex(live::text) IS DISTINCT FROM x.target_hash THEN
        RAISE EXCEPTION 'pggit: the live % is not the target''s version (%): the manual DDL would not start from it', x.object_key,
              CASE WHEN live IS NULL THEN 'it is missing' WHEN x.target_hash IS NULL THEN 'the target does not have it' ELSE 'it differs' END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Commit the uncommitted change or resolve the drift first (SELECT * FROM pggit.status(), pggit.drift()).';
    END IF;
    SELECT * INTO addr FROM pggit.object_map o WHERE o.object_key = x.object_key;
    last_journal := coalesce((SELECT max(j.id) FROM pggit.journal j), 0);
    BEGIN
        EXECUTE ddl;
        result := pggit.live_definition(x.object_key);
        IF result IS NULL AND addr.objid IS NOT NULL THEN
            -- gone under its key and still there under another: renamed
            renamed_to := (SELECT e.object_key FROM pggit.read_catalog(ARRAY[addr.classid], ARRAY[addr.objid]) e LIMIT 1);
        END IF;
        others := (SELECT string_agg(DISTINCT j.object_type || ' ' || j.object_identity, ', ')
                     FROM pggit.journal j
                    WHERE j.id > last_journal AND j.pid = pg_backend_pid() AND j.xact = pg_current_xact_id()
                      AND j.object_identity IS DISTINCT FROM pggit.key_identity(x.object_key)
                      AND NOT (x.kind IN ('table', 'view', 'materialized_view', 'foreign_table') AND j.object_type LIKE '% column'
                               AND starts_with(j.object_identity, pggit.key_identity(x.object_key) || '.')));
        tried := true;
        RAISE EXCEPTION 'pggit: the trial of the manual DDL is rolled back';
    EXCEPTION WHEN OTHERS THEN
        IF NOT tried THEN
            GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_msg = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL, e_hint = PG_EXCEPTION_HINT;
            RAISE EXCEPTION 'pggit: the manual DDL for % failed: %', x.object_key, e_msg
                USING ERRCODE = e_state, DETAIL = coalesce(e_detail, ''), HINT = coalesce(e_hint, 'Nothing was recorded; the DDL''s changes were rolled back.');
        END IF;
    END;
    IF renamed_to IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: the manual DDL renames % to %: a resolution keeps the object''s key', x.object_key, renamed_to
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Resolve the conflict without the rename; rename it after the merge, in a migration.';
    END IF;
    RETURN pggit.record_manual_resolution(x.id, result, ddl, reason)
           || CASE WHEN others IS NOT NULL THEN format('; the DDL also changed %s, which the merge does not take from it', others) ELSE '' END;
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict_manually(uuid, text, text) IS
    'Resolves merge conflict conflict_id with manual DDL (seed 003''s manual_ddl): ddl (one or more statements) is run on the target''s version of the object, the checked-out target''s live catalog, in a subtransaction that is then rolled back (the DDL, its journal rows and anything else it changed are undone); the object''s definition it gave (pggit.live_definition) is recorded by pggit.record_manual_resolution with ddl and reason, and the merged tree takes it (for BOTH_MODIFIED, the DDL''s changes over the three-way merge of both sides: the source''s disjoint changes stay; a DDL that drops the object: the merge drops it). Changes the DDL makes to other objects are not taken (the result names them). SECURITY INVOKER: the DDL runs as the caller, with the caller''s rights and search_path. Returns what the merged tree will take. Errors: invalid_parameter_value (no ddl), undefined_object (no such merge conflict), object_not_in_prerequisite_state (resolved already, the merge no longer has conflicts open, its target is not checked out or moved, the live object is not the target''s version), feature_not_supported (the DDL renames the object), and the DDL''s own error with its SQLSTATE (nothing recorded).';
-- Merge requests (issue 15; seed 003): their table and the setting merge_requires_approval
-- (store/merge_request_tables.sql, new), and create, approve, close, the merge's gate and the
-- view of open requests (store/merge_requests.sql).
-- ==== store/merge_request_tables.sql ============================================================

-- Merge requests (issue 15; seed 003 section 5.2): workflow records of a proposed merge of one
-- branch into another, approved by another role than their creator (store/merge_requests.sql),
-- and the setting that makes merges wait for an approved one.

CREATE TABLE pggit.merge_config (
    singleton               boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    merge_requires_approval boolean NOT NULL DEFAULT false,   -- true: pggit.merge_gate refuses a merge without an approved request
    updated_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by              name NOT NULL DEFAULT session_user
);
INSERT INTO pggit.merge_config DEFAULT VALUES;
COMMENT ON TABLE pggit.merge_config IS 'Merge settings (pggit.configure_merges, pggit_admin; each change recorded in pggit.rule_change as rule configure_merges): merge_requires_approval, whether merging a branch needs an approved merge request for that source and target (pggit.merge_gate). Off by default.';

CREATE TABLE pggit.merge_request (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_branch   text NOT NULL,        -- a branch name (pggit.ref.name) when created; no foreign key: the request outlives a deleted branch
    target_branch   text NOT NULL,
    title           text NOT NULL,
    description     text,
    reviewer        name,                 -- the role (or a role whose members) may approve it; null: any pggit_writer but the creator
    created_by      name NOT NULL DEFAULT session_user,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'merged', 'closed')),
    approved_by     name,                 -- session_user of the approval
    approved_at     timestamptz,
    approval_notes  text,
    merged_at       timestamptz,
    merge_id        bigint REFERENCES pggit.merge,   -- the merge that merged it (pggit.mark_merge_request_merged)
    source_commit   text NOT NULL,        -- the source branch's tip when the request was created
    approved_commit text,                 -- the source branch's tip that was approved: the merge gate wants it still the tip
    closed_at       timestamptz,
    closed_by       name,
    close_reason    text,
    merged_by       name,
    CHECK (status <> 'approved' OR approved_by IS NOT NULL),
    CHECK ((status = 'merged') = (merged_at IS NOT NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- one request in flight (open or approved) per source and target, as a forge has one pull request per head and base
CREATE UNIQUE INDEX merge_request_in_flight_idx ON pggit.merge_request (source_branch, target_branch) WHERE status IN ('open', 'approved');
COMMENT ON TABLE pggit.merge_request IS 'Merge requests (seed 003): a proposed merge of source_branch into target_branch with a title, description and optional reviewer, created by pggit.create_merge_request, approved by pggit.approve_merge_request (never by its creator: session_user), closed by pggit.close_merge_request, marked merged by the merge (pggit.mark_merge_request_merged, with merge_id: no foreign key yet). status: open, approved, merged, closed. At most one open or approved request per source and target. Branch names and commit ids are kept as text: a request outlives its branches and purged commits.';

-- the request a merge carries out (pggit.merge_gate's answer when pggit.merge_branch began it): marked merged when the merge completes
ALTER TABLE pggit.merge ADD COLUMN merge_request_id uuid REFERENCES pggit.merge_request;
-- ==== store/merge_requests.sql ==================================================================

-- Merge requests (issue 15; seed 003 section 5.2): a proposed merge of one branch into another,
-- as a record of the workflow (no web UI): created, approved by another login role than its
-- creator, closed, or marked merged by the merge. With merge_requires_approval on (pggit.merge_config,
-- pggit.configure_merges), pggit.merge_gate, which pggit.merge_branch calls, refuses a merge
-- until an approved request exists for that source and target, approved at the source's tip.
-- Who is who: session_user, the login role (SET ROLE keeps it), as pggit.ref.created_by.

CREATE OR REPLACE FUNCTION pggit.configure_merges(requires_approval boolean DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    before boolean;
BEGIN
    SELECT c.merge_requires_approval INTO before FROM pggit.merge_config c FOR UPDATE;
    IF requires_approval IS NOT NULL AND requires_approval IS DISTINCT FROM before THEN
        UPDATE pggit.merge_config c
           SET merge_requires_approval = requires_approval, updated_at = clock_timestamp(), updated_by = session_user;
        INSERT INTO pggit.rule_change (rule, old_value, new_value)
        VALUES ('configure_merges', jsonb_build_object('merge_requires_approval', before),
                jsonb_build_object('merge_requires_approval', requires_approval));
        RETURN requires_approval;
    END IF;
    RETURN before;
END
$$;
COMMENT ON FUNCTION pggit.configure_merges(boolean) IS
    'Sets merge_requires_approval (pggit.merge_config): true makes every merge of a branch (pggit.merge_branch, through pggit.merge_gate) wait for an approved merge request of that source and target; null keeps the setting. Returns the setting in force. A change is recorded in pggit.rule_change (rule configure_merges, old and new value). pggit_admin.';

CREATE OR REPLACE FUNCTION pggit.create_merge_request(source_branch text, target_branch text, title text,
                                                       description text DEFAULT NULL, reviewer text DEFAULT NULL)
    RETURNS TABLE (mr_id uuid, status text, conflicts boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s_tip text;
    t_tip text;
    existing uuid;
    new_id uuid;
BEGIN
    SELECT r.commit_id INTO s_tip FROM pggit.ref r WHERE r.name = create_merge_request.source_branch;
    IF s_tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%" (the source of the merge request)', source_branch
            USING ERRCODE = 'undefined_object', HINT = 'A merge request names two branches (pggit.list_branches() lists them; pggit.create_branch makes one).';
    END IF;
    SELECT r.commit_id INTO t_tip FROM pggit.ref r WHERE r.name = create_merge_request.target_branch;
    IF t_tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%" (the target of the merge request)', target_branch
            USING ERRCODE = 'undefined_object', HINT = 'A merge request names two branches (pggit.list_branches() lists them; pggit.create_branch makes one).';
    END IF;
    IF source_branch = target_branch THEN
        RAISE EXCEPTION 'pggit: a merge request cannot merge branch "%" into itself', source_branch
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pggit.require_text(title, 'the title');
    IF reviewer IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM pg_roles a WHERE a.rolname = create_merge_request.reviewer) THEN
            RAISE EXCEPTION 'pggit: no role "%" (the reviewer)', reviewer
                USING ERRCODE = 'undefined_object', HINT = 'The reviewer is a role name as pg_roles.rolname spells it (case and all), or null for any pggit_writer but you.';
        ELSIF reviewer = session_user THEN
            RAISE EXCEPTION 'pggit: "%" cannot be the reviewer of a merge request of their own', reviewer
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name another role, or none: any pggit_writer but you may approve it then.';
        ELSIF NOT pg_has_role(reviewer, 'pggit_writer', 'USAGE') THEN
            RAISE NOTICE 'pggit: reviewer "%" holds no pggit_writer yet: they cannot approve until it is granted', reviewer;
        END IF;
    END IF;
    SELECT m.id INTO existing FROM pggit.merge_request m
     WHERE m.source_branch = create_merge_request.source_branch AND m.target_branch = create_merge_request.target_branch
       AND m.status IN ('open', 'approved');
    IF existing IS NULL THEN
        BEGIN
            INSERT INTO pggit.merge_request (source_branch, target_branch, title, description, reviewer, source_commit)
            VALUES (source_branch, target_branch, title, description, reviewer, s_tip)
            RETURNING id INTO new_id;
        EXCEPTION WHEN unique_violation THEN   -- another session's request for the pair, created meanwhile
            SELECT m.id INTO existing FROM pggit.merge_request m
             WHERE m.source_branch = create_merge_request.source_branch AND m.target_branch = create_merge_request.target_branch
               AND m.status IN ('open', 'approved');
        END;
    END IF;
    IF existing IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: merge request % already proposes merging "%" into "%"', existing, source_branch, target_branch
            USING ERRCODE = 'duplicate_object',
                  HINT = format('Approve it (pggit.approve_merge_request(%L)), or close it first (pggit.close_merge_request(%L, reason)).', existing, existing);
    END IF;
    IF (pggit.paint_down(s_tip, t_tip)).ahead = 0 THEN
        RAISE NOTICE 'pggit: branch "%" has no commit that "%" lacks: nothing to merge yet', source_branch, target_branch;
    END IF;
    mr_id := new_id;
    status := 'open';
    conflicts := EXISTS (SELECT 1 FROM pggit.detect_merge_conflicts(s_tip, t_tip) d
                          WHERE d.conflict_type NOT IN ('SOURCE_MODIFIED', 'TARGET_MODIFIED', 'NO_CONFLICT'));
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION pggit.create_merge_request(text, text, text, text, text) IS
    'Proposes merging branch source_branch into branch target_branch (seed 003): records an open merge request (pggit.merge_request) created by session_user, with the source''s tip, and returns its id (uuid), status (open) and whether the merge conflicts now (pggit.detect_merge_conflicts: any object whose conflict_type is not SOURCE_MODIFIED, TARGET_MODIFIED or NO_CONFLICT). reviewer: a role name (pg_roles.rolname, exactly) who, or whose members, alone may approve it; null: any pggit_writer but the creator. Errors: undefined_object for a branch that does not exist (branch names only, not revisions) or a reviewer that is no role; invalid_parameter_value when source and target are one branch, the title is blank, or the reviewer is the creator; duplicate_object when an open or approved request for the two branches exists (the message names it). A NOTICE when the source has nothing the target lacks, or when the reviewer holds no pggit_writer.';

CREATE OR REPLACE FUNCTION pggit.approve_merge_request(mr_id uuid, notes text DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The approver is session_user (seed 003 passes an approved_by text, which anyone could forge).
DECLARE
    m pggit.merge_request;
    tip text;
BEGIN
    SELECT * INTO m FROM pggit.merge_request r WHERE r.id = approve_merge_request.mr_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge request %', mr_id USING ERRCODE = 'undefined_object',
            HINT = 'pggit.open_merge_requests lists the open ones.';
    ELSIF m.status IN ('merged', 'closed') THEN
        RAISE EXCEPTION 'pggit: merge request % is %', mr_id, m.status USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Only an open (or approved) request is approved; create another with pggit.create_merge_request.';
    ELSIF m.created_by = session_user THEN
        RAISE EXCEPTION 'pggit: "%" cannot approve their own merge request %', session_user, mr_id
            USING ERRCODE = 'insufficient_privilege', HINT = 'Another login role holding pggit_writer approves it.';
    ELSIF m.reviewer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_roles a WHERE a.rolname = m.reviewer) THEN
        RAISE EXCEPTION 'pggit: the reviewer "%" of merge request % no longer exists', m.reviewer, mr_id
            USING ERRCODE = 'insufficient_privilege', HINT = 'Close it and create another naming an existing reviewer, or none.';
    ELSIF m.reviewer IS NOT NULL AND NOT pg_has_role(session_user, m.reviewer, 'MEMBER') THEN
        RAISE EXCEPTION 'pggit: merge request % is for reviewer "%" to approve, not "%"', mr_id, m.reviewer, session_user
            USING ERRCODE = 'insufficient_privilege', HINT = 'The reviewer approves it, or a member of the reviewer role.';
    END IF;
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = m.source_branch;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%" (the source of merge request %)', m.source_branch, mr_id
            USING ERRCODE = 'undefined_object', HINT = 'Its source branch was deleted: close the request (pggit.close_merge_request).';
    END IF;
    UPDATE pggit.merge_request r
       SET status = 'approved', approved_by = session_user, approved_at = clock_timestamp(),
           approval_notes = notes, approved_commit = tip
     WHERE r.id = m.id;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.approve_merge_request(uuid, text) IS
    'Approves merge request mr_id with optional notes and returns true: the approver is session_user (the login role; seed 003''s approved_by argument is not taken, since anyone could pass any name), recorded with the time and the source branch''s tip it approves (approved_commit; a commit on the source after it makes the approval stale and pggit.merge_gate asks for another). Approving an approved request again records the new approval. Errors: undefined_object for an unknown request or a deleted source branch; object_not_in_prerequisite_state for a merged or closed one; insufficient_privilege when the approver created the request, or when the request names a reviewer and the approver is neither that role nor a member of it (pg_has_role MEMBER; a superuser is a member of every role).';

CREATE OR REPLACE FUNCTION pggit.close_merge_request(mr_id uuid, reason text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m pggit.merge_request;
BEGIN
    SELECT * INTO m FROM pggit.merge_request r WHERE r.id = close_merge_request.mr_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no merge request %', mr_id USING ERRCODE = 'undefined_object',
            HINT = 'pggit.open_merge_requests lists the open ones.';
    ELSIF m.status IN ('merged', 'closed') THEN
        RAISE EXCEPTION 'pggit: merge request % is %', mr_id, m.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pggit.require_text(reason, 'the reason for closing');
    UPDATE pggit.merge_request r
       SET status = 'closed', closed_at = clock_timestamp(), closed_by = session_user, close_reason = reason
     WHERE r.id = m.id;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.close_merge_request(uuid, text) IS
    'Closes open or approved merge request mr_id without merging it, with a reason, and returns true; recorded with session_user and the time. Any pggit_writer may close a request (as anyone who may push closes a pull request), the reason says why. Errors: undefined_object for an unknown request, object_not_in_prerequisite_state for a merged or closed one, invalid_parameter_value for a blank reason.';

CREATE OR REPLACE FUNCTION pggit.merge_gate(source_branch text, target_branch text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- For pggit.merge_branch, in its transaction before it writes: the request it returns is locked
-- (FOR UPDATE) until the merge commits, so it is not approved, closed or merged meanwhile.
DECLARE
    required boolean := (SELECT c.merge_requires_approval FROM pggit.merge_config c);
    m pggit.merge_request;
    tip text;
BEGIN
    SELECT * INTO m FROM pggit.merge_request r
     WHERE r.source_branch = merge_gate.source_branch AND r.target_branch = merge_gate.target_branch
       AND r.status IN ('open', 'approved')
       FOR UPDATE;
    IF NOT required THEN
        RETURN m.id;
    ELSIF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: merging "%" into "%" needs an approved merge request (merge_requires_approval is on)', source_branch, target_branch
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Propose it with pggit.create_merge_request(%L, %L, title), have another role approve it with pggit.approve_merge_request(mr_id), then merge.',
                                source_branch, target_branch);
    ELSIF m.status = 'open' THEN
        RAISE EXCEPTION 'pggit: merge request % of "%" into "%" is not approved yet (merge_requires_approval is on)', m.id, source_branch, target_branch
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Another role than %s approves it: pggit.approve_merge_request(%L).',
                                m.created_by, m.id) || CASE WHEN m.reviewer IS NOT NULL THEN format(' It is for reviewer %s.', m.reviewer) ELSE '' END;
    END IF;
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = merge_gate.source_branch;
    IF tip IS DISTINCT FROM m.approved_commit THEN
        RAISE EXCEPTION 'pggit: branch "%" moved since merge request % was approved (approved at %, now at %)', source_branch, m.id,
                        left(m.approved_commit, 12), coalesce(left(tip, 12), 'no commit: the branch is gone')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('What is merged must be what was approved: approve it again (pggit.approve_merge_request(%L)).', m.id);
    END IF;
    RETURN m.id;
END
$$;
COMMENT ON FUNCTION pggit.merge_gate(text, text) IS
    'Internal, for pggit.merge_branch before it writes: the open or approved merge request of source_branch into target_branch (names as the merge got them), locked until the merge''s transaction ends, or null when there is none and none is needed. With merge_requires_approval off (pggit.merge_config) it never refuses: the merge marks a request it returns merged (pggit.mark_merge_request_merged). With it on, raises object_not_in_prerequisite_state, with a HINT naming pggit.create_merge_request or pggit.approve_merge_request, unless the request is approved and the source branch''s tip is still the commit that was approved. Reads only (but for the row lock). Nobody but pggit''s owner calls it.';

CREATE OR REPLACE FUNCTION pggit.mark_merge_request_merged(mr_id uuid, merge_id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.merge_request r
       SET status = 'merged', merged_at = clock_timestamp(), merged_by = session_user,
           merge_id = mark_merge_request_merged.merge_id
     WHERE r.id = mark_merge_request_merged.mr_id AND r.status IN ('open', 'approved');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no open merge request %', mr_id USING ERRCODE = 'undefined_object';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.mark_merge_request_merged(uuid, bigint) IS
    'Internal, for pggit.merge_branch after it wrote the merge: marks open or approved merge request mr_id (from pggit.merge_gate) merged, with the merge''s id (merge_id: no foreign key yet), the time and session_user. undefined_object when no such request is open. Nobody but pggit''s owner calls it.';

CREATE OR REPLACE VIEW pggit.open_merge_requests AS
SELECT m.id AS mr_id, m.source_branch, m.target_branch, m.title, m.description, m.reviewer, m.created_by, m.created_at,
       m.status, m.approved_by, m.approved_at, m.approval_notes,
       m.status = 'approved' AND m.approved_commit IS DISTINCT FROM s.commit_id AS approval_stale,
       s.commit_id AS source_commit, t.commit_id AS target_commit,
       ab.ahead, ab.behind,
       CASE WHEN s.commit_id IS NOT NULL AND t.commit_id IS NOT NULL THEN
            EXISTS (SELECT 1 FROM pggit.detect_merge_conflicts(s.commit_id, t.commit_id) d
                     WHERE d.conflict_type NOT IN ('SOURCE_MODIFIED', 'TARGET_MODIFIED', 'NO_CONFLICT')) END AS conflicts
  FROM pggit.merge_request m
  LEFT JOIN pggit.ref s ON s.name = m.source_branch
  LEFT JOIN pggit.ref t ON t.name = m.target_branch
  -- OFFSET 0 keeps the subquery apart, so its condition gates the walk (a join condition would not:
  -- paint_down would run, and raise, for a deleted branch)
  LEFT JOIN LATERAL (SELECT p.ahead, p.behind FROM pggit.paint_down(s.commit_id, t.commit_id) p
                      WHERE s.commit_id IS NOT NULL AND t.commit_id IS NOT NULL OFFSET 0) ab ON true
 WHERE m.status IN ('open', 'approved');
COMMENT ON VIEW pggit.open_merge_requests IS
    'The merge requests in flight (open or approved), with the branches'' tips now (source_commit, target_commit; null for a deleted branch), ahead and behind (commits the source has that the target lacks, and the reverse: pggit.paint_down), whether the merge conflicts now (pggit.detect_merge_conflicts: any conflict_type but SOURCE_MODIFIED, TARGET_MODIFIED and NO_CONFLICT), and approval_stale (approved, but the source has moved since: pggit.merge_gate will ask for another approval). Null counts and conflicts when a branch is gone. pggit_reader; computes the conflicts per row.';
-- Checkout (issue 15): finish_checkout moves HEAD after Java's plan ran, checkout is the SQL front.
-- ==== store/checkout.sql ========================================================================

-- Checkout (issue 15): HEAD moves to another branch once the live catalog holds that branch's tree.
-- The plan that changes the catalog is written by the one DDL writer, which is Java's
-- (Pggit.checkout, mvn pggit:checkout, pggit-cli checkout): Java runs it and then
-- pggit.finish_checkout in the same transaction; pggit.checkout is the SQL front, which applies no
-- DDL (a DDL writer in SQL is the "one DDL writer" decision of issue 16).

CREATE OR REPLACE FUNCTION pggit.finish_checkout(branch_name text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Moves HEAD to branch_name and makes the index (pggit.object_map) the live catalog's, without a
-- commit: with HEAD on the branch, the commit writer's full scan compares the index (the tree the
-- catalog had) with the live catalog, updates the index and consumes the journal rows of the DDL
-- that was applied; when the catalog now holds the branch's tree, the tree it computes is the
-- branch's and it writes no commit. A commit means the catalog differs from the branch's tree in
-- what that commit changed; and an object the DDL left as it was shows as the index differing from
-- the tree: either way it raises, naming the objects, and the caller's transaction (the DDL too)
-- rolls back.
DECLARE
    tip text;
    target_tree text;
    cid text;
    differing text[];
BEGIN
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = branch_name;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', branch_name USING ERRCODE = 'undefined_object',
            HINT = 'pggit.list_branches() lists them.';
    END IF;
    SELECT c.tree INTO target_tree FROM pggit.commit c WHERE c.id = tip;
    UPDATE pggit.head SET branch = branch_name;
    cid := pggit.commit_changes('checkout ' || branch_name, 'manual', NULL, NULL, true);
    IF cid IS NOT NULL THEN
        differing := ARRAY(SELECT ch.change || ' ' || ch.object_key FROM pggit.change ch WHERE ch.commit_id = cid ORDER BY ch.object_key);
    ELSE
        differing := ARRAY(
            SELECT coalesce(t.object_key, m.object_key) || CASE WHEN t.object_key IS NULL THEN ' (not on the branch)'
                                                                 WHEN m.object_key IS NULL THEN ' (missing)'
                                                                 ELSE ' (differs)' END
              FROM pggit.object_map m FULL JOIN pggit.tree_objects(target_tree) t ON t.object_key = m.object_key
             WHERE m.hash IS DISTINCT FROM t.hash
             ORDER BY 1);
    END IF;
    IF cardinality(differing) > 0 THEN
        RAISE EXCEPTION 'pggit: checkout of % is not exact: the live catalog differs from the branch''s tree in % object(s): %',
              branch_name, cardinality(differing),
              array_to_string(differing[1:20], ', ') || CASE WHEN cardinality(differing) > 20 THEN format(' and %s more', cardinality(differing) - 20) ELSE '' END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Nothing was changed (the transaction rolls back). The plan does not reach the branch''s tree: write the missing steps as a migration, or report it.';
    END IF;
    RETURN tip;
END
$$;
COMMENT ON FUNCTION pggit.finish_checkout(text) IS
    'The last step of a checkout (Pggit.checkout runs the plan, then this, in one transaction): moves HEAD (pggit.head) to branch branch_name and re-syncs the index (pggit.object_map) with the live catalog without writing a commit (a full scan of the commit writer, which also consumes the journal rows of the applied DDL), then verifies that the live catalog holds exactly the branch''s tree. Returns the branch''s commit id. Raises object_not_in_prerequisite_state naming the differing objects (the first 20) when it does not, so that the whole transaction rolls back; undefined_object for an unknown branch. Needs no DDL of its own: on a catalog that has the branch''s tree already it just moves HEAD.';

CREATE OR REPLACE FUNCTION pggit.unlinked_migrations(rev text)
    RETURNS TABLE (tool text, history_table text, migration text, commit_id text, message text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The migrations the tools' history tables (pggit.history_tables) list as applied that no commit
-- reachable from rev is linked from (pggit.migration_link): after a checkout of rev the catalog
-- lacks what they did while the tool says they ran. Flyway: successful rows but SCHEMA, BASELINE
-- and DELETE, matched by installed rank, or script and version; Liquibase: rows matched by id,
-- author and file, a changeset whose latest link is its rollback counting as unlinked.
DECLARE
    tip text := pggit.resolve(rev);
    reach text[];
    ht record;
BEGIN
    WITH RECURSIVE anc(id) AS (
        SELECT tip
        UNION
        SELECT p FROM anc JOIN pggit.commit c ON c.id = anc.id, unnest(c.parents) p
    )
    SELECT array_agg(a.id) INTO reach FROM anc a;
    FOR ht IN SELECT h.tool, h.table_schema, h.table_name FROM pggit.history_tables() h ORDER BY 1, 2, 3 LOOP
        IF ht.tool = 'flyway' THEN
            RETURN QUERY EXECUTE format($q$
                SELECT 'flyway'::text, %L::text, coalesce('V' || h.version, 'R') || ' ' || h.description || ' (' || h.script || ')',
                       l.commit_id,
                       format('%%s (%%s) is in %%s but %%s', coalesce('V' || h.version, 'R'), h.script, %L,
                              CASE WHEN l.commit_id IS NULL THEN 'linked to no commit'
                                   ELSE format('linked to commit %%s, which %%s does not reach', left(l.commit_id, 12), $2) END)
                  FROM %I.%I h
                  LEFT JOIN LATERAL (SELECT ml.commit_id FROM pggit.migration_link ml
                                      WHERE ml.tool = 'flyway' AND ml.outcome = 'success'
                                        AND (ml.installed_rank = h.installed_rank
                                             OR (ml.installed_rank IS NULL AND ml.script = h.script AND ml.migration_id IS NOT DISTINCT FROM h.version))
                                      ORDER BY coalesce(ml.commit_id = ANY ($1), false) DESC, ml.id DESC LIMIT 1) l ON true
                 WHERE h.success AND h.type NOT IN ('SCHEMA', 'BASELINE', 'DELETE')
                   AND NOT coalesce(l.commit_id = ANY ($1), false)
                 ORDER BY h.installed_rank
            $q$, ht.table_schema || '.' || ht.table_name, ht.table_schema || '.' || ht.table_name, ht.table_schema, ht.table_name)
                USING reach, rev;
        ELSE
            RETURN QUERY EXECUTE format($q$
                SELECT 'liquibase'::text, %L::text, h.id || '::' || h.author || ' (' || h.filename || ')', l.commit_id,
                       format('changeset %%s::%%s (%%s) is in %%s but %%s', h.id, h.author, h.filename, %L,
                              CASE WHEN l.commit_id IS NULL THEN 'linked to no commit'
                                   ELSE format('linked to commit %%s, which %%s does not reach', left(l.commit_id, 12), $2) END)
                  FROM %I.%I h
                  LEFT JOIN LATERAL (SELECT ml.commit_id FROM pggit.migration_link ml
                                      WHERE ml.tool = 'liquibase' AND ml.outcome = 'success' AND ml.exec_type IS DISTINCT FROM 'ROLLED_BACK'
                                        AND ml.exec_type IS DISTINCT FROM 'ROLLBACK_FAILED'
                                        AND ml.migration_id = h.id AND ml.author = h.author AND ml.script = h.filename
                                      ORDER BY coalesce(ml.commit_id = ANY ($1), false) DESC, ml.id DESC LIMIT 1) l ON true
                 WHERE NOT coalesce(l.commit_id = ANY ($1), false)
                 ORDER BY h.orderexecuted
            $q$, ht.table_schema || '.' || ht.table_name, ht.table_schema || '.' || ht.table_name, ht.table_schema, ht.table_name)
                USING reach, rev;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.unlinked_migrations(text) IS
    'The migrations the tools'' history tables (pggit.history_tables: flyway_schema_history, databasechangelog) list as applied that no commit reachable from revision rev (anything pggit.resolve takes) is linked from (pggit.migration_link): tool, history_table (schema.table), migration (Flyway: V<version> <description> (<script>); Liquibase: id::author (file)), commit_id (the link''s commit, null when it has none) and a message. Checkout warns with them: after a checkout of rev the catalog lacks what they did while the tool says they ran. Reads the ancestry of rev once (a walk over every commit it reaches). Raises undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.checkout(branch_name text, apply boolean DEFAULT false, allow_data_loss boolean DEFAULT false)
    RETURNS SETOF text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The SQL front of checkout. The plan that changes the catalog from HEAD's tree to the branch's is
-- written by the Java DDL writer, so this does what SQL can: when HEAD's tree and the branch's are
-- equal (a branch just created, or one that only moved in metadata) the plan is empty and, with
-- apply, HEAD moves (pggit.finish_checkout); otherwise it refuses, naming the three entrances that
-- plan and apply. allow_data_loss is accepted for the signature's sake: an empty plan loses nothing.
DECLARE
    tip text;
    head_tree text;
    target_tree text;
    n_status bigint;
    n_drift bigint;
    w record;
BEGIN
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = branch_name;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', branch_name USING ERRCODE = 'undefined_object',
            HINT = 'pggit.list_branches() lists them; pggit.create_branch makes one.';
    END IF;
    SELECT count(*) INTO n_status FROM pggit.status();
    IF n_status > 0 THEN
        RAISE EXCEPTION 'pggit: cannot check out %: % uncommitted change(s) (pggit.status())', branch_name, n_status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Commit them first (SELECT pggit.commit(''message'')), or undo them; checkout would overwrite them.';
    END IF;
    SELECT count(*) INTO n_drift FROM pggit.drift();
    IF n_drift > 0 THEN
        RAISE EXCEPTION 'pggit: cannot check out %: the live catalog has drifted from HEAD in % object(s) (pggit.drift())', branch_name, n_drift
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Record the drift (SELECT pggit.adopt(''message'')) or put it back (pggit.resolve_conflict), then check out.';
    END IF;
    SELECT c.tree INTO head_tree FROM pggit.commit c WHERE c.id = pggit.head_commit();
    SELECT c.tree INTO target_tree FROM pggit.commit c WHERE c.id = tip;
    IF head_tree IS DISTINCT FROM target_tree AND EXISTS (SELECT 1 FROM pggit.diff_trees(head_tree, target_tree)) THEN
        RAISE EXCEPTION 'pggit: checkout of % from SQL needs a DDL plan (HEAD''s tree and the branch''s differ in % object(s)), and pggit''s DDL writer is Java''s',
              branch_name, (SELECT count(*) FROM pggit.diff_trees(head_tree, target_tree))
            USING ERRCODE = 'feature_not_supported',
                  HINT = format('Check it out with mvn pggit:checkout -Dpggit.branch=%s (-Dpggit.apply=true to apply), pggit-cli checkout %s (--apply), or Pggit.checkout("%s", apply, allowDataLoss) from Java: they show the plan and apply it in one transaction.',
                                branch_name, branch_name, branch_name);
    END IF;
    FOR w IN SELECT u.message FROM pggit.unlinked_migrations(tip) u LOOP
        RAISE WARNING 'pggit: %', w.message
            USING HINT = format('The migration tool''s history table disagrees with branch %s''s history.', branch_name);
    END LOOP;
    IF apply THEN
        PERFORM pggit.finish_checkout(branch_name);
    END IF;
    RETURN;
END
$$;
COMMENT ON FUNCTION pggit.checkout(text, boolean, boolean) IS
    'Checks out branch branch_name from SQL, as far as SQL can: returns the plan''s statements (SETOF text, in order), which from SQL is always empty, because the DDL writer that plans a checkout is Java''s. When HEAD''s tree equals the branch''s, the plan is empty and with apply HEAD moves to the branch (pggit.finish_checkout); otherwise it raises feature_not_supported with a HINT naming mvn pggit:checkout -Dpggit.branch=<name>, pggit-cli checkout <name> and Pggit.checkout, which show the plan and apply it. Refuses (object_not_in_prerequisite_state) while pggit.status() or pggit.drift() is not empty; undefined_object for an unknown branch. Warns (RAISE WARNING) for each migration of the tools'' history tables no commit the branch reaches is linked from (pggit.unlinked_migrations). allow_data_loss is taken for the same call as Pggit.checkout; an empty plan loses nothing.';
-- ==== rules/configure.sql =======================================================================

-- The tracking-rules API: schemas, operations, owners/privileges/comments, ignore patterns, directives.

CREATE OR REPLACE FUNCTION pggit.check_patterns(setting text, patterns text[], schemas boolean) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p text;
    verbs constant text[] := ARRAY['CREATE', 'ALTER', 'DROP', 'COMMENT', 'GRANT', 'REVOKE', 'REFRESH', 'REINDEX',
                                   'SECURITY', 'IMPORT'];
BEGIN
    FOREACH p IN ARRAY coalesce(patterns, '{}') LOOP
        IF p IS NULL OR btrim(p) = '' THEN
            RAISE EXCEPTION 'pggit: % contains an empty pattern', setting USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- A schema the migrations have yet to create is a valid rule (seed 000 configures
        -- track_schemas before its migrations create the schemas): said, not refused.
        IF schemas AND strpos(p, '%') = 0 AND NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = p) THEN
            RAISE NOTICE 'pggit: % names schema "%", which does not exist yet; it is tracked once created', setting, p
                USING HINT = 'Patterns match schema names exactly but for %, the only wildcard (_ is a literal).';
        END IF;
        IF NOT schemas AND NOT upper(split_part(btrim(p), ' ', 1)) = ANY (verbs) THEN
            RAISE EXCEPTION 'pggit: % contains "%", which is not an operation', setting, p
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Operations are command tags or their leading words: CREATE, ALTER TABLE, DROP, REFRESH MATERIALIZED VIEW, REINDEX ...';
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.check_patterns(text, text[], boolean) IS 'Raises invalid_parameter_value naming the setting when a pattern is empty or an operation no command tag starts with; a schema name (schemas = true, no % wildcard) that does not exist yet gets a NOTICE and is kept.';

CREATE OR REPLACE FUNCTION pggit.never_matches(pattern text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
-- Why an ignore pattern can match no change pggit records, or null when it can match one. A pattern
-- is matched against '<command tag> <object identity>' (pggit.affected_objects for journal rows,
-- pggit.is_tracked for changes): command tags are upper case and never name TEMP, TEMPORARY,
-- UNLOGGED, OR REPLACE, IF [NOT] EXISTS or CONCURRENTLY (PostgreSQL's command tags, see the event
-- trigger firing matrix), temporary objects are never tracked (schemas pg_temp_N), and REFRESH
-- MATERIALIZED VIEW and REINDEX change no definition.
WITH w AS (SELECT split_part(pattern, '%', 1) AS lit)
SELECT CASE
    WHEN lit ~* '^\s*(CREATE|DROP|ALTER)\s+(OR\s+REPLACE\s+)?(GLOBAL\s+|LOCAL\s+)?(TEMP|TEMPORARY)\M'
         OR lit ~* '\mpg_(toast_)?temp'
        THEN 'temporary objects are never tracked, so there is nothing to ignore'
    WHEN lit ~* '^\s*(REFRESH|REINDEX)\M'
        THEN 'REFRESH MATERIALIZED VIEW and REINDEX change no definition, so pggit records nothing to ignore'
    WHEN lit ~* '\m(UNLOGGED|OR\s+REPLACE|IF\s+(NOT\s+)?EXISTS|CONCURRENTLY)\M' AND lit ~* '^\s*(CREATE|ALTER|DROP)\s'
        THEN 'a command tag never contains UNLOGGED, OR REPLACE, IF [NOT] EXISTS or CONCURRENTLY: the pattern matches the tag and the object''s identity (e.g. ''CREATE TABLE public.tmp%''), not the statement'
    WHEN lit <> upper(lit) AND split_part(lit, ' ', 1) <> upper(split_part(lit, ' ', 1))
        THEN 'command tags are upper case (e.g. ''CREATE INDEX'')'
    END
  FROM w
$$;
COMMENT ON FUNCTION pggit.never_matches(text) IS 'Why an ignore pattern can match nothing pggit records (a TEMP or UNLOGGED keyword, pg_temp, REFRESH/REINDEX, a lower-case command tag), or null when it can match.';

CREATE OR REPLACE FUNCTION pggit.like_pattern(pattern text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN replace(replace(pattern, '\', '\\'), '_', '\_');
COMMENT ON FUNCTION pggit.like_pattern(text) IS 'A tracking rule''s pattern as a LIKE pattern in which % is the only wildcard: _ and \ are literals (schema names such as query_cache are common).';

CREATE OR REPLACE FUNCTION pggit.configure_tracking(track_schemas text[] DEFAULT NULL, ignore_schemas text[] DEFAULT NULL,
                                         track_operations text[] DEFAULT NULL, ignore_operations text[] DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- An argument left null keeps its setting; an empty array clears it. Schemas are names in which
-- % is the only wildcard ('tenant_%'; _ is a literal, pggit.like_pattern); operations are command tags or their leading words ('CREATE', 'ALTER TABLE').
DECLARE
    before jsonb := (SELECT to_jsonb(c) - 'singleton' - 'updated_at' - 'updated_by' FROM pggit.tracking_config c);
BEGIN
    PERFORM pggit.check_patterns('track_schemas', track_schemas, true);
    PERFORM pggit.check_patterns('ignore_schemas', ignore_schemas, NULL);  -- ignoring a schema that does not exist yet is fine
    PERFORM pggit.check_patterns('track_operations', track_operations, false);
    PERFORM pggit.check_patterns('ignore_operations', ignore_operations, false);
    UPDATE pggit.tracking_config c
       SET track_schemas = CASE WHEN configure_tracking.track_schemas IS NULL THEN c.track_schemas
                                ELSE nullif(configure_tracking.track_schemas, '{}') END,
           ignore_schemas = CASE WHEN configure_tracking.ignore_schemas IS NULL THEN c.ignore_schemas
                                 ELSE nullif(configure_tracking.ignore_schemas, '{}') END,
           track_operations = CASE WHEN configure_tracking.track_operations IS NULL THEN c.track_operations
                                   ELSE nullif(configure_tracking.track_operations, '{}') END,
           ignore_operations = CASE WHEN configure_tracking.ignore_operations IS NULL THEN c.ignore_operations
                                    ELSE nullif(configure_tracking.ignore_operations, '{}') END,
           updated_at = clock_timestamp(), updated_by = session_user;
    INSERT INTO pggit.rule_change (rule, old_value, new_value)
    SELECT 'configure_tracking', before, to_jsonb(c) - 'singleton' - 'updated_at' - 'updated_by' FROM pggit.tracking_config c;
END
$$;
COMMENT ON FUNCTION pggit.configure_tracking(text[], text[], text[], text[]) IS
    'Sets which schemas (names, % the only wildcard) and operations (command tags or their leading words) are tracked; null keeps a setting, ''{}'' clears it. Rules apply when journal rows become commits and in the drift scan, with precedence: object directive, ignore patterns, operations, schemas. Errors: empty pattern, an operation that is no command; a schema that does not exist yet gets a NOTICE. Every change is recorded in pggit.rule_change.';

CREATE OR REPLACE FUNCTION pggit.configure(track_schemas text[] DEFAULT NULL, ignore_schemas text[] DEFAULT NULL,
                                track_operations text[] DEFAULT NULL, ignore_operations text[] DEFAULT NULL)
    RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    RETURN pggit.configure_tracking(track_schemas, ignore_schemas, track_operations, ignore_operations);
COMMENT ON FUNCTION pggit.configure(text[], text[], text[], text[]) IS 'Alias of pggit.configure_tracking (the spelling of the PrintOptim requirements).';

CREATE OR REPLACE FUNCTION pggit.configure_properties(owners boolean DEFAULT NULL, privileges boolean DEFAULT NULL,
                                           comments boolean DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Whether owners, privileges (ACLs, column ACLs, default privileges) and comments are part of
-- object definitions, for teams whose environments differ in them. null keeps a setting. A change
-- alters the definition of every object that has the property, so it is recorded at once as one
-- commit of the whole catalog (origin manual), whose id is returned (null when nothing changed).
DECLARE
    before jsonb := (SELECT jsonb_build_object('track_owners', c.track_owners, 'track_privileges', c.track_privileges,
                                               'track_comments', c.track_comments) FROM pggit.tracking_config c);
    after jsonb;
BEGIN
    UPDATE pggit.tracking_config c
       SET track_owners = coalesce(configure_properties.owners, c.track_owners),
           track_privileges = coalesce(configure_properties.privileges, c.track_privileges),
           track_comments = coalesce(configure_properties.comments, c.track_comments),
           updated_at = clock_timestamp(), updated_by = session_user
    RETURNING jsonb_build_object('track_owners', c.track_owners, 'track_privileges', c.track_privileges,
                                 'track_comments', c.track_comments) INTO after;
    IF after = before THEN
        RETURN NULL;
    END IF;
    INSERT INTO pggit.rule_change (rule, old_value, new_value) VALUES ('configure_properties', before, after);
    RETURN pggit.commit_changes(format('tracked properties changed: owners %s, privileges %s, comments %s',
                                       CASE WHEN (after ->> 'track_owners')::boolean THEN 'on' ELSE 'off' END,
                                       CASE WHEN (after ->> 'track_privileges')::boolean THEN 'on' ELSE 'off' END,
                                       CASE WHEN (after ->> 'track_comments')::boolean THEN 'on' ELSE 'off' END),
                                'manual', NULL, NULL, true);
END
$$;
COMMENT ON FUNCTION pggit.configure_properties(boolean, boolean, boolean) IS
    'Switches owners, privileges (ACLs incl. column ACLs; default privileges) and comments in or out of object definitions; null keeps a setting. A change is logged in pggit.rule_change and recorded at once as a commit of the whole catalog (origin manual), whose id is returned; null when nothing changed. Tracking directives in comments keep working with comments off.';

CREATE OR REPLACE FUNCTION pggit.add_ignore_pattern(pattern text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    why_not text;
BEGIN
    PERFORM pggit.check_patterns('pattern', ARRAY[pattern], false);
    why_not := pggit.never_matches(btrim(pattern));
    IF why_not IS NOT NULL THEN
        RAISE WARNING 'pggit: ignore pattern "%" can never match: %', btrim(pattern), why_not;
    END IF;
    INSERT INTO pggit.ignore_pattern (pattern) VALUES (btrim(add_ignore_pattern.pattern)) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO pggit.rule_change (rule, new_value) VALUES ('ignore_pattern', to_jsonb(btrim(pattern)));
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.add_ignore_pattern(text) IS
    'Ignores changes whose command tag followed by object identity matches a pattern in which % is the only wildcard, e.g. ''CREATE INDEX query.%'' (an event trigger cannot see one command''s text, so the pattern matches the tag and the identity, not the statement). Warns when the pattern can never match (pggit.never_matches). Returns false when the pattern was already there.';

CREATE OR REPLACE FUNCTION pggit.apply_build_rules(source text, track_schemas text[] DEFAULT NULL, ignore_schemas text[] DEFAULT NULL,
                                                    track_operations text[] DEFAULT NULL, ignore_operations text[] DEFAULT NULL,
                                                    ignore_patterns text[] DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The rules a build's configuration names (flyway.pggit.*, liquibase.pggit.*), called at the start
-- of each of its runs. They belong to source, the tool and its history table ('flyway:public.flyway_schema_history'),
-- and are the whole set of each kind named: the source's row of pggit.build_rules becomes exactly
-- these lists (a kind no longer named, or a pattern no longer named, is gone; all null: the row
-- goes). The rules set from SQL (tracking_config, ignore_pattern) and other sources' are untouched:
-- the source's runs use its lists for the kinds it names, the database's for the others
-- (pggit.rules_in_force). All or nothing: every value is checked before anything is written.
-- Each kind that changed is a row of pggit.rule_change (rule = the kind) naming source.
DECLARE
    kinds constant text[] := ARRAY['track_schemas', 'ignore_schemas', 'track_operations', 'ignore_operations', 'ignore_patterns'];
    patterns text[] := ARRAY(SELECT DISTINCT btrim(x) FROM unnest(ignore_patterns) x ORDER BY 1);
    before jsonb;
    after jsonb;
    p text;
BEGIN
    PERFORM pggit.require_text(source, 'the source of build rules');
    PERFORM pggit.check_patterns('track_schemas', track_schemas, true);
    PERFORM pggit.check_patterns('ignore_schemas', ignore_schemas, NULL);  -- ignoring a schema that does not exist yet is fine
    PERFORM pggit.check_patterns('track_operations', track_operations, false);
    PERFORM pggit.check_patterns('ignore_operations', ignore_operations, false);
    PERFORM pggit.check_patterns('ignore_patterns', ignore_patterns, false);
    IF ignore_patterns IS NULL THEN
        patterns := NULL;
    END IF;
    FOREACH p IN ARRAY coalesce(patterns, '{}') LOOP
        IF pggit.never_matches(p) IS NOT NULL THEN
            RAISE WARNING 'pggit: ignore pattern "%" can never match: %', p, pggit.never_matches(p);
        END IF;
    END LOOP;
    SELECT jsonb_strip_nulls(to_jsonb(b) - 'source' - 'updated_at' - 'updated_by') INTO before
      FROM pggit.build_rules b WHERE b.source = apply_build_rules.source FOR UPDATE;
    after := jsonb_strip_nulls(jsonb_build_object('track_schemas', track_schemas, 'ignore_schemas', ignore_schemas,
                                                  'track_operations', track_operations, 'ignore_operations', ignore_operations,
                                                  'ignore_patterns', patterns));
    IF coalesce(before, '{}') = after THEN
        RETURN;
    END IF;
    IF after = '{}' THEN
        DELETE FROM pggit.build_rules b WHERE b.source = apply_build_rules.source;
    ELSE
        INSERT INTO pggit.build_rules AS b (source, track_schemas, ignore_schemas, track_operations, ignore_operations, ignore_patterns)
        VALUES (apply_build_rules.source, track_schemas, ignore_schemas, track_operations, ignore_operations, patterns)
        ON CONFLICT ON CONSTRAINT build_rules_pkey DO UPDATE
           SET track_schemas = excluded.track_schemas, ignore_schemas = excluded.ignore_schemas,
               track_operations = excluded.track_operations, ignore_operations = excluded.ignore_operations,
               ignore_patterns = excluded.ignore_patterns, updated_at = clock_timestamp(), updated_by = session_user;
    END IF;
    INSERT INTO pggit.rule_change (rule, old_value, new_value, source)
    SELECT k, before -> k, after -> k, apply_build_rules.source
      FROM unnest(kinds) WITH ORDINALITY u(k, n)
     WHERE (before -> k) IS DISTINCT FROM (after -> k)
     ORDER BY u.n;
END
$$;
COMMENT ON FUNCTION pggit.apply_build_rules(text, text[], text[], text[], text[], text[]) IS
    'Sets the tracking rules a build names (flyway.pggit.*, liquibase.pggit.*) for its source, the tool and its history table (''flyway:public.flyway_schema_history''): each non-null list is the whole set of its kind for the source''s runs, a null one leaves that kind to the database''s rules (set from SQL); the source''s row of pggit.build_rules becomes exactly these lists (all null: no row). Neither the database''s rules nor another source''s change. All values are checked before anything changes (one bad value: nothing changes, the error names the setting). Each kind that changed is recorded in pggit.rule_change (rule = the kind) with source.';

CREATE OR REPLACE FUNCTION pggit.remove_ignore_pattern(pattern text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM pggit.ignore_pattern p WHERE p.pattern = btrim(remove_ignore_pattern.pattern);
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO pggit.rule_change (rule, old_value) VALUES ('ignore_pattern', to_jsonb(btrim(pattern)));
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.remove_ignore_pattern(text) IS 'Removes an ignore pattern; false when there was none.';

CREATE OR REPLACE FUNCTION pggit.list_ignore_patterns() RETURNS TABLE (pattern text, created_at timestamptz, created_by name)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT p.pattern, p.created_at, p.created_by FROM pggit.ignore_pattern p ORDER BY p.pattern
$$;
COMMENT ON FUNCTION pggit.list_ignore_patterns() IS 'The ignore patterns, in order.';

CREATE OR REPLACE FUNCTION pggit.remove_directive(object_key text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM pggit.object_directive d
     WHERE d.object_key = remove_directive.object_key OR pggit.key_identity(d.object_key) = remove_directive.object_key;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO pggit.rule_change (rule, old_value) VALUES ('directive', jsonb_build_object('object_key', object_key));
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.remove_directive(text) IS 'Forgets a @pggit-track / @pggit-ignore directive kept for an object (key or identity); false when there was none.';
-- ==== rules/windows.sql =========================================================================

-- Pause windows: tracking paused for a while, resumed by the next call after it ends.

CREATE OR REPLACE FUNCTION pggit.check_duration(duration interval) RETURNS void
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF duration IS NULL OR duration <= interval '0' THEN
        RAISE EXCEPTION 'pggit: duration must be a positive interval such as ''1 hour'', not %', coalesce(duration::text, 'null')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.check_duration(interval) IS 'Raises invalid_parameter_value unless duration is a positive interval (pause_tracking, emergency_disable).';

CREATE OR REPLACE FUNCTION pggit.refresh_tracking_windows() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Nothing wakes up by itself inside PostgreSQL: every pggit call that writes (and each
-- integration run) ends the windows whose time is up, re-enabling the event triggers. The
-- reader's calls never do (they write nothing, for a hot standby): they read a window whose
-- ends_at has passed as ended.
DECLARE
    w pggit.tracking_window;
BEGIN
    FOR w IN SELECT * FROM pggit.tracking_window t WHERE t.ended_at IS NULL AND t.ends_at <= clock_timestamp() LOOP
        IF w.kind = 'emergency' THEN
            ALTER EVENT TRIGGER pggit_ddl_command_end ENABLE;
            ALTER EVENT TRIGGER pggit_sql_drop ENABLE;
        END IF;
        -- a pause ends at its time (the trigger journaled all along; rows are judged by when they
        -- were recorded); an emergency ends when the triggers really came back, which is now
        UPDATE pggit.tracking_window t SET ended_at = CASE WHEN w.kind = 'emergency' THEN clock_timestamp() ELSE w.ends_at END
         WHERE t.id = w.id;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.refresh_tracking_windows() IS 'Ends the pause and emergency windows whose time is up and re-enables the event triggers an emergency disabled; every pggit call that writes runs it first. A pause ends at its ends_at; an emergency at the moment its triggers are re-enabled (DDL until then was not journaled).';

CREATE OR REPLACE FUNCTION pggit.pause_tracking(duration interval) RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    until timestamptz;
BEGIN
    PERFORM pggit.check_duration(duration);
    PERFORM pggit.refresh_tracking_windows();
    IF EXISTS (SELECT 1 FROM pggit.tracking_window t WHERE t.ended_at IS NULL) THEN
        RAISE EXCEPTION 'pggit: tracking is already off (see pggit.tracking_status())' USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO pggit.tracking_window (kind, ends_at) VALUES ('pause', clock_timestamp() + duration) RETURNING ends_at INTO until;
    RETURN until;
END
$$;
COMMENT ON FUNCTION pggit.pause_tracking(interval) IS
    'Pauses tracking for duration (returns when it ends): the event triggers still journal, but changes made in the window are not committed; the drift scan reports them as changed while tracking was paused. Ends at pggit.resume_tracking() or after duration: the reader''s calls count it as ended then, and the next pggit call that writes records its end.';

CREATE OR REPLACE FUNCTION pggit.resume_tracking() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.tracking_window t SET ended_at = clock_timestamp() WHERE t.kind = 'pause' AND t.ended_at IS NULL;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION pggit.resume_tracking() IS 'Ends a pause; false when tracking was not paused.';
-- ==== check/consistency.sql =====================================================================

-- Consistency: drift, gaps between the tools' history tables and the links, tracking state.
-- One implementation, in the database: pggit:check, psql users and the Liquibase commands call it.

CREATE OR REPLACE FUNCTION pggit.history_tables()
    RETURNS TABLE (tool text, table_schema text, table_name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The migration tools' history tables in this database, recognised by name (pggit.tool_table) and
-- by their columns: Flyway's has installed_rank, version, script, checksum, success; Liquibase's
-- has id, author, filename, md5sum, exectype.
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'installed_rank')
            THEN 'flyway' ELSE 'liquibase' END, n.nspname::text, c.relname::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relname IN (SELECT t.relname FROM pggit.tool_table t)
   AND ((SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
          AND a.attname IN ('installed_rank', 'version', 'script', 'checksum', 'success')) = 5
        OR (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
             AND a.attname IN ('id', 'author', 'filename', 'md5sum', 'exectype')) = 5)
$$;
COMMENT ON FUNCTION pggit.history_tables() IS 'The migration tools'' history tables in this database (tool flyway or liquibase, schema, table), recognised by name (pggit.tool_table) and by their columns.';

CREATE OR REPLACE FUNCTION pggit.drift_findings(drift jsonb, verbose boolean DEFAULT false)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The drift check's findings from one drift scan (a jsonb array of pggit.drift() rows), so that the
-- reader's check (verify_consistency) and the writer's (record_conflicts) report it alike from a
-- single scan. Writes nothing; reads the definitions and the open conflicts. verbose: details.before
-- is the definition at HEAD (the store's blob of old_hash), details.after the live one: the store's
-- when a commit holds that state, else read from the catalog by address, once for just the drifted
-- objects no commit holds (an added, modified or renamed object's new state), and only when the
-- live object still has the hash the scan found.
WITH d AS (
    SELECT * FROM jsonb_to_recordset(coalesce(drift, '[]')) AS d(change text, object_key text, old_key text, kind text, old_hash text,
                                                                new_hash text, note text, classid oid, objid oid)
),
unstored AS (
    SELECT DISTINCT d.classid, d.objid FROM d
     WHERE d.change <> 'D' AND d.classid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pggit.blob b WHERE b.hash = d.new_hash)
),
live AS MATERIALIZED (   -- computed once, on the first verbose finding that needs it; never without verbose;
    -- one jsonb object keyed by '<object_key> <hash>', so that each finding finds its own by a key lookup
    SELECT jsonb_object_agg(r.object_key || ' ' || r.hash, r.definition) AS definitions
      FROM pggit.read_catalog(coalesce((SELECT array_agg(u.classid ORDER BY u.classid, u.objid) FROM unstored u), '{}'),
                              coalesce((SELECT array_agg(u.objid ORDER BY u.classid, u.objid) FROM unstored u), '{}')) r
)
SELECT 'drift', 'drift_' || CASE d.change WHEN 'A' THEN 'added' WHEN 'D' THEN 'removed' WHEN 'R' THEN 'renamed' ELSE 'changed' END,
       'error', d.object_key,
       CASE d.change WHEN 'A' THEN format('%s exists in the database but in no commit', d.object_key)
                     WHEN 'D' THEN format('%s is in HEAD but no longer in the database', d.object_key)
                     WHEN 'R' THEN format('%s was renamed to %s outside any commit', d.old_key, d.object_key)
                     ELSE format('%s differs from its definition at HEAD', d.object_key) END
           || coalesce(' (' || d.note || ')', ''),
       'Adopt it as a commit (mvn pggit:adopt, or pggit.verify_consistency(fix_issues => true)), '
           || coalesce((SELECT format('resolve conflict %s with pggit.resolve_conflict(conflict_id => %L, resolution => ''use_current'' or ''use_tracked'', reason => ...)', x.id, x.id)
                          FROM pggit.conflict x WHERE x.object_key = d.object_key AND x.resolved_at IS NULL),
                       'record it as a conflict (pggit.record_conflicts(), which mvn pggit:check runs where it may write) and resolve it')
           || ', or revert it with a migration.',
       CASE WHEN drift_findings.verbose THEN jsonb_build_object(
           'before', (SELECT b.definition FROM pggit.blob b WHERE b.hash = d.old_hash),
           'after', CASE WHEN d.new_hash IS NOT NULL
                         THEN coalesce((SELECT b.definition FROM pggit.blob b WHERE b.hash = d.new_hash),
                                       (SELECT l.definitions -> (d.object_key || ' ' || d.new_hash) FROM live l)) END) END
  FROM d
 ORDER BY d.object_key
$$;
COMMENT ON FUNCTION pggit.drift_findings(jsonb, boolean) IS
    'The drift check''s findings (check_name drift; kind drift_added, drift_removed, drift_changed or drift_renamed; its open conflict in the hint; when verbose, details.before = the definition at HEAD and details.after = the live one, from the store or read once by address for the drifted objects no commit holds) from one drift scan given as a jsonb array of pggit.drift() rows: shared by verify_consistency and record_conflicts. Writes nothing.';

CREATE OR REPLACE FUNCTION pggit.verify_consistency(fix_issues boolean DEFAULT false, verbose boolean DEFAULT false,
                                         checks text[] DEFAULT NULL)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- One row per finding, check_name one of drift, gap, conflict, tracking, integrity:
--   drift:    added / removed / changed objects no commit explains (kind drift_added, drift_removed,
--             drift_changed, drift_renamed); fix_issues => true adopts them as a commit (origin drift);
--             on a database restored or upgraded since its index was built, one finding server_moved
--             instead (pggit.server_moved), or with fix_issues the re-baseline (server_rebaselined,
--             pggit.rebaseline_after_move) and then the drift scan;
--   gap:      unlinked_migration (in a history table, applied after pggit was installed, no link),
--             missing_migration (a link whose history row is gone; not a Liquibase changeset whose
--             latest link is its rollback), checksum_mismatch (the history
--             table's checksum is not the linked one; Liquibase's 8: -> 9: upgrade is not a gap),
--             failed_migration, out_of_order (Flyway: applied after a higher version),
--             restarted_history (warning: pggit was uninstalled and installed again, and the history
--             table holds migrations from before the restart);
--   tracking: tracking_off (paused or disabled), capture_failure (pggit could not record a migration),
--             interrupted_deployment (warning: a run whose session ended without closing its
--             deployment, closed by close_interrupted_deployments: the next run, or pggit:check
--             first where it may write; those that started in the last 7 days: an incident to look
--             at, not a state to fix, so it does not stay in every check; pggit.deployment keeps them all);
--   integrity: what pggit.fsck() finds in the object store (hash mismatches, missing tree nodes,
--             definitions and parents, the index out of step with HEAD; check/fsck.sql);
--   conflict: none yet (the conflict registry comes with merge).
-- verbose adds details (definitions before and after, history rows, hashes); checks names the checks
-- to run (drift, gap, tracking, integrity; null = all), so a client can run them one by one and
-- report progress.
-- Without fix_issues a reader's call, which writes nothing (no row, no temporary table, no
-- transaction id), so that a hot standby answers it: drift is not recorded as conflicts here (that
-- is pggit.record_conflicts, the writer's step of a check), windows whose time is up count as ended
-- when read (tracking_status), and interrupted runs are reported, not closed.
DECLARE
    installed timestamptz := (SELECT min(v.installed_at) FROM pggit.schema_version v);
    ht record;
    adopted text;
    scan jsonb;
    mv record;
    rb record;
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(checks) c WHERE c IS NULL OR c NOT IN ('drift', 'gap', 'tracking', 'integrity')) THEN
        RAISE EXCEPTION 'pggit: checks has %: the allowed values are drift, gap, tracking, integrity (or null for all)', checks
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF fix_issues AND NOT pg_has_role(session_user, 'pggit_admin', 'USAGE') THEN
        RAISE EXCEPTION 'pggit: fix_issues => true adopts drift as a commit, which takes pggit_admin; role "%" has not got it', session_user
            USING ERRCODE = 'insufficient_privilege', HINT = 'Run the check without fixes, or GRANT pggit_admin TO the role that adopts drift.';
    END IF;
    IF checks IS NULL OR 'drift' = ANY (checks) THEN
    -- a moved server (pg_dump/pg_restore, pg_upgrade): one finding, not a flood of every object whose
    -- address or printed definition differs; with fixes, the re-baseline first, then the drift scan
    SELECT * INTO mv FROM pggit.server_moved() m;
    IF mv.moved AND fix_issues THEN
        SELECT * INTO rb FROM pggit.rebaseline_after_move() r;
        RETURN QUERY SELECT 'drift', 'server_rebaselined', 'info', current_database()::text, rb.message, NULL::text,
                            CASE WHEN verify_consistency.verbose THEN to_jsonb(rb) END;
    ELSIF mv.moved THEN
        RETURN QUERY SELECT 'drift', 'server_moved', 'error', current_database()::text, mv.message,
                            'Run a migration (the Flyway callback and Liquibase re-baseline at the start of a run), a commit, '
                                || 'SELECT * FROM pggit.rebaseline_after_move() (pggit_writer), or this check with fixes; then check again.',
                            CASE WHEN verify_consistency.verbose THEN to_jsonb(mv) END;
    END IF;
    IF NOT mv.moved OR fix_issues THEN
    scan := (SELECT coalesce(jsonb_agg(to_jsonb(d)), '[]') FROM pggit.drift() d);   -- one scan, for the findings and the fix
    RETURN QUERY SELECT f.* FROM pggit.drift_findings(scan, verify_consistency.verbose) f;

    IF fix_issues AND jsonb_array_length(scan) > 0 THEN
        adopted := pggit.commit_changes('adopt drift (verify_consistency)', 'drift', NULL, NULL, true);
        RETURN QUERY SELECT 'drift', 'drift_adopted', 'info', adopted,
                            format('drift adopted as commit %s', left(adopted, 7)), NULL::text, NULL::jsonb;
    END IF;
    END IF;
    END IF;

    IF checks IS NULL OR 'gap' = ANY (checks) THEN
    -- a link belongs to the history table its run named (deployment.rules_source, tool:schema.table):
    -- two services with their own history tables in one database each see their own links; a link
    -- of a run that named none (0.1's, or one opened from SQL) or named a table gone since is
    -- compared with every history table of its tool
    FOR ht IN SELECT h.*, h.tool || ':' || h.table_schema || '.' || h.table_name AS source,
                     array_agg(h.tool || ':' || h.table_schema || '.' || h.table_name) OVER () AS sources
                FROM pggit.history_tables() h LOOP
        IF ht.tool = 'flyway' THEN
            RETURN QUERY EXECUTE format($q$
                WITH h AS (SELECT * FROM %I.%I WHERE type NOT IN ('SCHEMA', 'BASELINE', 'DELETE')),
                     l AS (SELECT ml.* FROM pggit.migration_link ml LEFT JOIN pggit.deployment d ON d.id = ml.deployment_id
                            WHERE ml.tool = 'flyway' AND ml.outcome = 'success'
                              AND (d.rules_source IS NULL OR d.rules_source = $4 OR NOT d.rules_source = ANY ($3)))
                SELECT 'gap', 'unlinked_migration', 'error',
                       coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s (%%s, rank %%s) was applied at %%s but has no link to a commit', coalesce('V' || h.version, 'R'),
                              h.script, h.installed_rank, h.installed_on),
                       'It ran without the pggit callback: add io.pggit.flyway.PggitFlywayCallback to flyway.callbacks; its changes show as drift, adopt them.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.success AND h.installed_on >= $1
                   AND NOT EXISTS (SELECT 1 FROM l WHERE l.installed_rank = h.installed_rank
                                      OR (l.installed_rank IS NULL AND l.script = h.script AND l.migration_id IS NOT DISTINCT FROM h.version))
                UNION ALL
                SELECT 'gap', 'missing_migration', 'error', coalesce('V' || l.migration_id, 'R') || ' ' || coalesce(l.description, ''),
                       format('%%s (%%s) is linked to commit %%s but no longer in %%s', coalesce('V' || l.migration_id, 'R'), l.script,
                              left(l.commit_id, 7), %L),
                       'Its history row was deleted (flyway repair, or by hand): restore it, or accept the gap.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l
                 WHERE l.installed_rank IS NOT NULL AND NOT EXISTS (SELECT 1 FROM h WHERE h.installed_rank = l.installed_rank)
                UNION ALL
                SELECT 'gap', 'checksum_mismatch', 'error', coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s: the history table says checksum %%s, the link %%s', h.script, h.checksum, l.checksum),
                       'The migration was changed and repaired after it ran: review it, then record the new state with a migration.',
                       CASE WHEN $2 THEN jsonb_build_object('history', to_jsonb(h), 'link', to_jsonb(l)) END
                  FROM h JOIN l ON l.installed_rank = h.installed_rank
                 WHERE l.checksum IS DISTINCT FROM h.checksum::text
                UNION ALL
                SELECT 'gap', 'failed_migration', 'error', coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s failed (history rank %%s)', h.script, h.installed_rank),
                       'Fix the migration, run flyway repair, and migrate again.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h WHERE NOT h.success
                UNION ALL
                SELECT 'gap', 'out_of_order', 'warning', 'V' || h.version || ' ' || h.description,
                       format('V%%s was applied after a higher version (rank %%s)', h.version, h.installed_rank),
                       'Applied out of order (flyway.outOfOrder): check that it does not depend on what the later versions did.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.version IS NOT NULL AND h.success
                   AND EXISTS (SELECT 1 FROM h e WHERE e.version IS NOT NULL AND e.installed_rank < h.installed_rank
                                  AND string_to_array(e.version, '.')::numeric[] > string_to_array(h.version, '.')::numeric[])
            $q$, ht.table_schema, ht.table_name, ht.table_schema || '.' || ht.table_name)
                USING installed, verify_consistency.verbose, ht.sources, ht.source;
        ELSE
            RETURN QUERY EXECUTE format($q$
                -- l: the latest link of each changeset that is applied. A failed rollback leaves it
                -- applied (its earlier link stands); a changeset whose latest link is a rollback is not
                -- applied, so its row's absence from databasechangelog is no gap; applied again, it
                -- has a newer link.
                WITH h AS (SELECT * FROM %I.%I),
                     l AS (SELECT * FROM (SELECT DISTINCT ON (ml.migration_id, ml.author, ml.script) ml.* FROM pggit.migration_link ml
                                           LEFT JOIN pggit.deployment d ON d.id = ml.deployment_id
                                           WHERE ml.tool = 'liquibase' AND ml.exec_type IS DISTINCT FROM 'ROLLBACK_FAILED'
                                             AND (d.rules_source IS NULL OR d.rules_source = $4 OR NOT d.rules_source = ANY ($3))
                                           ORDER BY ml.migration_id, ml.author, ml.script, ml.id DESC) latest
                            WHERE latest.exec_type IS DISTINCT FROM 'ROLLED_BACK')
                SELECT 'gap', 'unlinked_migration', 'error', h.id || '::' || h.author || ' (' || h.filename || ')',
                       format('changeset %%s::%%s (%%s) ran at %%s but has no link to a commit', h.id, h.author, h.filename, h.dateexecuted),
                       'It ran without pggit-liquibase on the classpath: add it; its changes show as drift, adopt them.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.dateexecuted >= $1
                   AND NOT EXISTS (SELECT 1 FROM l WHERE l.migration_id = h.id AND l.author = h.author AND l.script = h.filename)
                UNION ALL
                SELECT 'gap', 'missing_migration', 'error', l.migration_id || '::' || l.author || ' (' || l.script || ')',
                       format('changeset %%s::%%s is linked to commit %%s but no longer in %%s', l.migration_id, l.author,
                              left(l.commit_id, 7), %L),
                       'Its databasechangelog row was deleted: restore it, or accept the gap.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l
                 WHERE l.outcome = 'success'
                   AND NOT EXISTS (SELECT 1 FROM h WHERE h.id = l.migration_id AND h.author = l.author AND h.filename = l.script)
                UNION ALL
                SELECT 'gap', 'checksum_mismatch', 'error', h.id || '::' || h.author || ' (' || h.filename || ')',
                       format('changeset %%s::%%s: databasechangelog says %%s, the link %%s', h.id, h.author, h.md5sum, l.checksum),
                       'The changeset was edited after it ran: review it, then record the new state with a new changeset.',
                       CASE WHEN $2 THEN jsonb_build_object('history', to_jsonb(h), 'link', to_jsonb(l)) END
                  FROM h JOIN l ON l.migration_id = h.id AND l.author = h.author AND l.script = h.filename
                 WHERE h.md5sum IS NOT NULL AND l.checksum IS NOT NULL AND h.md5sum <> l.checksum
                   AND split_part(h.md5sum, ':', 1) = split_part(l.checksum, ':', 1)   -- 8: -> 9: is Liquibase's upgrade
                UNION ALL
                SELECT 'gap', 'failed_migration', 'error', l.migration_id || '::' || l.author || ' (' || l.script || ')',
                       format('changeset %%s::%%s failed: %%s', l.migration_id, l.author, coalesce(l.error, 'no message')),
                       'Fix the changeset and run update again.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l WHERE l.outcome = 'failed'
            $q$, ht.table_schema, ht.table_name, ht.table_schema || '.' || ht.table_name)
                USING installed, verify_consistency.verbose, ht.sources, ht.source;
        END IF;
        -- a history restarted by a reinstall after pggit:uninstall, while the tool's history table
        -- holds migrations from before it: their commits are gone
        IF EXISTS (SELECT 1 FROM pggit.history_restart) THEN
            RETURN QUERY EXECUTE format($q$
                SELECT 'gap', 'restarted_history', 'warning', %L,
                       format('pggit''s history restarted at %%s (pggit was uninstalled at %%s, and the history before that was removed): '
                              || '%%s migrations in %%s ran before it and have no commits', r.restarted_at, r.uninstalled_at, count(*), %L),
                       'Nothing to do when the uninstall was intended: the schema they built is in the baseline commit '
                           || coalesce(left(r.baseline_commit, 7), '(none)') || '.',
                       CASE WHEN $2 THEN jsonb_build_object('uninstalled_at', r.uninstalled_at, 'restarted_at', r.restarted_at,
                                                            'baseline_commit', r.baseline_commit, 'migrations_before', count(*)) END
                  FROM %I.%I h, (SELECT * FROM pggit.history_restart x ORDER BY x.id DESC LIMIT 1) r
                 WHERE h.%I < r.restarted_at
                 GROUP BY r.id, r.restarted_at, r.uninstalled_at, r.restarted_by, r.baseline_commit
            $q$, ht.table_schema || '.' || ht.table_name, ht.table_schema || '.' || ht.table_name, ht.table_schema, ht.table_name,
                 CASE ht.tool WHEN 'flyway' THEN 'installed_on' ELSE 'dateexecuted' END) USING installed, verify_consistency.verbose;
        END IF;
    END LOOP;
    END IF;

    IF checks IS NULL OR 'tracking' = ANY (checks) THEN
    RETURN QUERY
    SELECT 'tracking', 'tracking_off', 'warning', 'pggit', format('tracking is %s since %s, until %s', t.state, t.since, t.until),
           t.note, NULL::jsonb
      FROM pggit.tracking_status() t WHERE t.state <> 'tracking'
    UNION ALL
    SELECT 'tracking', 'interrupted_deployment', 'warning', 'deployment ' || d.id,
           format('deployment %s "%s" (%s, started %s) was interrupted: its session ended without closing it, after %s migration(s) linked',
                  d.id, d.name, d.tool, d.started_at, (SELECT count(*) FROM pggit.migration_link l WHERE l.deployment_id = d.id)),
           'The run was killed or lost its connection. The migration it was running, when transactional, was rolled back and '
               || 'runs again in the next run; a non-transactional one may be half applied: look at the drift and the tool''s history table.',
           CASE WHEN verify_consistency.verbose THEN to_jsonb(d) || jsonb_build_object('links',
                    (SELECT jsonb_agg(to_jsonb(l) ORDER BY l.id) FROM pggit.migration_link l WHERE l.deployment_id = d.id)) END
      FROM pggit.deployment d
     WHERE (d.outcome = 'interrupted'
            OR (d.outcome = 'running' AND d.tool <> 'manual' AND NOT pggit.session_alive(d.backend_pid, d.backend_started_at)))
       AND d.started_at > now() - interval '7 days'
    UNION ALL
    SELECT 'tracking', 'capture_failure', 'error', f.migration,
           format('pggit could not record %s: %s', f.migration, f.error),
           'Its changes show as drift: adopt them once the cause is fixed.', NULL::jsonb
      FROM pggit.capture_failure f
     WHERE f.recorded_at > coalesce((SELECT max(c.committed_at) FROM pggit.commit c WHERE c.origin IN ('drift', 'baseline')), '-infinity');
    END IF;

    IF checks IS NULL OR 'integrity' = ANY (checks) THEN
    RETURN QUERY
    SELECT f.check_name, f.kind, f.severity, f.subject, f.message, f.hint, CASE WHEN verify_consistency.verbose THEN f.details END
      FROM pggit.fsck() f;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.verify_consistency(boolean, boolean, text[]) IS
    'One row per finding (check_name drift, gap, conflict, tracking or integrity; kind; severity error, warning or info; subject; message; hint; details when verbose): drift against HEAD (on a database restored or upgraded since its index was built, one server_moved finding instead, or with fix_issues the re-baseline first), gaps between the Flyway and Liquibase history tables and the links (unlinked, missing, checksum mismatch, failed, out of order, restarted history after pggit:uninstall), tracking off, capture failures, interrupted deployments (those of the last 7 days; pggit.close_interrupted_deployments closes them), and the object store''s integrity (pggit.fsck: hash mismatches, missing tree nodes, definitions and parents, the index out of step with HEAD). Without fix_issues it writes nothing (so a hot standby answers it); drift is recorded as conflicts by pggit.record_conflicts, the writer''s step. fix_issues => true (pggit_admin) adopts drift as a commit of origin drift. checks (text[]: drift, gap, tracking, integrity) runs only those, null runs all; another name raises invalid_parameter_value.';

CREATE OR REPLACE FUNCTION pggit.adopt(message text DEFAULT 'adopt drift') RETURNS text
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    RETURN pggit.commit_changes(message, 'drift', NULL, NULL, true);
COMMENT ON FUNCTION pggit.adopt(text) IS 'Records all current drift (the whole catalog against HEAD) as one commit of origin drift, so a hotfix made by hand becomes history; returns its id, or null when there is none.';
-- ==== check/conflicts.sql =======================================================================

-- Detecting and resolving conflicts.

CREATE OR REPLACE FUNCTION pggit.record_conflicts(verbose boolean DEFAULT false)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The writer's step of a check, apart from the reader's verify_consistency (which writes nothing,
-- so that a hot standby answers it): scans for drift once, records each drifted object as an open
-- conflict (once; its change and hashes follow the live object), closes the open drift conflicts
-- whose drift has gone (fixed by hand or by a migration), and returns the drift check's findings
-- (pggit.drift_findings, as verify_consistency(checks => '{drift}') reports them, each hint naming
-- its conflict). Like every pggit call that writes, it ends the windows whose time is up first.
DECLARE
    scan jsonb;
BEGIN
    PERFORM pggit.refresh_tracking_windows();
    scan := (SELECT coalesce(jsonb_agg(to_jsonb(d)), '[]') FROM pggit.drift() d);
    INSERT INTO pggit.conflict (object_key, source, change, tracked_hash, current_hash)
    SELECT d.object_key, 'drift', d.change, d.old_hash, d.new_hash
      FROM jsonb_to_recordset(scan) AS d(object_key text, change text, old_hash text, new_hash text)
    ON CONFLICT (object_key) WHERE resolved_at IS NULL DO UPDATE
       SET change = excluded.change, tracked_hash = excluded.tracked_hash, current_hash = excluded.current_hash;
    UPDATE pggit.conflict c
       SET resolved_at = clock_timestamp(), resolved_by = session_user, result = 'drift gone: the live schema equals HEAD again'
     WHERE c.resolved_at IS NULL AND c.source = 'drift'
       AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(scan) AS d(object_key text) WHERE d.object_key = c.object_key);
    RETURN QUERY SELECT f.* FROM pggit.drift_findings(scan, record_conflicts.verbose) f;
END
$$;
COMMENT ON FUNCTION pggit.record_conflicts(boolean) IS
    'The writer''s step of a check (pggit_writer; verify_consistency, the reader''s, writes nothing): scans for drift once, records each drifted object as an open conflict, closes the open drift conflicts whose drift is gone, and returns the drift findings as verify_consistency(checks => ''{drift}'') reports them, each naming its conflict (details when verbose). mvn pggit:check runs it instead of the drift check where the session may write (not a hot standby, not a read-only transaction, a writer role).';

CREATE OR REPLACE FUNCTION pggit.detect_conflicts() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Records each drifted object as an open conflict (once), and closes the open ones whose drift has
-- gone (pggit.record_conflicts). Returns the number of open conflicts.
BEGIN
    PERFORM FROM pggit.record_conflicts();
    RETURN (SELECT count(*) FROM pggit.conflict c WHERE c.resolved_at IS NULL);
END
$$;
COMMENT ON FUNCTION pggit.detect_conflicts() IS 'Records drifted objects as open conflicts and closes those whose drift is gone (pggit.record_conflicts); returns how many are open.';

CREATE OR REPLACE FUNCTION pggit.column_ddl(col jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN format('%I %s', col ->> 'name', col ->> 'type')
        || coalesce(' COLLATE ' || (col ->> 'collation'), '')
        || coalesce(' DEFAULT ' || (col ->> 'default'), '')
        || coalesce(' GENERATED ALWAYS AS (' || (col ->> 'generated') || ') STORED', '')
        || coalesce(' GENERATED ' || upper(col ->> 'identity') || ' AS IDENTITY', '')
        || CASE WHEN (col ->> 'not_null')::boolean THEN ' NOT NULL' ELSE '' END;
COMMENT ON FUNCTION pggit.column_ddl(jsonb) IS 'A column of a table definition (pggit.read_relations: name, type, collation, default, generated, identity, not_null) as CREATE TABLE and ADD COLUMN spell it: ''"v" text COLLATE ... DEFAULT ... NOT NULL''. Its storage, compression, statistics and comment are ALTERs apart (pggit.table_alters). Used by use_tracked; the export writes tables in Java (DdlWriter).';

CREATE OR REPLACE FUNCTION pggit.table_alters(rel text, live jsonb, tracked jsonb) RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The ALTER TABLE and COMMENT statements that take table rel from the properties of definition
-- live to those of tracked (both as pggit.read_relations writes them): persistence, storage
-- options, row level security, replica identity, comment, and each tracked column's storage,
-- compression, statistics and comment (a column live does not have is compared with what
-- ADD COLUMN gives it). Names, columns' types, defaults, partitions, inheritance and the owner are
-- the caller's (pggit.restore_table).
SELECT ARRAY(SELECT s FROM (
    SELECT 1 AS o, 0::bigint AS n, format('ALTER TABLE %s SET %s', rel, CASE WHEN (tracked ->> 'unlogged')::boolean THEN 'UNLOGGED' ELSE 'LOGGED' END) AS s
     WHERE live -> 'unlogged' IS DISTINCT FROM tracked -> 'unlogged'
    UNION ALL
    SELECT 2, 0, format('ALTER TABLE %s RESET (%s)', rel, (SELECT string_agg(split_part(x, '=', 1), ', ' ORDER BY x) FROM jsonb_array_elements_text(live -> 'options') x))
     WHERE live -> 'options' IS DISTINCT FROM tracked -> 'options' AND live ? 'options'
    UNION ALL
    SELECT 3, 0, format('ALTER TABLE %s SET (%s)', rel, (SELECT string_agg(format('%s=%L', split_part(x, '=', 1), substr(x, strpos(x, '=') + 1)), ', ' ORDER BY x)
                                                          FROM jsonb_array_elements_text(tracked -> 'options') x))
     WHERE live -> 'options' IS DISTINCT FROM tracked -> 'options' AND tracked ? 'options'
    UNION ALL
    SELECT 4, 0, format('ALTER TABLE %s %s ROW LEVEL SECURITY', rel, CASE WHEN (tracked ->> 'row_security')::boolean THEN 'ENABLE' ELSE 'DISABLE' END)
     WHERE live -> 'row_security' IS DISTINCT FROM tracked -> 'row_security'
    UNION ALL
    SELECT 5, 0, format('ALTER TABLE %s %s ROW LEVEL SECURITY', rel, CASE WHEN (tracked ->> 'force_row_security')::boolean THEN 'FORCE' ELSE 'NO FORCE' END)
     WHERE live -> 'force_row_security' IS DISTINCT FROM tracked -> 'force_row_security'
    UNION ALL
    SELECT 6, 0, format('ALTER TABLE %s REPLICA IDENTITY %s', rel, CASE WHEN tracked ->> 'replica_identity' IS NULL THEN 'DEFAULT'
                                                                       WHEN tracked ->> 'replica_identity' LIKE 'index %' THEN 'USING INDEX ' || substr(tracked ->> 'replica_identity', 7)
                                                                       ELSE upper(tracked ->> 'replica_identity') END)
     WHERE live -> 'replica_identity' IS DISTINCT FROM tracked -> 'replica_identity'
    UNION ALL
    SELECT 7, t.n, s.s
      FROM jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY t(c, n)
      LEFT JOIN jsonb_array_elements(live -> 'columns') l(c) ON l.c ->> 'name' = t.c ->> 'name'
     CROSS JOIN LATERAL (SELECT coalesce(l.c, t.c - ARRAY['storage', 'compression', 'statistics', 'comment']) AS c) b
     CROSS JOIN LATERAL (
         SELECT format('ALTER TABLE %s ALTER COLUMN %I SET STORAGE %s', rel, t.c ->> 'name',
                       upper(coalesce(t.c ->> 'storage', (SELECT CASE ty.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END
                                                            FROM pg_type ty WHERE ty.oid = to_regtype(t.c ->> 'type'))))) AS s
          WHERE b.c -> 'storage' IS DISTINCT FROM t.c -> 'storage'
         UNION ALL
         SELECT format('ALTER TABLE %s ALTER COLUMN %I SET COMPRESSION %s', rel, t.c ->> 'name', coalesce(t.c ->> 'compression', 'default'))
          WHERE b.c -> 'compression' IS DISTINCT FROM t.c -> 'compression'
         UNION ALL
         SELECT format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS %s', rel, t.c ->> 'name', coalesce(t.c ->> 'statistics', '-1'))
          WHERE b.c -> 'statistics' IS DISTINCT FROM t.c -> 'statistics'
         UNION ALL
         SELECT format('COMMENT ON COLUMN %s.%I IS %s', rel, t.c ->> 'name', coalesce(quote_literal(t.c ->> 'comment'), 'NULL'))
          WHERE b.c -> 'comment' IS DISTINCT FROM t.c -> 'comment') s
    UNION ALL
    SELECT 8, 0, format('COMMENT ON TABLE %s IS %s', rel, coalesce(quote_literal(tracked ->> 'comment'), 'NULL'))
     WHERE live -> 'comment' IS DISTINCT FROM tracked -> 'comment'
) x ORDER BY x.o, x.n)
$$;
COMMENT ON FUNCTION pggit.table_alters(text, jsonb, jsonb) IS 'The statements that take table rel (a quoted qualified name) from the properties of table definition live to those of tracked (pggit.read_relations'' shape): SET LOGGED/UNLOGGED, RESET and SET its storage options, ENABLE/DISABLE and FORCE/NO FORCE ROW LEVEL SECURITY, REPLICA IDENTITY, COMMENT ON TABLE, and each tracked column''s SET STORAGE, SET COMPRESSION, SET STATISTICS and COMMENT ON COLUMN; empty when they agree. Used by use_tracked (pggit.restore_table, pggit.table_ddl).';

CREATE OR REPLACE FUNCTION pggit.table_ddl(definition jsonb) RETURNS text[]
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The statements that create a table from its definition (pggit.read_relations): CREATE TABLE
-- with its columns (a partition: PARTITION OF its parent), inheritance, partition key and storage
-- options, then pggit.table_alters for what CREATE TABLE does not say. Its constraints, indexes,
-- triggers and policies are objects of their own. The export writes the same in Java (DdlWriter).
DECLARE
    rel text := format('%I.%I', definition ->> 'schema', definition ->> 'name');
    created jsonb;
    unsupported text[];
BEGIN
    unsupported := ARRAY(SELECT k FROM jsonb_object_keys(definition) k
                          WHERE k NOT IN ('schema', 'name', 'partitioned', 'unlogged', 'columns', 'partition_key', 'partition_of', 'partition_bound',
                                          'inherits', 'options', 'replica_identity', 'row_security', 'force_row_security', 'owner', 'comment')
                          ORDER BY k)
                || ARRAY(SELECT format('column %I: %s', e.c ->> 'name', k) FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY e(c, n),
                                LATERAL jsonb_object_keys(e.c) k
                          WHERE k NOT IN ('name', 'type', 'not_null', 'default', 'generated', 'identity', 'collation', 'storage', 'compression', 'statistics', 'comment')
                          ORDER BY e.n, k);
    IF definition ->> 'replica_identity' LIKE 'index %' THEN
        unsupported := unsupported || 'replica_identity (an index, created after the table)'::text;
    END IF;
    IF cardinality(unsupported) > 0 THEN
        RAISE EXCEPTION 'pggit: cannot build the CREATE TABLE of % from its definition yet: it has %', rel, array_to_string(unsupported, ', ')
            USING ERRCODE = 'feature_not_supported', HINT = 'Write a migration that creates it.';
    END IF;
    -- what CREATE TABLE below gives: the definition without what table_alters adds
    created := (definition - ARRAY['row_security', 'force_row_security', 'replica_identity', 'comment'])
               || jsonb_build_object('columns', coalesce((SELECT jsonb_agg(e.c - ARRAY['storage', 'compression', 'statistics', 'comment'] ORDER BY e.n)
                                                           FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY e(c, n)), '[]'));
    RETURN ARRAY[format('CREATE %sTABLE %s %s%s%s%s', CASE WHEN (definition ->> 'unlogged')::boolean THEN 'UNLOGGED ' ELSE '' END, rel,
                        CASE WHEN definition ? 'partition_of' THEN format('PARTITION OF %s %s', definition ->> 'partition_of', definition ->> 'partition_bound')
                             ELSE '(' || coalesce((SELECT string_agg(pggit.column_ddl(e.c), ', ' ORDER BY e.n)
                                                     FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY e(c, n)), '') || ')' END,
                        coalesce(' INHERITS (' || (SELECT string_agg(i.p, ', ' ORDER BY i.n) FROM jsonb_array_elements_text(definition -> 'inherits') WITH ORDINALITY i(p, n)) || ')', ''),
                        coalesce(' PARTITION BY ' || (definition ->> 'partition_key'), ''),
                        coalesce(' WITH (' || (SELECT string_agg(format('%s=%L', split_part(x, '=', 1), substr(x, strpos(x, '=') + 1)), ', ' ORDER BY x)
                                                 FROM jsonb_array_elements_text(definition -> 'options') x) || ')', ''))]
           || pggit.table_alters(rel, created, definition);
END
$$;
COMMENT ON FUNCTION pggit.table_ddl(jsonb) IS 'The statements that create a table from its definition (pggit.read_relations'' shape): CREATE [UNLOGGED] TABLE with its columns (pggit.column_ddl), or PARTITION OF its parent with its bound, INHERITS, PARTITION BY, WITH (options); then pggit.table_alters for row level security, replica identity, comments and column storage, compression and statistics. Its constraints, indexes and triggers are objects of their own. Raises feature_not_supported naming what it cannot build (privileges, column options, a replica identity index). Used by use_tracked; pggit''s export writes tables in Java (DdlWriter): two writers until they are one (issue 16).';

CREATE OR REPLACE FUNCTION pggit.restore_table(object_key text, change text, tracked jsonb, allow_data_loss boolean DEFAULT false)
    RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- use_tracked for a table (pggit.restore_tracked): recreates a dropped one (D, pggit.table_ddl),
-- drops one HEAD does not have (A), renames one back (R) and puts back what differs (M, R) with
-- ALTERs built from the stored definition. Each statement runs as the table's owner (the tracked
-- owner for a CREATE); ALTER ... OWNER TO runs as the caller, who must be able to become both
-- owners (it runs no stored code). What loses data is refused unless allow_data_loss: dropping a
-- table or partition holding rows, detaching a partition holding rows, dropping a column holding
-- non-null values, changing a column's type to one that does not hold every value of the live
-- one. Rows are counted as the owner with row_security = off (pggit.execute_as_owner), so that a
-- policy cannot hide them; when they cannot be counted, the restore is refused. Afterwards the
-- table must read as its tracked definition, or nothing is changed.
DECLARE
    reloid regclass := to_regclass(pggit.key_identity(object_key));
    live jsonb;
    owner text;
    lrel text;   -- the live table's name now
    rel text;    -- its name in the statements (after a rename, the tracked one)
    trel text := quote_ident(tracked ->> 'schema') || '.' || quote_ident(tracked ->> 'name');   -- null for A
    allow boolean := coalesce(allow_data_loss, false);
    col record;
    diffs text[];
    tnames text[];
    lnames text[];
    stmts text[] := '{}';
    late text[] := '{}';
    losses text[] := '{}';
    unsupported text[] := '{}';
    stmt text;
    owner_stmt text;
    nrows bigint;
    lt text;
    tt text;
    widens boolean;
    now_def jsonb;
BEGIN
    IF reloid IS NOT NULL THEN
        SELECT r.definition INTO live FROM pggit.read_catalog(ARRAY['pg_class'::regclass::oid], ARRAY[reloid::oid]) r WHERE r.kind = 'table';
        owner := pggit.live_owner('pg_class'::regclass, reloid);
        lrel := reloid::text;
    END IF;
    IF live IS NULL AND change = 'A' THEN
        RETURN format('%s is gone already: nothing to drop', object_key);
    ELSIF live IS NULL THEN
        -- recreate it, as its tracked owner
        stmts := pggit.table_ddl(tracked);
        FOREACH stmt IN ARRAY stmts LOOP
            PERFORM pggit.execute_as_owner(stmt, tracked ->> 'owner', object_key);
        END LOOP;
        reloid := to_regclass(trel);
    ELSIF change = 'A' THEN
        IF NOT allow THEN
            nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s', lrel), owner, object_key, true);
            IF nrows > 0 THEN
                RAISE EXCEPTION 'pggit: use_tracked would lose data in %: drop % and its % row%', object_key,
                      coalesce('the partition of ' || (live ->> 'partition_of'), 'the table'), nrows, CASE WHEN nrows = 1 THEN '' ELSE 's' END
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = format('Resolve it with allow_data_loss => true to run: DROP TABLE %s; or keep it with use_current.', lrel);
            END IF;
        END IF;
        stmt := format('DROP TABLE %s', lrel);
        PERFORM pggit.execute_as_owner(stmt, owner, object_key);
        RETURN stmt;
    ELSE
        rel := lrel;
        -- its name and schema first: the statements after name it as HEAD does
        IF live ->> 'name' <> tracked ->> 'name' THEN
            stmts := stmts || format('ALTER TABLE %s RENAME TO %I', rel, tracked ->> 'name');
            rel := format('%I.%I', live ->> 'schema', tracked ->> 'name');
        END IF;
        IF live ->> 'schema' <> tracked ->> 'schema' THEN
            stmts := stmts || format('ALTER TABLE %s SET SCHEMA %I', rel, tracked ->> 'schema');
            rel := trel;
        END IF;
        unsupported := ARRAY(SELECT k FROM (SELECT jsonb_object_keys(live) UNION SELECT jsonb_object_keys(tracked)) ks(k)
                              WHERE k NOT IN ('schema', 'name', 'columns', 'unlogged', 'options', 'row_security', 'force_row_security', 'replica_identity',
                                              'comment', 'owner', 'inherits', 'partition_of', 'partition_bound')
                                AND live -> k IS DISTINCT FROM tracked -> k ORDER BY k);
        -- a partition of another parent, or under another bound: detached first (its rows leave the parent), attached last
        IF (live -> 'partition_of', live -> 'partition_bound') IS DISTINCT FROM (tracked -> 'partition_of', tracked -> 'partition_bound') THEN
            IF live ? 'partition_of' THEN
                IF NOT allow THEN
                    nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s', lrel), owner, object_key, true);
                    IF nrows > 0 THEN
                        losses := losses || format('detach it from %s, taking its %s row%s out of %s', live ->> 'partition_of', nrows,
                                                   CASE WHEN nrows = 1 THEN '' ELSE 's' END, live ->> 'partition_of');
                    END IF;
                END IF;
                stmts := stmts || format('ALTER TABLE %s DETACH PARTITION %s', live ->> 'partition_of', rel);
            END IF;
            IF tracked ? 'partition_of' THEN
                late := late || format('ALTER TABLE %s ATTACH PARTITION %s %s', tracked ->> 'partition_of', rel, tracked ->> 'partition_bound');
            END IF;
        END IF;
        IF live -> 'inherits' IS DISTINCT FROM tracked -> 'inherits' THEN
            stmts := stmts || ARRAY(SELECT format('ALTER TABLE %s NO INHERIT %s', rel, p) FROM jsonb_array_elements_text(live -> 'inherits') WITH ORDINALITY i(p, n)
                                     WHERE NOT coalesce(tracked -> 'inherits', '[]') ? p ORDER BY n);
            late := late || ARRAY(SELECT format('ALTER TABLE %s INHERIT %s', rel, p) FROM jsonb_array_elements_text(tracked -> 'inherits') WITH ORDINALITY i(p, n)
                                   WHERE NOT coalesce(live -> 'inherits', '[]') ? p ORDER BY n);
        END IF;
        -- the columns: a column HEAD has and the table lost is added again (last, as PostgreSQL adds
        -- columns: only when that gives HEAD's order back), one HEAD does not have is dropped, types,
        -- collations, defaults and NOT NULL are put back (storage, compression, statistics and
        -- comments by pggit.table_alters)
        tnames := ARRAY(SELECT e.c ->> 'name' FROM jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY e(c, n) ORDER BY e.n);
        lnames := ARRAY(SELECT e.c ->> 'name' FROM jsonb_array_elements(live -> 'columns') WITH ORDINALITY e(c, n) ORDER BY e.n);
        IF ARRAY(SELECT u.x FROM unnest(lnames) WITH ORDINALITY u(x, n) WHERE u.x = ANY (tnames) ORDER BY u.n)
           || ARRAY(SELECT u.x FROM unnest(tnames) WITH ORDINALITY u(x, n) WHERE NOT u.x = ANY (lnames) ORDER BY u.n) IS DISTINCT FROM tnames THEN
            unsupported := unsupported || 'the order of its columns (PostgreSQL adds a column last)'::text;
        END IF;
        FOR col IN
            SELECT coalesce(t.c ->> 'name', l.c ->> 'name') AS name, l.c AS lc, t.c AS tc
              FROM jsonb_array_elements(live -> 'columns') WITH ORDINALITY l(c, n)
              FULL JOIN jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY t(c, n) ON t.c ->> 'name' = l.c ->> 'name'
             ORDER BY t.n NULLS FIRST, l.n
        LOOP
            IF col.tc IS NULL THEN
                IF NOT allow THEN
                    nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s WHERE %I IS NOT NULL', lrel, col.name), owner, object_key, true);
                    IF nrows > 0 THEN
                        losses := losses || format('drop column %I and its %s non-null value%s', col.name, nrows, CASE WHEN nrows = 1 THEN '' ELSE 's' END);
                    END IF;
                END IF;
                stmts := stmts || format('ALTER TABLE %s DROP COLUMN %I', rel, col.name);
            ELSIF col.lc IS NULL THEN
                unsupported := unsupported || ARRAY(SELECT format('column %I: %s', col.name, k) FROM jsonb_object_keys(col.tc) k
                                                     WHERE k NOT IN ('name', 'type', 'collation', 'default', 'not_null', 'generated', 'identity',
                                                                     'storage', 'compression', 'statistics', 'comment') ORDER BY k);
                stmts := stmts || format('ALTER TABLE %s ADD COLUMN %s', rel, pggit.column_ddl(col.tc));
            ELSE
                diffs := ARRAY(SELECT k FROM (SELECT jsonb_object_keys(col.lc) UNION SELECT jsonb_object_keys(col.tc)) ks(k)
                                WHERE col.lc -> k IS DISTINCT FROM col.tc -> k ORDER BY k);
                unsupported := unsupported || ARRAY(SELECT format('column %I: %s', col.name, k) FROM unnest(diffs) k
                                                     WHERE k NOT IN ('type', 'collation', 'default', 'not_null', 'storage', 'compression', 'statistics', 'comment'));
                IF 'default' = ANY (diffs) AND col.lc ? 'default' THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', rel, col.name);
                END IF;
                IF diffs && ARRAY['type', 'collation'] THEN
                    lt := col.lc ->> 'type';
                    tt := col.tc ->> 'type';
                    -- a type that holds every value of the live one, as it was: no data lost
                    widens := lt = tt
                        OR (lt, tt) IN (('smallint', 'integer'), ('smallint', 'bigint'), ('integer', 'bigint'), ('smallint', 'numeric'),
                                        ('integer', 'numeric'), ('bigint', 'numeric'), ('real', 'double precision'), ('character varying', 'text'))
                        OR (lt ~ '^character varying\(\d+\)$'
                            AND (tt IN ('text', 'character varying')
                                 OR (tt ~ '^character varying\(\d+\)$' AND substring(tt FROM '\d+')::int >= substring(lt FROM '\d+')::int)))
                        OR (lt ~ '^numeric\(\d+,\d+\)$'
                            AND (tt = 'numeric'
                                 OR (tt ~ '^numeric\(\d+,\d+\)$'
                                     AND substring(tt FROM ',(\d+)\)')::int >= substring(lt FROM ',(\d+)\)')::int
                                     AND substring(tt FROM '\((\d+),')::int - substring(tt FROM ',(\d+)\)')::int
                                         >= substring(lt FROM '\((\d+),')::int - substring(lt FROM ',(\d+)\)')::int)));
                    IF NOT widens THEN
                        losses := losses || format('change the type of column %I from %s back to %s', col.name, lt, tt);
                    END IF;
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I TYPE %s%s USING %I::%s', rel, col.name, tt,
                                             coalesce(' COLLATE ' || (col.tc ->> 'collation'), ''), col.name, tt);
                END IF;
                IF 'default' = ANY (diffs) AND col.tc ? 'default' THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', rel, col.name, col.tc ->> 'default');
                END IF;
                IF 'not_null' = ANY (diffs) THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I %s NOT NULL', rel, col.name,
                                             CASE WHEN (col.tc ->> 'not_null')::boolean THEN 'SET' ELSE 'DROP' END);
                END IF;
            END IF;
        END LOOP;
        stmts := stmts || pggit.table_alters(rel, live, tracked) || late;
        IF live -> 'owner' IS DISTINCT FROM tracked -> 'owner' AND tracked ? 'owner' THEN
            owner_stmt := format('ALTER TABLE %s OWNER TO %I', rel, tracked ->> 'owner');
        END IF;
        IF cardinality(unsupported) > 0 THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: it differs from its tracked definition in %', object_key,
                  array_to_string(unsupported, ', ')
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'use_tracked puts back a table''s name, columns (adding lost ones at the end), types, collations, defaults, NOT NULL, persistence, storage options, row level security, replica identity, inheritance, partition, comments and owner; write a migration for the rest, or keep the live table with use_current.';
        END IF;
        IF cardinality(losses) > 0 AND NOT allow THEN
            RAISE EXCEPTION 'pggit: use_tracked would lose data in %: %', object_key, array_to_string(losses, ', ')
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('Resolve it with allow_data_loss => true to run: %s; or keep the live table with use_current.',
                                    array_to_string(stmts || owner_stmt, '; '));
        END IF;
        FOREACH stmt IN ARRAY stmts LOOP
            PERFORM pggit.execute_as_owner(stmt, owner, object_key);
        END LOOP;
        IF owner_stmt IS NOT NULL THEN
            IF NOT pg_has_role(session_user, tracked ->> 'owner', 'MEMBER') THEN
                RAISE EXCEPTION 'pggit: cannot restore %: giving it back to its tracked owner "%" takes a role that can become both "%" and "%", and role "%" cannot',
                      object_key, tracked ->> 'owner', owner, tracked ->> 'owner', session_user
                    USING ERRCODE = 'insufficient_privilege', HINT = format('Run it as a member of both "%s" and "%s".', owner, tracked ->> 'owner');
            END IF;
            PERFORM pggit.execute_as_owner(owner_stmt, session_user, object_key);   -- it checks that the caller can become the live owner
            stmts := stmts || owner_stmt;
        END IF;
    END IF;
    now_def := (SELECT r.definition FROM pggit.read_catalog(ARRAY['pg_class'::regclass::oid], ARRAY[reloid::oid]) r);
    IF now_def IS DISTINCT FROM tracked THEN
        RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: its statements (%) did not give its tracked definition back (it still differs in %)', object_key,
              array_to_string(stmts, '; '),
              coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM (SELECT jsonb_object_keys(coalesce(now_def, '{}')) UNION SELECT jsonb_object_keys(tracked)) ks(k)
                         WHERE now_def -> k IS DISTINCT FROM tracked -> k), 'everything')
            USING ERRCODE = 'feature_not_supported', HINT = 'Nothing was changed. Write a migration that puts it back, or keep the live table with use_current.';
    END IF;
    RETURN format('%s %s %s its tracked definition: %s', CASE WHEN live IS NULL THEN 'recreated' ELSE 'restored' END,
                  CASE WHEN live IS NULL THEN object_key ELSE 'table:' || trel END, CASE WHEN live IS NULL THEN 'from' ELSE 'to' END,
                  array_to_string(stmts, '; '));
END
$$;
COMMENT ON FUNCTION pggit.restore_table(text, text, jsonb, boolean) IS 'use_tracked for a table (pggit.restore_tracked): recreates a dropped one from its definition (D: pggit.table_ddl, as its tracked owner), drops one HEAD does not have (A), renames it back (R) and puts back, with ALTERs built from the definition, its columns (lost ones added at the end; types, collations, defaults, NOT NULL, storage, compression, statistics, comments), persistence, storage options, row level security, replica identity, inheritance, partition (attach, detach) and owner (M, R). Refused unless allow_data_loss (object_not_in_prerequisite_state, saying what would be lost): dropping a table or partition holding rows, detaching a partition holding rows, dropping a column holding non-null values, a type that does not hold every value of the live one; rows counted as the owner with row_security = off. Refused (feature_not_supported) for what it cannot put back (privileges, partition key, identity or generated changes, the order of columns), naming it. Each statement runs as the table''s owner; OWNER TO as the caller, who must be able to become both owners. Returns what it ran. SECURITY INVOKER.';

CREATE OR REPLACE FUNCTION pggit.restore_tracked(object_key text, change text, tracked jsonb, allow_data_loss boolean DEFAULT false)
    RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Puts one live object back to its tracked definition (change M), recreates it (D), or drops it
-- when HEAD does not have it (A), for the kinds whose definition is a complete statement; a table
-- with statements built from its stored definition (pggit.restore_table); a sequence created
-- again, or dropped (its value lost: refused unless allow_data_loss); an enum's labels added
-- back, or the enum rebuilt without the labels HEAD does not have (refused unless allow_data_loss).
-- SECURITY INVOKER, and each statement runs as the owner of the object it changes (SET ROLE, as
-- pg_dump --use-set-session-authorization restores): never with the caller's or pggit's rights,
-- since a stored definition (a view, a default, a function body) can call code its author wrote.
-- The caller must be able to become that owner (a member of it; a superuser for a superuser's
-- object); an owner that no longer exists, or a definition without one (owners not tracked), is
-- refused. The statement is built from the definition: quote_ident / format('%I') for names.
DECLARE
    kind text := pggit.key_kind(object_key);
    ident text := pggit.key_identity(object_key);
    allow boolean := coalesce(allow_data_loss, false);
    live record;
    drop_stmt text;
    create_stmt text;
    nrows bigint;
    tlabels text[];
    llabels text[];
    gone text[];
    losses text[] := '{}';
    stmts text[] := '{}';
    owners text[] := '{}';
    old_name text;
    col record;
    i integer;
    owner text;
BEGIN
    IF kind = 'table' THEN
        RETURN pggit.restore_table(object_key, change, tracked, allow_data_loss);
    END IF;
    SELECT r.classid, r.objid, r.definition INTO live FROM pggit.read_catalog() r WHERE r.object_key = restore_tracked.object_key;
    IF change IN ('A', 'M') THEN
        drop_stmt := CASE kind
            WHEN 'view' THEN format('DROP VIEW %s', live.objid::regclass)
            WHEN 'materialized_view' THEN format('DROP MATERIALIZED VIEW %s', live.objid::regclass)
            WHEN 'sequence' THEN format('DROP SEQUENCE %s', live.objid::regclass)
            WHEN 'index' THEN format('DROP INDEX %s', live.objid::regclass)
            WHEN 'constraint' THEN format('ALTER TABLE %s DROP CONSTRAINT %I', (SELECT c.conrelid::regclass FROM pg_constraint c WHERE c.oid = live.objid),
                                          live.definition ->> 'name')
            WHEN 'trigger' THEN format('DROP TRIGGER %I ON %s', live.definition ->> 'name', (SELECT g.tgrelid::regclass FROM pg_trigger g WHERE g.oid = live.objid))
            WHEN 'function' THEN format('DROP FUNCTION %s', live.objid::regprocedure)
            WHEN 'procedure' THEN format('DROP PROCEDURE %s', live.objid::regprocedure)
            WHEN 'type' THEN format('DROP TYPE %s', live.objid::regtype)
            WHEN 'domain' THEN format('DROP DOMAIN %s', live.objid::regtype)
            WHEN 'schema' THEN format('DROP SCHEMA %I', live.definition ->> 'name')
            WHEN 'extension' THEN format('DROP EXTENSION %I', live.definition ->> 'name')
        END;
    END IF;
    IF change = 'A' THEN
        IF drop_stmt IS NULL THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot drop a % yet: write a migration for %', kind, object_key
                USING ERRCODE = 'feature_not_supported';
        END IF;
        IF kind = 'sequence' AND NOT allow THEN
            nrows := pggit.execute_as_owner(format('SELECT CASE WHEN is_called THEN last_value END FROM %s', live.objid::regclass),
                                        pggit.live_owner(live.classid, live.objid), object_key, true);
            IF nrows IS NOT NULL THEN
                RAISE EXCEPTION 'pggit: use_tracked would lose data in %: drop the sequence and its current value (%)', object_key, nrows
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = format('Resolve it with allow_data_loss => true to run: %s; or keep it with use_current.', drop_stmt);
            END IF;
        END IF;
        PERFORM pggit.execute_as_owner(drop_stmt, pggit.live_owner(live.classid, live.objid), object_key);
        RETURN drop_stmt;
    ELSIF change = 'D' AND kind = 'sequence' THEN
        -- created again (its value starts over); OWNED BY when its column exists (pggit.resolve_conflict
        -- restores a table's sequences before the table and sets it after)
        create_stmt := format('CREATE %sSEQUENCE %s AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %sCYCLE',
                              CASE WHEN (tracked ->> 'unlogged')::boolean THEN 'UNLOGGED ' ELSE '' END, ident, tracked ->> 'type',
                              tracked ->> 'increment', tracked ->> 'min', tracked ->> 'max', tracked ->> 'start', tracked ->> 'cache',
                              CASE WHEN (tracked ->> 'cycle')::boolean THEN '' ELSE 'NO ' END);
        PERFORM pggit.execute_as_owner(create_stmt, tracked ->> 'owner', object_key);
        IF tracked ? 'owned_by' THEN
            BEGIN
                PERFORM pggit.execute_as_owner(format('ALTER SEQUENCE %s OWNED BY %s', ident, tracked ->> 'owned_by'), tracked ->> 'owner', object_key);
            EXCEPTION WHEN undefined_table OR undefined_column THEN
                NULL;   -- its table is not back yet
            END;
        END IF;
        RETURN format('recreated %s from its tracked definition: %s', object_key, create_stmt);
    ELSIF change = 'M' AND kind = 'type' AND tracked ->> 'type' = 'enum' AND live.definition ->> 'type' = 'enum' THEN
        IF (live.definition - 'labels') IS DISTINCT FROM (tracked - 'labels') THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: it differs from its tracked definition in %', object_key,
                  (SELECT string_agg(k, ', ' ORDER BY k) FROM (SELECT jsonb_object_keys(live.definition) UNION SELECT jsonb_object_keys(tracked)) ks(k)
                    WHERE k <> 'labels' AND live.definition -> k IS DISTINCT FROM tracked -> k)
                USING ERRCODE = 'feature_not_supported', HINT = 'use_tracked puts back an enum''s labels; write a migration for the rest, or keep it with use_current.';
        END IF;
        tlabels := ARRAY(SELECT jsonb_array_elements_text(tracked -> 'labels'));
        llabels := ARRAY(SELECT jsonb_array_elements_text(live.definition -> 'labels'));
        owner := pggit.live_owner(live.classid, live.objid);
        IF llabels <@ tlabels AND ARRAY(SELECT u.x FROM unnest(tlabels) WITH ORDINALITY u(x, n) WHERE u.x = ANY (llabels) ORDER BY u.n) = llabels THEN
            -- only labels to add back, each after the one HEAD has before it
            FOR i IN 1 .. cardinality(tlabels) LOOP
                IF NOT tlabels[i] = ANY (llabels) THEN
                    stmts := stmts || format('ALTER TYPE %s ADD VALUE %L%s', ident, tlabels[i],
                                             CASE WHEN i > 1 THEN format(' AFTER %L', tlabels[i - 1])
                                                  WHEN cardinality(llabels) > 0 THEN format(' BEFORE %L', llabels[1]) ELSE '' END);
                    owners := owners || owner;
                END IF;
            END LOOP;
        ELSE
            -- labels HEAD does not have (or in another order): rebuilt, the columns of the enum
            -- converted with the values of those labels set to null
            gone := ARRAY(SELECT x FROM unnest(llabels) x WHERE NOT x = ANY (tlabels));
            losses := ARRAY[format('rebuild the enum without its label(s) %s', coalesce(array_to_string(gone, ', '), '(none: their order differs)'))];
            old_name := (tracked ->> 'name') || '_pggit_rebuilt';
            stmts := ARRAY[format('ALTER TYPE %s RENAME TO %I', ident, old_name),
                           format('CREATE TYPE %s AS ENUM (%s)', ident, (SELECT string_agg(quote_literal(x), ', ') FROM unnest(tlabels) x))];
            owners := ARRAY[owner, tracked ->> 'owner'];
            FOR col IN
                SELECT a.attrelid::regclass::text AS rel, a.attname, pg_get_expr(d.adbin, d.adrelid) AS dflt, pg_get_userbyid(c.relowner) AS relowner
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.atttypid = live.objid AND a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0 AND c.relkind IN ('r', 'p')
                 ORDER BY 1, a.attnum
            LOOP
                IF NOT allow AND cardinality(gone) > 0 THEN
                    nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s WHERE %I::text = ANY (%L::text[])', col.rel, col.attname, gone),
                                                col.relowner, object_key, true);
                    IF nrows > 0 THEN
                        losses := losses || format('setting %s value%s of %s.%I to null', nrows, CASE WHEN nrows = 1 THEN '' ELSE 's' END, col.rel, col.attname);
                    END IF;
                END IF;
                IF col.dflt IS NOT NULL THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', col.rel, col.attname);
                    owners := owners || col.relowner;
                END IF;
                stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I TYPE %s USING CASE WHEN %I::text = ANY (%L::text[]) THEN %I::text::%s END',
                                         col.rel, col.attname, ident, col.attname, tlabels, col.attname, ident);
                owners := owners || col.relowner;
                IF col.dflt IS NOT NULL THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', col.rel, col.attname, col.dflt);
                    owners := owners || col.relowner;
                END IF;
            END LOOP;
            stmts := stmts || format('DROP TYPE %I.%I', tracked ->> 'schema', old_name);
            owners := owners || owner;
            IF tracked ? 'comment' THEN
                stmts := stmts || format('COMMENT ON TYPE %s IS %L', ident, tracked ->> 'comment');
                owners := owners || (tracked ->> 'owner');
            END IF;
            IF NOT allow THEN
                RAISE EXCEPTION 'pggit: use_tracked would lose data in %: %', object_key, array_to_string(losses, ', ')
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = format('Resolve it with allow_data_loss => true to run: %s; or keep it with use_current.', array_to_string(stmts, '; '));
            END IF;
        END IF;
        FOR i IN 1 .. cardinality(stmts) LOOP
            PERFORM pggit.execute_as_owner(stmts[i], owners[i], object_key);
        END LOOP;
        IF (SELECT r.definition FROM pggit.read_catalog(ARRAY['pg_type'::regclass::oid], ARRAY[to_regtype(ident)::oid]) r) IS DISTINCT FROM tracked THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: its statements (%) did not give its tracked definition back', object_key,
                  array_to_string(stmts, '; ')
                USING ERRCODE = 'feature_not_supported', HINT = 'Nothing was changed. Write a migration that puts it back, or keep it with use_current.';
        END IF;
        RETURN format('restored %s to its tracked definition: %s', object_key, array_to_string(stmts, '; '));
    ELSIF change IN ('M', 'D') AND kind IN ('function', 'procedure', 'view', 'index', 'constraint', 'trigger') THEN
        create_stmt := CASE kind
            WHEN 'view' THEN format('CREATE OR REPLACE VIEW %s AS %s', ident, tracked ->> 'query')
            WHEN 'constraint' THEN format('ALTER TABLE %s ADD CONSTRAINT %I %s', tracked ->> 'table', tracked ->> 'name',
                                         tracked ->> 'definition')
            ELSE tracked ->> 'definition'
        END;
        IF change = 'M' AND kind IN ('index', 'constraint', 'trigger') THEN
            PERFORM pggit.execute_as_owner(drop_stmt, pggit.live_owner(live.classid, live.objid), object_key);
        END IF;
        -- the tracked owner of the object; an index, constraint or trigger is its table's
        PERFORM pggit.execute_as_owner(create_stmt,
            CASE WHEN kind IN ('index', 'constraint', 'trigger')
                 THEN (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = to_regclass(tracked ->> 'table'))
                 ELSE tracked ->> 'owner' END, object_key);
        RETURN format('%s %s to its tracked definition', CASE change WHEN 'M' THEN 'restored' ELSE 'recreated' END, object_key);
    ELSE
        RAISE EXCEPTION 'pggit: use_tracked cannot restore a % (change %) yet: write a migration that puts % back', kind, change, object_key
            USING ERRCODE = 'feature_not_supported', HINT = 'Write a migration that puts it back, or keep the live object with use_current.';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.restore_tracked(text, text, jsonb, boolean) IS 'Puts one live object back to its tracked definition (M), recreates it (D) or drops it (A): the kinds whose definition is a complete statement (functions, procedures, views, indexes, constraints, triggers; dropped: also materialized views, types, domains, schemas, extensions); a table by pggit.restore_table (created, dropped, renamed back, altered, from its stored definition); a sequence created again (D) or dropped (A; its current value is lost: refused unless allow_data_loss); an enum (M) with its lost labels added back, or rebuilt without the labels HEAD does not have (its columns converted, those values set to null: refused unless allow_data_loss). Each statement as the object''s owner (SET ROLE; the caller must be able to become it); anything else refused (feature_not_supported) with what to do. Used by pggit.resolve_conflict. SECURITY INVOKER.';

CREATE OR REPLACE FUNCTION pggit.live_owner(classid oid, objid oid) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
SELECT pg_get_userbyid(CASE classid
    WHEN 'pg_class'::regclass THEN (SELECT c.relowner FROM pg_class c WHERE c.oid = objid)
    WHEN 'pg_proc'::regclass THEN (SELECT p.proowner FROM pg_proc p WHERE p.oid = objid)
    WHEN 'pg_type'::regclass THEN (SELECT t.typowner FROM pg_type t WHERE t.oid = objid)
    WHEN 'pg_namespace'::regclass THEN (SELECT n.nspowner FROM pg_namespace n WHERE n.oid = objid)
    WHEN 'pg_extension'::regclass THEN (SELECT x.extowner FROM pg_extension x WHERE x.oid = objid)
    WHEN 'pg_constraint'::regclass THEN (SELECT c.relowner FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.oid = objid)
    WHEN 'pg_trigger'::regclass THEN (SELECT c.relowner FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.oid = objid)
END)
$$;
COMMENT ON FUNCTION pggit.live_owner(oid, oid) IS 'The owner of a live object (its table''s for a constraint or trigger), by catalog and oid; null when unknown.';

CREATE OR REPLACE FUNCTION pggit.execute_as_owner(statement text, owner text, object_key text, counting boolean DEFAULT false) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- SECURITY INVOKER: runs statement as role owner (SET LOCAL ROLE), then puts the caller's role back.
-- counting: statement is a query of one number (rows that a restore would lose), run with
-- row_security = off, so that a policy cannot hide rows: a query that a policy would filter fails
-- instead, and the restore is refused.
DECLARE
    before text := current_setting('role');
    before_rs text := current_setting('row_security');
    n bigint;
BEGIN
    IF owner IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = owner) THEN
        RAISE EXCEPTION 'pggit: cannot restore %: its owner % does not exist (or owners are not tracked), and pggit never runs it with the caller''s rights',
              object_key, coalesce('"' || owner || '"', '(unknown)')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Write a migration that puts it back.';
    END IF;
    IF NOT pg_has_role(session_user, owner, 'MEMBER') THEN
        RAISE EXCEPTION 'pggit: cannot restore %: its statements run as its owner "%", and role "%" cannot become it', object_key, owner, session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Run it as a member of "%s"%s.', owner, CASE WHEN (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = owner) THEN ' (a superuser)' ELSE '' END);
    END IF;
    PERFORM set_config('role', owner, true);
    IF counting THEN
        PERFORM set_config('row_security', 'off', true);
        BEGIN
            EXECUTE statement INTO n;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot count the rows of % as its owner "%" with row_security = off (%), so it cannot tell what would be lost',
                  object_key, owner, SQLERRM
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Resolve it with allow_data_loss => true if its rows may be lost, or keep it with use_current.';
        END;
        PERFORM set_config('row_security', before_rs, true);
    ELSE
        EXECUTE statement;
    END IF;
    PERFORM set_config('role', before, true);
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.execute_as_owner(text, text, text, boolean) IS 'Runs one statement of a restore as the object''s owner (SET LOCAL ROLE) and puts the caller''s role back; refuses an owner that does not exist or that the session''s role cannot become (insufficient_privilege). counting: the statement is a query of one number (the rows a restore would lose), run with row_security = off and returned; when a policy would filter it, refused (object_not_in_prerequisite_state) rather than undercounted. Returns null otherwise. SECURITY INVOKER: the statement never runs with more rights than the caller has.';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict(conflict_id uuid, resolution text, reason text DEFAULT NULL,
                                                  allow_data_loss boolean DEFAULT false) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Conflict ids are UUIDs (seed 000: resolve_conflict(conflict_id => 'uuid-here', resolution => 'use_current', reason => ...)).
-- SECURITY INVOKER (pggit_admin): use_tracked runs DDL, which pggit.restore_tracked runs as the
-- object's owner; the bookkeeping goes through pggit.commit_changes and the conflict's resolution
-- columns, which pggit_admin may write.
DECLARE
    c pggit.conflict;
    did text;
    dep record;
    keys text[];
    ids uuid[] := '{}';
    seq_keys text[] := '{}';
    seq_defs jsonb[] := '{}';
    seq_ids uuid[] := '{}';
    i integer;
    restored text[] := '{}';
    partitions text[] := '{}';
    left_open text[] := '{}';
    drifting text[];
BEGIN
    SELECT * INTO c FROM pggit.conflict x WHERE x.id = conflict_id;
    IF NOT FOUND AND EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.id = conflict_id) THEN
        RETURN pggit.resolve_merge_conflict(conflict_id, resolution, reason);   -- a merge's conflict (store/merge.sql)
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no conflict with id %', conflict_id USING ERRCODE = 'undefined_object',
              HINT = 'Open conflicts: SELECT * FROM pggit.conflict WHERE resolved_at IS NULL (pggit.detect_conflicts() records drift as conflicts).';
    END IF;
    IF c.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: conflict % was resolved at % by % (%)', conflict_id, c.resolved_at, c.resolved_by,
              coalesce(c.resolution, c.result) USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF resolution IS NULL OR resolution NOT IN ('use_current', 'use_tracked', 'merge') THEN
        RAISE EXCEPTION 'pggit: resolution must be use_current, use_tracked or merge, not "%"', resolution
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF resolution = 'merge' AND c.source <> 'merge' THEN
        RAISE EXCEPTION 'pggit: conflict % comes from drift, not from a merge: resolve it with use_current or use_tracked', conflict_id
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF resolution = 'use_current' THEN
        did := 'committed the live definition as ' || coalesce(left(pggit.commit_changes(
                   format('resolve conflict %s (use_current): %s', conflict_id, coalesce(reason, 'no reason given')),
                   'drift', NULL, NULL, true, ARRAY[c.object_key]), 7), '(nothing left to commit)');
    ELSE
        keys := ARRAY[c.object_key];
        IF c.change = 'D' AND pggit.key_kind(c.object_key) = 'table' THEN
            -- a dropped table's sequences (OWNED BY one of its columns) first: its defaults name them
            FOR dep IN
                SELECT o.id, o.object_key, b.definition FROM pggit.conflict o JOIN pggit.blob b ON b.hash = o.tracked_hash
                 WHERE o.resolved_at IS NULL AND o.change = 'D' AND pggit.key_kind(o.object_key) = 'sequence'
                   AND starts_with(b.definition ->> 'owned_by', pggit.key_identity(c.object_key) || '.')
                 ORDER BY o.seq
            LOOP
                PERFORM pggit.restore_tracked(dep.object_key, 'D', dep.definition, resolve_conflict.allow_data_loss);
                seq_keys := seq_keys || dep.object_key;
                seq_defs := seq_defs || dep.definition;
                seq_ids := seq_ids || dep.id;
            END LOOP;
        END IF;
        did := pggit.restore_tracked(c.object_key, c.change, (SELECT b.definition FROM pggit.blob b WHERE b.hash = c.tracked_hash),
                                     resolve_conflict.allow_data_loss);
        IF c.change = 'D' AND pggit.key_kind(c.object_key) = 'table' THEN
            FOR i IN 1 .. cardinality(seq_keys) LOOP
                PERFORM pggit.execute_as_owner(format('ALTER SEQUENCE %s OWNED BY %s', pggit.key_identity(seq_keys[i]), seq_defs[i] ->> 'owned_by'),
                                               seq_defs[i] ->> 'owner', seq_keys[i]);
            END LOOP;
            restored := seq_keys;
            ids := seq_ids;
            -- then the objects on it that went with it, each its own conflict: keys and checks before
            -- the foreign keys that may need them, then indexes, triggers and the rest; one that cannot
            -- come back (a referenced table still missing, a kind use_tracked cannot create) stays open
            FOR dep IN
                SELECT o.id, o.object_key, b.definition FROM pggit.conflict o
                  JOIN pggit.object_map m ON m.object_key = o.object_key
                  JOIN pggit.blob b ON b.hash = o.tracked_hash
                 WHERE o.resolved_at IS NULL AND o.change = 'D' AND m.parent_key = c.object_key
                 ORDER BY CASE m.kind WHEN 'constraint' THEN CASE WHEN b.definition ->> 'definition' LIKE 'PRIMARY KEY%' THEN 0
                                                                  WHEN b.definition ->> 'definition' LIKE 'UNIQUE%' THEN 1
                                                                  WHEN b.definition ->> 'definition' LIKE 'FOREIGN KEY%' THEN 3 ELSE 2 END
                                      WHEN 'index' THEN 4 WHEN 'trigger' THEN 5 ELSE 6 END, o.seq
            LOOP
                BEGIN
                    PERFORM pggit.restore_tracked(dep.object_key, 'D', dep.definition, resolve_conflict.allow_data_loss);
                    restored := restored || dep.object_key;
                    ids := ids || dep.id;
                EXCEPTION WHEN OTHERS THEN
                    left_open := left_open || format('%s (%s)', dep.object_key, SQLERRM);
                END;
            END LOOP;
            -- and its partitions, each resolved as a table of its own (with the objects on it)
            FOR dep IN
                SELECT o.id, o.object_key FROM pggit.conflict o JOIN pggit.blob b ON b.hash = o.tracked_hash
                 WHERE o.resolved_at IS NULL AND o.change = 'D' AND pggit.key_kind(o.object_key) = 'table'
                   AND b.definition ->> 'partition_of' = pggit.key_identity(c.object_key)
                 ORDER BY o.seq
            LOOP
                BEGIN
                    PERFORM pggit.resolve_conflict(dep.id, 'use_tracked', resolve_conflict.reason, resolve_conflict.allow_data_loss);
                    partitions := partitions || dep.object_key;
                EXCEPTION WHEN OTHERS THEN
                    left_open := left_open || format('%s (%s)', dep.object_key, SQLERRM);
                END;
            END LOOP;
            did := did || coalesce('; with it: ' || nullif(array_to_string(restored || partitions, ', '), ''), '')
                       || coalesce('; left open: ' || nullif(array_to_string(left_open, ', '), ''), '');
            keys := keys || restored;
        END IF;
        -- the objects equal HEAD again; this only follows their new addresses (a recreated index has a new oid)
        PERFORM pggit.commit_changes('resolve conflict ' || conflict_id || ' (use_tracked)', 'manual', NULL, NULL, true, keys);
    END IF;
    UPDATE pggit.conflict x
       SET resolved_at = clock_timestamp(), resolved_by = session_user, resolution = resolve_conflict.resolution,
           reason = resolve_conflict.reason, result = did
     WHERE x.id = conflict_id;
    UPDATE pggit.conflict x
       SET resolved_at = clock_timestamp(), resolved_by = session_user, resolution = 'use_tracked', reason = resolve_conflict.reason,
           result = format('recreated with %s (conflict %s)', c.object_key, conflict_id)
     WHERE x.id = ANY (ids);
    IF resolution = 'use_tracked' AND pggit.key_kind(c.object_key) = 'table' THEN
        -- a table renamed back (or dropped) takes its indexes', constraints' and triggers' drift with it
        drifting := ARRAY(SELECT d.object_key FROM pggit.drift() d);
        UPDATE pggit.conflict x
           SET resolved_at = clock_timestamp(), resolved_by = session_user,
               result = format('drift gone with conflict %s (use_tracked on %s): the live schema equals HEAD again', conflict_id, c.object_key)
         WHERE x.resolved_at IS NULL AND x.source = 'drift' AND NOT x.object_key = ANY (drifting);
    END IF;
    RETURN did;
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict(uuid, text, text, boolean) IS
    'Resolves an open conflict, by its id (a UUID, pggit.conflict.id), and records who, when, why and what it did: use_current commits the live definition (origin drift, this object only); use_tracked puts the live object back to HEAD (pggit.restore_tracked: functions, procedures, views, indexes, constraints, triggers, a dropped sequence, an enum''s labels; tables by pggit.restore_table: recreated, dropped, renamed back, altered; drops objects HEAD does not have). A dropped table''s sequences, constraints, indexes and triggers that went with it are recreated with it (sequences first, then keys, checks, foreign keys, indexes, triggers, then its partitions, each resolved as a table) and their conflicts resolved; one that cannot come back stays open and the result names it (left open: key (error)). After a table, the open conflicts whose drift is gone (its renamed indexes, say) are closed. Data loss (rows, non-null columns, narrowing types, an enum rebuilt, a sequence''s value, a partition''s rows) is refused unless allow_data_loss; merge is for conflicts from a merge. Errors: unknown id, already resolved, bad resolution, a kind or difference use_tracked cannot restore, data loss without allow_data_loss, an owner the caller cannot become. A merge conflict''s id goes to pggit.resolve_merge_conflict (source, target, base; manual_ddl is refused there with invalid_parameter_value naming pggit.resolve_conflict_manually, which takes the DDL).';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict(conflict_id text, resolution text, reason text DEFAULT NULL,
                                                  allow_data_loss boolean DEFAULT false) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The id as text: what a quoted literal in the seed's call, resolve_conflict(conflict_id => 'uuid-here', ...),
-- resolves to (PostgreSQL prefers the text overload for an untyped literal). A UUID goes on to
-- resolve_conflict(uuid, ...); anything else is refused with a message that says what an id is,
-- rather than PostgreSQL's invalid input syntax.
DECLARE
    parsed uuid;
BEGIN
    BEGIN
        parsed := conflict_id::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'pggit: "%" is not a conflict id: conflict ids are UUIDs (pggit.conflict.id)', conflict_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = CASE WHEN conflict_id ~ '^\s*[0-9]+\s*$'
                              THEN format('A number is the order of detection (pggit.conflict.seq; a conflict recorded by pggit 0.1 kept its old id there): SELECT id FROM pggit.conflict WHERE seq = %s.', trim(conflict_id))
                              ELSE 'Open conflicts: SELECT id, object_key, change FROM pggit.conflict WHERE resolved_at IS NULL ORDER BY seq.' END;
    END;
    RETURN pggit.resolve_conflict(parsed, resolution, reason, allow_data_loss);
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict(text, text, text, boolean) IS
    'pggit.resolve_conflict(uuid, text, text, boolean) for an id given as text (a quoted literal, as in resolve_conflict(conflict_id => ''<uuid>'', ...)): a UUID is resolved; anything else is refused with invalid_parameter_value, naming pggit.conflict.seq for a number.';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict(conflict_id bigint, resolution text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- 0.1's signature: conflict ids were numbers. Refused with a clear message instead of "function
-- does not exist"; the number lives on as pggit.conflict.seq.
BEGIN
    RETURN pggit.resolve_conflict(conflict_id::text, resolution, reason);
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict(bigint, text, text) IS
    'pggit 0.1''s signature (conflict ids were numbers): always refused with invalid_parameter_value, naming the UUID to use instead (pggit.conflict.id; the number is pggit.conflict.seq).';
-- ==== extras/function_versions.sql ==============================================================

-- Function versions: each overload (keyed by identity arguments) has its own history.

CREATE OR REPLACE FUNCTION pggit.try_regtype(type_name text) RETURNS regtype
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN to_regtype(type_name);
EXCEPTION WHEN OTHERS THEN   -- to_regtype raises on syntax errors such as 'meter_id uuid'
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pggit.try_regtype(text) IS 'to_regtype that returns null instead of raising on a malformed type name.';

CREATE OR REPLACE FUNCTION pggit.function_key(signature text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- 'app.process_meter(uuid, jsonb)', 'app.process_meter(meter_id uuid, readings jsonb)' and
-- 'app.process_meter(uuid, JSONB)' all give 'function:app.process_meter(uuid, jsonb)'; type aliases
-- (int, varchar) are resolved as PostgreSQL resolves them (to_regtype). The function need not exist
-- any more, but its schema and argument types must.
DECLARE
    head text;
    args text;
    arg text;
    t regtype;
    types text[] := '{}';
    depth int := 0;
    cur text := '';
    parts text[] := '{}';
    ch text;
    proc regprocedure;
    nsp text;
    fname text;
    kind text := 'function';
BEGIN
    IF signature IS NULL OR signature !~ '^\s*\S.*\(.*\)\s*$' THEN
        RAISE EXCEPTION 'pggit: "%" is not a function signature', signature
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Write it as schema.name(argument types), e.g. app.process_meter(uuid, jsonb).';
    END IF;
    head := btrim(substring(signature FROM '^\s*([^(]*)\('));
    args := substring(signature FROM '\((.*)\)\s*$');
    IF head !~ '\.' THEN
        RAISE EXCEPTION 'pggit: function signature "%" must be schema-qualified', signature
            USING ERRCODE = 'invalid_parameter_value', HINT = 'e.g. app.process_meter(uuid, jsonb)';
    END IF;
    -- split the arguments on top-level commas (numeric(10,2) stays whole)
    FOREACH ch IN ARRAY regexp_split_to_array(coalesce(args, ''), '') LOOP
        IF ch = '(' THEN depth := depth + 1; ELSIF ch = ')' THEN depth := depth - 1; END IF;
        IF ch = ',' AND depth = 0 THEN parts := parts || btrim(cur); cur := ''; ELSE cur := cur || ch; END IF;
    END LOOP;
    IF btrim(cur) <> '' THEN parts := parts || btrim(cur); END IF;
    FOREACH arg IN ARRAY parts LOOP
        arg := regexp_replace(arg, '^(IN|OUT|INOUT|VARIADIC)\s+', '', 'i');
        arg := regexp_replace(arg, '\s+(DEFAULT|=)\s+.*$', '', 'i');
        t := pggit.try_regtype(arg);
        IF t IS NULL AND arg ~ '\s' THEN
            t := pggit.try_regtype(regexp_replace(arg, '^\S+\s+', ''));   -- drop the argument name
        END IF;
        IF t IS NULL THEN
            RAISE EXCEPTION 'pggit: unknown argument type "%" in "%"', arg, signature USING ERRCODE = 'undefined_object';
        END IF;
        types := types || format_type(t, NULL);
    END LOOP;
    nsp := btrim(split_part(head, '.', 1), '"');
    fname := btrim(substr(head, strpos(head, '.') + 1), '"');
    proc := to_regprocedure(format('%I.%I(%s)', nsp, fname, array_to_string(types, ', ')));
    IF proc IS NOT NULL THEN
        SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END INTO kind
          FROM pg_proc p WHERE p.oid = proc;
    END IF;
    RETURN kind || ':' || quote_ident(nsp) || '.' || quote_ident(fname) || '(' || array_to_string(types, ', ') || ')';
END
$$;
COMMENT ON FUNCTION pggit.function_key(text) IS
    'The object key of a routine signature, written with or without argument names and with type aliases: app.process_meter(meter_id uuid, readings jsonb) -> function:app.process_meter(uuid, jsonb). Errors: not a signature, not schema-qualified, unknown type.';

CREATE OR REPLACE FUNCTION pggit.function_bump(old_def jsonb, new_def jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN old_def ->> 'returns' IS DISTINCT FROM new_def ->> 'returns' THEN 'major'
        WHEN (old_def -> 'volatility', old_def -> 'strict', old_def -> 'security_definer', old_def -> 'parallel',
              old_def -> 'leakproof', old_def -> 'cost', old_def -> 'rows', old_def -> 'arguments')
             IS DISTINCT FROM
             (new_def -> 'volatility', new_def -> 'strict', new_def -> 'security_definer', new_def -> 'parallel',
              new_def -> 'leakproof', new_def -> 'cost', new_def -> 'rows', new_def -> 'arguments') THEN 'minor'
        WHEN (old_def -> 'definition', old_def -> 'config', old_def -> 'language')
             IS DISTINCT FROM (new_def -> 'definition', new_def -> 'config', new_def -> 'language') THEN 'patch'
        ELSE 'none'
    END;
COMMENT ON FUNCTION pggit.function_bump(jsonb, jsonb) IS
    'The semantic bump between two definitions of one routine: major (return type or OUT parameters, which need DROP + CREATE), minor (volatility, strictness, security, parallel, leakproof, cost, rows, argument defaults), patch (body, SET options, language), none (comment, owner, privileges).';

CREATE OR REPLACE FUNCTION pggit.list_function_versions(signature text)
    RETURNS TABLE (version text, commit_id text, committed_at timestamptz, change text, bump text, source text, message text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Walks the routine's history oldest first: created at 1.0.0 (or re-created after a drop: next
-- major), each modification bumped by pggit.function_bump, a version in '@pggit-version: x.y.z'
-- in the comment or body wins, and so does one set by pggit.track_function.
DECLARE
    key text := pggit.function_key(signature);
    v int[] := NULL;
    h record;
    b text;
    explicit text;
    src text;
    fv pggit.function_version;
BEGIN
    FOR h IN
        SELECT ch.change, ch.commit_id, c.committed_at, c.message, c.seq, ob.definition AS old_def, nb.definition AS new_def
          FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
          LEFT JOIN pggit.blob ob ON ob.hash = ch.old_hash LEFT JOIN pggit.blob nb ON nb.hash = ch.new_hash
         WHERE ch.object_key = key OR ch.old_key = key
         ORDER BY c.seq
    LOOP
        IF h.change = 'D' THEN
            b := 'dropped';
        ELSIF h.change = 'A' OR v IS NULL THEN
            b := CASE WHEN v IS NULL THEN 'created' ELSE 'major' END;
            v := CASE WHEN v IS NULL THEN ARRAY[1, 0, 0] ELSE ARRAY[v[1] + 1, 0, 0] END;
        ELSE
            b := pggit.function_bump(h.old_def, h.new_def);
            v := CASE b WHEN 'major' THEN ARRAY[v[1] + 1, 0, 0] WHEN 'minor' THEN ARRAY[v[1], v[2] + 1, 0]
                        WHEN 'patch' THEN ARRAY[v[1], v[2], v[3] + 1] ELSE v END;
        END IF;
        src := 'computed';
        explicit := substring(coalesce(h.new_def ->> 'comment', '') || ' ' || coalesce(h.new_def ->> 'definition', '')
                              FROM '@pggit-version:\s*(\d+\.\d+\.\d+)');
        IF explicit IS NOT NULL AND h.change <> 'D' THEN
            v := string_to_array(explicit, '.')::int[];
            src := 'annotation';
        END IF;
        SELECT * INTO fv FROM pggit.function_version f
         WHERE f.object_key = key AND f.commit_id = h.commit_id ORDER BY f.id DESC LIMIT 1;
        IF FOUND THEN
            v := string_to_array(fv.version, '.')::int[];
            src := 'track_function';
        END IF;
        version := array_to_string(v, '.');
        commit_id := h.commit_id;
        committed_at := h.committed_at;
        change := h.change;
        bump := b;
        source := src;
        message := h.message;
        RETURN NEXT;
    END LOOP;
    -- a version set after the last change
    FOR fv IN SELECT * FROM pggit.function_version f
               WHERE f.object_key = key AND NOT EXISTS (SELECT 1 FROM pggit.change ch WHERE ch.commit_id = f.commit_id
                                                                                     AND (ch.object_key = key OR ch.old_key = key))
               ORDER BY f.id LOOP
        version := fv.version; commit_id := fv.commit_id; committed_at := fv.recorded_at; change := NULL;
        bump := 'set'; source := 'track_function'; message := fv.metadata ->> 'note';
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.list_function_versions(text) IS
    'The versions of one routine overload (signature with or without argument names), oldest first: version, commit, change, bump (created, major, minor, patch, none, dropped, set) and where the version came from (computed, annotation, track_function).';

CREATE OR REPLACE FUNCTION pggit.get_function_version(signature text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT v.version FROM pggit.list_function_versions(signature) WITH ORDINALITY AS v(version, commit_id, committed_at, change, bump, source, message, n)
 ORDER BY v.n DESC LIMIT 1
$$;
COMMENT ON FUNCTION pggit.get_function_version(text) IS 'The current version (x.y.z) of one routine overload; null when pggit has no history of it.';

CREATE OR REPLACE FUNCTION pggit.track_function(function_signature text, version text DEFAULT NULL, metadata jsonb DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    key text := pggit.function_key(function_signature);
BEGIN
    IF to_regprocedure(substr(key, strpos(key, ':') + 1)) IS NULL THEN
        RAISE EXCEPTION 'pggit: function % does not exist', substr(key, strpos(key, ':') + 1) USING ERRCODE = 'undefined_function';
    END IF;
    PERFORM pggit.commit_changes('track_function ' || function_signature, 'manual', NULL, NULL, false);
    IF version IS NOT NULL THEN
        IF version !~ '^\d+\.\d+\.\d+$' THEN
            RAISE EXCEPTION 'pggit: version must look like 1.2.3, not "%"', version USING ERRCODE = 'invalid_parameter_value';
        END IF;
        INSERT INTO pggit.function_version (object_key, version, metadata, commit_id)
        VALUES (key, track_function.version, metadata, pggit.head_commit());
    END IF;
    RETURN pggit.get_function_version(function_signature);
END
$$;
COMMENT ON FUNCTION pggit.track_function(text, text, jsonb) IS
    'Commits pending changes, then optionally sets the version (x.y.z) of one routine overload with metadata; returns its current version. Errors: bad signature, unknown function, bad version.';
-- Seed 002's four-field CQRS change, version last (issue 13): ROW(ARRAY[...], ARRAY[...], 'description', '2.1.0').
ALTER TYPE pggit.cqrs_change ADD ATTRIBUTE version text;
COMMENT ON TYPE pggit.cqrs_change IS 'A change of a CQRS schema: the command-side statements, the query-side statements, a description and a version (seed 002: ROW(ARRAY[...], ARRAY[...], ''description'', ''2.1.0'')::pggit.cqrs_change).';
-- ==== extras/cqrs.sql ===========================================================================

-- CQRS changes: command side and query side as one commit.

CREATE OR REPLACE FUNCTION pggit.record_cqrs_commit(commit_message text, change pggit.cqrs_change, version text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cid text := pggit.commit_changes(commit_message, 'manual', NULL, NULL, false);
BEGIN
    IF cid IS NOT NULL AND change IS NOT NULL THEN
        INSERT INTO pggit.cqrs_commit VALUES (cid, coalesce(change.command_operations, '{}'), coalesce(change.query_operations, '{}'),
                                              coalesce(version, change.version), change.description);
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.record_cqrs_commit(text, pggit.cqrs_change, text) IS 'Commits the journaled changes (origin manual) and records both sides of the CQRS change with it, and its version (the argument, else the change''s own; change null: the commit alone); null when nothing tracked changed.';

CREATE OR REPLACE FUNCTION pggit.track_cqrs_change(change pggit.cqrs_change, atomic boolean DEFAULT true) RETURNS text
    LANGUAGE plpgsql SECURITY INVOKER AS $$
-- Runs with the caller's rights (SECURITY INVOKER): the command side first, then the query side,
-- then one commit tagged with both. atomic: a failure on either side raises, so the caller's
-- transaction rolls back both and nothing is recorded. Not atomic: a side that fails is rolled
-- back alone (with a warning) and the other is committed.
DECLARE
    stmt text;
    pre text;
BEGIN
    pre := pggit.record_cqrs_commit('changes before cqrs change', NULL, NULL);   -- what was journaled before: a commit of its own
    IF atomic THEN
        FOREACH stmt IN ARRAY coalesce(change.command_operations, '{}') LOOP EXECUTE stmt; END LOOP;
        FOREACH stmt IN ARRAY coalesce(change.query_operations, '{}') LOOP EXECUTE stmt; END LOOP;
    ELSE
        BEGIN
            FOREACH stmt IN ARRAY coalesce(change.command_operations, '{}') LOOP EXECUTE stmt; END LOOP;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'pggit: command side failed and was rolled back: %', SQLERRM;
        END;
        BEGIN
            FOREACH stmt IN ARRAY coalesce(change.query_operations, '{}') LOOP EXECUTE stmt; END LOOP;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'pggit: query side failed and was rolled back: %', SQLERRM;
        END;
    END IF;
    RETURN pggit.record_cqrs_commit(
        coalesce(change.description, 'cqrs change') || coalesce(' (' || change.version || ')', '') || format(' [cqrs: %s command, %s query]',
            coalesce(cardinality(change.command_operations), 0), coalesce(cardinality(change.query_operations), 0)),
        change, NULL);
END
$$;
COMMENT ON FUNCTION pggit.track_cqrs_change(pggit.cqrs_change, boolean) IS
    'Runs a CQRS change with the caller''s rights (SECURITY INVOKER): command-side statements, then query-side statements, as one commit tagged with both sides and the change''s version (pggit.cqrs_commit); returns the commit id. atomic (default): a failure on either side rolls back both and records nothing.';

CREATE OR REPLACE FUNCTION pggit.track_cqrs_change(command_sql text, query_sql text, version text DEFAULT NULL, description text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
    cid text;
BEGIN
    PERFORM pggit.record_cqrs_commit('changes before cqrs change', NULL, NULL);   -- what was journaled before: a commit of its own
    IF command_sql IS NOT NULL THEN EXECUTE command_sql; END IF;
    IF query_sql IS NOT NULL THEN EXECUTE query_sql; END IF;
    cid := pggit.record_cqrs_commit(
        coalesce(description, 'cqrs change') || coalesce(' (' || version || ')', '') || ' [cqrs: command + query]',
        ROW(CASE WHEN command_sql IS NULL THEN '{}' ELSE ARRAY[command_sql] END,
            CASE WHEN query_sql IS NULL THEN '{}' ELSE ARRAY[query_sql] END, description, version)::pggit.cqrs_change,
        version);
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.track_cqrs_change(text, text, text, text) IS
    'The named-parameter form of the PrintOptim requirements: command_sql then query_sql (each may hold several statements), one atomic commit; a failure on either side rolls back both and records nothing.';

-- Uninstall and reinstall: the restart of a history is recorded and reported (a gap of kind
-- restarted_history in verify_consistency, check/consistency.sql below).
-- ==== store/history_restart.sql =================================================================

-- Restarts of the history: a fresh install after pggit:uninstall removed an earlier one.

CREATE TABLE pggit.history_restart (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uninstalled_at  timestamptz NOT NULL,
    restarted_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    restarted_by    name NOT NULL DEFAULT session_user,
    baseline_commit text
);
COMMENT ON TABLE pggit.history_restart IS 'Each fresh install that found the marker pggit:uninstall leaves (the database setting pggit.uninstalled_at): when the earlier history was removed, and the baseline commit the new history starts from. pggit.verify_consistency reports a restarted history while a migration tool''s history table holds migrations from before it.';
-- ==== capture/baseline.sql ======================================================================

-- The baseline: the first commit of a fresh installation.

CREATE OR REPLACE FUNCTION pggit.baseline() RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Commits everything the database holds (a full scan). When pggit:uninstall removed an earlier
-- installation it left the database setting pggit.uninstalled_at (read from pg_db_role_setting,
-- since a setting changed after a session started is not in that session's GUCs): the message then
-- says the earlier history was removed, and when; pggit.history_restart keeps it, and the marker
-- is reset. Null when the database holds no tracked object.
DECLARE
    marker text := (SELECT substr(c, length('pggit.uninstalled_at=') + 1)
                      FROM pg_db_role_setting s, unnest(s.setconfig) c
                     WHERE s.setdatabase = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
                       AND s.setrole = 0 AND c LIKE 'pggit.uninstalled\_at=%');
    cid text;
BEGIN
    IF EXISTS (SELECT 1 FROM pggit.commit) THEN
        RAISE EXCEPTION 'pggit: a baseline is the first commit of a history, and this one has commits'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    cid := pggit.commit_changes(
        CASE WHEN marker IS NULL THEN 'baseline: adopt the existing schema'
             ELSE format('baseline: adopt the existing schema (pggit was uninstalled at %s: the history before that was removed)', marker) END,
        'baseline', NULL, NULL, true);
    IF marker IS NOT NULL THEN
        INSERT INTO pggit.history_restart (uninstalled_at, baseline_commit) VALUES (marker::timestamptz, cid);
        EXECUTE format('ALTER DATABASE %I RESET pggit.uninstalled_at', current_database());
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.baseline() IS 'Writes the baseline commit of a fresh installation (origin baseline, a full scan) and returns its id, null when there is nothing to track; after pggit:uninstall (database setting pggit.uninstalled_at) records the restart in pggit.history_restart and resets the setting. Raises object_not_in_prerequisite_state when the history already has commits.';

-- pggit.log() also returns each commit's tree and parents (a new result type: dropped, re-created),
-- takes the revision to start from (rev, default HEAD: the log of a branch) and reads about
-- max_count commits instead of the whole ancestry (issue 14).
DROP FUNCTION pggit.log(integer);
-- pggit.drift() also returns each object's address (classid, objid), so that verify_consistency(verbose
-- => true) reads the live definitions of just the drifted objects (a new result type: dropped, re-created).
DROP FUNCTION pggit.drift();
-- ==== api/porcelain.sql =========================================================================

-- Porcelain: what psql users call (commit, status, drift, log, show, diff, object_history).

CREATE OR REPLACE FUNCTION pggit.commit(message text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cid text;
BEGIN
    PERFORM pggit.require_text(message, 'the commit message');
    IF EXISTS (SELECT 1 FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' AND NOT d.auto_commit) THEN
        RAISE EXCEPTION 'pggit: deployment "%" is open: its changes become one commit at pggit.end_deployment()',
              (SELECT d.name FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' LIMIT 1)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'End it with pggit.end_deployment(commit_message), or begin it with auto_commit => true to allow commits inside it.';
    END IF;
    cid := pggit.commit_changes(message, 'manual', NULL, NULL, false);
    IF cid IS NULL THEN
        RAISE NOTICE 'pggit: nothing to commit (no journaled change to a tracked object)';
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.commit(text) IS
    'Commits journaled changes (DDL since the last commit) on HEAD with the given message; returns the commit id (hex SHA-256), or null with a notice when nothing tracked changed.';

CREATE OR REPLACE FUNCTION pggit.status()
    RETURNS TABLE (change text, object_key text, old_key text, kind text, detail jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- A reader's call: writes nothing, so a hot standby answers it (a pause whose time is up needs no
-- ending here: the journal rows it left out are known by their time, pggit.affected_objects).
BEGIN
    IF (SELECT m.moved FROM pggit.server_moved() m) THEN   -- the index holds another server's addresses
        RAISE EXCEPTION '%', (SELECT m.message FROM pggit.server_moved() m) USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN QUERY
    SELECT c.change, c.object_key, c.old_key, c.kind,
           CASE WHEN c.renamed_columns IS NOT NULL THEN jsonb_build_object('renamed_columns', c.renamed_columns) END
      FROM pggit.compute_changes(false, ARRAY(SELECT j.id FROM pggit.journal j)) c
     WHERE c.tracked AND (c.change <> 'M' OR c.old_hash <> c.new_hash)
     ORDER BY c.object_key;
END
$$;
COMMENT ON FUNCTION pggit.status() IS
    'Journaled but uncommitted changes that the tracking rules keep: one row per object, change A (added), M (modified), D (deleted) or R (renamed from old_key). On a moved server (pggit.server_moved) raises object_not_in_prerequisite_state, as drift() does.';

CREATE OR REPLACE FUNCTION pggit.drift()
    RETURNS TABLE (change text, object_key text, old_key text, kind text, old_hash text, new_hash text, note text,
                   classid oid, objid oid)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- note names a window when tracking was off that explains the change: a pause during which the
-- object was changed, or an emergency disable since the object was last committed. A reader's call:
-- writes nothing, so a hot standby answers it; a window whose time is up is known by its ends_at.
-- On a moved server (pggit.server_moved) one error says so instead: the index's addresses are the
-- old server's and a new major version prints definitions its own way, so a scan would be a flood.
-- classid, objid: the object's address (live; for a deleted object the one the index had), so that
-- a caller can read the live definitions of just the drifted objects (pggit.read_catalog(classids, objids)).
BEGIN
    IF (SELECT m.moved FROM pggit.server_moved() m) THEN   -- the index holds another server's addresses
        RAISE EXCEPTION '%', (SELECT m.message FROM pggit.server_moved() m) USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN QUERY
    SELECT c.change, c.object_key, c.old_key, c.kind, c.old_hash, c.new_hash,
           coalesce(
               (SELECT format('changed while tracking was paused (%s to %s)', w.started_at, coalesce(w.ended_at, w.ends_at))
                  FROM pggit.untracked_change u JOIN pggit.tracking_window w ON w.id = u.window_id
                 WHERE u.object_identity IN (pggit.key_identity(c.object_key), pggit.key_identity(c.old_key))
                 ORDER BY u.recorded_at DESC LIMIT 1),
               (SELECT format('tracking was disabled from %s to %s: the change may come from then', w.started_at,
                              coalesce(w.ended_at::text, 'now'))
                  FROM pggit.tracking_window w
                 WHERE w.kind = 'emergency'
                   AND coalesce(w.ended_at, 'infinity') > coalesce((SELECT max(cm.committed_at) FROM pggit.change ch
                                                                     JOIN pggit.commit cm ON cm.id = ch.commit_id
                                                                    WHERE ch.object_key = c.object_key), '-infinity')
                 ORDER BY w.started_at DESC LIMIT 1)),
           c.classid, c.objid
      FROM unnest((pggit.gather_changes(true, 'all')).changes) c   -- read again if a concurrent DROP interferes
     WHERE c.tracked AND (c.change <> 'M' OR c.old_hash <> c.new_hash)
       -- a state the rules made a capture accept (pggit.accepted_state) is no drift
       AND NOT EXISTS (SELECT 1 FROM pggit.accepted_state a WHERE a.object_key = c.object_key AND a.hash IS NOT DISTINCT FROM c.new_hash)
     ORDER BY c.object_key;
END
$$;
COMMENT ON FUNCTION pggit.drift() IS
    'Differences between the whole live catalog and the tree at HEAD (journaled or not) that the tracking rules keep, one row per object, but for a state a capture accepted because the rules ignored its change (pggit.accepted_state); note says when tracking was off for it; classid and objid are its address (live, or the index''s for a deleted object). Empty when the database is exactly HEAD. On a database restored or upgraded since its index was built (pggit.server_moved) raises object_not_in_prerequisite_state saying so, until pggit.rebaseline_after_move (or the next migration run or commit) re-maps the index.';

CREATE OR REPLACE FUNCTION pggit.log(max_count integer DEFAULT 100, rev text DEFAULT 'HEAD')
    RETURNS TABLE (commit_id text, committed_at timestamptz, author text, origin text, message text, summary text,
                   deployment_id bigint, migration text, tree text, parents text[], refs text[])
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Reads about max_count commits, not the whole ancestry: a parent is always older (a smaller seq)
-- than its child, so each of the max_count newest ancestors of the start is reached by a path of
-- fewer than max_count parent steps (its commits are newer still, hence among those max_count):
-- the walk stops at that depth. In a history without merges that is exactly max_count commits.
WITH RECURSIVE anc(id, seq, parents, depth, committed_at, author, origin, message, deployment_id, tree) AS (
    SELECT c.id, c.seq, c.parents, 1, c.committed_at, c.author, c.origin, c.message, c.deployment_id, c.tree
      FROM pggit.commit c
     WHERE c.id = CASE WHEN upper(rev) = 'HEAD' THEN pggit.head_commit() ELSE pggit.resolve(rev) END
    UNION
    -- "= ANY (parents)", not a join with unnest (estimated 10 rows each): with that estimate a history
    -- of a thousand commits was hash-joined by scanning pggit.commit once per step
    SELECT c.id, c.seq, c.parents, a.depth + 1, c.committed_at, c.author, c.origin, c.message, c.deployment_id, c.tree
      FROM anc a JOIN pggit.commit c ON c.id = ANY (a.parents)
     WHERE max_count IS NULL OR a.depth < max_count
), newest AS (
    SELECT DISTINCT ON (a.seq) a.* FROM anc a ORDER BY a.seq DESC LIMIT max_count
)
SELECT n.id, n.committed_at, n.author, n.origin, n.message, pggit.commit_summary(n.id), n.deployment_id,
       (SELECT string_agg(l.tool || ' ' || coalesce(l.migration_id, l.script), ', ' ORDER BY l.id)
          FROM pggit.migration_link l WHERE l.commit_id = n.id AND l.new_commit),
       n.tree, n.parents,
       (SELECT array_agg(CASE WHEN r.name = h.branch THEN 'HEAD -> ' || r.name ELSE r.name END ORDER BY r.name = h.branch DESC, r.name)
          FROM pggit.ref r CROSS JOIN pggit.head h WHERE r.commit_id = n.id)
  FROM newest n
 ORDER BY n.seq DESC
$$;
COMMENT ON FUNCTION pggit.log(integer, text) IS 'The history of rev (default HEAD; a branch, commit id, unique prefix or ~N as pggit.resolve takes), newest first, at most max_count commits (null: all), with a change summary, the migrations linked to each commit (tool and id, comma-separated), its tree hash, its parents (first parent first; a merge has two) and the branches pointing at it (refs, as git log --decorate: ''HEAD -> main'' for the checked-out one first, then the others by name; null for none). Empty before the first commit; a rev that names nothing raises undefined_object (pggit.resolve). Reads about max_count commits, however long the history.';

CREATE OR REPLACE FUNCTION pggit.show(rev text DEFAULT 'HEAD')
    RETURNS TABLE (commit_id text, change text, object_key text, old_key text, kind text,
                   old_definition jsonb, new_definition jsonb, detail jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT ch.commit_id, ch.change, ch.object_key, ch.old_key, ch.kind, ob.definition, nb.definition, ch.detail
  FROM pggit.change ch
  LEFT JOIN pggit.blob ob ON ob.hash = ch.old_hash
  LEFT JOIN pggit.blob nb ON nb.hash = ch.new_hash
 WHERE ch.commit_id = pggit.resolve(rev)
 ORDER BY ch.object_key
$$;
COMMENT ON FUNCTION pggit.show(text) IS 'What one commit changed (rev: id, unique prefix, branch or HEAD~N), per object, with definitions before and after.';

CREATE OR REPLACE FUNCTION pggit.diff(from_rev text, to_rev text DEFAULT 'HEAD')
    RETURNS TABLE (change text, object_key text, kind text, old_definition jsonb, new_definition jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT d.change, d.object_key, d.kind, ob.definition, nb.definition
  FROM pggit.diff_trees((SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve(from_rev)),
                        (SELECT c.tree FROM pggit.commit c WHERE c.id = pggit.resolve(to_rev))) d
  LEFT JOIN pggit.blob ob ON ob.hash = d.old_hash
  LEFT JOIN pggit.blob nb ON nb.hash = d.new_hash
 ORDER BY d.object_key
$$;
COMMENT ON FUNCTION pggit.diff(text, text) IS 'Objects added (A), deleted (D) or modified (M) between the trees of two revisions, with both definitions.';

CREATE OR REPLACE FUNCTION pggit.object_history(object_name text)
    RETURNS TABLE (commit_id text, committed_at timestamptz, change text, object_key text, old_key text,
                   message text, definition jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- object_name: a full key ('table:command.tb_meter') or an identity ('command.tb_meter').
SELECT c.id, c.committed_at, ch.change, ch.object_key, ch.old_key, c.message, b.definition
  FROM pggit.change ch
  JOIN pggit.commit c ON c.id = ch.commit_id
  LEFT JOIN pggit.blob b ON b.hash = ch.new_hash
 WHERE ch.object_key = object_name OR ch.identity = object_name
    -- renames are few: the partial index change_old_key_idx lists them, so that no arm scans the table
    OR (ch.old_key IS NOT NULL AND (ch.old_key = object_name OR pggit.key_identity(ch.old_key) = object_name))
 ORDER BY c.seq
$$;
COMMENT ON FUNCTION pggit.object_history(text) IS 'Every commit that added, modified, renamed or deleted the object, oldest first; object_name is a key (kind:identity) or an identity such as command.tb_meter.';

-- Integrity (pggit.fsck, issue 12): every hash recomputed, every reference followed; the commit
-- writer hashes its commits with the same helper fsck recomputes them with (store/hashing.sql, above).
-- ==== capture/commit_writer.sql =================================================================

-- The one commit writer: journal (or the whole catalog) -> blobs, tree, commit, index, branch.

CREATE OR REPLACE FUNCTION pggit.gather_changes(full_scan boolean, journal_scope text, rules_source text DEFAULT NULL,
                                                 OUT ids bigint[], OUT changes pggit.change_row[])
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The journal rows of the scope and the changes they imply. Another session may drop an object
-- between the catalog scan that finds it and the deparsing of its definition, which then fails
-- ("cache lookup failed", XX000): read again (the object shows as dropped), a few times at most.
BEGIN
    FOR attempt IN 1 .. 5 LOOP
        BEGIN
            ids := pggit.journal_ids(journal_scope);
            SELECT array_agg(c::pggit.change_row) INTO changes FROM pggit.compute_changes(full_scan, ids, rules_source) c;
            RETURN;
        EXCEPTION WHEN internal_error THEN
            IF attempt = 5 THEN
                RAISE;
            END IF;
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.gather_changes(boolean, text, text) IS 'Plumbing of the commit writer: the journal rows of journal_scope (pggit.journal_ids) and the changes they imply under the rules in force for rules_source (pggit.compute_changes), read again when a concurrent DROP made a definition vanish while it was read (internal_error), up to 5 times.';

CREATE OR REPLACE FUNCTION pggit.commit_changes(message text, origin text, author text DEFAULT NULL,
                                     deployment_id bigint DEFAULT NULL, full_scan boolean DEFAULT false,
                                     only_keys text[] DEFAULT NULL, journal_scope text DEFAULT 'all')
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
-- Turns the journal rows of journal_scope (pggit.journal_ids: 'session' for a migration's capture,
-- 'all' otherwise) or, with full_scan, the whole catalog into one commit on HEAD's branch. Returns
-- the new commit id, or null when no tracked object changed (no empty commits). Deletes exactly the
-- journal rows it read: a row committed meanwhile waits for the next commit.
-- Concurrent commits serialise on a transaction-level advisory lock, taken only to write: the
-- catalog is read before it (a migration holding ACCESS EXCLUSIVE on its tables may be waiting for
-- that lock, while reading a definition can need ACCESS SHARE on them: a deadlock), and read again
-- under it when another commit moved HEAD meanwhile. Catalog reads wait at most lock_timeout.
-- On a server the index was not built on (pggit.server_moved) it re-baselines first
-- (pggit.check_server: once per session), since the index's addresses are the old server's.
-- The tracking rules are those in force for the deployment's source (a build's run,
-- pggit.deployment.rules_source), else outside a run (pggit.rules_in_force).
DECLARE
    rules_source text := (SELECT d.rules_source FROM pggit.deployment d WHERE d.id = commit_changes.deployment_id);
    ignored_classids oid[] := '{}';
    ignored_objids oid[] := '{}';
    ids      bigint[];
    seen_head text;
    changes  pggit.change_row[];
    head     text;
    head_tree text;
    new_tree text;
    cid      text;
    new_parents text[];
    merging  record;
    ts       timestamptz := clock_timestamp();
    who      text := coalesce(author, session_user::text);
BEGIN
    PERFORM pggit.check_server();   -- after pg_dump/pg_restore or pg_upgrade the index is re-mapped by key first
    PERFORM pggit.refresh_tracking_windows();
    seen_head := pggit.head_commit();
    SELECT r.ids, r.changes INTO ids, changes FROM pggit.gather_changes(full_scan, journal_scope, rules_source) r;
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    IF pggit.head_commit() IS DISTINCT FROM seen_head THEN   -- another commit came first: read again, against its index
        SELECT r.ids, r.changes INTO ids, changes FROM pggit.gather_changes(full_scan, journal_scope, rules_source) r;
    END IF;
    IF journal_scope = 'session' AND NOT full_scan THEN
        -- an object another session has pending rows for stays in status(), for that session's commit
        changes := ARRAY(SELECT c FROM unnest(changes) c
                          WHERE NOT EXISTS (SELECT 1 FROM pggit.journal j
                                             WHERE j.classid = c.classid AND j.objid = c.objid AND NOT (j.id = ANY (ids))));
    END IF;
    INSERT INTO pggit.untracked_change (window_id, command_tag, object_identity, recorded_at)
    SELECT w.id, j.command_tag, j.object_identity, j.recorded_at
      FROM pggit.journal j JOIN pggit.tracking_window w
        ON w.kind = 'pause' AND j.recorded_at >= w.started_at AND j.recorded_at < coalesce(w.ended_at, w.ends_at)
     WHERE j.id = ANY (ids);
    IF NOT full_scan AND only_keys IS NULL THEN   -- the objects of the rows the rules dropped before widening
        SELECT coalesce(array_agg(i.classid ORDER BY i.classid, i.objid), '{}'), coalesce(array_agg(i.objid ORDER BY i.classid, i.objid), '{}')
          INTO ignored_classids, ignored_objids
          FROM (SELECT DISTINCT j.classid, j.objid FROM pggit.journal j
                 WHERE j.id = ANY (ids) AND j.objid IS NOT NULL AND j.objid <> 0 AND coalesce(j.schema_name, '') <> 'pggit'
                   AND j.command_tag NOT IN ('REFRESH MATERIALIZED VIEW', 'REINDEX') AND NOT (j.event = 'ddl' AND coalesce(j.flag, false))
                   AND NOT pggit.journal_kept(j.command_tag, j.object_identity, rules_source)) i;
    END IF;
    IF only_keys IS NULL THEN   -- a commit of some objects only leaves the journal to the next full commit
        DELETE FROM pggit.journal j WHERE j.id = ANY (ids);
    END IF;
    -- a directive, once seen, stays a rule for its object key (DROP + CREATE loses the comment)
    WITH seen AS (
        INSERT INTO pggit.object_directive AS o (object_key, directive)
        SELECT DISTINCT ON (c.object_key) c.object_key, c.directive FROM unnest(changes) c WHERE c.directive IS NOT NULL
        ON CONFLICT (object_key) DO UPDATE SET directive = excluded.directive, seen_at = clock_timestamp()
         WHERE o.directive <> excluded.directive
        RETURNING o.object_key, o.directive)
    INSERT INTO pggit.rule_change (rule, new_value)
    SELECT 'directive', jsonb_build_object('object_key', seen.object_key, 'directive', seen.directive) FROM seen;
    -- a journaled change the rules ignore: its live state is accepted, without a commit, so that
    -- the drift scan leaves it alone (pggit.accepted_state)
    IF NOT full_scan AND only_keys IS NULL THEN
        INSERT INTO pggit.accepted_state AS a (object_key, hash)
        SELECT DISTINCT ON (c.object_key) c.object_key, c.new_hash FROM unnest(changes) c
         WHERE NOT c.tracked AND (c.change <> 'M' OR c.old_hash <> c.new_hash)
        ON CONFLICT (object_key) DO UPDATE SET hash = excluded.hash, accepted_at = clock_timestamp(), accepted_by = session_user;
        -- so is the live state of an object whose journal rows the rules dropped before widening
        -- (an ignore pattern, an ignored operation: pggit.journal_kept), so that rules in force
        -- elsewhere (outside the run, another build's) do not see it as drift
        WITH ign AS MATERIALIZED (
            SELECT i.classid, i.objid FROM unnest(ignored_classids, ignored_objids) i(classid, objid)
        ), live AS (
            SELECT l.object_key, l.hash FROM pggit.read_catalog(ignored_classids, ignored_objids) l
             WHERE cardinality(ignored_objids) > 0
        ), seen AS (
            SELECT l.object_key, l.hash FROM live l
            UNION ALL   -- gone: accepted as gone
            SELECT m.object_key, NULL FROM ign i JOIN pggit.object_map m ON m.classid = i.classid AND m.objid = i.objid
             WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.object_key = m.object_key)
        )
        INSERT INTO pggit.accepted_state AS a (object_key, hash)
        SELECT DISTINCT ON (s.object_key) s.object_key, s.hash FROM seen s
         WHERE NOT EXISTS (SELECT 1 FROM unnest(changes) c WHERE s.object_key IN (c.object_key, c.old_key))
           AND s.hash IS DISTINCT FROM (SELECT m.hash FROM pggit.object_map m WHERE m.object_key = s.object_key)
        ON CONFLICT (object_key) DO UPDATE SET hash = excluded.hash, accepted_at = clock_timestamp(), accepted_by = session_user;
    END IF;
    changes := ARRAY(SELECT c FROM unnest(changes) c
                      WHERE c.tracked AND (only_keys IS NULL OR c.object_key = ANY (only_keys) OR c.old_key = ANY (only_keys)));
    IF cardinality(changes) = 0 THEN
        RETURN NULL;
    END IF;
    DELETE FROM pggit.accepted_state a USING unnest(changes) c WHERE a.object_key IN (c.object_key, c.old_key);

    head := pggit.head_commit();
    SELECT c.tree INTO head_tree FROM pggit.commit c WHERE c.id = head;

    INSERT INTO pggit.blob (hash, definition)
    SELECT DISTINCT ON (c.new_hash) c.new_hash, c.definition FROM unnest(changes) c WHERE c.new_hash IS NOT NULL
    ON CONFLICT (hash) DO NOTHING;

    new_tree := pggit.write_tree(head_tree, ARRAY(
        SELECT ROW(pggit.tree_path(m.schema_name, m.kind, m.object_key), NULL)::pggit.tree_edit
          FROM unnest(changes) c JOIN pggit.object_map m ON m.object_key = coalesce(c.old_key, c.object_key)
         WHERE c.change <> 'A'
        UNION ALL
        SELECT ROW(pggit.tree_path(c.schema_name, c.kind, c.object_key), c.new_hash)::pggit.tree_edit
          FROM unnest(changes) c WHERE c.change <> 'D'));

    -- the index follows the catalog, including address-only changes (an index rebuilt under a new oid)
    DELETE FROM pggit.object_map m
     USING unnest(changes) c
     WHERE m.object_key = coalesce(c.old_key, c.object_key) AND c.change IN ('D', 'R');
    DELETE FROM pggit.object_map m
     USING unnest(changes) c
     WHERE c.change <> 'D' AND m.classid = c.classid AND m.objid = c.objid AND m.object_key <> c.object_key;
    INSERT INTO pggit.object_map (object_key, kind, schema_name, parent_key, classid, objid, hash, columns)
    SELECT c.object_key, c.kind, c.schema_name, c.parent_key, c.classid, c.objid, c.new_hash, c.columns
      FROM unnest(changes) c WHERE c.change <> 'D'
    ON CONFLICT (object_key) DO UPDATE
       SET kind = excluded.kind, schema_name = excluded.schema_name, parent_key = excluded.parent_key,
           classid = excluded.classid, objid = excluded.objid, hash = excluded.hash, columns = excluded.columns;

    IF new_tree IS NOT DISTINCT FROM head_tree THEN
        RETURN NULL;
    END IF;

    new_parents := CASE WHEN head IS NULL THEN '{}'::text[] ELSE ARRAY[head] END;
    -- a merge into this branch waiting for the live catalog to reach its tree (pggit.complete_merge
    -- after the plan ran, or the capture of the migration written from it): this is its merge commit
    SELECT m.id, m.source_commit, m.merge_request_id INTO merging FROM pggit.merge m
     WHERE m.status = 'ready' AND m.target_branch = (SELECT h.branch FROM pggit.head h) AND m.target_commit = head
       AND m.merged_tree = new_tree
     ORDER BY m.id DESC LIMIT 1;
    IF merging.id IS NOT NULL THEN
        new_parents := new_parents || merging.source_commit;
    END IF;
    cid := pggit.sha256_hex(pggit.commit_hash_text(new_tree, new_parents, who, ts, origin, message));
    INSERT INTO pggit.commit (id, tree, parents, author, committed_at, origin, message, deployment_id, capture_ms)
    VALUES (cid, new_tree, new_parents, who, ts, origin, message, deployment_id,
            extract(epoch FROM clock_timestamp() - ts) * 1000);
    INSERT INTO pggit.change (commit_id, object_key, identity, kind, change, old_key, old_hash, new_hash, detail)
    SELECT cid, c.object_key, pggit.key_identity(c.object_key), c.kind, c.change, c.old_key, c.old_hash, c.new_hash,
           CASE WHEN c.renamed_columns IS NOT NULL THEN jsonb_build_object('renamed_columns', c.renamed_columns) END
      FROM unnest(changes) c
     WHERE c.change <> 'M' OR c.old_hash <> c.new_hash;
    INSERT INTO pggit.ref (name, commit_id) SELECT h.branch, cid FROM pggit.head h
    ON CONFLICT (name) DO UPDATE SET commit_id = excluded.commit_id;
    IF merging.id IS NOT NULL THEN
        UPDATE pggit.merge m SET status = 'completed', merge_commit = cid, completed_by = session_user, completed_at = ts WHERE m.id = merging.id;
        IF merging.merge_request_id IS NOT NULL THEN
            PERFORM pggit.mark_merge_request_merged(merging.merge_request_id, merging.id);
        END IF;
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.commit_changes(text, text, text, bigint, boolean, text[], text) IS
    'Plumbing behind commit, migrations and baseline: writes one commit of the journaled changes of journal_scope (session: this session''s rows, as a migration''s capture; all: every session''s but those reserved by another session''s open run) or of all drift when full_scan (only the objects only_keys names when given) on HEAD, under the tracking rules of deployment_id''s source (pggit.rules_in_force); returns its id, or null when nothing tracked changed. A commit whose tree is the merged tree of a ready merge into HEAD''s branch begun at HEAD (pggit.merge) is that merge''s commit: the merge''s source is its second parent, and the merge is completed. origin: baseline, migration, deployment, manual, drift, rollback, server-upgrade. On a server the index was not built on (pggit.server_moved) re-baselines first (pggit.check_server).';

CREATE OR REPLACE FUNCTION pggit.commit_summary(commit_id text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- '+2 tables, ~1 function, >1 index, -1 view': added, modified, renamed, deleted, by kind.
-- plpgsql, not sql: a sql function with SET clauses is planned on every call (one per migration).
#variable_conflict use_column
BEGIN
RETURN (SELECT coalesce(string_agg(format('%s%s %s', sym, n,
                    CASE WHEN n = 1 THEN replace(kind, '_', ' ')
                         WHEN kind LIKE '%x' THEN replace(kind, '_', ' ') || 'es'
                         ELSE replace(kind, '_', ' ') || 's' END), ', ' ORDER BY ord, kind), 'no changes')
  FROM (SELECT ch.kind,
               CASE ch.change WHEN 'A' THEN '+' WHEN 'M' THEN '~' WHEN 'R' THEN '>' ELSE '-' END AS sym,
               CASE ch.change WHEN 'A' THEN 1 WHEN 'M' THEN 2 WHEN 'R' THEN 3 ELSE 4 END AS ord,
               count(*) AS n
          FROM pggit.change ch WHERE ch.commit_id = commit_summary.commit_id
         GROUP BY 1, 2, 3) s);
END
$$;
COMMENT ON FUNCTION pggit.commit_summary(text) IS 'One line per commit: counts by kind of objects added (+), modified (~), renamed (>) and deleted (-).';
-- ==== check/fsck.sql ============================================================================

-- Integrity of the object store, like git fsck: every hash recomputed, every reference followed.

CREATE OR REPLACE FUNCTION pggit.fsck()
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- One row per problem, check_name integrity, in verify_consistency's shape. Set-based: each table
-- is read once, and the tree nodes every commit reaches are walked once each (a node shared by
-- many commits, as unchanged subtrees are, is expanded once). Kinds, all severity error unless a
-- purge_history explains them (then info):
--   blob_hash_mismatch, tree_hash_mismatch, commit_hash_mismatch: the stored content no longer
--     hashes to its key (a forced purge's new root, whose parents it cleared, is purged_root, info);
--   missing_tree, missing_blob: a node or definition a commit's tree refers to is not stored;
--   missing_parent: a commit's parent is not stored (purged_parent, info, when a purge ran after
--     the commit was written); missing_commit: a branch, tag or migration link names no commit;
--   index_out_of_step: pggit.object_map (the index) and HEAD's tree disagree on a key or its hash.
WITH RECURSIVE
walk(hash, lvl, path, blob) AS (   -- every tree node below a commit's root (level 0), and the blobs: below the
    -- schema nodes (level 1) a key with a colon is an object (kind:identity), any other key a node
    SELECT DISTINCT c.tree, 0, '{}'::text[], false FROM pggit.commit c
    UNION
    SELECT e.value, w.lvl + 1, w.path || e.key, w.lvl >= 2 AND strpos(e.key, ':') > 0
      FROM walk w JOIN pggit.tree t ON t.hash = w.hash, jsonb_each_text(t.entries) e
     WHERE NOT w.blob
),
purge AS (
    SELECT max(p.purged_at) FILTER (WHERE p.commits_purged > 0) AS last_purge,
           coalesce(array_agg(p.new_root) FILTER (WHERE p.forced AND p.new_root IS NOT NULL), '{}') AS roots
      FROM pggit.purge_log p
),
head AS (
    SELECT c.id, c.tree FROM pggit.commit c WHERE c.id = pggit.head_commit()
),
head_objects AS (
    SELECT o.object_key, o.hash FROM head h, pggit.tree_objects(h.tree) o
)
SELECT 'integrity', x.store || '_hash_mismatch', 'error', x.hash,
       format('%s %s no longer hashes to its key (its text hashes to %s)', x.noun, left(x.hash, 12), left(x.computed, 12)),
       format('pggit.%s was changed outside pggit (by hand or by storage corruption): restore the row from a backup; %s',
              x.store, x.consequence),
       jsonb_build_object('stored', x.hash, 'computed', x.computed)
  FROM (SELECT 'blob' AS store, 'definition' AS noun, b.hash, pggit.sha256_hex(b.definition::text) AS computed,
               'the commits whose trees hold it show a definition that is not the one recorded.' AS consequence
          FROM pggit.blob b
        UNION ALL
        SELECT 'tree', 'tree node', t.hash, pggit.sha256_hex(t.entries::text),
               'every commit whose tree reaches it is suspect.'
          FROM pggit.tree t) x
 WHERE x.computed <> x.hash
UNION ALL
SELECT 'integrity', CASE WHEN x.purged_root THEN 'purged_root' ELSE 'commit_hash_mismatch' END,
       CASE WHEN x.purged_root THEN 'info' ELSE 'error' END, x.id,
       CASE WHEN x.purged_root
            THEN format('commit %s is the root a forced purge_history left: its parents were cleared, so its id hashes parents no longer stored', left(x.id, 12))
            ELSE format('commit %s no longer hashes to its id (its tree, parents, author, time, origin and message hash to %s)', left(x.id, 12), left(x.computed, 12)) END,
       CASE WHEN x.purged_root THEN 'Nothing to do: pggit.purge_log records the forced purge.'
            ELSE 'pggit.commit was changed outside pggit (by hand or by storage corruption): restore the row from a backup; the history it records cannot be trusted.' END,
       jsonb_build_object('stored', x.id, 'computed', x.computed)
  FROM (SELECT c.id, pggit.sha256_hex(pggit.commit_hash_text(c.tree, c.parents, c.author, c.committed_at, c.origin, c.message)) AS computed,
               c.id = ANY (p.roots) AND c.parents = '{}' AS purged_root
          FROM pggit.commit c, purge p) x
 WHERE x.computed <> x.id
UNION ALL
SELECT 'integrity', 'missing_tree', 'error', c.id,
       format('commit %s has tree %s, which is not stored', left(c.id, 12), left(c.tree, 12)),
       'A tree node was deleted outside pggit (purge_history keeps every node a kept commit reaches): restore pggit.tree from a backup; until then show, diff and export of this commit fail.',
       jsonb_build_object('commit', c.id, 'tree', c.tree)
  FROM pggit.commit c
 WHERE NOT EXISTS (SELECT 1 FROM pggit.tree t WHERE t.hash = c.tree)
UNION ALL
SELECT 'integrity', 'missing_tree', 'error', array_to_string(w.path, '/'),
       format('tree node %s at %s is referred to by a stored tree but is not stored', left(w.hash, 12), array_to_string(w.path, '/')),
       'A tree node was deleted outside pggit (purge_history keeps every node a kept commit reaches): restore pggit.tree from a backup; until then the commits above it miss the objects below it.',
       jsonb_build_object('tree', w.hash, 'path', to_jsonb(w.path))
  FROM walk w
 WHERE w.lvl >= 1 AND NOT w.blob AND NOT EXISTS (SELECT 1 FROM pggit.tree t WHERE t.hash = w.hash)
UNION ALL
SELECT 'integrity', 'missing_blob', 'error', w.path[cardinality(w.path)],
       format('definition %s of %s is referred to by a stored tree but is not stored', left(w.hash, 12), w.path[cardinality(w.path)]),
       'A definition was deleted outside pggit (purge_history keeps every definition a kept tree holds): restore pggit.blob from a backup; until then show, diff and export cannot print this object.',
       jsonb_build_object('blob', w.hash, 'object_key', w.path[cardinality(w.path)], 'path', to_jsonb(w.path))
  FROM walk w
 WHERE w.blob AND NOT EXISTS (SELECT 1 FROM pggit.blob b WHERE b.hash = w.hash)
UNION ALL
SELECT 'integrity', CASE WHEN x.purged THEN 'purged_parent' ELSE 'missing_parent' END,
       CASE WHEN x.purged THEN 'info' ELSE 'error' END, x.id,
       format('commit %s names parent %s, which is not stored', left(x.id, 12), left(x.parent, 12))
           || CASE WHEN x.purged THEN ' (purge_history ran after the commit was written)' ELSE '' END,
       CASE WHEN x.purged THEN 'Nothing to do: pggit.purge_log records the purge that freed it.'
            ELSE 'A commit was deleted outside pggit: restore pggit.commit from a backup; log, blame and merge bases stop at this commit.' END,
       jsonb_build_object('commit', x.id, 'parent', x.parent)
  FROM (SELECT c.id, par.parent, coalesce(p.last_purge > c.committed_at, false) AS purged
          FROM pggit.commit c CROSS JOIN purge p CROSS JOIN LATERAL unnest(c.parents) AS par(parent)
         WHERE NOT EXISTS (SELECT 1 FROM pggit.commit q WHERE q.id = par.parent)) x
UNION ALL
SELECT 'integrity', 'missing_commit', 'error', r.what,
       format('%s points at commit %s, which is not stored', r.what, left(r.commit_id, 12)),
       'A commit was deleted outside pggit: restore pggit.commit from a backup, or point the ' || r.noun || ' at a stored commit.',
       jsonb_build_object('commit', r.commit_id)
  FROM (SELECT 'branch ' || x.name AS what, 'branch' AS noun, x.commit_id FROM pggit.ref x
        UNION ALL
        SELECT 'tag ' || x.name, 'tag', x.commit_id FROM pggit.tag x
        UNION ALL
        SELECT 'migration link ' || x.id, 'link', x.commit_id FROM pggit.migration_link x WHERE x.commit_id IS NOT NULL) r
 WHERE NOT EXISTS (SELECT 1 FROM pggit.commit c WHERE c.id = r.commit_id)
UNION ALL
SELECT 'integrity', 'index_out_of_step', 'error', coalesce(m.object_key, o.object_key),
       CASE WHEN o.object_key IS NULL THEN format('%s is in the index (pggit.object_map) but not in HEAD''s tree', m.object_key)
            WHEN m.object_key IS NULL THEN format('%s is in HEAD''s tree but not in the index (pggit.object_map)', o.object_key)
            ELSE format('%s has definition %s in the index (pggit.object_map) but %s in HEAD''s tree', m.object_key, left(m.hash, 12), left(o.hash, 12)) END,
       'pggit.object_map was changed outside pggit: restore it from a backup taken with the commits; captures and the drift scan compare the catalog with the index, so until then they report against the wrong state.',
       jsonb_build_object('index', m.hash, 'head', o.hash)
  FROM (SELECT x.object_key, x.hash FROM pggit.object_map x) m
  FULL JOIN head_objects o ON o.object_key = m.object_key
 WHERE m.hash IS DISTINCT FROM o.hash
ORDER BY 2, 4
$$;
COMMENT ON FUNCTION pggit.fsck() IS
    'Integrity of the object store (git fsck), one row per problem in verify_consistency''s shape (check_name integrity): blob, tree node and commit hashes recomputed (blob_hash_mismatch, tree_hash_mismatch, commit_hash_mismatch), the tree nodes and definitions every commit reaches (missing_tree, missing_blob), parents, branches, tags and links (missing_parent, missing_commit), the index against HEAD''s tree (index_out_of_step); severity error, or info for what purge_history explains (purged_root, purged_parent). No rows: the store is intact.';

-- Interrupted runs (issue 12): a deployment records its session as backend pid and start time,
-- and one whose session is gone is closed as interrupted by the next run (open_deployment, which
-- takes the pid of the session that runs the migrations: a new signature) and the next check
-- (verify_consistency, check/consistency.sql above, reports it). Deployments opened by 0.1 have no
-- start time: their pid alone decides.
ALTER TABLE pggit.deployment DROP CONSTRAINT deployment_outcome_check,
    ADD CONSTRAINT deployment_outcome_check CHECK (outcome IN ('running', 'success', 'failed', 'abandoned', 'interrupted'));
ALTER TABLE pggit.deployment ADD COLUMN backend_started_at timestamptz;
DROP FUNCTION pggit.open_deployment(text, text, text);
-- A failed migration's link records the error's SQLSTATE (record_migration gains error_sqlstate).
ALTER TABLE pggit.migration_link ADD COLUMN error_sqlstate text;
DROP FUNCTION pggit.record_migration(bigint, jsonb, text, text, text);
-- Concurrent sessions: journal rows carry their transaction and session; a migration's capture
-- takes its own session's rows, pggit.commit() leaves those of sessions inside an open run alone
-- (journal/sessions.sql); the commit writer deletes exactly the rows it read.
ALTER TABLE pggit.journal ADD COLUMN xact xid8, ADD COLUMN pid integer;   -- rows from 0.1 belong to no session
ALTER TABLE pggit.journal ALTER COLUMN xact SET DEFAULT pg_current_xact_id(), ALTER COLUMN pid SET DEFAULT pg_backend_pid();
DROP FUNCTION pggit.compute_changes(boolean, bigint);
DROP FUNCTION pggit.affected_objects(bigint);
DROP FUNCTION pggit.adopt(text);   -- a sql function whose body depends on commit_changes: re-created below
DROP FUNCTION pggit.commit_changes(text, text, text, bigint, boolean, text[]);
-- ==== capture/widening.sql ======================================================================

-- Widening the journal: which objects a journaled change may have touched.

CREATE OR REPLACE FUNCTION pggit.affected_objects(journal_ids bigint[], rules_source text DEFAULT NULL)
    RETURNS TABLE (classid oid, objid oid)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan SET enable_hashjoin = off SET enable_mergejoin = off
    SET work_mem = '128kB' AS $$
#variable_conflict use_column
-- The journal under-reports, so it is widened here (ARCHITECTURE.md):
--   * each journaled object brings its pg_depend dependents, transitively (a rename or a type
--     change shows in their definitions): views through their rewrite rule, column defaults as
--     their table, a domain's constraints as the domain, a composite type's relation as the type,
--     and untracked links in between (row types, array types) followed through;
--   * each relation read is read with its indexes, constraints, triggers, rules, policies and
--     extended statistics;
--   * an index a constraint owns stands for the constraint; a constraint brings its copies in
--     inheritance children; a partitioned (or parent) table brings the partitions (children) it had
--     at HEAD, since a detached one is no dependent any more (so ATTACH and DETACH PARTITION, journaled as
--     the partitioned table, re-read the partition and, as a relation read, its indexes); a partitioned
--     index brings the partitions' indexes attached to it, as its pg_depend dependents (deptype 'P'), so
--     a CREATE INDEX, ALTER INDEX ... RENAME or ATTACH PARTITION on it re-reads them;
--   * a schema brings every object in it (a rename re-keys them all);
--   * a type brings the relations and routines that use it;
--   * GRANT/REVOKE rows carry no object id, so they rescan every object of their kind.
-- plpgsql, not sql: its plan is cached per session, where a sql function is planned on every call.
-- work_mem is small because the generic plan's hash tables are allocated at the size its estimates
-- give, and those grow with the catalog (the expansions by kind, pg_depend): at 15,000 objects a
-- call that widened one function spent 17 ms allocating them and 0.4 ms on its rows. A widening is
-- a few rows; the rare large one (a GRANT on every table) spills to a temporary file instead.
BEGIN
RETURN QUERY
WITH RECURSIVE j AS (
    SELECT journal.* FROM unnest(journal_ids) i(id) JOIN pggit.journal ON journal.id = i.id   -- estimated as a few rows (unnest), not as the table
       AND command_tag NOT IN ('REFRESH MATERIALIZED VIEW', 'REINDEX')
       AND NOT (event = 'ddl' AND coalesce(flag, false))   -- objects an extension script creates are its members
       -- ignore patterns and ignored operations drop journal rows before they widen: a row stays
       -- when one set of the rules in force for rules_source keeps it (pggit.journal_kept)
       AND pggit.journal_kept(journal.command_tag, journal.object_identity, rules_source)
       AND NOT EXISTS (SELECT 1 FROM pggit.tracking_window w      -- paused: left to the drift scan
                        WHERE w.kind = 'pause' AND journal.recorded_at >= w.started_at
                          AND journal.recorded_at < coalesce(w.ended_at, w.ends_at))
       AND coalesce(schema_name, '') <> 'pggit'
),
seed AS (
    SELECT j.classid, j.objid FROM j WHERE j.objid IS NOT NULL AND j.objid <> 0
    UNION   -- a dropped column default (DROP ... CASCADE of its sequence or function): its table, named {schema, table, column}
    SELECT 'pg_class'::regclass, to_regclass(quote_ident(j.address_names[1]) || '.' || quote_ident(j.address_names[2]))::oid
      FROM j WHERE j.event = 'drop' AND j.classid = 'pg_attrdef'::regclass AND cardinality(j.address_names) >= 2
    UNION
    -- privileges without object ids: every object of the kind they name
    SELECT 'pg_class'::regclass, c.oid FROM pg_class c
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       AND EXISTS (SELECT 1 FROM j WHERE j.command_tag IN ('GRANT', 'REVOKE') AND (j.objid IS NULL OR j.objid = 0)
                      AND upper(j.object_type) IN ('TABLE', 'SEQUENCE', 'VIEW', 'MATERIALIZED VIEW', 'FOREIGN TABLE'))
    UNION
    SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p
     WHERE EXISTS (SELECT 1 FROM j WHERE j.command_tag IN ('GRANT', 'REVOKE') AND (j.objid IS NULL OR j.objid = 0)
                      AND upper(j.object_type) IN ('FUNCTION', 'PROCEDURE', 'ROUTINE'))
    UNION
    SELECT 'pg_namespace'::regclass, n.oid FROM pg_namespace n
     WHERE EXISTS (SELECT 1 FROM j WHERE j.command_tag IN ('GRANT', 'REVOKE') AND (j.objid IS NULL OR j.objid = 0)
                      AND upper(j.object_type) = 'SCHEMA')
    UNION
    SELECT 'pg_type'::regclass, t.oid FROM pg_type t
     WHERE t.typtype IN ('e', 'c', 'd', 'r')
       AND EXISTS (SELECT 1 FROM j WHERE j.command_tag IN ('GRANT', 'REVOKE') AND (j.objid IS NULL OR j.objid = 0)
                      AND upper(j.object_type) IN ('TYPE', 'DOMAIN'))
    UNION
    SELECT 'pg_foreign_server'::regclass, fs.oid FROM pg_foreign_server fs
     WHERE EXISTS (SELECT 1 FROM j WHERE j.command_tag IN ('GRANT', 'REVOKE') AND (j.objid IS NULL OR j.objid = 0)
                      AND upper(j.object_type) IN ('FOREIGN SERVER', 'SERVER'))
    UNION
    SELECT 'pg_foreign_data_wrapper'::regclass, fw.oid FROM pg_foreign_data_wrapper fw
     WHERE EXISTS (SELECT 1 FROM j WHERE j.command_tag IN ('GRANT', 'REVOKE') AND (j.objid IS NULL OR j.objid = 0)
                      AND upper(j.object_type) = 'FOREIGN DATA WRAPPER')
    UNION   -- ALTER DEFAULT PRIVILEGES carries no object id: every entry, live and recorded (a revoke may remove one)
    SELECT 'pg_default_acl'::regclass, da.oid FROM pg_default_acl da
     WHERE EXISTS (SELECT 1 FROM j WHERE j.command_tag = 'ALTER DEFAULT PRIVILEGES')
    UNION
    SELECT m.classid, m.objid FROM pggit.object_map m
     WHERE m.kind = 'default_privileges' AND EXISTS (SELECT 1 FROM j WHERE j.command_tag = 'ALTER DEFAULT PRIVILEGES')
    UNION   -- a publication's tables and schemas are rows of their own: the publication is read again
    SELECT 'pg_publication'::regclass, pb.oid FROM pg_publication pb
     WHERE EXISTS (SELECT 1 FROM j WHERE j.classid IN ('pg_publication_rel'::regclass, 'pg_publication_namespace'::regclass))
    UNION   -- event triggers fire for no event-trigger DDL: they are compared on every capture (a handful)
    SELECT 'pg_event_trigger'::regclass, e.oid FROM pg_event_trigger e JOIN pg_proc ep ON ep.oid = e.evtfoid
     WHERE ep.pronamespace <> 'pggit'::regnamespace
    UNION
    SELECT m.classid, m.objid FROM pggit.object_map m WHERE m.kind = 'event_trigger'
),
lvl1 AS (
    SELECT s.classid, s.objid FROM seed s
    UNION  -- schema members
    SELECT 'pg_class'::regclass, c.oid FROM seed s JOIN pg_class c ON c.relnamespace = s.objid
     WHERE s.classid = 'pg_namespace'::regclass
    UNION
    SELECT 'pg_proc'::regclass, p.oid FROM seed s JOIN pg_proc p ON p.pronamespace = s.objid
     WHERE s.classid = 'pg_namespace'::regclass
    UNION
    SELECT 'pg_type'::regclass, t.oid FROM seed s JOIN pg_type t ON t.typnamespace = s.objid
     WHERE s.classid = 'pg_namespace'::regclass
    UNION
    SELECT 'pg_collation'::regclass, co.oid FROM seed s JOIN pg_collation co ON co.collnamespace = s.objid
     WHERE s.classid = 'pg_namespace'::regclass
    UNION
    SELECT 'pg_default_acl'::regclass, da.oid FROM seed s JOIN pg_default_acl da ON da.defaclnamespace = s.objid
     WHERE s.classid = 'pg_namespace'::regclass
    UNION
    SELECT 'pg_statistic_ext'::regclass, st.oid FROM seed s JOIN pg_statistic_ext st ON st.stxnamespace = s.objid
     WHERE s.classid = 'pg_namespace'::regclass
    UNION  -- a composite type relation's type; a domain constraint's domain
    SELECT 'pg_type'::regclass, c.reltype FROM seed s JOIN pg_class c ON c.oid = s.objid
     WHERE s.classid = 'pg_class'::regclass AND c.relkind = 'c'
    UNION
    SELECT 'pg_type'::regclass, k.contypid FROM seed s JOIN pg_constraint k ON k.oid = s.objid
     WHERE s.classid = 'pg_constraint'::regclass AND k.contypid <> 0
    UNION  -- an index a constraint owns: renaming it renames the constraint
    SELECT d.refclassid, d.refobjid FROM seed s
      JOIN pg_depend d ON d.classid = s.classid AND d.objid = s.objid AND d.objsubid = 0
     WHERE s.classid = 'pg_class'::regclass AND d.refclassid = 'pg_constraint'::regclass AND d.deptype = 'i'
    UNION  -- a constraint's copies in inheritance children and partitions (a rename renames them)
    SELECT 'pg_constraint'::regclass, k2.oid FROM seed s
      JOIN pg_constraint k ON k.oid = s.objid
      JOIN pg_inherits i ON i.inhparent = k.conrelid
      JOIN pg_constraint k2 ON k2.conrelid = i.inhrelid
     WHERE s.classid = 'pg_constraint'::regclass AND k.conrelid <> 0
    UNION  -- the partitions and inheritance children a table had at HEAD (DETACH leaves no dependency)
    SELECT m.classid, m.objid FROM seed s
      JOIN pg_class c ON c.oid = s.objid AND (c.relkind = 'p' OR c.relhassubclass)
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pggit.object_map m ON m.kind = 'table'
      JOIN pggit.blob b ON b.hash = m.hash
     WHERE s.classid = 'pg_class'::regclass
       AND (b.definition ->> 'partition_of' = quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            OR b.definition -> 'inherits' ? (quote_ident(n.nspname) || '.' || quote_ident(c.relname)))
    -- an index, constraint or trigger journaled alone (CREATE INDEX, CREATE TRIGGER, COMMENT ON ...)
    -- is read alone: its table's definition did not change, and a rename shows as a new key for the
    -- same address without re-reading the table and all its other children
),
lvl2(classid, objid) AS (   -- pg_depend dependents, transitively (UNION: each address once, so cycles end)
    SELECT l.classid, l.objid FROM lvl1 l
    UNION
    SELECT x.classid, x.objid
      FROM lvl2 l
      JOIN pg_depend d ON d.refclassid = l.classid AND d.refobjid = l.objid
      CROSS JOIN LATERAL (
          -- what a dependent stands for: a rule for its relation, a column default for its table, a
          -- publication's table or schema entry for the publication; else itself
          SELECT CASE d.classid WHEN 'pg_rewrite'::regclass THEN 'pg_class'::regclass
                                WHEN 'pg_attrdef'::regclass THEN 'pg_class'::regclass
                                WHEN 'pg_publication_rel'::regclass THEN 'pg_publication'::regclass
                                WHEN 'pg_publication_namespace'::regclass THEN 'pg_publication'::regclass
                                ELSE d.classid END AS classid,
                 CASE d.classid WHEN 'pg_rewrite'::regclass THEN (SELECT rw.ev_class FROM pg_rewrite rw WHERE rw.oid = d.objid)
                                WHEN 'pg_attrdef'::regclass THEN (SELECT ad.adrelid FROM pg_attrdef ad WHERE ad.oid = d.objid)
                                WHEN 'pg_publication_rel'::regclass THEN (SELECT pr.prpubid FROM pg_publication_rel pr WHERE pr.oid = d.objid)
                                WHEN 'pg_publication_namespace'::regclass THEN (SELECT pns.pnpubid FROM pg_publication_namespace pns
                                                                                 WHERE pns.oid = d.objid)
                                ELSE d.objid END AS objid
          UNION ALL   -- a domain's constraint changes the domain
          SELECT 'pg_type'::regclass, k.contypid FROM pg_constraint k
           WHERE d.classid = 'pg_constraint'::regclass AND k.oid = d.objid AND k.contypid <> 0
          UNION ALL   -- a composite type's relation changes the type
          SELECT 'pg_type'::regclass, c.reltype FROM pg_class c
           WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid AND c.relkind = 'c'
      ) x
     WHERE d.classid IN ('pg_class'::regclass, 'pg_rewrite'::regclass, 'pg_attrdef'::regclass, 'pg_constraint'::regclass,
                         'pg_proc'::regclass, 'pg_type'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass,
                         'pg_event_trigger'::regclass, 'pg_foreign_server'::regclass, 'pg_user_mapping'::regclass,
                         'pg_publication_rel'::regclass, 'pg_publication_namespace'::regclass, 'pg_statistic_ext'::regclass)
       AND d.deptype IN ('n', 'a', 'i', 'P', 'S')
       AND NOT (d.classid = 'pg_trigger'::regclass AND d.deptype = 'i')   -- a constraint's internal triggers (never tracked)
),
rels AS (
    SELECT l.objid AS oid FROM lvl2 l WHERE l.classid = 'pg_class'::regclass
),
lvl3 AS (   -- every relation read is read with all its children, so none looks deleted
    SELECT l.classid, l.objid FROM lvl2 l
    UNION
    SELECT 'pg_class'::regclass, i.indexrelid FROM rels r JOIN pg_index i ON i.indrelid = r.oid
    UNION
    SELECT 'pg_constraint'::regclass, k.oid FROM rels r JOIN pg_constraint k ON k.conrelid = r.oid
    UNION
    SELECT 'pg_trigger'::regclass, g.oid FROM rels r JOIN pg_trigger g ON g.tgrelid = r.oid AND NOT g.tgisinternal   -- not a foreign key's own
    UNION
    SELECT 'pg_policy'::regclass, pol.oid FROM rels r JOIN pg_policy pol ON pol.polrelid = r.oid
    UNION
    SELECT 'pg_rewrite'::regclass, rw.oid FROM rels r JOIN pg_rewrite rw ON rw.ev_class = r.oid AND rw.rulename <> '_RETURN'
    UNION   -- extended statistics name the table's columns (a column rename shows in their definition)
    SELECT 'pg_statistic_ext'::regclass, st.oid FROM rels r JOIN pg_statistic_ext st ON st.stxrelid = r.oid
    UNION   -- a server's user mappings (re-keyed when it is renamed)
    SELECT 'pg_user_mapping'::regclass, um.umid FROM lvl2 l JOIN pg_user_mappings um ON um.srvid = l.objid
     WHERE l.classid = 'pg_foreign_server'::regclass
)
SELECT l.classid, l.objid FROM lvl3 l WHERE l.objid IS NOT NULL AND l.objid <> 0;
END
$$;
COMMENT ON FUNCTION pggit.affected_objects(bigint[], text) IS
    'The (classid, objid) of every object the journal rows journal_ids may have changed, widened with children and pg_depend dependents; rows every set of the rules in force for rules_source (pggit.rules_in_force; null: outside a run) ignores by pattern or operation are left out. Includes objects that no longer exist (dropped).';
-- ==== capture/changes.sql =======================================================================

-- Computing changes: objects re-read against the index (added, modified, deleted, renamed).

CREATE OR REPLACE FUNCTION pggit.renamed_columns(before jsonb, after jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT jsonb_object_agg(b.value, a.value) FROM jsonb_each_text(before) b JOIN jsonb_each_text(after) a ON a.key = b.key
             WHERE a.value <> b.value);
COMMENT ON FUNCTION pggit.renamed_columns(jsonb, jsonb) IS 'Columns of one relation renamed between two {attnum: name} maps (same attnum, other name): {"old": "new"}, or null.';

CREATE OR REPLACE FUNCTION pggit.compute_changes(full_scan boolean, journal_ids bigint[], rules_source text DEFAULT NULL)
    RETURNS TABLE (change text, object_key text, old_key text, kind text, schema_name text, parent_key text,
                   classid oid, objid oid, old_hash text, new_hash text, definition jsonb, directive text,
                   columns jsonb, renamed_columns jsonb, tracked boolean)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan SET work_mem = '128kB' AS $$
#variable_conflict use_column
-- The differences between the index (object_map, the tree at HEAD) and the live catalog:
--   full_scan = false: only within the objects the journal rows journal_ids imply;
--   full_scan = true:  the whole catalog (drift scan, baseline).
-- tracked: under the rules in force for rules_source (a build's run; null: outside a run, pggit.rules_in_force).
-- Renames are recognised by an unchanged (classid, objid) under a new key.
-- plpgsql, not sql: its plan is cached per session, where a sql function is planned on every call.
-- That generic plan is for a capture: a few addresses, each probed in the index (LATERAL ... OFFSET
-- 0 keeps the probes, where the planner would hash the whole index for its estimate), with a small
-- work_mem so its hash tables, allocated at their estimated size, stay small. A full scan compares
-- the whole catalog with the whole index: it is planned for its call, with the memory to hash both
-- (both settings return to the function's own at its end).
BEGIN
IF full_scan THEN
    PERFORM set_config('plan_cache_mode', 'force_custom_plan', true), set_config('work_mem', '32MB', true);
END IF;
RETURN QUERY
WITH w AS (
    SELECT DISTINCT a.classid, a.objid FROM pggit.affected_objects(journal_ids, rules_source) a WHERE NOT full_scan
),
l AS (
    SELECT * FROM pggit.read_catalog(
        CASE WHEN full_scan THEN NULL ELSE coalesce((SELECT array_agg(w.classid ORDER BY w.classid, w.objid) FROM w), '{}') END,
        CASE WHEN full_scan THEN NULL ELSE coalesce((SELECT array_agg(w.objid ORDER BY w.classid, w.objid) FROM w), '{}') END)
),
s AS (   -- the index entries in scope: the addresses read, and the children of what was read
    SELECT m.* FROM pggit.object_map m WHERE full_scan
    UNION
    SELECT m.* FROM w, LATERAL (SELECT m.* FROM pggit.object_map m WHERE m.classid = w.classid AND m.objid = w.objid OFFSET 0) m
    UNION
    SELECT c.* FROM w, LATERAL (SELECT c.* FROM pggit.object_map p JOIN pggit.object_map c ON c.parent_key = p.object_key
                                 WHERE p.classid = w.classid AND p.objid = w.objid OFFSET 0) c
    UNION
    SELECT c.* FROM l, LATERAL (SELECT c.* FROM pggit.object_map c WHERE c.parent_key = l.object_key OFFSET 0) c WHERE NOT full_scan
)
SELECT x.*, pggit.is_tracked(x.change, x.object_key, x.kind, x.schema_name, x.directive, rules_source)
  FROM (
-- same key: modified when the definition (or the live address) differs
SELECT 'M' AS change, l.object_key, NULL::text AS old_key, l.kind, l.schema_name, l.parent_key, l.classid, l.objid,
       s.hash AS old_hash, l.hash AS new_hash, l.definition, l.directive, l.columns,
       CASE WHEN s.classid = l.classid AND s.objid = l.objid THEN pggit.renamed_columns(s.columns, l.columns) END
  FROM l JOIN s ON s.object_key = l.object_key
 WHERE s.hash <> l.hash OR s.classid <> l.classid OR s.objid <> l.objid OR s.parent_key IS DISTINCT FROM l.parent_key
UNION ALL
-- a known address under a new key, the old key gone: renamed
SELECT 'R', l.object_key, s.object_key, l.kind, l.schema_name, l.parent_key, l.classid, l.objid, s.hash, l.hash, l.definition, l.directive,
       l.columns, pggit.renamed_columns(s.columns, l.columns)
  FROM l JOIN s ON s.classid = l.classid AND s.objid = l.objid
 WHERE s.object_key <> l.object_key
   AND NOT EXISTS (SELECT 1 FROM s s2 WHERE s2.object_key = l.object_key)
   AND NOT EXISTS (SELECT 1 FROM l l2 WHERE l2.object_key = s.object_key)
UNION ALL
-- a new key that is not a rename: added
SELECT 'A', l.object_key, NULL, l.kind, l.schema_name, l.parent_key, l.classid, l.objid, NULL, l.hash, l.definition, l.directive,
       l.columns, NULL
  FROM l
 WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.object_key = l.object_key)
   AND NOT EXISTS (SELECT 1 FROM s WHERE s.classid = l.classid AND s.objid = l.objid
                      AND NOT EXISTS (SELECT 1 FROM l l2 WHERE l2.object_key = s.object_key))
UNION ALL
-- a key in scope that the catalog no longer has and that was not renamed: deleted
SELECT 'D', s.object_key, NULL, s.kind, s.schema_name, s.parent_key, s.classid, s.objid, s.hash, NULL, NULL, NULL, NULL, NULL
  FROM s
 WHERE NOT EXISTS (SELECT 1 FROM l WHERE l.object_key = s.object_key)
   AND NOT EXISTS (SELECT 1 FROM l WHERE l.classid = s.classid AND l.objid = s.objid
                      AND NOT EXISTS (SELECT 1 FROM s s2 WHERE s2.object_key = l.object_key))
) x;
END
$$;
COMMENT ON FUNCTION pggit.compute_changes(boolean, bigint[], text) IS
    'Plumbing: differences between the index (tree at HEAD) and the live catalog, as A/M/D/R rows with the new definitions; journal-scoped, or the whole catalog when full_scan; tracked under the rules in force for rules_source (a build''s run; null: outside a run, pggit.rules_in_force).';
-- Tracking rules: % is the only wildcard (pggit.like_pattern, in rules/configure.sql above); a
-- schema that does not exist yet is accepted with a notice; a pattern that can never match warns.
-- Rules from a build belong to their source, the tool and its history table (issue 13): kept per
-- source (rules/build_rules.sql), set by pggit.apply_build_rules (rules/configure.sql above), used
-- by the captures of a deployment naming that source (deployment.rules_source, open_deployment in
-- runs/migrations.sql below); pggit.rules_in_force says which rules apply, is_tracked gains
-- rules_source (a new signature), as compute_changes, gather_changes and affected_objects did above.
-- ==== rules/build_rules.sql =====================================================================

-- Tracking rules a build names (flyway.pggit.*, liquibase.pggit.*), kept per source: the tool and
-- its history table. A source's runs use its rules for the kinds it names and the database's rules
-- (set from SQL: tracking_config, ignore_pattern) for the others (pggit.rules_in_force).

CREATE TABLE pggit.build_rules (
    source            text PRIMARY KEY CHECK (source <> ''),   -- '<tool>:<schema>.<history table>', e.g. 'flyway:public.flyway_schema_history'
    track_schemas     text[],             -- null: the build names none (the database's apply); '{}': every user schema
    ignore_schemas    text[],             -- null: the database's; '{}': none
    track_operations  text[],             -- null: the database's; '{}': every operation
    ignore_operations text[],             -- null: the database's; '{}': none
    ignore_patterns   text[],             -- null: the database's (pggit.ignore_pattern); '{}': none
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by        name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.build_rules IS 'The tracking rules each build names, per source (tool and history table, e.g. ''flyway:public.flyway_schema_history''), as pggit.apply_build_rules sets them at the start of each of its runs: a null column is a kind the build does not name, for which its runs use the database''s rules (set from SQL). A source that names no rule has no row. Read by pggit.rules_in_force.';
ALTER TABLE pggit.deployment ADD COLUMN rules_source text;
DROP FUNCTION pggit.is_tracked(text, text, text, text, text);
-- ==== rules/is_tracked.sql ======================================================================

-- The rules for one change, in order of precedence, and which rules are in force.

CREATE OR REPLACE FUNCTION pggit.rules_in_force(rules_source text DEFAULT NULL)
    RETURNS TABLE (source text, track_schemas text[], ignore_schemas text[], track_operations text[],
                   ignore_operations text[], ignore_patterns text[])
    LANGUAGE sql STABLE AS $$
-- Inlinable sql (one SELECT, STABLE, no SET, not STRICT, not SECURITY DEFINER): is_tracked and
-- journal_kept, called per change and per journal row, plan it as part of their own (cached) query.
-- During a run of a build (rules_source: its deployment's, pggit.deployment.rules_source), one set:
-- the build's rules for each kind it names (pggit.build_rules), the database's (set from SQL) for
-- the others. Outside a run (rules_source null: psql DDL, pggit.commit, status, drift), the
-- database's set and each source's: a change is kept when one of them keeps it, so that what a
-- build tracks is tracked outside its runs too (a psql change to it is drift, and pggit.commit
-- records it), and with the default rules (everything) nothing else changes.
WITH db AS (
    SELECT c.track_schemas, c.ignore_schemas, c.track_operations, c.ignore_operations,
           ARRAY(SELECT p.pattern FROM pggit.ignore_pattern p ORDER BY p.pattern) AS ignore_patterns
      FROM pggit.tracking_config c
)
SELECT b.source,
       CASE WHEN b.track_schemas IS NULL THEN db.track_schemas ELSE nullif(b.track_schemas, '{}') END,
       coalesce(b.ignore_schemas, db.ignore_schemas),
       CASE WHEN b.track_operations IS NULL THEN db.track_operations ELSE nullif(b.track_operations, '{}') END,
       coalesce(b.ignore_operations, db.ignore_operations),
       coalesce(b.ignore_patterns, db.ignore_patterns)
  FROM db, pggit.build_rules b
 WHERE rules_source IS NULL OR b.source = rules_source
UNION ALL
SELECT NULL, db.track_schemas, db.ignore_schemas, db.track_operations, db.ignore_operations, db.ignore_patterns
  FROM db
 WHERE rules_source IS NULL OR NOT EXISTS (SELECT 1 FROM pggit.build_rules b WHERE b.source = rules_source)
$$;
COMMENT ON FUNCTION pggit.rules_in_force(text) IS
    'The sets of tracking rules in force (schemas and operations as text[], null = all; patterns as text[]): for a run of rules_source (a build: tool and history table), one set, its rules (pggit.build_rules) for each kind it names and the database''s (set from SQL) for the others, or just the database''s when it names none; for rules_source null (outside a run), the database''s set (source null) and each source''s, of which a change is kept when one keeps it.';

CREATE OR REPLACE FUNCTION pggit.journal_kept(command_tag text, object_identity text, rules_source text DEFAULT NULL)
    RETURNS boolean
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan AS $$
-- Ignore patterns and ignored operations drop a journal row before it widens (pggit.affected_objects):
-- kept when one set of the rules in force for rules_source keeps it. plpgsql: pggit.like_pattern
-- comes later in the install script.
BEGIN
RETURN EXISTS (
    SELECT 1 FROM pggit.rules_in_force(rules_source) r
     WHERE NOT EXISTS (SELECT 1 FROM unnest(r.ignore_patterns) p
                        WHERE journal_kept.command_tag || ' ' || coalesce(journal_kept.object_identity, '') LIKE pggit.like_pattern(p))
       AND NOT EXISTS (SELECT 1 FROM unnest(r.ignore_operations) op WHERE starts_with(journal_kept.command_tag || ' ', upper(op) || ' ')));
END
$$;
COMMENT ON FUNCTION pggit.journal_kept(text, text, text) IS
    'Whether a journal row (its command tag and object identity) passes the ignore patterns and ignored operations of one set of the rules in force for rules_source (pggit.rules_in_force; null: outside a run); a row none keeps is not widened (pggit.affected_objects), its object''s live state accepted by the commit writer.';

CREATE OR REPLACE FUNCTION pggit.is_tracked(change text, object_key text, kind text, schema_name text, directive text,
                                             rules_source text DEFAULT NULL)
    RETURNS boolean
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan AS $$
-- The tracking rules for one change, in order of precedence:
--   1. the object's directive (in its comment now, or seen before and kept): ignore or track;
--   2. ignore patterns (% the only wildcard, pggit.like_pattern) matched against '<command tag> <identity>', where the command tag is
--      the one the change implies: CREATE <KIND> (added), DROP <KIND> (deleted), ALTER <KIND>
--      (modified, renamed), or CREATE <KIND> too for the kinds PostgreSQL can CREATE OR REPLACE
--      (functions, procedures, aggregates, views, triggers, rules), e.g. 'CREATE INDEX query.%';
--   3. operation filters: ignore_operations, then track_operations, as prefixes of that tag;
--   4. schemas: track_schemas (when set), then ignore_schemas, % the only wildcard.
-- Rules 2-4 are those in force for rules_source (pggit.rules_in_force): a run's, or outside a run
-- (null) the database's and each build's, the change kept when one set keeps it. A generic plan:
-- planning the query (rules_in_force inlined) on every call would cost more than running it.
DECLARE
    d text := coalesce(directive, (SELECT o.directive FROM pggit.object_directive o WHERE o.object_key = is_tracked.object_key));
    cmds text[];
BEGIN
    IF d = 'ignore' THEN
        RETURN false;
    ELSIF d = 'track' THEN
        RETURN true;
    END IF;
    -- a modification is an ALTER, or a CREATE OR REPLACE where PostgreSQL has one (functions,
    -- procedures, aggregates, views, triggers, rules): an ALTER TABLE is no CREATE
    cmds := ARRAY(SELECT v || ' ' || upper(replace(kind, '_', ' ')) || ' ' || pggit.key_identity(object_key)
                    FROM unnest(CASE WHEN change = 'A' THEN ARRAY['CREATE'] WHEN change = 'D' THEN ARRAY['DROP']
                                     WHEN kind IN ('function', 'procedure', 'aggregate', 'view', 'trigger', 'rule')
                                         THEN ARRAY['ALTER', 'CREATE']
                                     ELSE ARRAY['ALTER'] END) v);
    RETURN EXISTS (
        SELECT 1 FROM pggit.rules_in_force(rules_source) r
         WHERE NOT EXISTS (SELECT 1 FROM unnest(r.ignore_patterns) p, unnest(cmds) c WHERE c LIKE pggit.like_pattern(p))
           AND NOT EXISTS (SELECT 1 FROM unnest(r.ignore_operations) op, unnest(cmds) c WHERE starts_with(c || ' ', upper(op) || ' '))
           AND (r.track_operations IS NULL
                OR EXISTS (SELECT 1 FROM unnest(r.track_operations) op, unnest(cmds) c WHERE starts_with(c || ' ', upper(op) || ' ')))
           AND (r.track_schemas IS NULL OR EXISTS (SELECT 1 FROM unnest(r.track_schemas) p WHERE is_tracked.schema_name LIKE pggit.like_pattern(p)))
           AND NOT EXISTS (SELECT 1 FROM unnest(r.ignore_schemas) p WHERE is_tracked.schema_name LIKE pggit.like_pattern(p)));
END
$$;
COMMENT ON FUNCTION pggit.is_tracked(text, text, text, text, text, text) IS
    'Whether the tracking rules keep one change (A, M, D, R) of an object: directive, then ignore patterns, then operation filters, then schema include/exclude; the rules those in force for rules_source (pggit.rules_in_force: a build''s run, or null outside a run, where a change is kept when the database''s or any build''s rules keep it).';
-- Operation filters filter (issue 13): a change the rules ignore is accepted without a commit, and
-- the drift scan leaves it alone (rules/accepted_state.sql; capture/commit_writer.sql and api/porcelain.sql above).
-- ==== rules/accepted_state.sql ==================================================================

-- Changes the tracking rules ignored: the live state they left, accepted without a commit.

CREATE TABLE pggit.accepted_state (
    object_key   text PRIMARY KEY,
    hash         text,                                     -- the accepted definition's hash; null: accepted as gone
    accepted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    accepted_by  name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.accepted_state IS 'The live state of objects whose journaled change the tracking rules ignored (an operation filter, an ignore pattern, a directive): accepted without a commit, so that the drift scan does not report it, while a later change to another state still shows as drift. Kept apart from the index (object_map), which stays HEAD''s tree; a row goes when a commit records its object.';
-- A build's rules are the whole set of their kind, applied at once, recorded with their source
-- (pggit.apply_build_rules in rules/configure.sql above).
ALTER TABLE pggit.rule_change ADD COLUMN source text;
COMMENT ON TABLE pggit.rule_change IS 'The history of tracking rules: every change of configuration, pattern or directive set from SQL (source null), and of the rules a build names (pggit.apply_build_rules: source names the build, rule the kind, old_value and new_value its lists, null when not named).';
COMMENT ON TABLE pggit.ignore_pattern IS 'Patterns (% the only wildcard, pggit.like_pattern) matched against the command tag followed by the object identity, e.g. ''CREATE INDEX query.%''.';
-- ==== runs/interrupted.sql ======================================================================

-- Interrupted runs: a migration tool's deployment whose session is gone (the JVM was killed, the
-- connection dropped) can never be closed by its run. A session is its backend pid and that
-- backend's start time together: pids are reused, a pid and a start time never are. So a gone
-- session is known for sure, never guessed from a timeout.

CREATE OR REPLACE FUNCTION pggit.session_alive(backend_pid integer, backend_started_at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- SECURITY DEFINER: pg_stat_activity hides backend_start of other roles' sessions from a role
-- without pg_read_all_stats. A null start time (a deployment opened before pggit 0.2 recorded it)
-- falls back to the pid alone, which may take a reused pid for the session: never the other way.
SELECT EXISTS (SELECT 1 FROM pg_stat_get_activity(session_alive.backend_pid) a
                WHERE a.pid = session_alive.backend_pid
                  AND (session_alive.backend_started_at IS NULL OR a.backend_start = session_alive.backend_started_at))
$$;
COMMENT ON FUNCTION pggit.session_alive(integer, timestamptz) IS
    'Whether the session with this backend pid and backend start time (pg_stat_activity.backend_start) still exists; a null start time checks the pid alone.';

CREATE OR REPLACE FUNCTION pggit.close_interrupted_deployments()
    RETURNS TABLE (deployment_id bigint, name text, tool text, started_at timestamptz, backend_pid integer, links bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Closes, as interrupted, every running deployment of a migration tool whose session is gone, and
-- returns them. Called by open_deployment (the next run) and verify_consistency (the next check).
-- A manual deployment (begin_deployment ... end_deployment) is left open: it may span sessions;
-- abandon_deployment closes it. head_after is the last commit the deployment wrote (or HEAD before
-- it); ended_at is when the interruption was found. A Flyway run's links get the installed rank
-- and execution time its end would have copied from the history table (backfill_flyway_links):
-- Flyway wrote the history row of each linked migration in the migration's transaction; the one
-- it was running when killed was rolled back, link and row alike.
DECLARE
    d pggit.deployment;
    ht record;
BEGIN
    FOR d IN
        UPDATE pggit.deployment x
           SET outcome = 'interrupted', ended_at = clock_timestamp(),
               head_after = coalesce((SELECT c.id FROM pggit.commit c WHERE c.deployment_id = x.id ORDER BY c.seq DESC LIMIT 1),
                                     x.head_before)
         WHERE x.outcome = 'running' AND x.tool <> 'manual'
           AND NOT pggit.session_alive(x.backend_pid, x.backend_started_at)
        RETURNING x.*
    LOOP
        IF d.tool = 'flyway' THEN
            FOR ht IN SELECT h.table_schema, h.table_name FROM pggit.history_tables() h WHERE h.tool = 'flyway' ORDER BY 1, 2 LOOP
                PERFORM pggit.backfill_flyway_links(d.id, ht.table_schema, ht.table_name);
            END LOOP;
        END IF;
        deployment_id := d.id;
        name := d.name;
        tool := d.tool;
        started_at := d.started_at;
        backend_pid := d.backend_pid;
        links := (SELECT count(*) FROM pggit.migration_link l WHERE l.deployment_id = d.id);
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.close_interrupted_deployments() IS
    'Closes as interrupted each running migration-tool deployment whose session (backend pid and start time) is gone, copies a Flyway run''s installed ranks and execution times from the history table into its links, and returns the deployments closed (id, name, tool, started_at, backend_pid, links). The next run (open_deployment) and the next check (verify_consistency) call it.';
-- ==== journal/sessions.sql ======================================================================

-- Whose journal rows a commit takes: a migration's capture its own session's, pggit.commit()
-- everyone's but those of the sessions running an open migration run (the session a deployment
-- records: backend pid and start time, runs/interrupted.sql), which keep theirs for the run.

CREATE OR REPLACE FUNCTION pggit.journal_ids(scope text) RETURNS bigint[]
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- A session is its pid and backend start: a row recorded before this backend started came from an
-- earlier session that had the same pid.
-- plpgsql, not sql: a sql function with SET clauses is planned on every call (every capture calls
-- this); plpgsql caches the plan per session.
BEGIN
RETURN (WITH reserved AS MATERIALIZED (   -- other sessions running an open migration run, read once
    SELECT d.backend_pid AS pid, d.backend_started_at AS backend_start FROM pggit.deployment d
     WHERE d.outcome = 'running' AND d.tool <> 'manual' AND d.backend_pid <> pg_backend_pid()
       AND pggit.session_alive(d.backend_pid, d.backend_started_at)
), me AS MATERIALIZED (
    SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a   -- this backend's row only (the view reads all)
)
SELECT coalesce(array_agg(j.id ORDER BY j.id), '{}')
  FROM pggit.journal j
 WHERE CASE scope
       WHEN 'session' THEN j.pid = pg_backend_pid() AND j.recorded_at >= (SELECT me.backend_start FROM me)
       WHEN 'all' THEN NOT EXISTS (SELECT 1 FROM reserved r WHERE r.pid = j.pid AND j.recorded_at >= coalesce(r.backend_start, '-infinity'))
       END);
END
$$;
COMMENT ON FUNCTION pggit.journal_ids(text) IS 'The journal rows a commit of this scope takes: session = this session''s own (pid and backend start); all = every session''s but those of another session running an open migration-tool deployment (its recorded backend pid and start time, pggit.session_alive). Another value gives no rows.';
-- ==== runs/migrations.sql =======================================================================

-- What the integrations call per run and per migration: deployments, links, failures.

CREATE OR REPLACE FUNCTION pggit.open_deployment(name text, tool text, target text DEFAULT NULL, session_pid integer DEFAULT NULL,
                                                  rules_source text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- session_pid: the backend pid of the session that runs the migrations, when it is not this one
-- (Flyway's callback opens the deployment on a connection of its own, closed at once, while the
-- migrations run on Flyway's). The deployment records that session's pid and start time, so the
-- next run or check can tell for sure that the run is gone (close_interrupted_deployments), which
-- this call does first. rules_source: the build's source (tool and history table, as given to
-- pggit.apply_build_rules) whose tracking rules the run's captures use (pggit.rules_in_force);
-- null: the rules outside a run.
DECLARE
    run_pid integer := coalesce(session_pid, pg_backend_pid());
    started timestamptz;
    id bigint;
BEGIN
    SELECT a.backend_start INTO started FROM pg_stat_get_activity(run_pid) a
     WHERE a.pid = run_pid AND a.datid = (SELECT b.oid FROM pg_database b WHERE b.datname = current_database());
    IF started IS NULL THEN
        RAISE EXCEPTION 'pggit: no session with backend pid % in this database', run_pid USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pggit.close_interrupted_deployments();
    PERFORM pggit.check_server();   -- a run on a restored or upgraded database re-baselines before its migrations
    INSERT INTO pggit.deployment (name, tool, target, head_before, backend_pid, backend_started_at, rules_source)
    VALUES (open_deployment.name, open_deployment.tool, open_deployment.target, pggit.head_commit(), run_pid, started,
            nullif(open_deployment.rules_source, ''))
    RETURNING deployment.id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION pggit.open_deployment(text, text, text, integer, text) IS
    'Opens a deployment (outcome running) for the session with backend pid session_pid (null: this session) and returns its id; its captures use the tracking rules in force for rules_source (a build''s tool and history table, pggit.apply_build_rules; null: the rules outside a run, pggit.rules_in_force); first closes the deployments whose session is gone (close_interrupted_deployments) and, on a database restored or upgraded since its index was built, re-baselines (pggit.rebaseline_after_move).';

CREATE OR REPLACE FUNCTION pggit.close_deployment(deployment_id bigint, outcome text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF outcome NOT IN ('success', 'failed', 'abandoned') THEN
        RAISE EXCEPTION 'pggit: deployment outcome must be success, failed or abandoned, not "%"', outcome
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE pggit.deployment d
       SET ended_at = clock_timestamp(), outcome = close_deployment.outcome, head_after = pggit.head_commit()
     WHERE d.id = close_deployment.deployment_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no deployment with id %', deployment_id USING ERRCODE = 'undefined_object';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.close_deployment(bigint, text) IS 'Closes a deployment with outcome success, failed or abandoned, recording HEAD after it.';

CREATE OR REPLACE FUNCTION pggit.record_migration(deployment_id bigint, migration jsonb, outcome text, error text DEFAULT NULL,
                                       origin text DEFAULT 'migration', error_sqlstate text DEFAULT NULL)
    RETURNS TABLE (link_id bigint, commit_id text, new_commit boolean, summary text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- migration: {"tool": "flyway"|"liquibase", "id", "type", "description", "script", "checksum",
--             "author", "contexts", "labels", "exec_type"} (absent keys = null).
-- A success commits its journaled changes (origin migration, or rollback for an undone changeset)
-- and links it to that commit, or to HEAD when it changed nothing tracked. A failure: a link
-- without a commit, with the error's message and SQLSTATE (error, error_sqlstate).
DECLARE
    cid text;
    lid bigint;
    tool text := migration ->> 'tool';
    label text := concat_ws(' ',
        CASE WHEN migration ->> 'tool' <> 'flyway' THEN concat_ws('::', migration ->> 'id', migration ->> 'author')
             WHEN migration ->> 'id' IS NULL THEN 'R' ELSE 'V' || (migration ->> 'id') END,
        migration ->> 'description');
BEGIN
    IF outcome NOT IN ('success', 'failed') THEN
        RAISE EXCEPTION 'pggit: migration outcome must be success or failed, not "%"', outcome
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF outcome = 'success' THEN
        cid := pggit.commit_changes(CASE WHEN origin = 'rollback' THEN tool || ' rollback ' ELSE tool || ' ' END || label,
                                    origin, migration ->> 'author', deployment_id, false, NULL, 'session');   -- its own session's DDL only
        new_commit := cid IS NOT NULL;
        cid := coalesce(cid, pggit.head_commit());
    ELSE
        new_commit := false;
    END IF;
    INSERT INTO pggit.migration_link (deployment_id, tool, migration_id, migration_type, description, script, checksum,
                                      author, contexts, labels, exec_type, outcome, commit_id, new_commit, error, error_sqlstate)
    VALUES (record_migration.deployment_id, tool, migration ->> 'id', migration ->> 'type', migration ->> 'description',
            migration ->> 'script', migration ->> 'checksum', migration ->> 'author', migration ->> 'contexts',
            migration ->> 'labels', migration ->> 'exec_type', outcome, cid, new_commit, error, error_sqlstate)
    RETURNING id INTO lid;
    link_id := lid;
    commit_id := cid;
    summary := CASE WHEN new_commit THEN pggit.commit_summary(cid) ELSE 'no tracked changes' END;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION pggit.record_migration(bigint, jsonb, text, text, text, text) IS
    'Links one applied (origin migration) or rolled-back (origin rollback) migration or changeset to the commit it produced, committing its journaled changes first; one that changed nothing tracked is linked to HEAD; outcome failed records a link without a commit, with the error''s message and SQLSTATE. migration is a JSON object: tool, id, type, description, script, checksum, author, contexts, labels, exec_type.';

CREATE OR REPLACE FUNCTION pggit.record_migration_fail_open(deployment_id bigint, migration jsonb, origin text DEFAULT 'migration')
    RETURNS TABLE (link_id bigint, commit_id text, new_commit boolean, summary text, capture_error text, capture_sqlstate text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- pggit.record_migration for a successful migration, fail-open: an error inside pggit is caught
-- (the EXCEPTION block is a subtransaction, so the migration's own transaction goes on), recorded
-- in pggit.capture_failure and returned in capture_error; the drift scan then reports what was
-- missed. One round trip per migration instead of savepoint, call and release.
BEGIN
    BEGIN
        RETURN QUERY SELECT r.link_id, r.commit_id, r.new_commit, r.summary, NULL::text, NULL::text
                       FROM pggit.record_migration(deployment_id, migration, 'success', NULL, origin) r;
    EXCEPTION WHEN OTHERS THEN
        capture_error := SQLERRM;
        capture_sqlstate := SQLSTATE;
        INSERT INTO pggit.capture_failure (deployment_id, migration, sqlstate, error)
        VALUES (record_migration_fail_open.deployment_id,
                concat_ws(' ', CASE WHEN migration ->> 'tool' <> 'flyway' THEN concat_ws('::', migration ->> 'id', migration ->> 'author')
                                    WHEN migration ->> 'id' IS NULL THEN 'R' ELSE 'V' || (migration ->> 'id') END,
                          migration ->> 'description'),
                capture_sqlstate, capture_error);
        RETURN NEXT;
    END;
END
$$;
COMMENT ON FUNCTION pggit.record_migration_fail_open(bigint, jsonb, text) IS
    'record_migration for a successful migration that never fails it: an error inside pggit is recorded in pggit.capture_failure and returned in capture_error (with its SQLSTATE) instead of raised.';

CREATE OR REPLACE FUNCTION pggit.set_tool_deployment_id(deployment_id bigint, tool_deployment_id text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
UPDATE pggit.deployment d SET tool_deployment_id = set_tool_deployment_id.tool_deployment_id
 WHERE d.id = set_tool_deployment_id.deployment_id AND d.tool_deployment_id IS NULL
$$;
COMMENT ON FUNCTION pggit.set_tool_deployment_id(bigint, text) IS 'Records the tool''s own id of a run (Liquibase deployment_id) on a deployment, once.';

CREATE OR REPLACE FUNCTION pggit.record_capture_failure(deployment_id bigint, migration text, sqlstate text, error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
INSERT INTO pggit.capture_failure (deployment_id, migration, sqlstate, error)
VALUES (record_capture_failure.deployment_id, record_capture_failure.migration,
        record_capture_failure.sqlstate, record_capture_failure.error)
$$;
COMMENT ON FUNCTION pggit.record_capture_failure(bigint, text, text, text) IS 'Records an error inside pggit during a migration (fail-open mode).';

CREATE OR REPLACE FUNCTION pggit.backfill_flyway_links(deployment_id bigint, history_schema text, history_table text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Flyway writes its history row after AFTER_EACH_MIGRATE, so installed_rank and execution_time
-- are copied from its history table at the end of the run: versioned migrations by version,
-- repeatable ones by script and checksum (latest rank). history_schema null = current_schema().
DECLARE
    n integer;
    tbl regclass := to_regclass(format('%I.%I', coalesce(history_schema, current_schema()), history_table));
BEGIN
    IF tbl IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format($q$
        UPDATE pggit.migration_link l
           SET installed_rank = h.installed_rank, execution_time_ms = h.execution_time
          FROM (SELECT DISTINCT ON (coalesce(version, ''), script, checksum) installed_rank, version, script, checksum, execution_time
                  FROM %s ORDER BY coalesce(version, ''), script, checksum, installed_rank DESC) h
         WHERE l.deployment_id = $1 AND l.tool = 'flyway' AND l.installed_rank IS NULL
           AND l.script = h.script AND l.checksum IS NOT DISTINCT FROM h.checksum::text
           AND l.migration_id IS NOT DISTINCT FROM h.version
    $q$, tbl) USING deployment_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.backfill_flyway_links(bigint, text, text) IS
    'Copies installed_rank and execution_time (ms) from Flyway''s history table (schema null = current schema) into the deployment''s links; returns the rows updated, 0 when the table does not exist.';

CREATE OR REPLACE FUNCTION pggit.backfill_liquibase_links(deployment_id bigint, history_schema text, history_table text,
                                                           link_ids bigint[] DEFAULT NULL, execution_times_ms integer[] DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Liquibase writes a changeset's databasechangelog row after its listener's ran(), so the order
-- executed (orderexecuted, the run-wide order Liquibase itself keeps) is copied at the end of the
-- run, by id, author and changelog file, into the links still without a rank; a rolled-back
-- changeset has no row and keeps none. databasechangelog records no duration: execution times
-- are those the listener measured (willRun to ran), given as link_ids with execution_times_ms.
-- history_schema null = current_schema().
DECLARE
    n integer := 0;
    tbl regclass := to_regclass(format('%I.%I', coalesce(history_schema, current_schema()), history_table));
BEGIN
    IF cardinality(link_ids) > 0 THEN
        UPDATE pggit.migration_link l SET execution_time_ms = t.ms
          FROM unnest(link_ids, execution_times_ms) t(id, ms)
         WHERE l.id = t.id AND l.deployment_id = backfill_liquibase_links.deployment_id AND l.tool = 'liquibase';
    END IF;
    IF tbl IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format($q$
        UPDATE pggit.migration_link l
           SET installed_rank = h.orderexecuted
          FROM (SELECT DISTINCT ON (id, author, filename) id, author, filename, orderexecuted
                  FROM %s ORDER BY id, author, filename, orderexecuted DESC) h
         WHERE l.deployment_id = $1 AND l.tool = 'liquibase' AND l.installed_rank IS NULL AND l.outcome = 'success'
           AND coalesce(l.exec_type, '') NOT IN ('ROLLED_BACK', 'FAILED')
           AND l.migration_id = h.id AND l.author IS NOT DISTINCT FROM h.author AND l.script = h.filename
    $q$, tbl) USING deployment_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.backfill_liquibase_links(bigint, text, text, bigint[], integer[]) IS
    'Copies the order executed (orderexecuted) from Liquibase''s databasechangelog (schema null = current schema) into the deployment''s links by changeset id, author and changelog file, and sets the execution times (ms) the listener measured for link_ids; returns the links ranked, 0 when the table does not exist.';
-- end_deployment(message => ...) beside commit_message (seed 001's name; issue 13): a third argument.
DROP FUNCTION pggit.end_deployment(text, text[]);
-- ==== runs/deployment_mode.sql ==================================================================

-- Deployment mode from SQL: begin_deployment ... end_deployment.

CREATE OR REPLACE FUNCTION pggit.begin_deployment(deployment_name text, auto_commit boolean DEFAULT false) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Until end_deployment, journaled changes wait to become one commit. Changes journaled before it
-- are committed first, so the deployment holds only its own. auto_commit allows pggit.commit()
-- inside the deployment; without it, commit() refuses.
DECLARE
    open_one pggit.deployment;
    id bigint;
BEGIN
    PERFORM pggit.require_text(deployment_name, 'the deployment name');
    SELECT * INTO open_one FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'pggit: deployment % "%" is already open (since %, session pid %)', open_one.id, open_one.name,
              open_one.started_at, open_one.backend_pid
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('End it with pggit.end_deployment(), or abandon it with pggit.abandon_deployment(%s).', open_one.id);
    END IF;
    IF pggit.commit_changes('changes before deployment ' || deployment_name, 'manual', NULL, NULL, false) IS NOT NULL THEN
        RAISE NOTICE 'pggit: committed the changes journaled before deployment "%"', deployment_name;
    END IF;
    INSERT INTO pggit.deployment (name, tool, head_before, auto_commit, backend_started_at)
    VALUES (deployment_name, 'manual', pggit.head_commit(), begin_deployment.auto_commit,
            (SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a))
    RETURNING deployment.id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION pggit.begin_deployment(text, boolean) IS
    'Opens a deployment (a release): the changes until pggit.end_deployment() become one commit. Returns the deployment id. Errors when one is already open (end or abandon it first). auto_commit => true allows pggit.commit() inside it.';

CREATE OR REPLACE FUNCTION pggit.end_deployment(commit_message text DEFAULT NULL, tags text[] DEFAULT NULL,
                                                 message text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- message is seed 001's name for commit_message (end_deployment(message => ..., tags => ...));
-- seed 000 names it commit_message. A positional first argument is the commit message.
DECLARE
    dep pggit.deployment;
    cid text;
    t text;
BEGIN
    IF message IS NOT NULL AND commit_message IS NOT NULL AND message <> commit_message THEN
        RAISE EXCEPTION 'pggit: end_deployment got both commit_message and message, and they differ'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'They are two names of one argument: pass one.';
    END IF;
    commit_message := coalesce(commit_message, message);
    SELECT * INTO dep FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no deployment is open' USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'Begin one with pggit.begin_deployment(name).';
    END IF;
    cid := pggit.commit_changes(coalesce(commit_message, 'deployment ' || dep.name), 'deployment', NULL, dep.id, false);
    IF cid IS NULL THEN
        RAISE NOTICE 'pggit: deployment "%" changed no tracked object: no commit', dep.name;
    END IF;
    FOREACH t IN ARRAY coalesce(tags, '{}') LOOP
        INSERT INTO pggit.tag (name, commit_id) VALUES (t, coalesce(cid, pggit.head_commit()))
        ON CONFLICT (name) DO UPDATE SET commit_id = excluded.commit_id, created_at = clock_timestamp();
    END LOOP;
    UPDATE pggit.deployment d
       SET ended_at = clock_timestamp(), outcome = 'success', head_after = pggit.head_commit(),
           message = commit_message, tags = end_deployment.tags
     WHERE d.id = dep.id;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.end_deployment(text, text[], text) IS
    'Closes the open deployment: its changes become one commit (origin deployment) with commit_message (or message, seed 001''s name for it; default ''deployment <name>'') and tags; returns the commit id, or null when nothing tracked changed. Errors when no deployment is open, or when commit_message and message both given differ.';

CREATE OR REPLACE FUNCTION pggit.abandon_deployment(deployment_id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.deployment d SET ended_at = clock_timestamp(), outcome = 'abandoned', head_after = pggit.head_commit()
     WHERE d.id = abandon_deployment.deployment_id AND d.outcome = 'running';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no open deployment with id %', deployment_id USING ERRCODE = 'undefined_object',
              HINT = 'See pggit.open_deployments.';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.abandon_deployment(bigint) IS
    'Closes an open deployment (e.g. one a crashed session left) as abandoned, without a commit; its changes stay journaled for the next commit.';

CREATE OR REPLACE VIEW pggit.open_deployments AS
SELECT d.id, d.name, d.tool, d.started_at, d.db_user, d.backend_pid,
       pggit.session_alive(d.backend_pid, d.backend_started_at) AS session_alive, d.backend_started_at
  FROM pggit.deployment d
 WHERE d.outcome = 'running';
COMMENT ON VIEW pggit.open_deployments IS 'Deployments still running; session_alive = false means the session that runs it (backend pid and start time) is gone: the next run or check closes a migration tool''s as interrupted, abandon_deployment closes a manual one.';
-- ==== check/consistency.sql =====================================================================

-- Consistency: drift, gaps between the tools' history tables and the links, tracking state.
-- One implementation, in the database: pggit:check, psql users and the Liquibase commands call it.

CREATE OR REPLACE FUNCTION pggit.history_tables()
    RETURNS TABLE (tool text, table_schema text, table_name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The migration tools' history tables in this database, recognised by name (pggit.tool_table) and
-- by their columns: Flyway's has installed_rank, version, script, checksum, success; Liquibase's
-- has id, author, filename, md5sum, exectype.
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'installed_rank')
            THEN 'flyway' ELSE 'liquibase' END, n.nspname::text, c.relname::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relname IN (SELECT t.relname FROM pggit.tool_table t)
   AND ((SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
          AND a.attname IN ('installed_rank', 'version', 'script', 'checksum', 'success')) = 5
        OR (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
             AND a.attname IN ('id', 'author', 'filename', 'md5sum', 'exectype')) = 5)
$$;
COMMENT ON FUNCTION pggit.history_tables() IS 'The migration tools'' history tables in this database (tool flyway or liquibase, schema, table), recognised by name (pggit.tool_table) and by their columns.';

CREATE OR REPLACE FUNCTION pggit.drift_findings(drift jsonb, verbose boolean DEFAULT false)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The drift check's findings from one drift scan (a jsonb array of pggit.drift() rows), so that the
-- reader's check (verify_consistency) and the writer's (record_conflicts) report it alike from a
-- single scan. Writes nothing; reads the definitions and the open conflicts. verbose: details.before
-- is the definition at HEAD (the store's blob of old_hash), details.after the live one: the store's
-- when a commit holds that state, else read from the catalog by address, once for just the drifted
-- objects no commit holds (an added, modified or renamed object's new state), and only when the
-- live object still has the hash the scan found.
WITH d AS (
    SELECT * FROM jsonb_to_recordset(coalesce(drift, '[]')) AS d(change text, object_key text, old_key text, kind text, old_hash text,
                                                                new_hash text, note text, classid oid, objid oid)
),
unstored AS (
    SELECT DISTINCT d.classid, d.objid FROM d
     WHERE d.change <> 'D' AND d.classid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pggit.blob b WHERE b.hash = d.new_hash)
),
live AS MATERIALIZED (   -- computed once, on the first verbose finding that needs it; never without verbose;
    -- one jsonb object keyed by '<object_key> <hash>', so that each finding finds its own by a key lookup
    SELECT jsonb_object_agg(r.object_key || ' ' || r.hash, r.definition) AS definitions
      FROM pggit.read_catalog(coalesce((SELECT array_agg(u.classid ORDER BY u.classid, u.objid) FROM unstored u), '{}'),
                              coalesce((SELECT array_agg(u.objid ORDER BY u.classid, u.objid) FROM unstored u), '{}')) r
)
SELECT 'drift', 'drift_' || CASE d.change WHEN 'A' THEN 'added' WHEN 'D' THEN 'removed' WHEN 'R' THEN 'renamed' ELSE 'changed' END,
       'error', d.object_key,
       CASE d.change WHEN 'A' THEN format('%s exists in the database but in no commit', d.object_key)
                     WHEN 'D' THEN format('%s is in HEAD but no longer in the database', d.object_key)
                     WHEN 'R' THEN format('%s was renamed to %s outside any commit', d.old_key, d.object_key)
                     ELSE format('%s differs from its definition at HEAD', d.object_key) END
           || coalesce(' (' || d.note || ')', ''),
       'Adopt it as a commit (mvn pggit:adopt, or pggit.verify_consistency(fix_issues => true)), '
           || coalesce((SELECT format('resolve conflict %s with pggit.resolve_conflict(conflict_id => %L, resolution => ''use_current'' or ''use_tracked'', reason => ...)', x.id, x.id)
                          FROM pggit.conflict x WHERE x.object_key = d.object_key AND x.resolved_at IS NULL),
                       'record it as a conflict (pggit.record_conflicts(), which mvn pggit:check runs where it may write) and resolve it')
           || ', or revert it with a migration.',
       CASE WHEN drift_findings.verbose THEN jsonb_build_object(
           'before', (SELECT b.definition FROM pggit.blob b WHERE b.hash = d.old_hash),
           'after', CASE WHEN d.new_hash IS NOT NULL
                         THEN coalesce((SELECT b.definition FROM pggit.blob b WHERE b.hash = d.new_hash),
                                       (SELECT l.definitions -> (d.object_key || ' ' || d.new_hash) FROM live l)) END) END
  FROM d
 ORDER BY d.object_key
$$;
COMMENT ON FUNCTION pggit.drift_findings(jsonb, boolean) IS
    'The drift check''s findings (check_name drift; kind drift_added, drift_removed, drift_changed or drift_renamed; its open conflict in the hint; when verbose, details.before = the definition at HEAD and details.after = the live one, from the store or read once by address for the drifted objects no commit holds) from one drift scan given as a jsonb array of pggit.drift() rows: shared by verify_consistency and record_conflicts. Writes nothing.';

CREATE OR REPLACE FUNCTION pggit.verify_consistency(fix_issues boolean DEFAULT false, verbose boolean DEFAULT false,
                                         checks text[] DEFAULT NULL)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- One row per finding, check_name one of drift, gap, conflict, tracking, integrity:
--   drift:    added / removed / changed objects no commit explains (kind drift_added, drift_removed,
--             drift_changed, drift_renamed); fix_issues => true adopts them as a commit (origin drift);
--             on a database restored or upgraded since its index was built, one finding server_moved
--             instead (pggit.server_moved), or with fix_issues the re-baseline (server_rebaselined,
--             pggit.rebaseline_after_move) and then the drift scan;
--   gap:      unlinked_migration (in a history table, applied after pggit was installed, no link),
--             missing_migration (a link whose history row is gone; not a Liquibase changeset whose
--             latest link is its rollback), checksum_mismatch (the history
--             table's checksum is not the linked one; Liquibase's 8: -> 9: upgrade is not a gap),
--             failed_migration, out_of_order (Flyway: applied after a higher version),
--             restarted_history (warning: pggit was uninstalled and installed again, and the history
--             table holds migrations from before the restart);
--   tracking: tracking_off (paused or disabled), capture_failure (pggit could not record a migration),
--             interrupted_deployment (warning: a run whose session ended without closing its
--             deployment, closed by close_interrupted_deployments: the next run, or pggit:check
--             first where it may write; those that started in the last 7 days: an incident to look
--             at, not a state to fix, so it does not stay in every check; pggit.deployment keeps them all);
--   integrity: what pggit.fsck() finds in the object store (hash mismatches, missing tree nodes,
--             definitions and parents, the index out of step with HEAD; check/fsck.sql);
--   conflict: none yet (the conflict registry comes with merge).
-- verbose adds details (definitions before and after, history rows, hashes); checks names the checks
-- to run (drift, gap, tracking, integrity; null = all), so a client can run them one by one and
-- report progress.
-- Without fix_issues a reader's call, which writes nothing (no row, no temporary table, no
-- transaction id), so that a hot standby answers it: drift is not recorded as conflicts here (that
-- is pggit.record_conflicts, the writer's step of a check), windows whose time is up count as ended
-- when read (tracking_status), and interrupted runs are reported, not closed.
DECLARE
    installed timestamptz := (SELECT min(v.installed_at) FROM pggit.schema_version v);
    ht record;
    adopted text;
    scan jsonb;
    mv record;
    rb record;
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(checks) c WHERE c IS NULL OR c NOT IN ('drift', 'gap', 'tracking', 'integrity')) THEN
        RAISE EXCEPTION 'pggit: checks has %: the allowed values are drift, gap, tracking, integrity (or null for all)', checks
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF fix_issues AND NOT pg_has_role(session_user, 'pggit_admin', 'USAGE') THEN
        RAISE EXCEPTION 'pggit: fix_issues => true adopts drift as a commit, which takes pggit_admin; role "%" has not got it', session_user
            USING ERRCODE = 'insufficient_privilege', HINT = 'Run the check without fixes, or GRANT pggit_admin TO the role that adopts drift.';
    END IF;
    IF checks IS NULL OR 'drift' = ANY (checks) THEN
    -- a moved server (pg_dump/pg_restore, pg_upgrade): one finding, not a flood of every object whose
    -- address or printed definition differs; with fixes, the re-baseline first, then the drift scan
    SELECT * INTO mv FROM pggit.server_moved() m;
    IF mv.moved AND fix_issues THEN
        SELECT * INTO rb FROM pggit.rebaseline_after_move() r;
        RETURN QUERY SELECT 'drift', 'server_rebaselined', 'info', current_database()::text, rb.message, NULL::text,
                            CASE WHEN verify_consistency.verbose THEN to_jsonb(rb) END;
    ELSIF mv.moved THEN
        RETURN QUERY SELECT 'drift', 'server_moved', 'error', current_database()::text, mv.message,
                            'Run a migration (the Flyway callback and Liquibase re-baseline at the start of a run), a commit, '
                                || 'SELECT * FROM pggit.rebaseline_after_move() (pggit_writer), or this check with fixes; then check again.',
                            CASE WHEN verify_consistency.verbose THEN to_jsonb(mv) END;
    END IF;
    IF NOT mv.moved OR fix_issues THEN
    scan := (SELECT coalesce(jsonb_agg(to_jsonb(d)), '[]') FROM pggit.drift() d);   -- one scan, for the findings and the fix
    RETURN QUERY SELECT f.* FROM pggit.drift_findings(scan, verify_consistency.verbose) f;

    IF fix_issues AND jsonb_array_length(scan) > 0 THEN
        adopted := pggit.commit_changes('adopt drift (verify_consistency)', 'drift', NULL, NULL, true);
        RETURN QUERY SELECT 'drift', 'drift_adopted', 'info', adopted,
                            format('drift adopted as commit %s', left(adopted, 7)), NULL::text, NULL::jsonb;
    END IF;
    END IF;
    END IF;

    IF checks IS NULL OR 'gap' = ANY (checks) THEN
    -- a link belongs to the history table its run named (deployment.rules_source, tool:schema.table):
    -- two services with their own history tables in one database each see their own links; a link
    -- of a run that named none (0.1's, or one opened from SQL) or named a table gone since is
    -- compared with every history table of its tool
    FOR ht IN SELECT h.*, h.tool || ':' || h.table_schema || '.' || h.table_name AS source,
                     array_agg(h.tool || ':' || h.table_schema || '.' || h.table_name) OVER () AS sources
                FROM pggit.history_tables() h LOOP
        IF ht.tool = 'flyway' THEN
            RETURN QUERY EXECUTE format($q$
                WITH h AS (SELECT * FROM %I.%I WHERE type NOT IN ('SCHEMA', 'BASELINE', 'DELETE')),
                     l AS (SELECT ml.* FROM pggit.migration_link ml LEFT JOIN pggit.deployment d ON d.id = ml.deployment_id
                            WHERE ml.tool = 'flyway' AND ml.outcome = 'success'
                              AND (d.rules_source IS NULL OR d.rules_source = $4 OR NOT d.rules_source = ANY ($3)))
                SELECT 'gap', 'unlinked_migration', 'error',
                       coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s (%%s, rank %%s) was applied at %%s but has no link to a commit', coalesce('V' || h.version, 'R'),
                              h.script, h.installed_rank, h.installed_on),
                       'It ran without the pggit callback: add io.pggit.flyway.PggitFlywayCallback to flyway.callbacks; its changes show as drift, adopt them.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.success AND h.installed_on >= $1
                   AND NOT EXISTS (SELECT 1 FROM l WHERE l.installed_rank = h.installed_rank
                                      OR (l.installed_rank IS NULL AND l.script = h.script AND l.migration_id IS NOT DISTINCT FROM h.version))
                UNION ALL
                SELECT 'gap', 'missing_migration', 'error', coalesce('V' || l.migration_id, 'R') || ' ' || coalesce(l.description, ''),
                       format('%%s (%%s) is linked to commit %%s but no longer in %%s', coalesce('V' || l.migration_id, 'R'), l.script,
                              left(l.commit_id, 7), %L),
                       'Its history row was deleted (flyway repair, or by hand): restore it, or accept the gap.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l
                 WHERE l.installed_rank IS NOT NULL AND NOT EXISTS (SELECT 1 FROM h WHERE h.installed_rank = l.installed_rank)
                UNION ALL
                SELECT 'gap', 'checksum_mismatch', 'error', coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s: the history table says checksum %%s, the link %%s', h.script, h.checksum, l.checksum),
                       'The migration was changed and repaired after it ran: review it, then record the new state with a migration.',
                       CASE WHEN $2 THEN jsonb_build_object('history', to_jsonb(h), 'link', to_jsonb(l)) END
                  FROM h JOIN l ON l.installed_rank = h.installed_rank
                 WHERE l.checksum IS DISTINCT FROM h.checksum::text
                UNION ALL
                SELECT 'gap', 'failed_migration', 'error', coalesce('V' || h.version, 'R') || ' ' || h.description,
                       format('%%s failed (history rank %%s)', h.script, h.installed_rank),
                       'Fix the migration, run flyway repair, and migrate again.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h WHERE NOT h.success
                UNION ALL
                SELECT 'gap', 'out_of_order', 'warning', 'V' || h.version || ' ' || h.description,
                       format('V%%s was applied after a higher version (rank %%s)', h.version, h.installed_rank),
                       'Applied out of order (flyway.outOfOrder): check that it does not depend on what the later versions did.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.version IS NOT NULL AND h.success
                   AND EXISTS (SELECT 1 FROM h e WHERE e.version IS NOT NULL AND e.installed_rank < h.installed_rank
                                  AND string_to_array(e.version, '.')::numeric[] > string_to_array(h.version, '.')::numeric[])
            $q$, ht.table_schema, ht.table_name, ht.table_schema || '.' || ht.table_name)
                USING installed, verify_consistency.verbose, ht.sources, ht.source;
        ELSE
            RETURN QUERY EXECUTE format($q$
                -- l: the latest link of each changeset that is applied. A failed rollback leaves it
                -- applied (its earlier link stands); a changeset whose latest link is a rollback is not
                -- applied, so its row's absence from databasechangelog is no gap; applied again, it
                -- has a newer link.
                WITH h AS (SELECT * FROM %I.%I),
                     l AS (SELECT * FROM (SELECT DISTINCT ON (ml.migration_id, ml.author, ml.script) ml.* FROM pggit.migration_link ml
                                           LEFT JOIN pggit.deployment d ON d.id = ml.deployment_id
                                           WHERE ml.tool = 'liquibase' AND ml.exec_type IS DISTINCT FROM 'ROLLBACK_FAILED'
                                             AND (d.rules_source IS NULL OR d.rules_source = $4 OR NOT d.rules_source = ANY ($3))
                                           ORDER BY ml.migration_id, ml.author, ml.script, ml.id DESC) latest
                            WHERE latest.exec_type IS DISTINCT FROM 'ROLLED_BACK')
                SELECT 'gap', 'unlinked_migration', 'error', h.id || '::' || h.author || ' (' || h.filename || ')',
                       format('changeset %%s::%%s (%%s) ran at %%s but has no link to a commit', h.id, h.author, h.filename, h.dateexecuted),
                       'It ran without pggit-liquibase on the classpath: add it; its changes show as drift, adopt them.',
                       CASE WHEN $2 THEN to_jsonb(h) END
                  FROM h
                 WHERE h.dateexecuted >= $1
                   AND NOT EXISTS (SELECT 1 FROM l WHERE l.migration_id = h.id AND l.author = h.author AND l.script = h.filename)
                UNION ALL
                SELECT 'gap', 'missing_migration', 'error', l.migration_id || '::' || l.author || ' (' || l.script || ')',
                       format('changeset %%s::%%s is linked to commit %%s but no longer in %%s', l.migration_id, l.author,
                              left(l.commit_id, 7), %L),
                       'Its databasechangelog row was deleted: restore it, or accept the gap.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l
                 WHERE l.outcome = 'success'
                   AND NOT EXISTS (SELECT 1 FROM h WHERE h.id = l.migration_id AND h.author = l.author AND h.filename = l.script)
                UNION ALL
                SELECT 'gap', 'checksum_mismatch', 'error', h.id || '::' || h.author || ' (' || h.filename || ')',
                       format('changeset %%s::%%s: databasechangelog says %%s, the link %%s', h.id, h.author, h.md5sum, l.checksum),
                       'The changeset was edited after it ran: review it, then record the new state with a new changeset.',
                       CASE WHEN $2 THEN jsonb_build_object('history', to_jsonb(h), 'link', to_jsonb(l)) END
                  FROM h JOIN l ON l.migration_id = h.id AND l.author = h.author AND l.script = h.filename
                 WHERE h.md5sum IS NOT NULL AND l.checksum IS NOT NULL AND h.md5sum <> l.checksum
                   AND split_part(h.md5sum, ':', 1) = split_part(l.checksum, ':', 1)   -- 8: -> 9: is Liquibase's upgrade
                UNION ALL
                SELECT 'gap', 'failed_migration', 'error', l.migration_id || '::' || l.author || ' (' || l.script || ')',
                       format('changeset %%s::%%s failed: %%s', l.migration_id, l.author, coalesce(l.error, 'no message')),
                       'Fix the changeset and run update again.',
                       CASE WHEN $2 THEN to_jsonb(l) END
                  FROM l WHERE l.outcome = 'failed'
            $q$, ht.table_schema, ht.table_name, ht.table_schema || '.' || ht.table_name)
                USING installed, verify_consistency.verbose, ht.sources, ht.source;
        END IF;
        -- a history restarted by a reinstall after pggit:uninstall, while the tool's history table
        -- holds migrations from before it: their commits are gone
        IF EXISTS (SELECT 1 FROM pggit.history_restart) THEN
            RETURN QUERY EXECUTE format($q$
                SELECT 'gap', 'restarted_history', 'warning', %L,
                       format('pggit''s history restarted at %%s (pggit was uninstalled at %%s, and the history before that was removed): '
                              || '%%s migrations in %%s ran before it and have no commits', r.restarted_at, r.uninstalled_at, count(*), %L),
                       'Nothing to do when the uninstall was intended: the schema they built is in the baseline commit '
                           || coalesce(left(r.baseline_commit, 7), '(none)') || '.',
                       CASE WHEN $2 THEN jsonb_build_object('uninstalled_at', r.uninstalled_at, 'restarted_at', r.restarted_at,
                                                            'baseline_commit', r.baseline_commit, 'migrations_before', count(*)) END
                  FROM %I.%I h, (SELECT * FROM pggit.history_restart x ORDER BY x.id DESC LIMIT 1) r
                 WHERE h.%I < r.restarted_at
                 GROUP BY r.id, r.restarted_at, r.uninstalled_at, r.restarted_by, r.baseline_commit
            $q$, ht.table_schema || '.' || ht.table_name, ht.table_schema || '.' || ht.table_name, ht.table_schema, ht.table_name,
                 CASE ht.tool WHEN 'flyway' THEN 'installed_on' ELSE 'dateexecuted' END) USING installed, verify_consistency.verbose;
        END IF;
    END LOOP;
    END IF;

    IF checks IS NULL OR 'tracking' = ANY (checks) THEN
    RETURN QUERY
    SELECT 'tracking', 'tracking_off', 'warning', 'pggit', format('tracking is %s since %s, until %s', t.state, t.since, t.until),
           t.note, NULL::jsonb
      FROM pggit.tracking_status() t WHERE t.state <> 'tracking'
    UNION ALL
    SELECT 'tracking', 'interrupted_deployment', 'warning', 'deployment ' || d.id,
           format('deployment %s "%s" (%s, started %s) was interrupted: its session ended without closing it, after %s migration(s) linked',
                  d.id, d.name, d.tool, d.started_at, (SELECT count(*) FROM pggit.migration_link l WHERE l.deployment_id = d.id)),
           'The run was killed or lost its connection. The migration it was running, when transactional, was rolled back and '
               || 'runs again in the next run; a non-transactional one may be half applied: look at the drift and the tool''s history table.',
           CASE WHEN verify_consistency.verbose THEN to_jsonb(d) || jsonb_build_object('links',
                    (SELECT jsonb_agg(to_jsonb(l) ORDER BY l.id) FROM pggit.migration_link l WHERE l.deployment_id = d.id)) END
      FROM pggit.deployment d
     WHERE (d.outcome = 'interrupted'
            OR (d.outcome = 'running' AND d.tool <> 'manual' AND NOT pggit.session_alive(d.backend_pid, d.backend_started_at)))
       AND d.started_at > now() - interval '7 days'
    UNION ALL
    SELECT 'tracking', 'capture_failure', 'error', f.migration,
           format('pggit could not record %s: %s', f.migration, f.error),
           'Its changes show as drift: adopt them once the cause is fixed.', NULL::jsonb
      FROM pggit.capture_failure f
     WHERE f.recorded_at > coalesce((SELECT max(c.committed_at) FROM pggit.commit c WHERE c.origin IN ('drift', 'baseline')), '-infinity');
    END IF;

    IF checks IS NULL OR 'integrity' = ANY (checks) THEN
    RETURN QUERY
    SELECT f.check_name, f.kind, f.severity, f.subject, f.message, f.hint, CASE WHEN verify_consistency.verbose THEN f.details END
      FROM pggit.fsck() f;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.verify_consistency(boolean, boolean, text[]) IS
    'One row per finding (check_name drift, gap, conflict, tracking or integrity; kind; severity error, warning or info; subject; message; hint; details when verbose): drift against HEAD (on a database restored or upgraded since its index was built, one server_moved finding instead, or with fix_issues the re-baseline first), gaps between the Flyway and Liquibase history tables and the links (unlinked, missing, checksum mismatch, failed, out of order, restarted history after pggit:uninstall), tracking off, capture failures, interrupted deployments (those of the last 7 days; pggit.close_interrupted_deployments closes them), and the object store''s integrity (pggit.fsck: hash mismatches, missing tree nodes, definitions and parents, the index out of step with HEAD). Without fix_issues it writes nothing (so a hot standby answers it); drift is recorded as conflicts by pggit.record_conflicts, the writer''s step. fix_issues => true (pggit_admin) adopts drift as a commit of origin drift. checks (text[]: drift, gap, tracking, integrity) runs only those, null runs all; another name raises invalid_parameter_value.';

CREATE OR REPLACE FUNCTION pggit.adopt(message text DEFAULT 'adopt drift') RETURNS text
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    RETURN pggit.commit_changes(message, 'drift', NULL, NULL, true);
COMMENT ON FUNCTION pggit.adopt(text) IS 'Records all current drift (the whole catalog against HEAD) as one commit of origin drift, so a hotfix made by hand becomes history; returns its id, or null when there is none.';
-- (capture/commit_writer.sql and api/porcelain.sql, changed too, are included above)

-- Readers write nothing (issue 12), so a hot standby answers every reader call: status, drift,
-- tracking_status and verify_consistency no longer end the windows whose time is up (a window is
-- known to be over by its ends_at when read), verify_consistency keeps its drift scan in a variable
-- instead of a temporary table and records no conflicts: the writer's pggit.record_conflicts does
-- (check/consistency.sql, check/conflicts.sql and api/porcelain.sql above).
-- ==== ops/emergency.sql =========================================================================

-- Emergency: disable pggit's event triggers for a while; tracking status.

CREATE OR REPLACE FUNCTION pggit.emergency_disable(duration interval DEFAULT '1 hour') RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    until timestamptz;
BEGIN
    PERFORM pggit.check_duration(duration);
    PERFORM pggit.refresh_tracking_windows();
    IF EXISTS (SELECT 1 FROM pggit.tracking_window t WHERE t.kind = 'emergency' AND t.ended_at IS NULL) THEN
        RAISE EXCEPTION 'pggit: the event triggers are already disabled (see pggit.tracking_status())'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    ALTER EVENT TRIGGER pggit_ddl_command_end DISABLE;
    ALTER EVENT TRIGGER pggit_sql_drop DISABLE;
    INSERT INTO pggit.tracking_window (kind, ends_at) VALUES ('emergency', clock_timestamp() + duration) RETURNING ends_at INTO until;
    RETURN until;
END
$$;
COMMENT ON FUNCTION pggit.emergency_disable(interval) IS
    'For when the trigger itself is the problem: disables pggit''s event triggers (ALTER EVENT TRIGGER ... DISABLE) for duration and returns when that ends. Nothing inside PostgreSQL wakes up by itself, so they are re-enabled by pggit.emergency_enable() or by the next pggit call that writes (a commit, an integration run, a writable pggit:check) after duration; until then tracking_status() says disabled. The drift scan names the window.';

CREATE OR REPLACE FUNCTION pggit.emergency_enable() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    ALTER EVENT TRIGGER pggit_ddl_command_end ENABLE;
    ALTER EVENT TRIGGER pggit_sql_drop ENABLE;
    UPDATE pggit.tracking_window t SET ended_at = clock_timestamp() WHERE t.kind = 'emergency' AND t.ended_at IS NULL;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION pggit.emergency_enable() IS 'Re-enables pggit''s event triggers; false when they were not disabled by emergency_disable.';

CREATE OR REPLACE FUNCTION pggit.tracking_status()
    RETURNS TABLE (state text, since timestamptz, until timestamptz, triggers_enabled boolean, note text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Computed when read, writing nothing (a reader's call, which a hot standby answers): a window whose
-- time is up counts as ended, though no call has ended it yet (refresh_tracking_windows, run by the
-- calls that write); but an emergency window whose triggers are still disabled keeps tracking off,
-- because the triggers are re-enabled only by a call that writes.
WITH triggers AS (SELECT bool_and(e.evtenabled <> 'D') AS enabled FROM pg_event_trigger e WHERE e.evtname LIKE 'pggit\_%'),
     w AS (SELECT t.kind, t.started_at, t.ends_at, t.ends_at <= now() AS is_over
             FROM pggit.tracking_window t, triggers
            WHERE t.ended_at IS NULL AND (t.ends_at > now() OR (t.kind = 'emergency' AND NOT triggers.enabled))
            ORDER BY t.id DESC LIMIT 1)
SELECT coalesce((SELECT CASE w.kind WHEN 'pause' THEN 'paused' ELSE 'disabled' END FROM w), 'tracking'),
       (SELECT w.started_at FROM w),
       (SELECT w.ends_at FROM w),
       (SELECT triggers.enabled FROM triggers),
       (SELECT CASE
                   WHEN w.kind = 'pause' THEN 'the triggers journal, but changes made until then are left to the drift scan; ends at pggit.resume_tracking() or at the next pggit call after that'
                   WHEN w.is_over THEN 'the emergency window is over, but the event triggers stay disabled until the next pggit call that writes (a commit, a migration run, pggit.refresh_tracking_windows()) or pggit.emergency_enable()'
                   ELSE 'the event triggers are disabled; pggit.emergency_enable() or the next pggit call that writes after that re-enables them'
               END
          FROM w)
$$;
COMMENT ON FUNCTION pggit.tracking_status() IS 'Whether pggit is tracking, paused or disabled, since and until when, and whether its event triggers are enabled; computed when read, writing nothing (a pause whose time is up counts as ended; an emergency stays disabled while its triggers are).';
-- Server moves (issue 12): pg_dump/pg_restore and pg_upgrade keep the objects but not all their
-- OIDs. The server the index is built on is recorded (store/server_identity.sql); a writer on
-- another server re-maps the index by object key first and records a server-upgrade commit of what
-- a new major version prints differently (capture/server_moves.sql; commit_changes, open_deployment,
-- drift, status and verify_consistency, changed for it, are included above). 0.1 recorded no
-- server: the index is re-mapped by key here (a no-op unless the database moved under 0.1) and
-- this server recorded.
-- ==== store/server_identity.sql =================================================================

-- The server the index was built on: pg_dump/pg_restore into another database or cluster and
-- pg_upgrade keep every object but not all their OIDs (capture/server_moves.sql).

CREATE TABLE pggit.server_identity (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_identifier    bigint NOT NULL,     -- pg_control_system(): new for every initdb, so for a restore into another cluster and for pg_upgrade
    database_oid         oid NOT NULL,        -- pg_database.oid: new for a restore into another database (pg_upgrade keeps it since PostgreSQL 15)
    server_version_num   integer NOT NULL,    -- server_version_num; its major (/ 10000) decides whether definitions may print differently
    recorded_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_by          name NOT NULL DEFAULT session_user,
    remapped             integer NOT NULL DEFAULT 0,   -- index entries given the live address of their key
    unmatched            integer NOT NULL DEFAULT 0,   -- index entries whose key the catalog no longer has (shown as drift)
    journal_rows_dropped integer NOT NULL DEFAULT 0,   -- journal rows whose address named an object of the old server
    rebaseline_commit    text,                         -- the server-upgrade commit of definitions the new major prints differently
    note                 text NOT NULL
);
COMMENT ON TABLE pggit.server_identity IS 'The server the index (pggit.object_map) was built on, one row per re-baseline, the latest current: system identifier, database OID and server version, and what pggit.rebaseline_after_move did (entries re-mapped by object key, unmatched keys, journal rows of the old server dropped, the server-upgrade commit). pggit.server_moved compares the latest with the live server.';
ALTER TABLE pggit.commit DROP CONSTRAINT commit_origin_check,
    ADD CONSTRAINT commit_origin_check CHECK (origin IN ('baseline', 'migration', 'deployment', 'manual', 'drift', 'rollback', 'server-upgrade', 'merge'));
-- ==== capture/server_moves.sql ==================================================================

-- Server moves: pg_dump/pg_restore into another database or cluster, and pg_upgrade, keep every
-- object and its key but not all their OIDs (functions, constraints and triggers get new ones; a
-- restore gives every object a new one), and a new major version may print some definitions
-- differently. The index (pggit.object_map) holds the addresses of the server it was built on,
-- recorded in pggit.server_identity: a server whose system identifier, database OID or major
-- version differs is another server, whose index is re-mapped by object key before anything
-- compares addresses (docs/architecture.md, "Server moves").

CREATE OR REPLACE FUNCTION pggit.server_moved()
    RETURNS TABLE (moved boolean, recorded_id bigint, recorded_system_identifier bigint, recorded_database_oid oid,
                   recorded_server_version_num integer, recorded_at timestamptz,
                   system_identifier bigint, database_oid oid, server_version_num integer, message text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Reads only: the latest pggit.server_identity row against the live server. Not recorded yet (an
-- install before its baseline) is not a move: the first writer call records it.
WITH live AS (
    SELECT c.system_identifier, (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()) AS database_oid,
           current_setting('server_version_num')::integer AS version_num
      FROM pg_control_system() c
), rec AS (
    SELECT * FROM pggit.server_identity s ORDER BY s.id DESC LIMIT 1
), cmp AS (
    SELECT live.*, rec.id, rec.system_identifier AS r_sysid, rec.database_oid AS r_dboid, rec.server_version_num AS r_version,
           rec.recorded_at AS r_at,
           rec.id IS NOT NULL AND (rec.system_identifier <> live.system_identifier OR rec.database_oid <> live.database_oid
                                   OR rec.server_version_num / 10000 <> live.version_num / 10000) AS moved
      FROM live LEFT JOIN rec ON true
)
SELECT cmp.moved, cmp.id, cmp.r_sysid, cmp.r_dboid, cmp.r_version, cmp.r_at, cmp.system_identifier, cmp.database_oid, cmp.version_num,
       CASE WHEN cmp.id IS NULL THEN 'pggit: the server the index is built on is not recorded yet; the next commit records it'
            WHEN NOT cmp.moved THEN format('pggit: the index was built on this server (PostgreSQL %s, system identifier %s, database OID %s)',
                                           cmp.version_num / 10000, cmp.system_identifier, cmp.database_oid)
            ELSE format('pggit: this database moved since its index was built: the index was built on PostgreSQL %s '
                        || '(system identifier %s, database OID %s, recorded %s), this is PostgreSQL %s (system identifier %s, '
                        || 'database OID %s): %s. Objects keep their keys but not their OIDs, and a new major version may print '
                        || 'definitions differently, so pggit compares the catalog again once the index is re-mapped by object key: '
                        || 'the next migration run or commit re-baselines, or run SELECT * FROM pggit.rebaseline_after_move() '
                        || '(pggit_writer), or pggit:check with fixes (pggit.verify_consistency(fix_issues => true))',
                        cmp.r_version / 10000, cmp.r_sysid, cmp.r_dboid, cmp.r_at, cmp.version_num / 10000, cmp.system_identifier,
                        cmp.database_oid,
                        CASE WHEN cmp.r_version / 10000 <> cmp.version_num / 10000
                                 THEN 'a new major version (pg_upgrade, or a dump restored into a newer server)'
                             WHEN cmp.r_sysid <> cmp.system_identifier
                                 THEN 'another cluster (a dump restored into another server, or pg_upgrade)'
                             ELSE 'another database of this cluster (pg_dump/pg_restore into a new database, or CREATE DATABASE ... TEMPLATE)' END)
       END
  FROM cmp
$$;
COMMENT ON FUNCTION pggit.server_moved() IS 'Whether this database moved since its index was built (reads only): the server recorded in pggit.server_identity (system identifier, database OID, server version; the latest row) against the live one; moved when the system identifier, the database OID or the major version differs (pg_dump/pg_restore, CREATE DATABASE ... TEMPLATE, pg_upgrade). message says what moved and what to run. Not recorded yet is not a move.';

CREATE OR REPLACE FUNCTION pggit.rebaseline_after_move()
    RETURNS TABLE (moved boolean, remapped integer, unmatched integer, changed integer, journal_rows_dropped integer,
                   commit_id text, message text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
-- When pggit.server_moved() says so (or the server is not recorded yet): re-maps the index by
-- object key against one full read of the catalog reader, and records the live server.
--   * every index entry whose key the catalog has takes that object's live address (and column
--     numbers: a restore closes the gaps of dropped columns); an entry whose key is gone gets no
--     address (classid 0), so the drift scan reports it deleted and no live object is taken for it
--     by address (the old server's OIDs mean nothing here: no rename is guessed from them);
--   * journal rows whose address names another object than they do (rows of the old server, which
--     a full dump carries) are dropped: what they describe, if not committed, shows as drift;
--   * definitions that differ from HEAD: on a new major version, PostgreSQL printing the same
--     object differently, recorded as one commit of origin server-upgrade whose message lists them
--     with the parts of their definitions that differ (objects
--     with journal rows pending are left to the capture that commits them); on the same major they
--     cannot be a new deparse, so they are left to the drift scan.
-- The catalog is read before the advisory lock of the commit writer, as the writer does, and the
-- move checked again under it: a concurrent call re-baselines once.
#variable_conflict use_column
DECLARE
    s record;
    live pggit.change_row[];
    newmap pggit.object_map[];
    pending pggit.change_row[];
    n_remapped integer := 0;
    n_unmatched integer := 0;
    n_dropped integer := 0;
    changed_keys text[];
    same_major_changed integer := 0;
    major_changed boolean;
    ident_id bigint;
    cid text;
    what text;
    listing text;
    msg text;
BEGIN
    SELECT * INTO s FROM pggit.server_moved() m;
    IF NOT s.moved AND s.recorded_id IS NOT NULL THEN
        PERFORM set_config('pggit.server_checked', s.recorded_id::text, false);
        RETURN QUERY SELECT false, 0, 0, 0, 0, NULL::text, s.message;
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM pggit.object_map) THEN   -- an empty index (a fresh install's first commit): no catalog read
        live := ARRAY(SELECT ROW('M', r.object_key, NULL, r.kind, r.schema_name, r.parent_key, r.classid, r.objid, NULL, r.hash,
                                 NULL, NULL, r.columns, NULL, NULL)::pggit.change_row
                        FROM pggit.read_catalog() r);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('pggit.commit'));
    SELECT * INTO s FROM pggit.server_moved() m;
    IF NOT s.moved AND s.recorded_id IS NOT NULL THEN   -- another session re-baselined meanwhile
        PERFORM set_config('pggit.server_checked', s.recorded_id::text, false);
        RETURN QUERY SELECT false, 0, 0, 0, 0, NULL::text, s.message;
        RETURN;
    END IF;

    -- journal rows of the old server: their address names another object, or a live one for a drop
    DELETE FROM pggit.journal j
     WHERE j.objid IS NOT NULL AND j.objid <> 0
       AND CASE WHEN j.event = 'drop' THEN coalesce(j.objsubid, 0) = 0 AND (pg_identify_object(j.classid, j.objid, 0)).identity IS NOT NULL
                ELSE (pg_identify_object(j.classid, j.objid, coalesce(j.objsubid, 0))).identity IS DISTINCT FROM j.object_identity END;
    GET DIAGNOSTICS n_dropped = ROW_COUNT;

    -- the index by key: live addresses, or none (classid 0, numbered) for keys the catalog lost
    newmap := ARRAY(
        SELECT ROW(x.object_key, x.kind, x.schema_name, x.parent_key,
                   coalesce(x.live_classid, 0::oid),
                   coalesce(x.live_objid, (row_number() OVER (PARTITION BY x.live_objid IS NULL ORDER BY x.object_key))::oid),
                   x.hash, coalesce(x.live_columns, x.columns))::pggit.object_map
          FROM (SELECT m.*, l.classid AS live_classid, l.objid AS live_objid, l.columns AS live_columns
                  FROM pggit.object_map m LEFT JOIN unnest(live) l ON l.object_key = m.object_key) x);
    SELECT count(*) FILTER (WHERE n.classid <> 0 AND (n.classid, n.objid, n.columns) IS DISTINCT FROM (m.classid, m.objid, m.columns)),
           count(*) FILTER (WHERE n.classid = 0)
      INTO n_remapped, n_unmatched
      FROM unnest(newmap) n JOIN pggit.object_map m ON m.object_key = n.object_key;
    IF n_remapped > 0 OR n_unmatched > 0 THEN
        DELETE FROM pggit.object_map;
        INSERT INTO pggit.object_map SELECT * FROM unnest(newmap);
    END IF;

    -- definitions HEAD holds otherwise; not those a pending journal row will commit
    IF EXISTS (SELECT 1 FROM pggit.journal) THEN
        pending := ARRAY(SELECT ROW(NULL, NULL, NULL, NULL, NULL, NULL, a.classid, a.objid, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::pggit.change_row
                           FROM pggit.affected_objects(ARRAY(SELECT j.id FROM pggit.journal j)) a);
    END IF;
    changed_keys := ARRAY(SELECT n.object_key FROM unnest(newmap) n JOIN unnest(live) l ON l.object_key = n.object_key
                           WHERE l.new_hash <> n.hash
                             AND NOT EXISTS (SELECT 1 FROM unnest(pending) p WHERE p.classid = l.classid AND p.objid = l.objid)
                             -- a state the rules accepted (pggit.accepted_state) is no difference to record
                             AND NOT EXISTS (SELECT 1 FROM pggit.accepted_state a WHERE a.object_key = n.object_key AND a.hash = l.new_hash)
                           ORDER BY 1);
    major_changed := s.recorded_server_version_num IS NOT NULL AND s.recorded_server_version_num / 10000 <> s.server_version_num / 10000;
    IF NOT major_changed THEN
        same_major_changed := cardinality(changed_keys);
        changed_keys := '{}';
    END IF;

    what := CASE WHEN s.recorded_id IS NULL THEN 'first record of the server the index is built on'
                 WHEN major_changed THEN format('PostgreSQL %s to %s', s.recorded_server_version_num / 10000, s.server_version_num / 10000)
                 WHEN s.recorded_system_identifier <> s.system_identifier
                     THEN format('system identifier %s to %s', s.recorded_system_identifier, s.system_identifier)
                 ELSE format('database OID %s to %s', s.recorded_database_oid, s.database_oid) END;
    INSERT INTO pggit.server_identity (system_identifier, database_oid, server_version_num, remapped, unmatched,
                                       journal_rows_dropped, note)
    VALUES (s.system_identifier, s.database_oid, s.server_version_num, n_remapped, n_unmatched, n_dropped,
            CASE WHEN s.recorded_id IS NULL THEN what ELSE 'moved: ' || what END)
    RETURNING id INTO ident_id;
    PERFORM set_config('pggit.server_checked', ident_id::text, false);   -- this session checked: commit_changes goes on

    IF cardinality(changed_keys) > 0 THEN
        -- what changed in the text: per key (the first 20), the parts of its definition that differ
        -- ("view:app.v (query)"), from HEAD's definition and a read of just those objects
        listing := (SELECT string_agg(format('%s (%s)', r.object_key,
                                             coalesce((SELECT string_agg(f.part, ', ' ORDER BY f.part)
                                                         FROM (SELECT jsonb_object_keys(b.definition) UNION SELECT jsonb_object_keys(r.definition)) f(part)
                                                        WHERE b.definition -> f.part IS DISTINCT FROM r.definition -> f.part), 'definition')),
                                      ', ' ORDER BY r.object_key)
                      FROM pggit.read_catalog(ARRAY(SELECT l.classid FROM unnest(live) l WHERE l.object_key = ANY (changed_keys[1:20])
                                                     ORDER BY l.classid, l.objid),
                                              ARRAY(SELECT l.objid FROM unnest(live) l WHERE l.object_key = ANY (changed_keys[1:20])
                                                     ORDER BY l.classid, l.objid)) r
                      JOIN pggit.object_map m ON m.object_key = r.object_key
                      JOIN pggit.blob b ON b.hash = m.hash);
        cid := pggit.commit_changes(
            format('server-upgrade: %s prints %s definition%s differently: %s%s', what, cardinality(changed_keys),
                   CASE WHEN cardinality(changed_keys) = 1 THEN '' ELSE 's' END,
                   coalesce(listing, array_to_string(changed_keys[1:20], ', ')),
                   CASE WHEN cardinality(changed_keys) > 20 THEN format(' and %s more', cardinality(changed_keys) - 20) ELSE '' END),
            'server-upgrade', NULL, NULL, true, changed_keys);
        UPDATE pggit.server_identity i SET rebaseline_commit = cid WHERE i.id = ident_id;
    END IF;

    msg := format('pggit: re-baselined (%s): %s index entr%s re-mapped by object key, %s not in this database (shown as drift), '
                  || '%s journal row%s of the old server dropped; %s',
                  what, n_remapped, CASE WHEN n_remapped = 1 THEN 'y' ELSE 'ies' END, n_unmatched,
                  n_dropped, CASE WHEN n_dropped = 1 THEN '' ELSE 's' END,
                  CASE WHEN cid IS NOT NULL
                           THEN format('the definitions printed differently are commit %s (origin server-upgrade)', left(cid, 7))
                       WHEN same_major_changed > 0
                           THEN format('%s definition%s differ from HEAD on the same major version (not a new deparse): they show as drift',
                                       same_major_changed, CASE WHEN same_major_changed = 1 THEN '' ELSE 's' END)
                       ELSE 'every definition prints as at HEAD: no commit' END);
    RAISE NOTICE '%', msg;
    RETURN QUERY SELECT s.recorded_id IS NOT NULL, n_remapped, n_unmatched, coalesce(cardinality(changed_keys), 0), n_dropped, cid, msg;
END
$$;
COMMENT ON FUNCTION pggit.rebaseline_after_move() IS 'After pg_dump/pg_restore or pg_upgrade (pggit.server_moved): re-maps the index by object key against one full read of the catalog, drops journal rows of the old server, records the live server in pggit.server_identity and, on a new major version, records the definitions it prints differently as one commit of origin server-upgrade; returns what it did (moved false and nothing done when the server is the recorded one). Called by every capture (pggit.commit_changes) and pggit.open_deployment, so the next migration run re-baselines.';

CREATE OR REPLACE FUNCTION pggit.check_server() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Plumbing of the writers (commit_changes, open_deployment): a session checks its server once (a
-- session never moves; the setting it keeps is undone with a rolled-back transaction), so a
-- capture pays a setting lookup and one index probe, not pg_control_system().
BEGIN
    IF current_setting('pggit.server_checked', true) = (SELECT max(s.id) FROM pggit.server_identity s)::text THEN
        RETURN;
    END IF;
    PERFORM pggit.rebaseline_after_move();
END
$$;
COMMENT ON FUNCTION pggit.check_server() IS 'Plumbing of the writers: re-baselines (pggit.rebaseline_after_move) unless this session already checked that the server is the one the index was built on (the session setting pggit.server_checked).';
SELECT pggit.check_server();

-- compare_environments (issue 13) takes environment names: a foreign server (dblink resolves it
-- with the caller's user mapping) or a connection string, and keeps only what this database's
-- tracking rules and directives keep. export_schema_snapshot (issue 16) returns the DDL script
-- (text instead of void) and writes it server-side when the caller may.
DROP FUNCTION pggit.export_schema_snapshot(text);
-- ==== ops/environments.sql ======================================================================

-- Comparing environments from SQL, and snapshots (the Maven goals do the DDL side).

CREATE OR REPLACE FUNCTION pggit.compare_environments(source_conninfo text, target_conninfo text DEFAULT NULL)
    RETURNS TABLE (change text, object_key text, source_hash text, target_hash text)
    LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
-- Runs with the caller's rights (SECURITY INVOKER): reaching another database is never a way
-- around privileges. Each side is an environment: the name of a foreign server (of the dblink_fdw
-- or postgres_fdw wrapper) with a user mapping for the caller, which dblink resolves itself
-- (dblink_get_conn: a server name becomes the server's options and the mapping's, so no password
-- sits in a pggit table), or a libpq connection string (key=value pairs or a postgres:// URI); a
-- null target is this database. pggit must be installed in each, its catalog reader reads them.
-- A: only in the source, D: only in the target, M: different definitions; a difference is kept
-- only when this database's tracking rules and directives keep that change (pggit.is_tracked).
DECLARE
    dblink_schema text := (SELECT n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'dblink');
    env text;
    srv record;
BEGIN
    IF dblink_schema IS NULL THEN
        RAISE EXCEPTION 'pggit: compare_environments needs the dblink extension in this database'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'CREATE EXTENSION dblink; or compare from the build: mvn pggit:compare -Dpggit.url=<source> -Dpggit.targetUrl=<target>';
    END IF;
    FOREACH env IN ARRAY ARRAY[source_conninfo, coalesce(target_conninfo, '=')] LOOP   -- '=': this database
        SELECT s.srvname, w.fdwname,
               EXISTS (SELECT 1 FROM pg_user_mappings u WHERE u.srvid = s.oid AND u.umuser IN (0, (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user))) AS mapped
          INTO srv
          FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
         WHERE s.srvname = env;
        IF srv.srvname IS NOT NULL AND srv.fdwname NOT IN ('dblink_fdw', 'postgres_fdw') THEN
            RAISE EXCEPTION 'pggit: environment "%" is a foreign server of wrapper %, not of dblink_fdw or postgres_fdw', env, srv.fdwname
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Name a server of FOREIGN DATA WRAPPER dblink_fdw (OPTIONS host, port, dbname), or pass a connection string.';
        ELSIF srv.srvname IS NOT NULL AND NOT srv.mapped THEN
            RAISE EXCEPTION 'pggit: environment "%" is a foreign server without a user mapping for role "%"', env, current_user
                USING ERRCODE = 'undefined_object',
                      HINT = format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user ''...'', password ''...'');', env);
        ELSIF srv.srvname IS NULL AND env IS NULL THEN
            RAISE EXCEPTION 'pggit: compare_environments needs a source environment (a foreign server name or a connection string)'
                USING ERRCODE = 'null_value_not_allowed';
        ELSIF srv.srvname IS NULL AND strpos(env, '=') = 0 AND env !~* '^postgres(ql)?://' THEN
            RAISE EXCEPTION 'pggit: environment "%" is neither a foreign server nor a connection string', env
                USING ERRCODE = 'undefined_object',
                      HINT = format('Create the server: CREATE SERVER %I FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host ''...'', port ''...'', dbname ''...''); '
                                    || 'CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user ''...'', password ''...''); '
                                    || 'or pass a connection string (host=... dbname=..., or postgresql://...).', env, env);
        END IF;
    END LOOP;
    RETURN QUERY EXECUTE format($q$
        WITH s AS (SELECT * FROM %1$I.dblink($1, 'SELECT object_key, hash, kind, schema_name, directive FROM pggit.read_catalog()')
                                 AS r(object_key text, hash text, kind text, schema_name text, directive text)),
             t AS (SELECT * FROM %1$I.dblink(coalesce($2, format('host=%%s port=%%s dbname=%%s user=%%s',
                                                    split_part(current_setting('unix_socket_directories'), ',', 1),
                                                    current_setting('port'), current_database(), current_user)),
                                             'SELECT object_key, hash, kind, schema_name, directive FROM pggit.read_catalog()')
                                 AS r(object_key text, hash text, kind text, schema_name text, directive text)),
             d AS (SELECT CASE WHEN t.object_key IS NULL THEN 'A' WHEN s.object_key IS NULL THEN 'D' ELSE 'M' END AS change,
                          coalesce(s.object_key, t.object_key) AS object_key, s.hash AS source_hash, t.hash AS target_hash,
                          coalesce(t.kind, s.kind) AS kind, coalesce(t.schema_name, s.schema_name) AS schema_name,
                          coalesce(t.directive, s.directive) AS directive
                     FROM s FULL JOIN t ON t.object_key = s.object_key
                    WHERE s.hash IS DISTINCT FROM t.hash)
        SELECT d.change, d.object_key, d.source_hash, d.target_hash
          FROM d
         WHERE pggit.is_tracked(d.change, d.object_key, d.kind, d.schema_name, d.directive)   -- this database's rules
         ORDER BY 2
    $q$, dblink_schema) USING source_conninfo, target_conninfo;
END
$$;
COMMENT ON FUNCTION pggit.compare_environments(text, text) IS
    'Compares the tracked objects of two environments by content hash, with the caller''s rights, through dblink: each the name of a foreign server (dblink_fdw or postgres_fdw, with a user mapping for the caller: no password in a pggit table) or a libpq connection string; target null = this database. A only in the source, D only in the target, M different; only the differences this database''s tracking rules and directives keep (pggit.is_tracked; the directive of the target''s object first). A name that is neither a server nor a connection string is an error (undefined_object). Without dblink, an error pointing to mvn pggit:compare, which also plans the DDL.';

CREATE OR REPLACE FUNCTION pggit.export_schema_snapshot(path text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
-- The script of HEAD's tree from the one DDL writer (pggit.tree_ddl), as the Java export's
-- schema.sql has it after its header line. Written exactly: a large object exported by the server
-- (COPY's text format would escape backslashes), then unlinked; the server checks the right.
DECLARE
    head text := pggit.head_commit();
    script text;
    lo oid;
BEGIN
    IF head IS NULL THEN
        RAISE EXCEPTION 'pggit: export_schema_snapshot: there is no commit yet' USING ERRCODE = 'no_data_found';
    END IF;
    script := (SELECT string_agg(d.statement || E'\n\n', '' ORDER BY d.ord)
                 FROM pggit.tree_ddl((SELECT c.tree FROM pggit.commit c WHERE c.id = head)) d);
    IF path IS NULL THEN
        RETURN script;
    END IF;
    IF NOT (pg_has_role(current_user, 'pg_write_server_files', 'USAGE')
            OR (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user)) THEN
        RAISE EXCEPTION 'pggit: export_schema_snapshot(%) writes a file on the database server: % may not (it needs pg_write_server_files)', path, current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Call export_schema_snapshot(NULL) for the script as text, or run mvn pggit:export to write it on the client.';
    END IF;
    lo := lo_from_bytea(0, convert_to(script, 'UTF8'));
    BEGIN
        PERFORM lo_export(lo, path);
    EXCEPTION WHEN OTHERS THEN
        PERFORM lo_unlink(lo);
        RAISE;
    END;
    PERFORM lo_unlink(lo);
    RETURN script;
END
$$;
COMMENT ON FUNCTION pggit.export_schema_snapshot(text) IS
    'The DDL script that recreates HEAD''s tree on an empty database (pggit.tree_ddl: the statements in dependency order, each followed by a blank line; the same script as schema.sql of mvn pggit:export after its header line), as text. With a path, also writes it to that file on the database server, byte for byte in UTF-8 (lo_export), when the caller holds pg_write_server_files or is a superuser; else insufficient_privilege. The function is granted to pggit_writer: the text is a reader''s (pggit.tree_ddl), the file a write. Errors: no_data_found without a commit; what the server raises when it cannot write the file.';

-- The developer surface (issue 16; seed 003 §4.1, §4.2): every commit stores its objects per kind
-- (object_counts, kept by triggers on pggit.commit and pggit.change: store/object_counts.sql), so
-- that schema_growth_history reads counts instead of walking trees; the commits of 0.1 get theirs
-- here, oldest first, from their first parent's and their change rows (a root's from its tree).
ALTER TABLE pggit.commit ADD COLUMN object_counts jsonb;
-- ==== store/object_counts.sql ===================================================================

-- Objects per kind of every commit's tree (pggit.commit.object_counts), kept by the writers' own
-- inserts: a new commit starts from its first parent's counts (BEFORE INSERT on pggit.commit) and
-- its change rows, the diff from that parent, add to them (AFTER INSERT on pggit.change, once per
-- statement). So pggit.schema_growth_history and pggit.get_current_schema read counts instead of
-- walking trees, and no writer (capture/commit_writer.sql, pggit.write_commit) has to know.

CREATE OR REPLACE FUNCTION pggit.add_object_counts(base jsonb, delta jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(jsonb_object_agg(k, n ORDER BY k) FILTER (WHERE n <> 0), '{}')
              FROM (SELECT e.key AS k, sum(e.value::bigint) AS n
                      FROM (SELECT * FROM jsonb_each_text(coalesce(base, '{}'))
                            UNION ALL SELECT * FROM jsonb_each_text(coalesce(delta, '{}'))) e
                     GROUP BY e.key) s);
COMMENT ON FUNCTION pggit.add_object_counts(jsonb, jsonb) IS
    'Plumbing: adds two objects-per-kind maps ({"table": 3} + {"table": -1, "view": 1} = {"table": 2, "view": 1}); kinds that reach 0 are left out. Null counts as {}.';

CREATE OR REPLACE FUNCTION pggit.tree_object_counts(root text) RETURNS jsonb
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    RETURN (SELECT coalesce(jsonb_object_agg(s.kind, s.n ORDER BY s.kind), '{}')
              FROM (SELECT o.kind, count(*) AS n FROM pggit.tree_objects(root) o GROUP BY o.kind) s);
COMMENT ON FUNCTION pggit.tree_object_counts(text) IS
    'Objects per kind of a tree, by walking it ({"table": 12, "index": 7}; {} for null): what pggit.commit.object_counts holds without the walk; used where a commit''s first parent is not in the store.';

CREATE OR REPLACE FUNCTION pggit.commit_object_counts() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- BEFORE INSERT on pggit.commit: a root starts from {}, a commit from its first parent's counts (its
-- change rows add the difference); null when the first parent is not here (purged): the change
-- trigger then counts the commit's own tree.
BEGIN
    IF cardinality(NEW.parents) = 0 THEN
        NEW.object_counts := '{}';
    ELSE
        NEW.object_counts := (SELECT c.object_counts FROM pggit.commit c WHERE c.id = NEW.parents[1]);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pggit.commit_object_counts() IS
    'Trigger function (BEFORE INSERT on pggit.commit): a new commit''s object_counts start as its first parent''s ({} for a root; null when that parent is not in the store), to which trigger change_object_counts adds its change rows.';
CREATE OR REPLACE TRIGGER commit_object_counts BEFORE INSERT ON pggit.commit FOR EACH ROW EXECUTE FUNCTION pggit.commit_object_counts();

CREATE OR REPLACE FUNCTION pggit.change_object_counts() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- AFTER INSERT on pggit.change, per statement: per commit of the new rows, A and R add one to their
-- kind, D and R (its old key) take one away; a commit whose counts are null (first parent not in the
-- store) gets its tree's counts instead. A writer that later turns an A and a D into an R
-- (pggit.write_merge_commit) changes no count.
BEGIN
    UPDATE pggit.commit c
       SET object_counts = CASE WHEN c.object_counts IS NULL THEN pggit.tree_object_counts(c.tree)
                                ELSE pggit.add_object_counts(c.object_counts, d.delta) END
      FROM (SELECT x.commit_id, jsonb_object_agg(x.kind, x.n) AS delta
              FROM (SELECT y.commit_id, y.kind, sum(y.n) AS n
                      FROM (SELECT r.commit_id, r.kind, CASE r.change WHEN 'D' THEN -1 WHEN 'M' THEN 0 ELSE 1 END AS n FROM new_changes r
                            UNION ALL
                            SELECT r.commit_id, pggit.key_kind(r.old_key), -1 FROM new_changes r WHERE r.change = 'R' AND r.old_key IS NOT NULL) y
                     GROUP BY y.commit_id, y.kind) x
             GROUP BY x.commit_id) d
     WHERE c.id = d.commit_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pggit.change_object_counts() IS
    'Trigger function (AFTER INSERT on pggit.change, per statement): adds the new change rows to their commits'' object_counts (A and R +1 to the kind, D and a rename''s old key -1); a commit without counts (first parent not in the store) gets its tree''s (pggit.tree_object_counts).';
CREATE OR REPLACE TRIGGER change_object_counts AFTER INSERT ON pggit.change REFERENCING NEW TABLE AS new_changes
    FOR EACH STATEMENT EXECUTE FUNCTION pggit.change_object_counts();
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT x.id, x.tree, x.parents FROM pggit.commit x ORDER BY x.seq LOOP
        UPDATE pggit.commit y
           SET object_counts = CASE
                   WHEN cardinality(c.parents) = 0 THEN pggit.tree_object_counts(c.tree)
                   WHEN p.object_counts IS NULL THEN pggit.tree_object_counts(c.tree)
                   ELSE pggit.add_object_counts(p.object_counts,
                            (SELECT jsonb_object_agg(d.kind, d.n) FROM
                                (SELECT z.kind, sum(z.n) AS n FROM
                                    (SELECT ch.kind, CASE ch.change WHEN 'D' THEN -1 WHEN 'M' THEN 0 ELSE 1 END AS n
                                       FROM pggit.change ch WHERE ch.commit_id = c.id
                                     UNION ALL
                                     SELECT pggit.key_kind(ch.old_key), -1 FROM pggit.change ch
                                      WHERE ch.commit_id = c.id AND ch.change = 'R' AND ch.old_key IS NOT NULL) z
                                  GROUP BY z.kind) d)) END
          FROM (SELECT NULL::int) dummy
          LEFT JOIN pggit.commit p ON p.id = c.parents[1]
         WHERE y.id = c.id;
    END LOOP;
END
$$;
COMMENT ON TABLE pggit.commit IS 'Commits: a tree plus parents and metadata; id is content-addressed (deterministic). depth and skip (not hashed) are a skip list over first parents, set on insert by trigger commit_graph: pggit.first_parent_ancestor reaches HEAD~N in O(log N) lookups. generation (not hashed, also set by commit_graph) is git''s commit-graph generation number: every ancestor has a smaller one, so walks in generation order (pggit.paint_down: merge bases, ahead and behind) stop early. object_counts (not hashed) are its tree''s objects per kind, kept by triggers commit_object_counts and change_object_counts.';
-- seed 003's functions (api/developer.sql) and views (api/views.sql)
-- ==== api/developer.sql =========================================================================

-- The developer surface of seed 003 §4.1 (issue 16): navigation and history under the seed's names,
-- thin over pggit's own readers (pggit.log, pggit.object_history, pggit.diff) and the per-commit
-- object counts (store/object_counts.sql). Revisions are anything pggit.resolve takes (a commit id,
-- a unique prefix, a branch, HEAD, ~N); null means HEAD. An object is named by schema and name as
-- psql shows them (quoted or not), or, with a null schema, by its key or identity
-- ('table:app.meter', 'app.meter').

CREATE OR REPLACE FUNCTION pggit.object_identities(p_schema_name text, p_object_name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN p_schema_name IS NULL THEN ARRAY[pggit.key_identity(p_object_name)]
        WHEN p_object_name IS NULL THEN ARRAY[quote_ident(p_schema_name), p_schema_name]
        ELSE ARRAY[quote_ident(p_schema_name) || '.' || p_object_name, quote_ident(p_schema_name) || '.' || quote_ident(p_object_name),
                   p_schema_name || '.' || p_object_name] END;
COMMENT ON FUNCTION pggit.object_identities(text, text) IS
    'Plumbing of the developer surface: the identities (object keys without their kind) an object named by schema and name may have: the schema quoted as pggit quotes it (quote_ident) with the name as given or quoted; both null-safe: a null schema takes p_object_name as a key or identity, a null name names the schema itself.';

CREATE OR REPLACE FUNCTION pggit.get_current_schema()
    RETURNS TABLE (branch text, commit_sha text, tree text, committed_at timestamptz, author text, message text,
                   total_objects bigint, object_counts jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT h.branch, c.id, c.tree, c.committed_at, c.author, c.message,
       (SELECT sum(e.value::bigint) FROM jsonb_each_text(coalesce(c.object_counts, pggit.tree_object_counts(c.tree))) e)::bigint,
       coalesce(c.object_counts, pggit.tree_object_counts(c.tree))
  FROM pggit.head h
  LEFT JOIN pggit.ref r ON r.name = h.branch
  LEFT JOIN pggit.commit c ON c.id = r.commit_id
$$;
COMMENT ON FUNCTION pggit.get_current_schema() IS
    'The schema state at HEAD (seed 003 get_current_schema), one row: the checked-out branch, its commit (id, tree hash, time, author, message), and its objects: total_objects and object_counts per kind ({"table": 12, "index": 7, ...}, from the counts stored with each commit: no tree walk). Before the first commit the branch alone (the rest null). pggit.list_objects(NULL) lists the objects themselves.';

CREATE OR REPLACE FUNCTION pggit.list_objects(p_commit_sha text DEFAULT NULL)
    RETURNS TABLE (schema_name text, object_name text, object_type text, created_at timestamptz, created_by text,
                   object_key text, created_in text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- created_*: one pass over the adds and renames of the history up to the commit (the newest per key,
-- hash-joined to the tree's objects) instead of one index probe per object: about the same time on
-- 1,400 objects (30 ms either way), and it grows with the adds of the history, not with index probes
-- per object of a large tree.
WITH target AS (
    SELECT c.id, c.seq, c.tree FROM pggit.commit c WHERE c.id = pggit.resolve(coalesce(p_commit_sha, 'HEAD'))
), adds AS (
    SELECT DISTINCT ON (ch.object_key) ch.object_key, c.id, c.committed_at, c.author
      FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id CROSS JOIN target t
     WHERE ch.change IN ('A', 'R') AND c.seq <= t.seq
     ORDER BY ch.object_key, c.seq DESC
)
SELECT o.schema_name,
       CASE WHEN o.kind = 'schema' THEN o.schema_name
            WHEN starts_with(pggit.key_identity(o.object_key), quote_ident(o.schema_name) || '.')
                THEN substr(pggit.key_identity(o.object_key), length(quote_ident(o.schema_name)) + 2)
            ELSE pggit.key_identity(o.object_key) END,
       o.kind, a.committed_at, a.author, o.object_key, a.id
  FROM target t
 CROSS JOIN LATERAL pggit.tree_objects(t.tree) o
  LEFT JOIN adds a ON a.object_key = o.object_key
 ORDER BY o.schema_name, o.kind, o.object_key
$$;
COMMENT ON FUNCTION pggit.list_objects(text) IS
    'Every object of a commit''s tree (p_commit_sha: any revision pggit.resolve takes; null: HEAD), by schema, kind and key: schema_name, object_name (its identity without the schema, e.g. meter, meter.meter_pkey, latest(integer)), object_type (the kind), and created_at / created_by / created_in: the time, author and commit of the newest commit at or before it that added the object under this key or renamed it to it (on a branch merged in, the merge commit when it brought the object to the first-parent line). Errors: undefined_object for a revision that names nothing (pggit.resolve).';

CREATE OR REPLACE FUNCTION pggit.get_commit_history(p_limit integer DEFAULT 20, p_offset integer DEFAULT 0)
    RETURNS TABLE (commit_sha text, author text, message text, committed_at timestamptz, parent_shas text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_limit IS NULL OR p_limit < 0 OR p_offset IS NULL OR p_offset < 0 THEN
        RAISE EXCEPTION 'pggit: p_limit and p_offset must be 0 or more (got % and %)', p_limit, p_offset
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT l.commit_id, l.author, l.message, l.committed_at, l.parents
      FROM pggit.log(p_limit + p_offset, 'HEAD') l
     OFFSET p_offset;
END
$$;
COMMENT ON FUNCTION pggit.get_commit_history(integer, integer) IS
    'A page of HEAD''s history, newest first (seed 003 get_commit_history; git log --skip=p_offset -n p_limit): commit id, author, message, time and parents (first parent first; two for a merge). pggit.log underneath: reads about p_limit + p_offset commits, however long the history. Errors: invalid_parameter_value for a null or negative p_limit or p_offset.';

CREATE OR REPLACE FUNCTION pggit.get_object_history(p_schema_name text, p_object_name text, p_limit integer DEFAULT 10)
    RETURNS TABLE (commit_sha text, change_type text, author text, committed_at timestamptz, message text,
                   object_key text, old_key text, migration_tool text, migration_id text, migration_description text,
                   migration_script text, deployment_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The identities the object had: its own, and back through every rename into one of them
-- (pggit.object_history finds an object by its current or its previous key, one rename at a time).
WITH RECURSIVE ids(identity) AS (
    SELECT unnest(pggit.object_identities(p_schema_name, p_object_name))
    UNION
    SELECT pggit.key_identity(ch.old_key)
      FROM ids JOIN pggit.change ch ON ch.identity = ids.identity
     WHERE ch.change = 'R' AND ch.old_key IS NOT NULL
), hist AS (
    SELECT DISTINCT ON (h.commit_id, h.object_key) h.*
      FROM ids CROSS JOIN LATERAL pggit.object_history(ids.identity) h
)
SELECT h.commit_id, h.change, c.author, h.committed_at, h.message, h.object_key, h.old_key,
       l.tool, l.migration_id, l.description, l.script, c.deployment_id
  FROM hist h
  JOIN pggit.commit c ON c.id = h.commit_id
  LEFT JOIN LATERAL (SELECT x.tool, x.migration_id, x.description, x.script FROM pggit.migration_link x
                      WHERE x.commit_id = h.commit_id AND x.new_commit ORDER BY x.id LIMIT 1) l ON true
 ORDER BY c.seq DESC, h.object_key
 LIMIT p_limit
$$;
COMMENT ON FUNCTION pggit.get_object_history(text, text, integer) IS
    'The newest p_limit changes of an object (seed 003 get_object_history; null p_limit: all), newest first, following renames back to its earlier names: commit id, change_type (A added, M modified, R renamed from old_key, D deleted), author, time, message, the object''s key then, and the migration that made the commit (its first link: tool, version or changeset id, description, script; null for a commit no migration made) and its deployment. The object: p_schema_name and p_object_name as psql shows them (app, meter; app, latest(integer); app, meter.meter_pkey), or a null schema and a key or identity. Empty when the history has no such object.';

CREATE OR REPLACE FUNCTION pggit.diff_commits(p_old_commit_sha text, p_new_commit_sha text)
    RETURNS TABLE (object_path text, change_type text, object_type text, old_definition jsonb, new_definition jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT d.object_key, d.change, d.kind, d.old_definition, d.new_definition
  FROM pggit.diff(p_old_commit_sha, coalesce(p_new_commit_sha, 'HEAD')) d
$$;
COMMENT ON FUNCTION pggit.diff_commits(text, text) IS
    'What changed between two revisions'' trees (seed 003 diff_commits; pggit.diff underneath): object_path is the object key (kind:identity, e.g. table:app.meter), change_type A (added), M (modified) or D (deleted; a rename shows as a delete and an add), its kind, and its stored definitions (jsonb, null on the side it is absent; the DDL waits for get_object_definition). p_new_commit_sha null: HEAD. Errors: undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.get_object_metadata(p_schema_name text, p_object_name text, p_commit_sha text DEFAULT NULL)
    RETURNS TABLE (object_type text, size bigint, last_modified_at timestamptz, modified_by text,
                   object_key text, definition_hash text, last_commit_sha text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The object is looked up in the commit's tree under each kind of its schema's node (a handful of
-- small-node lookups); its last change is the newest change row that gave its key the definition it has there.
DECLARE
    t record;
    n bigint;
BEGIN
    SELECT c.id, c.seq, c.tree INTO t FROM pggit.commit c WHERE c.id = pggit.resolve(coalesce(p_commit_sha, 'HEAD'));
    RETURN QUERY
    WITH ids AS (SELECT unnest(pggit.object_identities(p_schema_name, p_object_name)) AS identity),
    sch AS (
        -- a null schema: the first part of the identity, as written or unquoted
        SELECT DISTINCT coalesce(p_schema_name, s.schema_name) AS schema_name
          FROM (SELECT split_part(ids.identity, '.', 1) AS schema_name FROM ids
                UNION SELECT replace(trim(both '"' FROM split_part(ids.identity, '.', 1)), '""', '"') FROM ids) s
    ), hits AS (
        SELECT DISTINCT k.kind, k.kind || ':' || ids.identity AS object_key,
               pggit.tree_lookup(t.tree, pggit.tree_path(sch.schema_name, k.kind, k.kind || ':' || ids.identity)) AS hash
          FROM sch
         CROSS JOIN LATERAL jsonb_object_keys(coalesce((SELECT x.entries FROM pggit.tree x
                                                        WHERE x.hash = pggit.tree_lookup(t.tree, ARRAY[sch.schema_name])), '{}')) k(kind)
         CROSS JOIN ids
    )
    SELECT h.kind, octet_length(b.definition::text)::bigint, lc.committed_at, lc.author, h.object_key, h.hash, lc.id
      FROM hits h
      JOIN pggit.blob b ON b.hash = h.hash
      LEFT JOIN LATERAL (SELECT c.id, c.committed_at, c.author
                           FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
                          WHERE ch.object_key = h.object_key AND ch.new_hash = h.hash AND c.seq <= t.seq
                          ORDER BY c.seq DESC LIMIT 1) lc ON true
     WHERE h.hash IS NOT NULL
     ORDER BY h.object_key;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RAISE EXCEPTION 'pggit: no object % at %', concat_ws('.', p_schema_name, p_object_name), left(t.id, 12)
            USING ERRCODE = 'undefined_object',
                  HINT = 'pggit.list_objects(' || quote_nullable(p_commit_sha) || ') lists the objects there.';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.get_object_metadata(text, text, text) IS
    'Metadata of an object at a commit (seed 003 get_object_metadata; p_commit_sha: any revision, null: HEAD), one row per object of that name (a name can be a table and a type, say): object_type (its kind), size (bytes of its stored definition: the canonical JSON text of pggit.blob, which its hash is over), last_modified_at and modified_by (time and author of the newest commit at or before it that gave the object this definition), its key, definition hash and that commit. Errors: undefined_object when the commit''s tree has no such object, or the revision names nothing.';
-- ==== api/views.sql =============================================================================

-- The views of seed 003 §4.2 (issue 16): insights, activity and data quality over the whole store
-- (every branch's commits, not only HEAD's). Each reads pggit's tables once; orphaned_objects is an
-- analysis (it reads the live catalog and every tree node) and says so.

CREATE OR REPLACE VIEW pggit.recent_commits_by_author AS
SELECT c.author, count(*) AS commits,
       count(*) FILTER (WHERE c.committed_at > now() - interval '7 days') AS commits_last_7_days,
       count(*) FILTER (WHERE c.committed_at > now() - interval '30 days') AS commits_last_30_days,
       min(c.committed_at) AS first_commit_at, max(c.committed_at) AS last_commit_at,
       (array_agg(c.id ORDER BY c.seq DESC))[1] AS last_commit_sha,
       (array_agg(c.message ORDER BY c.seq DESC))[1] AS last_message
  FROM pggit.commit c
 GROUP BY c.author
 ORDER BY max(c.committed_at) DESC, c.author;
COMMENT ON VIEW pggit.recent_commits_by_author IS
    'One row per author (the database role, or the author a tool gave): their commits (all, the last 7 and 30 days), first and last commit time, and their newest commit''s id and message; the most recently active first.';

CREATE OR REPLACE VIEW pggit.most_changed_objects AS
SELECT ch.object_key, ch.kind AS object_type, pggit.key_identity(ch.object_key) AS identity,
       count(*) AS changes,
       count(*) FILTER (WHERE ch.change = 'M') AS modifications,
       count(DISTINCT c.author) AS authors,
       min(c.committed_at) AS first_changed_at, max(c.committed_at) AS last_changed_at,
       (array_agg(c.id ORDER BY c.seq DESC))[1] AS last_commit_sha,
       (array_agg(c.author ORDER BY c.seq DESC))[1] AS last_author
  FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
 GROUP BY ch.object_key, ch.kind
 ORDER BY count(*) DESC, ch.object_key;
COMMENT ON VIEW pggit.most_changed_objects IS
    'One row per object key that any commit changed: how many change rows name it (adds, modifications, renames into it, deletes; a rename starts a new key: pggit.get_object_history follows it), how many of them modified it, by how many authors, first and last change time, and the last change''s commit and author; the most changed first.';

CREATE OR REPLACE VIEW pggit.branch_comparison AS
SELECT b.branch_name, b.is_head, b.head_sha, b.ahead AS ahead_of_main, b.behind AS behind_main,
       CASE WHEN m.commit_id IS NOT NULL THEN pggit.find_merge_base(b.head_sha, m.commit_id) END AS merge_base,
       c.committed_at AS last_commit_at, c.author AS last_author, c.message AS last_message,
       b.created_at, b.created_by, b.description
  FROM pggit.list_branches() b
  JOIN pggit.commit c ON c.id = b.head_sha
  LEFT JOIN pggit.ref m ON m.name = 'main'
 ORDER BY b.is_head DESC, b.branch_name;
COMMENT ON VIEW pggit.branch_comparison IS
    'One row per branch, compared with main: whether HEAD names it, the commit it points at, the commits it has that main does not (ahead_of_main) and main has that it does not (behind_main), their merge base (all three null without a main), its last commit''s time, author and message, and who created it, when and why. The checked-out branch first. Costs a walk of the commits each branch and main do not share (pggit.paint_down).';

CREATE OR REPLACE VIEW pggit.daily_change_summary AS
SELECT d.day, d.commits, d.authors,
       coalesce(x.added, 0) AS objects_added, coalesce(x.modified, 0) AS objects_modified,
       coalesce(x.renamed, 0) AS objects_renamed, coalesce(x.deleted, 0) AS objects_deleted,
       coalesce(x.added + x.modified + x.renamed + x.deleted, 0) AS objects_changed
  FROM (SELECT c.committed_at::date AS day, count(*) AS commits, count(DISTINCT c.author) AS authors
          FROM pggit.commit c GROUP BY 1) d
  LEFT JOIN (SELECT c.committed_at::date AS day,
                    count(*) FILTER (WHERE ch.change = 'A') AS added, count(*) FILTER (WHERE ch.change = 'M') AS modified,
                    count(*) FILTER (WHERE ch.change = 'R') AS renamed, count(*) FILTER (WHERE ch.change = 'D') AS deleted
               FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id GROUP BY 1) x ON x.day = d.day
 ORDER BY d.day DESC;
COMMENT ON VIEW pggit.daily_change_summary IS
    'One row per day with commits (the day in the session''s TimeZone): commits, distinct authors, and the objects those commits added, modified, renamed and deleted (objects_changed: all four); newest day first.';

CREATE OR REPLACE VIEW pggit.schema_growth_history AS
SELECT c.id AS commit_sha, c.seq, c.committed_at, c.author, c.origin, e.key AS object_type, e.value::bigint AS object_count,
       e.value::bigint - coalesce((p.object_counts ->> e.key)::bigint, 0) AS change, t.total_objects
  FROM pggit.commit c
  LEFT JOIN pggit.commit p ON p.id = c.parents[1]
 CROSS JOIN LATERAL (SELECT sum(x.value::bigint)::bigint AS total_objects FROM jsonb_each_text(c.object_counts) x) t
 CROSS JOIN LATERAL jsonb_each_text(c.object_counts) e
 ORDER BY c.seq, e.key;
COMMENT ON VIEW pggit.schema_growth_history IS
    'Objects per kind over time: one row per commit and kind its tree has, with the count of that kind in its tree (object_count), the difference from its first parent (change) and all objects of the tree (total_objects). Read from the counts stored with each commit (pggit.commit.object_counts, kept by the triggers of store/object_counts.sql), never by walking trees. Every commit of the store, oldest first: for one branch, join pggit.log(NULL, ''<branch>'').';

CREATE OR REPLACE VIEW pggit.author_activity AS
SELECT c.author, c.committed_at, c.id AS commit_sha, ch.change AS change_type, ch.kind AS object_type, ch.object_key, ch.old_key,
       c.origin, c.message, c.deployment_id
  FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
 ORDER BY c.seq DESC, ch.object_key;
COMMENT ON VIEW pggit.author_activity IS
    'Who changed what and when: one row per object change (A added, M modified, R renamed from old_key, D deleted) with its commit''s author, time, id, origin, message and deployment; newest first. Filter by author or object_key.';

CREATE OR REPLACE VIEW pggit.commit_without_message AS
SELECT c.id AS commit_sha, c.author, c.committed_at, c.origin, c.message,
       CASE WHEN btrim(c.message) = '' THEN 'empty'
            WHEN length(btrim(c.message)) >= 4 OR lower(btrim(c.message, ' .!')) IN ('wip', 'fix', 'tmp', 'xxx')
                THEN 'says nothing (' || lower(btrim(c.message, ' .!')) || ')'
            ELSE 'shorter than 4 characters' END AS reason
  FROM pggit.commit c
 WHERE btrim(c.message) = '' OR length(btrim(c.message)) < 4
    OR lower(btrim(c.message, ' .!')) IN ('wip', 'fix', 'fixes', 'update', 'updates', 'changes', 'change', 'commit', 'tmp', 'temp',
                                          'test', 'misc', 'stuff', 'todo', 'asdf', 'xxx', 'no message')
 ORDER BY c.seq DESC;
COMMENT ON VIEW pggit.commit_without_message IS
    'Commits whose message says nothing: empty or blank (which pggit.commit refuses, but a tool may pass), shorter than 4 characters, or one of the words that say nothing (wip, fix, update, changes, tmp, test, misc, todo, ...); reason says which. Newest first.';

CREATE OR REPLACE VIEW pggit.orphaned_objects AS
SELECT 'live_not_committed'::text AS orphan_type, r.object_key, r.kind AS object_type, r.schema_name, NULL::text AS hash,
       NULL::bigint AS size, 'in the live catalog and no commit ever recorded it (drift or untracked)'::text AS detail
  FROM pggit.read_catalog() r
 WHERE NOT EXISTS (SELECT 1 FROM pggit.change ch WHERE ch.object_key = r.object_key)
   AND NOT EXISTS (SELECT 1 FROM pggit.object_map m WHERE m.object_key = r.object_key)
   AND pggit.is_tracked('A', r.object_key, r.kind, r.schema_name, r.directive, NULL)
UNION ALL
SELECT 'unreferenced_definition', NULL, NULL, NULL, b.hash, octet_length(b.definition::text)::bigint,
       'a stored definition no tree node, change row, index entry or merge references (pggit.purge_history removes it)'
  FROM pggit.blob b
 WHERE NOT EXISTS (SELECT 1 FROM pggit.object_map m WHERE m.hash = b.hash)
   AND NOT EXISTS (SELECT 1 FROM pggit.change ch WHERE ch.new_hash = b.hash OR ch.old_hash = b.hash)
   AND NOT EXISTS (SELECT 1 FROM pggit.tree t, jsonb_each_text(t.entries) e WHERE strpos(e.key, ':') > 0 AND e.value = b.hash);
COMMENT ON VIEW pggit.orphaned_objects IS
    'An analysis, not a history read: objects no commit accounts for. orphan_type live_not_committed: an object of the live catalog that the tracking rules keep and that no commit ever recorded and HEAD''s index lacks (new drift, or DDL made while tracking was off; reads the live catalog: pggit.read_catalog). orphan_type unreferenced_definition: a stored definition (pggit.blob) that no tree node, change row or index entry references (left by an aborted merge or a purge; garbage pggit.purge_history collects). The second part reads every tree node: its cost grows with the whole store (seconds on a history of many thousand commits), so query it with WHERE orphan_type = ''live_not_committed'' when only the first is wanted.';

CREATE OR REPLACE VIEW pggit.large_commits AS
WITH per_commit AS (
    SELECT ch.commit_id, count(*) AS objects_changed,
           count(*) FILTER (WHERE ch.change = 'A') AS added, count(*) FILTER (WHERE ch.change = 'M') AS modified,
           count(*) FILTER (WHERE ch.change = 'R') AS renamed, count(*) FILTER (WHERE ch.change = 'D') AS deleted,
           array_agg(DISTINCT ch.kind ORDER BY ch.kind) AS kinds
      FROM pggit.change ch GROUP BY ch.commit_id
), usual AS (
    SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY p.objects_changed) AS p95 FROM per_commit p
)
SELECT c.id AS commit_sha, c.author, c.committed_at, c.origin, c.message, p.objects_changed, p.added, p.modified, p.renamed, p.deleted,
       p.kinds, u.p95 AS usual_p95
  FROM per_commit p JOIN pggit.commit c ON c.id = p.commit_id CROSS JOIN usual u
 WHERE p.objects_changed >= 10 AND p.objects_changed > u.p95
 ORDER BY p.objects_changed DESC, c.seq DESC;
COMMENT ON VIEW pggit.large_commits IS
    'Commits that changed many objects: at least 10, and more than 95% of all commits did (usual_p95, the 95th percentile of objects changed per commit). Per commit: author, time, origin, message, objects changed (added, modified, renamed, deleted) and their kinds; the largest first. A baseline is usually one; filter by origin to leave it out.';

-- 0.2 tracks what 0.1 did not see: extended statistics, the indexes of partitions (attached to
-- their partitioned index), and a partition's constraint attached to one (its definition gains
-- attached_to). Without a commit they would be drift after the upgrade: one commit records just
-- those objects (any other drift stays drift); none when the database has none of them.
SELECT pggit.commit_changes('pggit 0.2 tracks extended statistics and the indexes of partitions', 'manual', NULL, NULL, true,
       ARRAY(SELECT r.object_key FROM pggit.read_catalog() r
              WHERE r.kind = 'statistics' OR (r.kind IN ('index', 'constraint') AND r.definition ? 'attached_to')));

-- The end-of-run drift scan is recorded on its deployment (pggit.record_drift_scan), and
-- pggit.summary() reads HEAD, the latest deployment, the last scan, open conflicts and interrupted
-- runs without scanning (issue 17: the Spring Boot starter's endpoint and health indicator).
ALTER TABLE pggit.deployment ADD COLUMN drift_objects integer, ADD COLUMN drift_scanned_at timestamptz;
-- ==== runs/summary.sql ==========================================================================

-- What a running application reports about its database (the Spring Boot starter's actuator
-- endpoint and health indicator): the end-of-run drift scan is recorded on its deployment, so that
-- a health probe reads the last scan instead of scanning the catalog again.

CREATE OR REPLACE FUNCTION pggit.record_drift_scan(deployment_id bigint)
    RETURNS TABLE (change text, object_key text, old_key text, kind text, old_hash text, new_hash text, note text,
                   classid oid, objid oid)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- One scan (pggit.drift, which raises on a moved server): its rows are returned and their number
-- recorded on the deployment with the time of the scan.
DECLARE
    scan jsonb;
BEGIN
    scan := (SELECT coalesce(jsonb_agg(to_jsonb(d)), '[]') FROM pggit.drift() d);
    UPDATE pggit.deployment d SET drift_objects = jsonb_array_length(scan), drift_scanned_at = clock_timestamp()
     WHERE d.id = record_drift_scan.deployment_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no deployment with id %', deployment_id USING ERRCODE = 'undefined_object';
    END IF;
    RETURN QUERY SELECT d.change, d.object_key, d.old_key, d.kind, d.old_hash, d.new_hash, d.note, d.classid, d.objid
                   FROM jsonb_to_recordset(scan) AS d(change text, object_key text, old_key text, kind text, old_hash text,
                                                      new_hash text, note text, classid oid, objid oid);
END
$$;
COMMENT ON FUNCTION pggit.record_drift_scan(bigint) IS
    'The end-of-run drift scan (pggit_writer): scans once as pggit.drift() does and returns its rows (the same columns), and records their number and the time on the deployment (deployment.drift_objects, drift_scanned_at), where pggit.summary() reads the last scan. Raises undefined_object for a deployment that does not exist, and what pggit.drift() raises on a moved server.';

CREATE OR REPLACE FUNCTION pggit.summary()
    RETURNS TABLE (head text, deployment_id bigint, deployment_name text, tool text, outcome text,
                   started_at timestamptz, ended_at timestamptz, drift_deployment_id bigint, drift_scanned_at timestamptz,
                   drift_objects integer, open_conflicts bigint, interrupted_deployments bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Reads only (no scan): a probe may call it as often as it likes, on a standby too.
SELECT pggit.head_commit(),
       last.id, last.name, last.tool, last.outcome, last.started_at, last.ended_at,
       scan.id, scan.drift_scanned_at, scan.drift_objects,
       (SELECT count(*) FROM pggit.conflict c WHERE c.resolved_at IS NULL),
       (SELECT count(*) FROM pggit.deployment d
         WHERE (d.outcome = 'interrupted'
                OR (d.outcome = 'running' AND d.tool <> 'manual' AND NOT pggit.session_alive(d.backend_pid, d.backend_started_at)))
           AND d.started_at > coalesce((SELECT max(s.started_at) FROM pggit.deployment s WHERE s.outcome = 'success'), '-infinity'))
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (SELECT d.* FROM pggit.deployment d ORDER BY d.id DESC LIMIT 1) last ON true
  LEFT JOIN LATERAL (SELECT d.* FROM pggit.deployment d WHERE d.drift_scanned_at IS NOT NULL
                      ORDER BY d.drift_scanned_at DESC LIMIT 1) scan ON true
$$;
COMMENT ON FUNCTION pggit.summary() IS
    'One row about the database, read without scanning (pggit_reader; for health probes and status endpoints): head (null before the first commit); the latest deployment (deployment_id, deployment_name, tool, outcome running, success, failed, abandoned or interrupted, started_at, ended_at; null when none); the last recorded drift scan (drift_deployment_id, drift_scanned_at, drift_objects: the number of drifted objects pggit.record_drift_scan found at the end of that run; null when no run scanned); open_conflicts (pggit.conflict not resolved); interrupted_deployments (runs of a migration tool closed as interrupted, or running with their session gone, that started after the latest successful deployment: a later successful run clears them).';

-- Blame (issue 16): the commit and migration that last changed each column and constraint
-- (api/blame.sql, new).
-- ==== api/blame.sql =============================================================================

-- Blame (issue 16): git blame --first-parent for a schema object. Which commit, migration, author
-- and time last changed each column and constraint of a table, or each change of a routine's or
-- view's definition. Read from the change rows along the revision's first parents, following
-- renames back (change R: old_key; detail.renamed_columns for columns).

CREATE OR REPLACE FUNCTION pggit.object_line(tip text, object_key text) RETURNS SETOF pggit.change
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The change rows of one object on tip's first-parent line, newest first, back through its renames
-- (change R: old_key) to the commit that added it.
DECLARE
    below integer := (SELECT c.depth FROM pggit.commit c WHERE c.id = tip);
    cur text := object_key;
    h pggit.change;
    r record;
BEGIN
    LOOP
        h := NULL;
        FOR r IN SELECT ch AS row, c.depth FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
                  WHERE ch.object_key = cur AND c.depth <= below AND pggit.first_parent_ancestor(tip, c.depth) = c.id
                  ORDER BY c.depth DESC LOOP
            h := r.row;
            RETURN NEXT h;
            below := r.depth - 1;
            EXIT WHEN h.change IN ('A', 'R');
        END LOOP;
        EXIT WHEN h.change IS DISTINCT FROM 'R';
        cur := h.old_key;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.object_line(text, text) IS
    'Plumbing of pggit.blame: the change rows (pggit.change) of object object_key on commit tip''s first-parent line, newest first, followed back through its renames (a row R continues with its old_key, older than that commit) to the row that added it. Empty when the object never changed on that line.';

CREATE OR REPLACE FUNCTION pggit.blame(object_name text, rev text DEFAULT 'HEAD')
    RETURNS TABLE (part text, object_key text, commit_id text, change text, author text, committed_at timestamptz, message text,
                   tool text, migration text, description text, script text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tip text := pggit.resolve(rev);
    tip_depth integer := (SELECT c.depth FROM pggit.commit c WHERE c.id = tip);
    k text;                 -- the object's key at tip
    hist pggit.change[] := '{}';
    r record;
    h pggit.change;
    odef jsonb;
    ndef jsonb;
    cols jsonb := '{}';     -- column name now -> {"c": commit id, "x": change} of the change that last changed it
    props jsonb;            -- the same for the table's own properties
    col jsonb;
    was text;
    renamed jsonb;
    i integer;
BEGIN
    -- the key: as given (kind:identity), or the object with that identity on tip's first-parent line
    -- whose newest change there is not a drop (tables and views before other kinds)
    SELECT x.object_key INTO k
      FROM (SELECT DISTINCT ON (ch.object_key) ch.object_key, ch.change, ch.kind, c.depth
              FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
             WHERE (ch.object_key = object_name OR ch.identity = object_name) AND c.depth <= tip_depth
               AND pggit.first_parent_ancestor(tip, c.depth) = c.id
             ORDER BY ch.object_key, c.depth DESC) x
     WHERE x.change <> 'D'
       -- nor renamed away since
       AND NOT EXISTS (SELECT 1 FROM pggit.change rn JOIN pggit.commit c ON c.id = rn.commit_id
                        WHERE rn.old_key = x.object_key AND c.depth > x.depth AND c.depth <= tip_depth
                          AND pggit.first_parent_ancestor(tip, c.depth) = c.id)
     ORDER BY x.kind NOT IN ('table', 'view', 'materialized_view', 'foreign_table'), x.object_key
     LIMIT 1;
    IF k IS NULL THEN
        RAISE EXCEPTION 'pggit: no object "%" at %', object_name, rev USING ERRCODE = 'undefined_object',
              HINT = 'Name it by key (table:app.orders) or identity (app.orders, app.f(integer)); SELECT object_key FROM pggit.show(''HEAD'') lists what the last commit changed.';
    END IF;
    -- its changes, newest first, back through its renames to the commit that added it
    hist := ARRAY(SELECT x FROM pggit.object_line(tip, k) x);
    IF pggit.key_kind(k) NOT IN ('table', 'foreign_table') THEN
        -- a routine, view or any other object: each change of its definition, oldest first
        RETURN QUERY
        SELECT 'definition', x.object_key, x.commit_id, x.change, c.author, c.committed_at, c.message, l.tool,
               l.migration_id, l.description, l.script
          FROM unnest(hist) WITH ORDINALITY x JOIN pggit.commit c ON c.id = x.commit_id
          LEFT JOIN LATERAL (SELECT * FROM pggit.migration_link ml WHERE ml.commit_id = x.commit_id ORDER BY ml.id LIMIT 1) l ON true
         ORDER BY x.ordinality;
        RETURN;
    END IF;
    -- a table: replay its changes oldest first, each column blamed on the last commit that changed it
    FOR i IN REVERSE cardinality(hist) .. 1 LOOP
        h := hist[i];
        odef := (SELECT b.definition FROM pggit.blob b WHERE b.hash = h.old_hash);
        ndef := (SELECT b.definition FROM pggit.blob b WHERE b.hash = h.new_hash);
        renamed := coalesce(h.detail -> 'renamed_columns', '{}');
        IF h.change = 'A' OR odef IS NULL THEN
            cols := coalesce((SELECT jsonb_object_agg(c ->> 'name', jsonb_build_object('c', h.commit_id, 'x', h.change))
                                FROM jsonb_array_elements(ndef -> 'columns') c), '{}');
            props := jsonb_build_object('c', h.commit_id, 'x', h.change);
            CONTINUE;
        END IF;
        cols := (SELECT coalesce(jsonb_object_agg(coalesce(renamed ->> e.key, e.key), e.value), '{}') FROM jsonb_each(cols) e);
        FOR col IN SELECT c FROM jsonb_array_elements(ndef -> 'columns') c LOOP
            was := coalesce((SELECT o.key FROM jsonb_each_text(renamed) o WHERE o.value = col ->> 'name'), col ->> 'name');
            IF renamed ? was OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements(odef -> 'columns') oc
                                             WHERE oc ->> 'name' = was AND (oc - 'name') = (col - 'name')) THEN
                cols := cols || jsonb_build_object(col ->> 'name', jsonb_build_object('c', h.commit_id, 'x', h.change));
            END IF;
        END LOOP;
        IF (odef - 'columns') IS DISTINCT FROM (ndef - 'columns') THEN
            props := jsonb_build_object('c', h.commit_id, 'x', h.change);
        END IF;
    END LOOP;
    RETURN QUERY
    WITH parts AS (
        SELECT 'column ' || (c ->> 'name') AS part, k AS key, cols -> (c ->> 'name') ->> 'c' AS commit_id, cols -> (c ->> 'name') ->> 'x' AS change, o AS ord
          FROM jsonb_array_elements((SELECT b.definition FROM pggit.blob b WHERE b.hash = hist[1].new_hash) -> 'columns') WITH ORDINALITY x(c, o)
        UNION ALL
        SELECT 'table', k, props ->> 'c', props ->> 'x', 1000000
        UNION ALL
        -- what lives on the table: each constraint, index, trigger, policy and rule at tip, blamed on its
        -- newest change that is more than the re-key a rename of the table gave it
        SELECT kk.kind || ' ' || substr(o.object_key, length(kk.kind || ':' || pggit.key_identity(k) || '.') + 1), o.object_key,
               l.commit_id, l.change, 2000000 + row_number() OVER (ORDER BY o.object_key)
          FROM (SELECT (SELECT b.definition FROM pggit.blob b WHERE b.hash = hist[1].new_hash) ->> 'schema' AS sch) s
         CROSS JOIN unnest(ARRAY['constraint', 'index', 'trigger', 'policy', 'rule']) kk(kind)
         CROSS JOIN LATERAL pggit.subtree_objects(pggit.tree_lookup((SELECT c.tree FROM pggit.commit c WHERE c.id = tip), ARRAY[s.sch, kk.kind])) o
         LEFT JOIN LATERAL (SELECT y.commit_id, y.change FROM pggit.object_line(tip, o.object_key) y
                             WHERE NOT (y.change = 'R' AND y.commit_id IN (SELECT t.commit_id FROM unnest(hist) t WHERE t.change = 'R'))
                             LIMIT 1) l ON true
         WHERE starts_with(o.object_key, kk.kind || ':' || pggit.key_identity(k) || '.'))
    SELECT p.part, p.key, p.commit_id, p.change, c.author, c.committed_at, c.message, l.tool, l.migration_id, l.description, l.script
      FROM parts p
      LEFT JOIN pggit.commit c ON c.id = p.commit_id
      LEFT JOIN LATERAL (SELECT * FROM pggit.migration_link ml WHERE ml.commit_id = p.commit_id ORDER BY ml.id LIMIT 1) l ON true
     ORDER BY p.ord;
END
$$;
COMMENT ON FUNCTION pggit.blame(text, text) IS
    'git blame --first-parent for one object at revision rev (default HEAD): object_name is a key (table:app.orders) or an identity (app.orders, app.f(integer)). For a table (or foreign table): one row per column (part ''column <name>'', in column order), then ''table'' (its own properties: owner, comment, options, ...), then each constraint, index, trigger, policy and rule on it (part ''<kind> <name>''), each with the commit that last changed it (a column''s type, default, NOT NULL, ..., or its name: renames are followed back through change R and detail.renamed_columns), its change (A, M, R; for a column the table''s change in that commit), author, time, message and the migration linked to that commit (pggit.migration_link: tool, migration = Flyway version or Liquibase changeset id, description, script). For any other object: one row per change of its definition (part ''definition''), newest first, with the same columns. Commits are those on rev''s first-parent line (a merge is blamed for what it brought in). Errors: undefined_object when no such object is at rev, or for a revision that names nothing.';

-- One DDL writer (issue 16): the writer that recreates objects from their definitions moves from
-- Java into SQL (ddl/writer.sql, new), and get_object_definition (api/object_definition.sql, new)
-- and export_schema_snapshot (above) use it.
-- ==== ddl/writer.sql ============================================================================

-- The DDL writer: the statements that recreate a set of objects from the catalog reader's canonical
-- definitions (catalog/kinds/*.sql), in dependency order. The one place DDL is written from
-- definitions: get_object_definition and export_schema_snapshot call it here, pggit's Java side
-- (export, compare plans, checkout, merge) through pggit.ddl_statements (see docs/architecture.md).
-- A missing field reads as the empty string, as the Java side's JSON reader reads it (concat).

CREATE OR REPLACE FUNCTION pggit.ddl_quote(name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '"' || replace(coalesce(name, ''), '"', '""') || '"';
COMMENT ON FUNCTION pggit.ddl_quote(text) IS 'An identifier in double quotes, always (inner double quotes doubled): the name PostgreSQL would fold to, quoted or not. Null reads as the empty name.';

CREATE OR REPLACE FUNCTION pggit.ddl_literal(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '''' || replace(value, '''', '''''') || '''';
COMMENT ON FUNCTION pggit.ddl_literal(text) IS 'A standard string literal (quotes doubled, backslashes as they are: standard_conforming_strings); null for null (a clause '' X = '' || pggit.ddl_literal(missing) disappears).';

CREATE OR REPLACE FUNCTION pggit.ddl_options(options jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN jsonb_typeof(options) = 'array' AND jsonb_array_length(options) > 0 THEN
    ' OPTIONS (' || (SELECT string_agg(pggit.ddl_quote(split_part(o, '=', 1)) || ' ' || pggit.ddl_literal(substr(o, strpos(o, '=') + 1)), ', ' ORDER BY n)
                       FROM jsonb_array_elements_text(options) WITH ORDINALITY AS e(o, n)) || ')'
    ELSE '' END;
COMMENT ON FUNCTION pggit.ddl_options(jsonb) IS 'The OPTIONS (k ''v'', ...) clause of a foreign-data wrapper, server, user mapping, foreign table or column from the catalog''s array of k=v strings (split at the first =), with a leading space; the empty string for none.';

CREATE OR REPLACE FUNCTION pggit.ddl_column(col jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN concat(pggit.ddl_quote(col->>'name'), ' ', col->>'type',
              CASE WHEN col ? 'options' THEN pggit.ddl_options(col->'options') END,   -- called only then: a function with a subquery is not inlined
              ' COLLATE ' || (col->>'collation'),
              ' GENERATED ALWAYS AS (' || (col->>'generated') || ') STORED',
              CASE WHEN col ? 'identity' THEN ' GENERATED ' || CASE WHEN col->>'identity' = 'always' THEN 'ALWAYS' ELSE 'BY DEFAULT' END || ' AS IDENTITY' END,
              ' DEFAULT ' || (col->>'default'),
              CASE WHEN coalesce((col->>'not_null')::boolean, false) THEN ' NOT NULL' END);
COMMENT ON FUNCTION pggit.ddl_column(jsonb) IS 'One column of a table definition as CREATE TABLE and ALTER TABLE ADD COLUMN write it: quoted name, type, options, collation, generation expression, identity, default, NOT NULL.';

CREATE OR REPLACE FUNCTION pggit.acl_grants(item text, on_words text, columns text DEFAULT '') RETURNS SETOF text
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
-- An aclitem as PostgreSQL prints it: grantee=privileges/grantor, an empty grantee for PUBLIC, a
-- role in double quotes when it needs them (inner quotes doubled), * after a letter for WITH GRANT
-- OPTION. The letters are aclitemout's (src/backend/utils/adt/acl.c, and the Privileges table of
-- the documentation, ddl-priv); the grantor is not written (GRANT records the current user).
DECLARE
    at integer := 1;
    len integer := length(item);
    ch text;
    grantee text := '';
    plain text[] := '{}';
    grantable text[] := '{}';
    privilege text;
BEGIN
    IF substr(item, 1, 1) = '"' THEN
        at := 2;
        LOOP
            IF at > len THEN
                RAISE EXCEPTION 'pggit: unterminated quoted role name in ACL item %', item USING ERRCODE = 'invalid_parameter_value';
            END IF;
            ch := substr(item, at, 1);
            at := at + 1;
            IF ch = '"' THEN
                EXIT WHEN substr(item, at, 1) <> '"';
                at := at + 1;
            END IF;
            grantee := grantee || ch;
        END LOOP;
    ELSE
        WHILE at <= len AND substr(item, at, 1) NOT IN ('=', '/') LOOP
            grantee := grantee || substr(item, at, 1);
            at := at + 1;
        END LOOP;
    END IF;
    IF substr(item, at, 1) <> '=' THEN
        RAISE EXCEPTION 'pggit: not an ACL item (expected ''='' at %): %', at - 1, item USING ERRCODE = 'invalid_parameter_value';
    END IF;
    at := at + 1;
    WHILE at <= len AND substr(item, at, 1) <> '/' LOOP
        ch := substr(item, at, 1);
        privilege := CASE ch COLLATE "C" WHEN 'r' THEN 'SELECT' WHEN 'w' THEN 'UPDATE' WHEN 'a' THEN 'INSERT' WHEN 'd' THEN 'DELETE'
            WHEN 'D' THEN 'TRUNCATE' WHEN 'x' THEN 'REFERENCES' WHEN 't' THEN 'TRIGGER' WHEN 'X' THEN 'EXECUTE' WHEN 'U' THEN 'USAGE'
            WHEN 'C' THEN 'CREATE' WHEN 'c' THEN 'CONNECT' WHEN 'T' THEN 'TEMPORARY' WHEN 'm' THEN 'MAINTAIN' WHEN 's' THEN 'SET'
            WHEN 'A' THEN 'ALTER SYSTEM' END;
        IF privilege IS NULL THEN
            RAISE EXCEPTION 'pggit: unknown privilege letter ''%'' in ACL item %', ch, item USING ERRCODE = 'invalid_parameter_value';
        END IF;
        at := at + 1;
        IF substr(item, at, 1) = '*' THEN
            grantable := grantable || (privilege || columns);
            at := at + 1;
        ELSE
            plain := plain || (privilege || columns);
        END IF;
    END LOOP;
    IF substr(item, at, 1) <> '/' THEN
        RAISE EXCEPTION 'pggit: not an ACL item (expected ''/'' at %): %', at - 1, item USING ERRCODE = 'invalid_parameter_value';
    END IF;
    grantee := CASE WHEN grantee = '' THEN 'PUBLIC' ELSE pggit.ddl_quote(grantee) END;
    IF cardinality(plain) > 0 THEN
        RETURN NEXT 'GRANT ' || array_to_string(plain, ', ') || ' ' || on_words || ' TO ' || grantee || ';';
    END IF;
    IF cardinality(grantable) > 0 THEN
        RETURN NEXT 'GRANT ' || array_to_string(grantable, ', ') || ' ' || on_words || ' TO ' || grantee || ' WITH GRANT OPTION;';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.acl_grants(text, text, text) IS 'The GRANT statements of one aclitem in its text form (grantee=privileges/grantor): one for the privileges without grant option, one WITH GRANT OPTION, each privilege followed by columns (e.g. '' ("a")'' for a column ACL); on_words is the ON clause (''ON TABLE s.t''). Errors: invalid_parameter_value for text that is not an aclitem or an unknown privilege letter.';

CREATE OR REPLACE FUNCTION pggit.object_ddl(object_key text, kind text, schema_name text, definition jsonb,
                                            table_types text[] DEFAULT '{}', matviews text[] DEFAULT '{}')
    RETURNS TABLE (phase text, statement text)
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
-- The phases are those of pggit.ddl_phases(); the statements of one phase in the order returned.
-- Mirrors, kind by kind, what the Java side wrote before the writer moved here (DdlWriter).
DECLARE
    d jsonb := definition;
    id text := pggit.key_identity(object_key);
    nm text := pggit.ddl_quote(d->>'name');
    s text;
    x text;
    c jsonb;
    words text[];
BEGIN
    CASE kind
    WHEN 'schema' THEN
        phase := 'schema';
        statement := 'CREATE SCHEMA IF NOT EXISTS ' || nm || ';';
        RETURN NEXT;
    WHEN 'extension' THEN
        phase := 'extension';
        statement := 'CREATE EXTENSION IF NOT EXISTS ' || nm || ' WITH SCHEMA ' || pggit.ddl_quote(d->>'schema')
            || ' VERSION ' || pggit.ddl_literal(coalesce(d->>'version', '')) || ';';
        RETURN NEXT;
    WHEN 'type' THEN
        CASE d->>'type'
        WHEN 'enum' THEN
            phase := 'type';
            statement := 'CREATE TYPE ' || id || ' AS ENUM ('
                || coalesce((SELECT string_agg(pggit.ddl_literal(l), ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'labels') WITH ORDINALITY e(l, n)), '') || ');';
            RETURN NEXT;
        WHEN 'range' THEN
            phase := 'type';
            statement := concat('CREATE TYPE ', id, ' AS RANGE (SUBTYPE = ', d->>'subtype', ');');
            RETURN NEXT;
        WHEN 'composite' THEN
            phase := 'composite';
            statement := 'CREATE TYPE ' || id || ' AS ('
                || coalesce((SELECT string_agg(concat(pggit.ddl_quote(a->>'name'), ' ', a->>'type'), ', ' ORDER BY n)
                               FROM jsonb_array_elements(d->'attributes') WITH ORDINALITY e(a, n)), '') || ');';
            RETURN NEXT;
        ELSE
            RAISE EXCEPTION 'pggit: no DDL for type %', object_key USING ERRCODE = 'feature_not_supported';
        END CASE;
    WHEN 'domain' THEN
        phase := 'domain';
        statement := concat('CREATE DOMAIN ', id, ' AS ', d->>'base_type', ' DEFAULT ' || (d->>'default'),
            CASE WHEN coalesce((d->>'not_null')::boolean, false) THEN ' NOT NULL' END,
            (SELECT string_agg(concat(' CONSTRAINT ', pggit.ddl_quote(k->>'name'), ' ', k->>'definition'), '' ORDER BY n)
               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'constraints') = 'array' THEN d->'constraints' ELSE '[]' END) WITH ORDINALITY e(k, n)), ';');
        RETURN NEXT;
    WHEN 'sequence' THEN
        phase := 'sequence';
        statement := concat('CREATE ', CASE WHEN coalesce((d->>'unlogged')::boolean, false) THEN 'UNLOGGED ' END, 'SEQUENCE ', id,
            ' AS ', d->>'type', ' INCREMENT BY ', d->>'increment', ' MINVALUE ', d->>'min', ' MAXVALUE ', d->>'max',
            ' START WITH ', d->>'start', ' CACHE ', d->>'cache', CASE WHEN coalesce((d->>'cycle')::boolean, false) THEN ' CYCLE' ELSE ' NO CYCLE' END, ';');
        RETURN NEXT;
        IF d ? 'owned_by' THEN
            phase := 'owned';
            statement := 'ALTER SEQUENCE ' || id || ' OWNED BY ' || (d->>'owned_by') || ';';
            RETURN NEXT;
        END IF;
    WHEN 'function', 'procedure', 'aggregate' THEN
        IF kind = 'aggregate' THEN
            s := concat('CREATE AGGREGATE ', pggit.ddl_quote(d->>'schema'), '.', nm, '(', d->>'arguments', ') (SFUNC = ', d#>>'{aggregate,sfunc}',
                ', STYPE = ', d#>>'{aggregate,stype}', ', FINALFUNC = ' || (d#>>'{aggregate,finalfunc}'), ', COMBINEFUNC = ' || (d#>>'{aggregate,combinefunc}'),
                ', INITCOND = ' || CASE WHEN d->'aggregate' ? 'initcond' THEN pggit.ddl_literal(d#>>'{aggregate,initcond}') END, ');');
            phase := 'aggregate';
            statement := s;
            RETURN NEXT;   -- after every function: its support functions are named without parentheses
        ELSE
            x := concat(d->>'arguments', ' ', d->>'returns');
            phase := CASE WHEN EXISTS (SELECT 1 FROM unnest(table_types) t WHERE strpos(x, t) > 0) THEN 'function_late' ELSE 'function' END;
            statement := regexp_replace(coalesce(d->>'definition', ''), '\s+$', '') || ';';
            RETURN NEXT;
        END IF;
    WHEN 'table', 'foreign_table' THEN
        IF kind = 'table' THEN
            s := 'CREATE ' || CASE WHEN coalesce((d->>'unlogged')::boolean, false) THEN 'UNLOGGED ' ELSE '' END || 'TABLE ' || id;
            IF d ? 'partition_of' THEN
                s := concat(s, ' PARTITION OF ', d->>'partition_of', ' ', d->>'partition_bound');
            ELSE
                s := s || E' (\n    ' || coalesce((SELECT string_agg(pggit.ddl_column(col), E',\n    ' ORDER BY n)
                                                     FROM jsonb_array_elements(d->'columns') WITH ORDINALITY e(col, n)), '') || E'\n)';
                IF d ? 'inherits' THEN
                    s := s || ' INHERITS (' || coalesce((SELECT string_agg(p, ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'inherits') WITH ORDINALITY e(p, n)), '') || ')';
                END IF;
            END IF;
            s := concat(s, ' PARTITION BY ' || (d->>'partition_key'));
            IF d ? 'options' THEN
                s := s || ' WITH (' || coalesce((SELECT string_agg(o, ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'options') WITH ORDINALITY e(o, n)), '') || ')';
            END IF;
            s := s || ';';
            IF coalesce((d->>'row_security')::boolean, false) THEN
                s := s || E'\nALTER TABLE ' || id || ' ENABLE ROW LEVEL SECURITY;';
            END IF;
            IF coalesce((d->>'force_row_security')::boolean, false) THEN
                s := s || E'\nALTER TABLE ' || id || ' FORCE ROW LEVEL SECURITY;';
            END IF;
        ELSE
            s := concat('CREATE FOREIGN TABLE ', id, E' (\n    ', (SELECT string_agg(pggit.ddl_column(col), E',\n    ' ORDER BY n)
                                                                  FROM jsonb_array_elements(d->'columns') WITH ORDINALITY e(col, n)),
                        E'\n) SERVER ', d->>'server', pggit.ddl_options(d->'options'), ';');
        END IF;
        phase := 'table';
        statement := s;
        RETURN NEXT;
        -- column storage, compression and statistics target, which CREATE TABLE cannot say
        x := 'ALTER ' || CASE WHEN kind = 'foreign_table' THEN 'FOREIGN TABLE ' ELSE 'TABLE ' END || id || ' ALTER COLUMN ';
        IF jsonb_path_exists(d, '$.columns[*] ? (exists(@.storage) || exists(@.compression) || exists(@.statistics))') THEN
            FOR c IN SELECT col FROM jsonb_array_elements(d->'columns') WITH ORDINALITY e(col, n) ORDER BY n LOOP
                IF c ? 'storage' THEN
                    phase := 'column_settings';
                    statement := x || pggit.ddl_quote(c->>'name') || ' SET STORAGE ' || upper(c->>'storage') || ';';
                    RETURN NEXT;
                END IF;
                IF c ? 'compression' THEN
                    phase := 'column_settings';
                    statement := x || pggit.ddl_quote(c->>'name') || ' SET COMPRESSION ' || (c->>'compression') || ';';
                    RETURN NEXT;
                END IF;
                IF c ? 'statistics' THEN
                    phase := 'column_settings';
                    statement := x || pggit.ddl_quote(c->>'name') || ' SET STATISTICS ' || (c->>'statistics')::integer || ';';
                    RETURN NEXT;
                END IF;
            END LOOP;
        END IF;
        IF kind = 'table' AND d ? 'replica_identity' THEN
            x := d->>'replica_identity';
            phase := 'replica_identity';
            statement := 'ALTER TABLE ' || id || ' REPLICA IDENTITY '
                || CASE WHEN x LIKE 'index %' THEN 'USING INDEX ' || substr(x, 7) ELSE upper(x) END || ';';
            RETURN NEXT;
        END IF;
    WHEN 'constraint' THEN
        phase := CASE WHEN d->>'type' = 'foreign key' THEN 'foreign_key' ELSE 'constraint' END;
        statement := concat('ALTER TABLE ', d->>'table', ' ADD CONSTRAINT ', nm, ' ', d->>'definition', ';');
        RETURN NEXT;
    WHEN 'index' THEN
        phase := CASE WHEN (d->>'table') = ANY (matviews) THEN 'matview_index' ELSE 'index' END;
        statement := concat(d->>'definition', ';');
        RETURN NEXT;
    WHEN 'view', 'materialized_view' THEN
        phase := kind;
        statement := 'CREATE ' || CASE WHEN kind = 'view' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || id
            || CASE WHEN d ? 'options' THEN ' WITH (' || coalesce((SELECT string_agg(o, ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'options') WITH ORDINALITY e(o, n)), '') || ')' ELSE '' END
            || E' AS\n' || regexp_replace(regexp_replace(coalesce(d->>'query', ''), '^\s+|\s+$', '', 'g'), ';$', '') || ';';
        RETURN NEXT;
    WHEN 'trigger', 'rule' THEN
        phase := kind;
        statement := concat(d->>'definition', CASE WHEN kind = 'trigger' THEN ';' END);
        RETURN NEXT;
        IF d ? 'enabled' THEN
            phase := kind;
            statement := concat('ALTER TABLE ', d->>'table', ' ', pggit.ddl_enable(d->>'enabled'), upper(kind), ' ', nm, ';');
            RETURN NEXT;
        END IF;
    WHEN 'collation' THEN
        phase := 'collation';
        statement := concat('CREATE COLLATION ', id, ' (provider = ', d->>'provider',
            ', locale = ' || pggit.ddl_literal(d->>'locale'),
            CASE WHEN NOT d ? 'locale' THEN ', lc_collate = ' || pggit.ddl_literal(d->>'lc_collate') END,
            CASE WHEN NOT d ? 'locale' THEN ', lc_ctype = ' || pggit.ddl_literal(d->>'lc_ctype') END,
            ', rules = ' || pggit.ddl_literal(d->>'rules'),
            ', deterministic = ', coalesce((d->>'deterministic')::boolean, true)::text, ');');
        RETURN NEXT;
    WHEN 'statistics' THEN   -- after the indexes: on a table or a materialized view
        phase := 'statistics';
        statement := concat(d->>'definition', ';');
        RETURN NEXT;
        IF d ? 'target' THEN   -- pg_get_statisticsobjdef leaves the statistics target out
            phase := 'statistics';
            statement := 'ALTER STATISTICS ' || id || ' SET STATISTICS ' || (d->>'target')::integer || ';';
            RETURN NEXT;
        END IF;
    WHEN 'policy' THEN
        phase := 'policy';
        statement := concat('CREATE POLICY ', nm, ' ON ', d->>'table', ' AS ',
            CASE WHEN coalesce((d->>'permissive')::boolean, true) THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, ' FOR ', d->>'command', ' TO ',
            (SELECT string_agg(r, ', ' ORDER BY n) FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'roles') = 'array' THEN d->'roles' ELSE '[]' END) WITH ORDINALITY e(r, n)),
            ' USING (' || (d->>'using') || ')', ' WITH CHECK (' || (d->>'with_check') || ')', ';');
        RETURN NEXT;
    WHEN 'event_trigger' THEN
        phase := 'event_trigger';
        statement := concat('CREATE EVENT TRIGGER ', nm, ' ON ', d->>'event',
            CASE WHEN d ? 'tags' THEN ' WHEN TAG IN (' || coalesce((SELECT string_agg(pggit.ddl_literal(t), ', ' ORDER BY n)
                                                                    FROM jsonb_array_elements_text(d->'tags') WITH ORDINALITY e(t, n)), '') || ')' END,
            ' EXECUTE FUNCTION ', d->>'function', ';');
        RETURN NEXT;
        IF d ? 'enabled' THEN
            phase := 'event_trigger';
            statement := 'ALTER EVENT TRIGGER ' || nm || ' ' || rtrim(pggit.ddl_enable(d->>'enabled')) || ';';
            RETURN NEXT;
        END IF;
    WHEN 'publication' THEN
        x := (SELECT string_agg(p, ', ' ORDER BY n) FROM (
                SELECT concat('TABLE ', t->>'table',
                              ' (' || (SELECT string_agg(pggit.ddl_quote(col), ', ' ORDER BY m) FROM jsonb_array_elements_text(t->'columns') WITH ORDINALITY f(col, m)) || ')',
                              ' WHERE (' || (t->>'where') || ')') AS p, n
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'tables') = 'array' THEN d->'tables' ELSE '[]' END) WITH ORDINALITY e(t, n)
                UNION ALL
                SELECT 'TABLES IN SCHEMA ' || pggit.ddl_quote(sn), 1000000000 + n
                  FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'schemas') = 'array' THEN d->'schemas' ELSE '[]' END) WITH ORDINALITY e(sn, n)) parts);
        phase := 'publication';
        statement := concat('CREATE PUBLICATION ', nm,
            CASE WHEN coalesce((d->>'all_tables')::boolean, false) THEN ' FOR ALL TABLES' ELSE ' FOR ' || x END,
            ' WITH (publish = ', pggit.ddl_literal(coalesce((SELECT string_agg(p, ', ' ORDER BY n)
                                                             FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'publish') = 'array' THEN d->'publish' ELSE '[]' END) WITH ORDINALITY e(p, n)), '')),
            ', publish_via_partition_root = ', coalesce((d->>'via_root')::boolean, false)::text, ');');
        RETURN NEXT;
    WHEN 'subscription' THEN
        phase := 'subscription';
        statement := concat('-- the connection string is not recorded (it may hold a password): set it with ALTER SUBSCRIPTION ', nm,
            E' CONNECTION ''...''\nCREATE SUBSCRIPTION ', nm, ' CONNECTION '''' PUBLICATION ',
            (SELECT string_agg(pggit.ddl_quote(p), ', ' ORDER BY n) FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'publications') = 'array' THEN d->'publications' ELSE '[]' END) WITH ORDINALITY e(p, n)),
            ' WITH (connect = false, slot_name = ', CASE WHEN d ? 'slot_name' THEN pggit.ddl_literal(d->>'slot_name') ELSE 'NONE' END,
            ', binary = ', coalesce((d->>'binary')::boolean, false)::text, ', streaming = ', coalesce(d->>'streaming', 'off'),
            ', synchronous_commit = ', pggit.ddl_literal(coalesce(d->>'synchronous_commit', 'off')), ');');
        RETURN NEXT;
        IF coalesce((d->>'enabled')::boolean, false) THEN
            phase := 'subscription';
            statement := 'ALTER SUBSCRIPTION ' || nm || ' ENABLE;';
            RETURN NEXT;
        END IF;
    WHEN 'foreign_data_wrapper' THEN
        phase := 'foreign_data_wrapper';
        statement := concat('CREATE FOREIGN DATA WRAPPER ', nm,
            CASE WHEN d ? 'handler' THEN ' HANDLER ' || (d->>'handler') ELSE ' NO HANDLER' END,
            CASE WHEN d ? 'validator' THEN ' VALIDATOR ' || (d->>'validator') ELSE ' NO VALIDATOR' END, pggit.ddl_options(d->'options'), ';');
        RETURN NEXT;
    WHEN 'server' THEN
        phase := 'server';
        statement := concat('CREATE SERVER ', nm, ' TYPE ' || pggit.ddl_literal(d->>'type'), ' VERSION ' || pggit.ddl_literal(d->>'version'),
            ' FOREIGN DATA WRAPPER ', d->>'wrapper', pggit.ddl_options(d->'options'), ';');
        RETURN NEXT;
    WHEN 'user_mapping' THEN
        phase := 'user_mapping';
        statement := concat('CREATE USER MAPPING FOR ', d->>'user', ' SERVER ', d->>'server', pggit.ddl_options(d->'options'), ';');
        RETURN NEXT;
    WHEN 'default_privileges' THEN
        s := 'ALTER DEFAULT PRIVILEGES FOR ROLE ' || pggit.ddl_quote(d->>'role') || CASE WHEN d ? 'schema' THEN ' IN SCHEMA ' || pggit.ddl_quote(d->>'schema') ELSE '' END;
        x := upper(coalesce(d->>'on', ''));
        IF NOT d ? 'schema' THEN   -- a database-wide entry replaces the built-in default: start from nothing
            phase := 'default_privileges';
            statement := s || ' REVOKE ALL ON ' || x || ' FROM PUBLIC;';
            RETURN NEXT;
            phase := 'default_privileges';
            statement := s || ' REVOKE ALL ON ' || x || ' FROM ' || pggit.ddl_quote(d->>'role') || ';';
            RETURN NEXT;
        END IF;
        RETURN QUERY SELECT 'default_privileges', s || ' ' || g
                       FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'acl') = 'array' THEN d->'acl' ELSE '[]' END) WITH ORDINALITY e(a, n),
                            LATERAL pggit.acl_grants(a, 'ON ' || x) WITH ORDINALITY AS gr(g, m)
                      ORDER BY n, m;
    ELSE
        RAISE EXCEPTION 'pggit: no DDL for objects of kind % (%)', kind, object_key USING ERRCODE = 'feature_not_supported';
    END CASE;
    IF kind IN ('constraint', 'index') AND d ? 'attached_to' THEN   -- a partition's index (or its constraint's) to its partitioned index
        phase := 'index_attach';
        statement := 'ALTER INDEX ' || (d->>'attached_to') || ' ATTACH PARTITION ' || pggit.ddl_quote(schema_name) || '.' || nm || ';';
        RETURN NEXT;
    END IF;

    -- comments
    x := CASE kind
        WHEN 'schema' THEN 'SCHEMA ' || nm WHEN 'extension' THEN 'EXTENSION ' || nm
        WHEN 'index' THEN 'INDEX ' || regexp_replace(coalesce(d->>'table', ''), '\.[^.]*$', '') || '.' || nm
        WHEN 'constraint' THEN 'CONSTRAINT ' || nm || ' ON ' || coalesce(d->>'table', '')
        WHEN 'trigger' THEN 'TRIGGER ' || nm || ' ON ' || coalesce(d->>'table', '')
        WHEN 'policy' THEN 'POLICY ' || nm || ' ON ' || coalesce(d->>'table', '')
        WHEN 'rule' THEN 'RULE ' || nm || ' ON ' || coalesce(d->>'table', '')
        ELSE CASE WHEN kind IN ('table', 'view', 'materialized_view', 'sequence', 'function', 'procedure', 'aggregate', 'type', 'domain',
                                'foreign_table', 'collation', 'statistics', 'event_trigger', 'publication', 'subscription', 'foreign_data_wrapper', 'server')
                  THEN upper(replace(kind, '_', ' ')) || ' ' || id END END;
    IF x IS NOT NULL AND d ? 'comment' THEN
        phase := 'comment';
        statement := 'COMMENT ON ' || x || ' IS ' || pggit.ddl_literal(d->>'comment') || ';';
        RETURN NEXT;
    END IF;
    IF kind IN ('table', 'foreign_table') AND jsonb_path_exists(d, '$.columns[*].comment') THEN
        RETURN QUERY SELECT 'comment', 'COMMENT ON COLUMN ' || id || '.' || pggit.ddl_quote(col->>'name') || ' IS ' || pggit.ddl_literal(col->>'comment') || ';'
                       FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'columns') = 'array' THEN d->'columns' ELSE '[]' END) WITH ORDINALITY e(col, n)
                      WHERE col ? 'comment' ORDER BY n;
    END IF;

    -- owner (ALTER ... OWNER TO words) and privileges (GRANT/REVOKE words; none for some kinds)
    words := CASE kind
        WHEN 'schema' THEN ARRAY['SCHEMA ' || nm, 'SCHEMA ' || nm]
        WHEN 'table' THEN ARRAY['TABLE ' || id, 'TABLE ' || id]
        WHEN 'view' THEN ARRAY['VIEW ' || id, 'TABLE ' || id]
        WHEN 'materialized_view' THEN ARRAY['MATERIALIZED VIEW ' || id, 'TABLE ' || id]
        WHEN 'foreign_table' THEN ARRAY['FOREIGN TABLE ' || id, 'TABLE ' || id]
        WHEN 'sequence' THEN ARRAY['SEQUENCE ' || id, 'SEQUENCE ' || id]
        WHEN 'function' THEN ARRAY['FUNCTION ' || id, 'FUNCTION ' || id]
        WHEN 'procedure' THEN ARRAY['PROCEDURE ' || id, 'PROCEDURE ' || id]
        WHEN 'aggregate' THEN ARRAY['AGGREGATE ' || id, 'ROUTINE ' || id]
        WHEN 'type' THEN ARRAY['TYPE ' || id, 'TYPE ' || id]
        WHEN 'domain' THEN ARRAY['DOMAIN ' || id, 'DOMAIN ' || id]
        WHEN 'collation' THEN ARRAY['COLLATION ' || id, NULL]
        WHEN 'statistics' THEN ARRAY['STATISTICS ' || id, NULL]
        WHEN 'event_trigger' THEN ARRAY['EVENT TRIGGER ' || id, NULL]
        WHEN 'publication' THEN ARRAY['PUBLICATION ' || id, NULL]
        WHEN 'subscription' THEN ARRAY['SUBSCRIPTION ' || id, NULL]
        WHEN 'foreign_data_wrapper' THEN ARRAY['FOREIGN DATA WRAPPER ' || id, 'FOREIGN DATA WRAPPER ' || id]
        WHEN 'server' THEN ARRAY['SERVER ' || id, 'FOREIGN SERVER ' || id] END;
    IF words IS NULL THEN
        RETURN;
    END IF;
    IF d ? 'owner' AND NOT d ? 'owned_by' THEN   -- a sequence a column owns has its table's owner, and no other
        phase := 'owner';
        statement := 'ALTER ' || words[1] || ' OWNER TO ' || pggit.ddl_quote(d->>'owner') || ';';
        RETURN NEXT;
    END IF;
    IF words[2] IS NOT NULL AND d ? 'acl' THEN
        phase := 'privileges';
        statement := 'REVOKE ALL ON ' || words[2] || ' FROM PUBLIC;';
        RETURN NEXT;
        IF d ? 'owner' THEN
            phase := 'privileges';
            statement := 'REVOKE ALL ON ' || words[2] || ' FROM ' || pggit.ddl_quote(d->>'owner') || ';';
            RETURN NEXT;
        END IF;
        RETURN QUERY SELECT 'privileges', g
                       FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'acl') = 'array' THEN d->'acl' ELSE '[]' END) WITH ORDINALITY e(a, n),
                            LATERAL pggit.acl_grants(a, 'ON ' || words[2]) WITH ORDINALITY AS gr(g, m)
                      ORDER BY n, m;
    END IF;
    IF words[2] LIKE 'TABLE %' AND jsonb_path_exists(d, '$.columns[*].acl') THEN
        RETURN QUERY SELECT 'privileges', g
                       FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'columns') = 'array' THEN d->'columns' ELSE '[]' END) WITH ORDINALITY e(col, n),
                            jsonb_array_elements_text(CASE WHEN jsonb_typeof(col->'acl') = 'array' THEN col->'acl' ELSE '[]' END) WITH ORDINALITY f(a, k),
                            LATERAL pggit.acl_grants(a, 'ON ' || words[2], ' (' || pggit.ddl_quote(col->>'name') || ')') WITH ORDINALITY AS gr(g, m)
                      ORDER BY n, k, m;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.object_ddl(text, text, text, jsonb, text[], text[]) IS
    'The statements that create one object from its canonical definition (pggit.read_catalog''s JSON), each with its phase (pggit.ddl_phases(): where it goes in a whole script), in order within each phase: the CREATE, column settings, ALTERs that CREATE cannot say (enabled state, replica identity, ownership of a sequence, partition index attachment, statistics target), the comments, ALTER ... OWNER TO, REVOKE ALL and a GRANT per ACL item. table_types (identities of the tables of the set) puts a routine whose signature names one after the tables; matviews (identities of the materialized views) puts their indexes after them. The roles named must exist where the statements run; a subscription is created without connecting and with an empty connection string (pggit never records it). Errors: feature_not_supported for a kind (or type) it has no DDL for, invalid_parameter_value for an ACL item it cannot read.';

CREATE OR REPLACE FUNCTION pggit.ddl_enable(state text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE state WHEN 'disabled' THEN 'DISABLE ' WHEN 'replica' THEN 'ENABLE REPLICA ' ELSE 'ENABLE ALWAYS ' END;
COMMENT ON FUNCTION pggit.ddl_enable(text) IS 'The ENABLE/DISABLE words of ALTER TABLE ... TRIGGER/RULE and ALTER EVENT TRIGGER for a firing state (disabled, replica, always; anything else: always), with a trailing space.';

CREATE OR REPLACE FUNCTION pggit.ddl_phases() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY['settings', 'schema', 'extension', 'collation', 'type', 'composite', 'domain', 'sequence', 'function',
             'foreign_data_wrapper', 'server', 'user_mapping', 'table', 'column_settings', 'owned', 'function_late', 'aggregate', 'constraint',
             'index', 'index_attach', 'foreign_key', 'replica_identity', 'view', 'materialized_view', 'matview_index', 'statistics', 'trigger',
             'rule', 'policy', 'event_trigger', 'publication', 'subscription', 'comment', 'owner', 'privileges', 'default_privileges'];
COMMENT ON FUNCTION pggit.ddl_phases() IS
    'The phases of a DDL script, in order: settings; schemas, extensions, collations, enum and range types, composite types, domains, sequences, functions that use no table type; foreign-data wrappers, servers, user mappings; tables and foreign tables (inheritance and partition parents first), their column settings, sequence ownership, functions that use a table type, aggregates; primary/unique/check/exclusion constraints, indexes, partition index attachments, foreign keys (after every table: mutual references need nothing special), replica identities; views (one after another it names), materialized views and their indexes, extended statistics, triggers, rules, policies, event triggers, publications, subscriptions; comments, owners, privileges, and last the default privileges (so that they do not apply to what the script creates).';

CREATE OR REPLACE FUNCTION pggit.ddl_mentions(statement text, object_key text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN strpos(pggit.key_identity(object_key), '(') > 1
    -- a routine, called by name, past the CREATE line that names the routine itself
    THEN strpos(substr(statement, strpos(statement, E'\n') + 1),
                substr(pggit.key_identity(object_key), 1, strpos(pggit.key_identity(object_key), '('))) > 0
    -- a view, named in its query (from " AS" and a newline on)
    ELSE strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || ' ') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || E'\n') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || ')') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || ';') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || '.') > 0 END;
COMMENT ON FUNCTION pggit.ddl_mentions(text, text) IS 'Whether a CREATE statement of a routine or view names another object: a routine (its identity has parentheses) by its name and an opening parenthesis after the statement''s first line, a view by its identity followed by a space, newline, parenthesis, semicolon or dot from " AS" and a newline on. What orders routines and views in pggit.ddl_statements.';

CREATE OR REPLACE FUNCTION pggit.ddl_statements(objects jsonb)
    RETURNS TABLE (ord integer, object_key text, statement text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Every object's statements are written once (pggit.object_ddl) and held in three arrays, read
-- only by unnest (subscripting an array of text costs its position); the phases whose order
-- depends on what a statement names are ordered here, into rank (an integer per statement).
DECLARE
    phases text[] := pggit.ddl_phases();
    ph text;
    r_phases text[];
    r_keys text[];
    r_sqls text[];
    rank integer[];       -- statement ordinal -> its place within its phase, for the phases ordered by reference
    members integer[];    -- the ordinals of one such phase's statements, in their first order
    named jsonb;          -- position in members -> the positions it names
    pending boolean[];
    chosen integer;
    placed integer;
    n integer;
BEGIN
    WITH RECURSIVE items AS (
        SELECT i->>'key' AS k, coalesce(i->>'kind', pggit.key_kind(i->>'key')) AS kind, coalesce(i->>'schema', '') AS schema_name, i->'definition' AS d
          FROM jsonb_array_elements(coalesce(objects, '[]')) i),
    context AS (
        SELECT coalesce(array_agg(pggit.key_identity(k)) FILTER (WHERE kind = 'table'), '{}') AS table_types,
               coalesce(array_agg(pggit.key_identity(k)) FILTER (WHERE kind = 'materialized_view'), '{}') AS matviews FROM items),
    parents AS (   -- inheritance and partition parents
        SELECT pggit.key_identity(k) AS child, p.parent FROM items,
               LATERAL (SELECT d->>'partition_of' WHERE d ? 'partition_of'
                        UNION ALL SELECT * FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'inherits') = 'array' THEN d->'inherits' ELSE '[]' END)) p(parent)
         WHERE kind = 'table'),
    up(child, ancestor, depth) AS (
        SELECT child, parent, 1 FROM parents
        UNION ALL
        SELECT up.child, p.parent, up.depth + 1 FROM up JOIN parents p ON p.child = up.ancestor WHERE up.depth < 100),
    depths AS (SELECT child, max(depth) AS depth FROM up GROUP BY child),
    statements AS (
        SELECT 1 AS phase_no, 0 AS depth, '' AS k, 0::bigint AS n, 'settings' AS phase, 'SET check_function_bodies = off;' AS statement
        UNION ALL
        SELECT array_position(phases, o.phase), CASE WHEN o.phase = 'table' AND i.kind = 'table' THEN coalesce(dp.depth, 0) ELSE 0 END,
               i.k, o.n, o.phase, o.statement
          FROM items i CROSS JOIN context c
               LEFT JOIN depths dp ON dp.child = pggit.key_identity(i.k)
               CROSS JOIN LATERAL pggit.object_ddl(i.k, i.kind, i.schema_name, i.d, c.table_types, c.matviews) WITH ORDINALITY AS o(phase, statement, n))
    SELECT array_agg(s.phase ORDER BY s.phase_no, s.depth, s.k COLLATE "C", s.n), array_agg(s.k ORDER BY s.phase_no, s.depth, s.k COLLATE "C", s.n),
           array_agg(s.statement ORDER BY s.phase_no, s.depth, s.k COLLATE "C", s.n)
      INTO r_phases, r_keys, r_sqls FROM statements s;
    rank := array_fill(0, ARRAY[cardinality(r_phases)]);

    FOREACH ph IN ARRAY ARRAY['function', 'function_late', 'view', 'materialized_view'] LOOP
        -- one that names another (pggit.ddl_mentions) after it, stable otherwise; in a cycle (which
        -- cannot happen between views) the first of those left
        SELECT coalesce(array_agg(u.i ORDER BY u.i), '{}') INTO members FROM unnest(r_phases) WITH ORDINALITY u(p, i) WHERE u.p = ph;
        n := cardinality(members);
        CONTINUE WHEN n = 0;
        WITH m AS (   -- needle: what a statement that names it must contain (a cheap test before pggit.ddl_mentions)
            SELECT u.k, u.s, row_number() OVER (ORDER BY u.i) AS pos,
                   CASE WHEN strpos(pggit.key_identity(u.k), '(') > 1 THEN split_part(pggit.key_identity(u.k), '(', 1) || '(' ELSE pggit.key_identity(u.k) END AS needle
              FROM unnest(r_phases, r_keys, r_sqls) WITH ORDINALITY u(p, k, s, i) WHERE u.p = ph)
        SELECT coalesce(jsonb_object_agg(v, os), '{}') INTO named
          FROM (SELECT a.pos AS v, jsonb_agg(b.pos) AS os FROM m a JOIN m b ON a.pos <> b.pos AND strpos(a.s, b.needle) > 0 AND pggit.ddl_mentions(a.s, b.k)
                 GROUP BY a.pos) x;
        pending := array_fill(true, ARRAY[n]);
        FOR placed IN 1 .. n LOOP
            chosen := NULL;
            FOR v IN 1 .. n LOOP
                CONTINUE WHEN NOT pending[v];
                IF NOT named ? v::text OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(named->(v::text)) o WHERE pending[o::integer]) THEN
                    chosen := v;
                    EXIT;
                END IF;
            END LOOP;
            chosen := coalesce(chosen, array_position(pending, true));
            pending[chosen] := false;
            rank[members[chosen]] := placed;
        END LOOP;
    END LOOP;
    -- a phase's statements are one run of ordinals: those ordered here take its places by rank
    RETURN QUERY SELECT x.pos::integer, x.k, x.s FROM (
        SELECT CASE WHEN rank[u.i] > 0 THEN min(u.i) OVER (PARTITION BY u.p) + rank[u.i] - 1 ELSE u.i END AS pos, u.k, u.s
          FROM unnest(r_phases, r_keys, r_sqls) WITH ORDINALITY u(p, k, s, i)) x
     ORDER BY x.pos;
END
$$;
COMMENT ON FUNCTION pggit.ddl_statements(jsonb) IS
    'The statements that recreate a set of objects on an empty database, in dependency order (the phases of pggit.ddl_phases(); within a phase by object key in C order and each object''s statements in pggit.object_ddl''s order; tables after their inheritance and partition parents; routines and views after those they name), one row each: ord from 1, the object key (empty for the leading SET check_function_bodies = off, as pg_dump writes it), the statement. objects: a JSON array of {"key": "kind:identity", "kind", "schema", "definition"} (kind defaults to the key''s). The one DDL writer: pggit''s Java side and pggit.tree_ddl call it. Errors as pggit.object_ddl''s.';

CREATE OR REPLACE FUNCTION pggit.tree_ddl(tree text)
    RETURNS TABLE (ord integer, object_key text, statement text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
SELECT d.* FROM pggit.ddl_statements((
    SELECT coalesce(jsonb_agg(jsonb_build_object('key', o.object_key, 'kind', o.kind, 'schema', o.schema_name, 'definition', b.definition)), '[]')
      FROM pggit.tree_objects(tree) o JOIN pggit.blob b ON b.hash = o.hash)) d
$$;
COMMENT ON FUNCTION pggit.tree_ddl(text) IS 'The statements that recreate the objects of a tree (a tree hash, as in pggit.commit.tree) on an empty database: pggit.ddl_statements of its objects (for a tree that is not stored, or null, only the leading SET).';
-- ==== api/object_definition.sql =================================================================

-- The DDL of one object at a commit (seed 003 §4.1), from the one DDL writer (ddl/writer.sql).

CREATE OR REPLACE FUNCTION pggit.get_object_definition(p_schema_name text, p_object_name text, p_commit_sha text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The object is found among the tree's objects of that schema (no kind needed): by its key or its
-- identity (schema.name as quote_ident writes it, the name quoted or as the catalog has it; a
-- constraint, trigger, ... as table.name); failing that, a routine by name without its argument
-- types, an index, constraint, trigger, policy or rule by name without its table.
DECLARE
    commit_id text := pggit.resolve(coalesce(p_commit_sha, 'HEAD'));
    root text := (SELECT c.tree FROM pggit.commit c WHERE c.id = commit_id);
    wanted text[];
    found jsonb;
    n integer;
BEGIN
    PERFORM pggit.require_text(p_object_name, 'the object name');
    wanted := ARRAY[p_object_name, quote_ident(p_object_name), quote_ident(coalesce(p_schema_name, '')) || '.' || p_object_name,
                    quote_ident(coalesce(p_schema_name, '')) || '.' || quote_ident(p_object_name), coalesce(p_schema_name, '') || '.' || p_object_name];
    WITH objects AS (
        SELECT e.key AS kind, o.object_key, b.definition
          FROM pggit.tree t, jsonb_each_text(t.entries) e, pggit.subtree_objects(e.value) o, pggit.blob b
         WHERE t.hash = pggit.tree_lookup(root, ARRAY[coalesce(p_schema_name, '')]) AND b.hash = o.hash),
    exact AS (
        SELECT * FROM objects WHERE object_key = p_object_name OR pggit.key_identity(object_key) = ANY (wanted)),
    by_name AS (   -- only when nothing has that identity: a routine without its argument types, an index (a constraint, ...) without its table
        SELECT * FROM objects
         WHERE NOT EXISTS (SELECT 1 FROM exact)
           AND ((strpos(p_object_name, '(') = 0 AND strpos(pggit.key_identity(object_key), '(') > 0
                 AND split_part(pggit.key_identity(object_key), '(', 1) = ANY (wanted))
                OR (kind IN ('index', 'constraint', 'trigger', 'policy', 'rule') AND definition->>'name' IN (p_object_name, btrim(p_object_name, '"'))))),
    matches AS (SELECT * FROM exact UNION ALL SELECT * FROM by_name)
    SELECT count(*), jsonb_agg(jsonb_build_object('key', m.object_key, 'kind', m.kind, 'schema', coalesce(p_schema_name, ''), 'definition', m.definition)
                               ORDER BY m.object_key)
      INTO n, found FROM matches m;
    IF n = 0 THEN
        RAISE EXCEPTION 'pggit: no object % in schema % at commit %', p_object_name, coalesce(p_schema_name, '(none)'), commit_id
            USING ERRCODE = 'undefined_object',
                  HINT = 'Name it as in the schema (a table, view or type by name, a routine by name or with its argument types, as in pggit.object_map''s keys); pggit.tree_objects(tree) lists what the commit has.';
    ELSIF n > 1 THEN
        RAISE EXCEPTION 'pggit: % names % objects in schema % at commit %: %', p_object_name, n, coalesce(p_schema_name, '(none)'), commit_id,
            (SELECT string_agg(x->>'key', ', ') FROM jsonb_array_elements(found) x)
            USING ERRCODE = 'ambiguous_function', HINT = 'Give the argument types of a routine, or the object key (kind:identity).';
    END IF;
    RETURN (SELECT string_agg(s.statement, E'\n' ORDER BY s.ord) || E'\n' FROM pggit.ddl_statements(found) s WHERE s.object_key <> '');
END
$$;
COMMENT ON FUNCTION pggit.get_object_definition(text, text, text) IS
    'The DDL that recreates one object as it was at a commit (a revision as pggit.resolve takes it; HEAD by default): the statements pggit.ddl_statements writes for it (CREATE, the ALTERs CREATE cannot say, comments, owner, privileges), one per line group, newline-terminated. The object is named without its kind: within schema p_schema_name (null or the empty string for objects of no schema: event triggers, publications, ...) by name (quoted or not), by identity (a routine with its argument types, as in its key), or by object key; failing that by name alone: a routine without its argument types, an index, constraint, trigger, policy or rule without its table. Errors: undefined_object for a revision or object that does not exist at that commit, ambiguous_function when the name fits several objects (the hint says how to choose), invalid_parameter_value for a null or blank object name.';

-- Privileges: nothing granted to PUBLIC; roles pggit_reader, pggit_writer, pggit_admin. Conflicts
-- restored by use_tracked run as the object's owner (check/conflicts.sql above). Re-applied by every step.
-- ==== security/privileges.sql ===================================================================

-- Privileges, PostgreSQL's own way (as contrib modules do): nothing in schema pggit is granted to
-- PUBLIC; three NOLOGIN roles hold what each kind of user may do, each including the one before:
--   pggit_reader  read history, status, drift, checks without fixes, tracking status, export; each of
--                 its functions writes nothing (no row, no temporary table, no transaction id), so
--                 that a hot standby answers them (ReadOnlyTest)
--   pggit_writer  what a migration role needs: commits, deployments, links, recording migrations,
--                 the tracking rules and property switches a build names, and the writer's step of
--                 a check (record_conflicts)
--   pggit_admin   pause, emergency, purge, conflict resolution, adoption and fixes, checkout
-- Roles are cluster-wide: created when missing, never dropped. This file runs at the end of every
-- install script and every upgrade step, so a function added or re-created by a step gets its
-- privileges again. PrivilegesTest holds the decision for every function: one added without a
-- line here fails it.

-- Roles are cluster-wide while an install's lock is per database: two databases of one server
-- installing at the same moment both find a role missing, and the second CREATE ROLE (or GRANT, or
-- COMMENT) waits for the first one's row in pg_authid (pg_auth_members, pg_shdescription) and then
-- fails on the unique index. Each step therefore takes "it exists now" for success.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
                 ('pggit_reader', NULL, 'pggit: reads history, status, drift and checks in every database where pggit is installed (GRANT pggit_reader TO <role>).'),
                 ('pggit_writer', 'pggit_reader', 'pggit: what a migration role needs (commits, deployments, migration links, the build''s tracking rules); includes pggit_reader.'),
                 ('pggit_admin', 'pggit_writer', 'pggit: pause, emergency, purge, conflict resolution, adoption of drift; includes pggit_writer.'))
                 AS x(role, includes, comment) LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r.role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;   -- another database's install created it meanwhile
            END;
        END IF;
        IF r.includes IS NOT NULL AND NOT pg_has_role(r.role, r.includes, 'MEMBER') THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I', r.includes, r.role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
        IF shobj_description((SELECT a.oid FROM pg_roles a WHERE a.rolname = r.role), 'pg_authid') IS DISTINCT FROM r.comment THEN
            BEGIN
                EXECUTE format('COMMENT ON ROLE %I IS %L', r.role, r.comment);
            EXCEPTION WHEN unique_violation OR internal_error THEN
                NULL;   -- another install wrote it meanwhile ("tuple concurrently updated" is XX000)
            END;
        END IF;
    END LOOP;
END
$$;

REVOKE ALL ON SCHEMA pggit FROM PUBLIC;
GRANT USAGE ON SCHEMA pggit TO pggit_reader;

REVOKE ALL ON ALL TABLES IN SCHEMA pggit FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA pggit FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA pggit FROM PUBLIC;
REVOKE ALL ON TYPE pggit.tree_edit, pggit.change_row, pggit.cqrs_change, pggit.catalog_entry FROM PUBLIC;
GRANT USAGE ON TYPE pggit.tree_edit, pggit.change_row, pggit.cqrs_change, pggit.catalog_entry TO pggit_reader;

-- The history is the reader's to read; nobody writes a table but through the functions below,
-- except the resolution columns of a conflict, which an admin's resolve_conflict writes.
GRANT SELECT ON ALL TABLES IN SCHEMA pggit TO pggit_reader;
GRANT UPDATE (resolved_at, resolved_by, resolution, reason, result) ON pggit.conflict TO pggit_admin;

-- reader: pure helpers and the catalog reader (SECURITY INVOKER: they see what the caller sees)
GRANT EXECUTE ON FUNCTION
    pggit.sha256_hex(text), pggit.require_text(text, text), pggit.key_identity(text), pggit.key_kind(text),
    pggit.directive_of(text), pggit.without_directives(jsonb), pggit.acl_text(aclitem[], "char", oid),
    pggit.firing_state("char"), pggit.without_properties(jsonb, boolean, boolean, boolean),
    pggit.tracked_schemas(), pggit.tracked_relations(),
    pggit.read_schemas(oid[]), pggit.read_relations(oid[]), pggit.read_sequences(oid[]), pggit.read_indexes(oid[]),
    pggit.read_constraints(oid[]), pggit.read_triggers(oid[]), pggit.read_routines(oid[]), pggit.read_types(oid[]),
    pggit.read_policies(oid[]), pggit.read_rules(oid[]), pggit.read_collations(oid[]), pggit.read_event_triggers(oid[]),
    pggit.read_publications(oid[]), pggit.read_subscriptions(oid[]), pggit.read_foreign_data_wrappers(oid[]),
    pggit.read_servers(oid[]), pggit.read_user_mappings(oid[]), pggit.read_default_privileges(oid[]),
    pggit.read_extensions(oid[]), pggit.read_statistics(oid[]), pggit.read_catalog(oid[], oid[]),
    pggit.canonical_entry(pggit.catalog_entry, pggit.tracking_config),
    pggit.tree_path(text, text, text), pggit.tree_lookup(text, text[]), pggit.tree_objects(text),
    pggit.tree_node_shape(jsonb), pggit.subtree_objects(text),
    pggit.diff_trees(text, text), pggit.head_commit(), pggit.resolve(text), pggit.skip_depth(integer), pggit.first_parent_ancestor(text, integer),
    pggit.paint_down(text, text), pggit.check_branch_name(text), pggit.conflicting_parts(jsonb, jsonb, jsonb),
    pggit.merge_definitions(jsonb, jsonb, jsonb, boolean), pggit.three_way(text, text, text, jsonb, jsonb),
    pggit.broken_dependencies(text, text, text, text, jsonb, jsonb), pggit.renames_since(text, text), pggit.conflict_type(boolean, boolean, text, text, text, boolean, text[]), pggit.renames_between(text, text), pggit.final_columns(jsonb, jsonb, boolean),
    pggit.align_columns(jsonb, jsonb, jsonb),
    pggit.three_way_overlay(text, jsonb, text, jsonb, text, jsonb), pggit.virtual_merge_base(text[]), pggit.with_base_parts(jsonb, jsonb, text[]),
    pggit.affected_objects(bigint[], text), pggit.is_tracked(text, text, text, text, text, text), pggit.rules_in_force(text), pggit.journal_kept(text, text, text), pggit.renamed_columns(jsonb, jsonb),
    pggit.compute_changes(boolean, bigint[], text), pggit.journal_ids(text), pggit.gather_changes(boolean, text, text), pggit.check_patterns(text, text[], boolean), pggit.never_matches(text), pggit.like_pattern(text), pggit.check_duration(interval),
    pggit.try_regtype(text), pggit.function_bump(jsonb, jsonb), pggit.live_owner(oid, oid), pggit.live_definition(text),
    pggit.session_alive(integer, timestamptz)
TO pggit_reader;

-- reader: history, status, drift, checks, reports
GRANT EXECUTE ON FUNCTION
    pggit.version(), pggit.commit_summary(text), pggit.status(), pggit.drift(), pggit.log(integer, text), pggit.show(text),
    pggit.diff(text, text), pggit.object_history(text), pggit.list_ignore_patterns(), pggit.tracking_status(),
    pggit.function_key(text), pggit.list_function_versions(text), pggit.get_function_version(text),
    pggit.history_tables(), pggit.verify_consistency(boolean, boolean, text[]), pggit.drift_findings(jsonb, boolean),
    pggit.tracking_overhead_report(), pggit.server_moved(),
    pggit.compare_environments(text, text), pggit.fsck(), pggit.summary(),
    pggit.commit_hash_text(text, text[], text, timestamptz, text, text),
    pggit.blame(text, text), pggit.object_line(text, text),
    pggit.list_branches(), pggit.merge_bases(text, text), pggit.find_merge_base(text, text), pggit.ahead_behind(text, text),
    pggit.detect_merge_conflicts(text, text), pggit.get_conflicts_by_type(bigint, text), pggit.get_conflict_statistics(bigint),
    pggit.get_merge_status(bigint), pggit.unlinked_migrations(text), pggit.diff_branches(text, text),
    pggit.object_identities(text, text), pggit.add_object_counts(jsonb, jsonb), pggit.tree_object_counts(text),
    pggit.get_current_schema(), pggit.list_objects(text), pggit.get_commit_history(integer, integer),
    pggit.get_object_history(text, text, integer), pggit.diff_commits(text, text), pggit.get_object_metadata(text, text, text)
TO pggit_reader;

-- reader: the DDL writer (ddl/writer.sql) and the DDL of an object at a commit
GRANT EXECUTE ON FUNCTION
    pggit.ddl_quote(text), pggit.ddl_literal(text), pggit.ddl_options(jsonb), pggit.ddl_column(jsonb), pggit.ddl_enable(text),
    pggit.ddl_phases(), pggit.ddl_mentions(text, text), pggit.acl_grants(text, text, text),
    pggit.object_ddl(text, text, text, jsonb, text[], text[]), pggit.ddl_statements(jsonb), pggit.tree_ddl(text),
    pggit.get_object_definition(text, text, text)
TO pggit_reader;

-- writer: recording migrations, commits, deployments, links, the build's tracking rules
GRANT EXECUTE ON FUNCTION
    pggit.register_tool_table(text), pggit.open_deployment(text, text, text, integer, text), pggit.close_deployment(bigint, text),
    pggit.close_interrupted_deployments(), pggit.record_drift_scan(bigint),
    pggit.record_migration(bigint, jsonb, text, text, text, text), pggit.record_migration_fail_open(bigint, jsonb, text),
    pggit.set_tool_deployment_id(bigint, text), pggit.record_capture_failure(bigint, text, text, text),
    pggit.backfill_flyway_links(bigint, text, text), pggit.backfill_liquibase_links(bigint, text, text, bigint[], integer[]),
    pggit.commit(text),
    pggit.export_schema_snapshot(text),   -- with a path it writes a server file (and checks pg_write_server_files): not a reader's
    pggit.configure_tracking(text[], text[], text[], text[]), pggit.configure(text[], text[], text[], text[]),
    pggit.configure_properties(boolean, boolean, boolean), pggit.add_ignore_pattern(text),
    pggit.apply_build_rules(text, text[], text[], text[], text[], text[]),
    pggit.remove_ignore_pattern(text), pggit.remove_directive(text),
    pggit.begin_deployment(text, boolean), pggit.end_deployment(text, text[], text), pggit.refresh_tracking_windows(),
    pggit.link_migration(text, text, text), pggit.link_migration(bigint, text, text),
    pggit.track_function(text, text, jsonb), pggit.record_cqrs_commit(text, pggit.cqrs_change, text),
    pggit.track_cqrs_change(pggit.cqrs_change, boolean), pggit.track_cqrs_change(text, text, text, text),
    pggit.detect_conflicts(), pggit.record_conflicts(boolean), pggit.rebaseline_after_move(),
    pggit.create_branch(text, text, text), pggit.create_feature_branch(text, text), pggit.delete_branch(text, boolean),
    pggit.merge_branch(text, text, text, text), pggit.complete_merge(bigint, boolean), pggit.abort_merge(bigint),
    pggit.resolve_merge_conflict(uuid, text, text), pggit.resolve_conflicts_batch(bigint, text[], text, text),
    pggit.resolve_conflict_manually(uuid, text, text), pggit.record_manual_resolution(uuid, jsonb, text, text), pggit.open_merge_conflict(uuid),
    pggit.rollback_merge(bigint, text), pggit.record_dependency_conflict(bigint, text, text, text),
    pggit.create_merge_request(text, text, text, text, text), pggit.approve_merge_request(uuid, text), pggit.close_merge_request(uuid, text)
TO pggit_writer;

-- admin: pause, emergency, purge, conflicts, adoption, another run's deployment
GRANT EXECUTE ON FUNCTION
    pggit.pause_tracking(interval), pggit.resume_tracking(), pggit.emergency_disable(interval), pggit.emergency_enable(),
    pggit.abandon_deployment(bigint), pggit.adopt(text), pggit.commit_changes(text, text, text, bigint, boolean, text[], text),
    pggit.restore_tracked(text, text, jsonb, boolean), pggit.execute_as_owner(text, text, text, boolean),
    pggit.restore_table(text, text, jsonb, boolean), pggit.table_ddl(jsonb), pggit.table_alters(text, jsonb, jsonb), pggit.column_ddl(jsonb),
    pggit.resolve_conflict(uuid, text, text, boolean), pggit.resolve_conflict(text, text, text, boolean), pggit.resolve_conflict(bigint, text, text), pggit.purge_history(interval, boolean),
    pggit.configure_merges(boolean),
    pggit.finish_checkout(text), pggit.checkout(text, boolean, boolean)
TO pggit_admin;

-- nobody but pggit's owner: the event trigger functions (event triggers call them whoever runs the
-- DDL), the installer's baseline, and tree plumbing that writes the store:
--   pggit.journal_ddl(), pggit.journal_drop(), pggit.baseline(), pggit.put_tree(jsonb),
--   pggit.write_tree(text, pggit.tree_edit[]), pggit.write_trie(text, integer, jsonb), pggit.build_trie(jsonb, integer),
--   pggit.check_server() (the writers' once-per-session server check),
--   pggit.commit_graph() (the trigger that sets a new commit's depth and skip),
--   pggit.commit_object_counts(), pggit.change_object_counts() (the triggers that keep a commit's object_counts),
--   the merge's store plumbing: pggit.merged_tree(bigint), pggit.merge_base_tree(text, text), pggit.put_blob(jsonb), pggit.write_commit(text, text[], text, text, text),
--   pggit.write_merge_commit(bigint), pggit.finish_merge(bigint, text), pggit.merge_status_check(pggit.merge),
--   pggit.merge_gate(text, text), pggit.mark_merge_request_merged(uuid, bigint) (pggit.merge_branch's steps)

-- ==== release.sql ===============================================================================

-- The version this install script or upgrade step brings; written last.

INSERT INTO pggit.schema_version (version) VALUES ('0.2');
