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

CREATE OR REPLACE FUNCTION pggit.restore_tracked(object_key text, change text, tracked jsonb, allow_data_loss boolean DEFAULT false)
    RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Puts one live object back to its tracked definition (change M), recreates it (D), or drops it
-- when HEAD does not have it (A), for the kinds whose definition is a complete statement; a table
-- (change M) with ALTERs built column by column from its stored definition (below).
-- SECURITY INVOKER, and each statement runs as the owner of the object it changes (SET ROLE, as
-- pg_dump --use-set-session-authorization restores): never with the caller's or pggit's rights,
-- since a stored definition (a view, a default, a function body) can call code its author wrote.
-- The caller must be able to become that owner (a member of it; a superuser for a superuser's
-- object); an owner that no longer exists, or a definition without one (owners not tracked), is
-- refused. The statement is built from the definition: quote_ident / format('%I') for names.
DECLARE
    kind text := pggit.key_kind(object_key);
    ident text := pggit.key_identity(object_key);
    live record;
    drop_stmt text;
    create_stmt text;
    rel text;
    col record;
    diffs text[];
    tnames text[];
    lnames text[];
    stmts text[] := '{}';
    losses text[] := '{}';
    unsupported text[] := '{}';
    stmt text;
BEGIN
    SELECT r.classid, r.objid, r.definition INTO live FROM pggit.read_catalog() r WHERE r.object_key = restore_tracked.object_key;
    IF change IN ('A', 'M') THEN
        drop_stmt := CASE kind
            WHEN 'table' THEN format('DROP TABLE %s', live.objid::regclass)
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
        PERFORM pggit.execute_as_owner(drop_stmt, pggit.live_owner(live.classid, live.objid), object_key);
        RETURN drop_stmt;
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
    ELSIF change = 'M' AND kind = 'table' AND live.objid IS NOT NULL THEN
        -- A table, column by column: a column HEAD has and the table lost is added again (last, as
        -- PostgreSQL adds columns: only when that gives HEAD's order back), a column HEAD does not
        -- have is dropped, a column's type, default and NOT NULL are put back. A dropped column or
        -- a changed type loses data: refused unless allow_data_loss. Any other difference (table
        -- properties, comments, privileges, owner, identity, generated, collation, storage, the
        -- order of columns) is refused: a migration puts it back.
        rel := live.objid::regclass::text;
        unsupported := ARRAY(SELECT k FROM (SELECT jsonb_object_keys(live.definition) UNION SELECT jsonb_object_keys(tracked)) ks(k)
                              WHERE k <> 'columns' AND live.definition -> k IS DISTINCT FROM tracked -> k ORDER BY k);
        tnames := ARRAY(SELECT e.c ->> 'name' FROM jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY e(c, n) ORDER BY e.n);
        lnames := ARRAY(SELECT e.c ->> 'name' FROM jsonb_array_elements(live.definition -> 'columns') WITH ORDINALITY e(c, n) ORDER BY e.n);
        IF ARRAY(SELECT u.x FROM unnest(lnames) WITH ORDINALITY u(x, n) WHERE u.x = ANY (tnames) ORDER BY u.n)
           || ARRAY(SELECT u.x FROM unnest(tnames) WITH ORDINALITY u(x, n) WHERE NOT u.x = ANY (lnames) ORDER BY u.n) IS DISTINCT FROM tnames THEN
            unsupported := unsupported || 'the order of its columns (PostgreSQL adds a column last)'::text;
        END IF;
        FOR col IN
            SELECT coalesce(t.c ->> 'name', l.c ->> 'name') AS name, l.c AS lc, t.c AS tc
              FROM jsonb_array_elements(live.definition -> 'columns') WITH ORDINALITY l(c, n)
              FULL JOIN jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY t(c, n) ON t.c ->> 'name' = l.c ->> 'name'
             ORDER BY t.n NULLS FIRST, l.n
        LOOP
            IF col.tc IS NULL THEN
                losses := losses || format('drop column %I and its data', col.name);
                stmts := stmts || format('ALTER TABLE %s DROP COLUMN %I', rel, col.name);
            ELSIF col.lc IS NULL THEN
                unsupported := unsupported || ARRAY(SELECT format('column %I: %s', col.name, k) FROM jsonb_object_keys(col.tc) k
                                                     WHERE k NOT IN ('name', 'type', 'collation', 'default', 'not_null') ORDER BY k);
                stmts := stmts || format('ALTER TABLE %s ADD COLUMN %I %s%s%s%s', rel, col.name, col.tc ->> 'type',
                                         ' COLLATE ' || (col.tc ->> 'collation'), ' DEFAULT ' || (col.tc ->> 'default'),
                                         CASE WHEN (col.tc ->> 'not_null')::boolean THEN ' NOT NULL' ELSE '' END);
            ELSE
                diffs := ARRAY(SELECT k FROM (SELECT jsonb_object_keys(col.lc) UNION SELECT jsonb_object_keys(col.tc)) ks(k)
                                WHERE col.lc -> k IS DISTINCT FROM col.tc -> k ORDER BY k);
                unsupported := unsupported || ARRAY(SELECT format('column %I: %s', col.name, k) FROM unnest(diffs) k
                                                     WHERE k NOT IN ('type', 'default', 'not_null'));
                IF 'default' = ANY (diffs) AND col.lc ? 'default' THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', rel, col.name);
                END IF;
                IF 'type' = ANY (diffs) THEN
                    losses := losses || format('change the type of column %I from %s back to %s', col.name, col.lc ->> 'type', col.tc ->> 'type');
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I TYPE %s%s USING %I::%s', rel, col.name, col.tc ->> 'type',
                                             ' COLLATE ' || (col.tc ->> 'collation'), col.name, col.tc ->> 'type');
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
        IF cardinality(unsupported) > 0 THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: it differs from its tracked definition in %', object_key,
                  array_to_string(unsupported, ', ')
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'use_tracked restores a table''s columns (adds back the columns it lost at the end, drops those HEAD does not have, puts back types, defaults and NOT NULL); write a migration for the rest, or keep the live table with use_current.';
        END IF;
        IF cardinality(losses) > 0 AND NOT coalesce(allow_data_loss, false) THEN
            RAISE EXCEPTION 'pggit: use_tracked would lose data in %: %', object_key, array_to_string(losses, ', ')
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('Resolve it with allow_data_loss => true to run: %s; or keep the live table with use_current.', array_to_string(stmts, '; '));
        END IF;
        FOREACH stmt IN ARRAY stmts LOOP
            PERFORM pggit.execute_as_owner(stmt, pggit.live_owner(live.classid, live.objid), object_key);
        END LOOP;
        IF (SELECT r.definition FROM pggit.read_catalog() r WHERE r.object_key = restore_tracked.object_key) IS DISTINCT FROM tracked THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: its ALTERs (%) did not give its tracked definition back', object_key,
                  array_to_string(stmts, '; ')
                USING ERRCODE = 'feature_not_supported', HINT = 'Nothing was changed. Write a migration that puts it back, or keep the live table with use_current.';
        END IF;
        RETURN format('restored %s to its tracked definition: %s', object_key, array_to_string(stmts, '; '));
    ELSE
        RAISE EXCEPTION 'pggit: use_tracked cannot restore a % (change %) yet: write a migration that puts % back', kind, change, object_key
            USING ERRCODE = 'feature_not_supported';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.restore_tracked(text, text, jsonb, boolean) IS 'Puts one live object back to its tracked definition (M), recreates it (D) or drops it (A), for the kinds whose definition is a complete statement, and a table (M) column by column with ALTERs built from its stored definition (re-adds lost columns at the end, drops columns HEAD does not have, puts back types, defaults and NOT NULL; a dropped column or changed type loses data and is refused unless allow_data_loss; anything else refused), each statement as the object''s owner (SET ROLE; the caller must be able to become it); used by pggit.resolve_conflict. SECURITY INVOKER.';

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

