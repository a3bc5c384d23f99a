-- The rules for one change, in order of precedence.

CREATE OR REPLACE FUNCTION pggit.is_tracked(change text, object_key text, kind text, schema_name text, directive text)
    RETURNS boolean
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The tracking rules for one change, in order of precedence:
--   1. the object's directive (in its comment now, or seen before and kept): ignore or track;
--   2. ignore patterns (% the only wildcard, pggit.like_pattern) matched against '<command tag> <identity>', where the command tag is
--      the one the change implies: CREATE <KIND> (added), DROP <KIND> (deleted), ALTER <KIND>
--      (modified, renamed), or CREATE <KIND> too for the kinds PostgreSQL can CREATE OR REPLACE
--      (functions, procedures, aggregates, views, triggers, rules), e.g. 'CREATE INDEX query.%';
--   3. operation filters: ignore_operations, then track_operations, as prefixes of that tag;
--   4. schemas: track_schemas (when set), then ignore_schemas, % the only wildcard.
DECLARE
    d text := coalesce(directive, (SELECT o.directive FROM pggit.object_directive o WHERE o.object_key = is_tracked.object_key));
    cfg pggit.tracking_config;
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
    IF EXISTS (SELECT 1 FROM pggit.ignore_pattern p, unnest(cmds) c WHERE c LIKE pggit.like_pattern(p.pattern)) THEN
        RETURN false;
    END IF;
    SELECT * INTO cfg FROM pggit.tracking_config;
    IF EXISTS (SELECT 1 FROM unnest(cfg.ignore_operations) op, unnest(cmds) c WHERE starts_with(c || ' ', upper(op) || ' ')) THEN
        RETURN false;
    END IF;
    IF cfg.track_operations IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM unnest(cfg.track_operations) op, unnest(cmds) c WHERE starts_with(c || ' ', upper(op) || ' ')) THEN
        RETURN false;
    END IF;
    IF cfg.track_schemas IS NOT NULL AND NOT EXISTS (SELECT 1 FROM unnest(cfg.track_schemas) p WHERE schema_name LIKE pggit.like_pattern(p)) THEN
        RETURN false;
    END IF;
    RETURN NOT EXISTS (SELECT 1 FROM unnest(cfg.ignore_schemas) p WHERE schema_name LIKE pggit.like_pattern(p));
END
$$;
COMMENT ON FUNCTION pggit.is_tracked(text, text, text, text, text) IS
    'Whether the tracking rules keep one change (A, M, D, R) of an object: directive, then ignore patterns, then operation filters, then schema include/exclude.';
