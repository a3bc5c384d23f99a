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
