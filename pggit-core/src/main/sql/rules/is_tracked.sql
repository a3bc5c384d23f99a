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
