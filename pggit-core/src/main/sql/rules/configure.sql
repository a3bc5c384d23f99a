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
