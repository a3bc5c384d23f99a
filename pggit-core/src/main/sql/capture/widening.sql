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
