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
