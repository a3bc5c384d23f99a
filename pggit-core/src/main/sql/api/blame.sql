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