CREATE OR REPLACE FUNCTION pggit.execute_as_owner(statement text, owner text, object_key text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- SECURITY INVOKER: runs statement as role owner (SET LOCAL ROLE), then puts the caller's role back.
DECLARE
    before text := current_setting('role');
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
    EXECUTE statement;
    PERFORM set_config('role', before, true);
END
$$;
COMMENT ON FUNCTION pggit.execute_as_owner(text, text, text) IS 'Runs one statement of a restore as the object''s owner (SET LOCAL ROLE) and puts the caller''s role back; refuses an owner that does not exist or that the session''s role cannot become (insufficient_privilege). SECURITY INVOKER: the statement never runs with more rights than the caller has.';

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
BEGIN
    SELECT * INTO c FROM pggit.conflict x WHERE x.id = conflict_id;
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
        did := pggit.restore_tracked(c.object_key, c.change, (SELECT b.definition FROM pggit.blob b WHERE b.hash = c.tracked_hash),
                                     resolve_conflict.allow_data_loss);
        -- the object equals HEAD again; this only follows its new address (a recreated index has a new oid)
        PERFORM pggit.commit_changes('resolve conflict ' || conflict_id || ' (use_tracked)', 'manual', NULL, NULL, true,
                                     ARRAY[c.object_key]);
    END IF;
    UPDATE pggit.conflict x
       SET resolved_at = clock_timestamp(), resolved_by = session_user, resolution = resolve_conflict.resolution,
           reason = resolve_conflict.reason, result = did
     WHERE x.id = conflict_id;
    RETURN did;
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict(uuid, text, text, boolean) IS
    'Resolves an open conflict, by its id (a UUID, pggit.conflict.id), and records who, when, why and what it did: use_current commits the live definition (origin drift, this object only); use_tracked puts the live object back to HEAD (functions, procedures, views, indexes, constraints, triggers; a table''s columns, refusing a dropped column or a changed type unless allow_data_loss; drops objects HEAD does not have); merge is for conflicts from a merge. Errors: unknown id, already resolved, bad resolution, a kind or difference use_tracked cannot restore, data loss without allow_data_loss.';

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
