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
