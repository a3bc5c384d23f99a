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
