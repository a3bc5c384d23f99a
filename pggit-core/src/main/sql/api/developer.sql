-- The developer surface of seed 003 §4.1 (issue 16): navigation and history under the seed's names,
-- thin over pggit's own readers (pggit.log, pggit.object_history, pggit.diff) and the per-commit
-- object counts (store/object_counts.sql). Revisions are anything pggit.resolve takes (a commit id,
-- a unique prefix, a branch, HEAD, ~N); null means HEAD. An object is named by schema and name as
-- psql shows them (quoted or not), or, with a null schema, by its key or identity
-- ('table:app.meter', 'app.meter').

CREATE OR REPLACE FUNCTION pggit.object_identities(p_schema_name text, p_object_name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN p_schema_name IS NULL THEN ARRAY[pggit.key_identity(p_object_name)]
        WHEN p_object_name IS NULL THEN ARRAY[quote_ident(p_schema_name), p_schema_name]
        ELSE ARRAY[quote_ident(p_schema_name) || '.' || p_object_name, quote_ident(p_schema_name) || '.' || quote_ident(p_object_name),
                   p_schema_name || '.' || p_object_name] END;
COMMENT ON FUNCTION pggit.object_identities(text, text) IS
    'Plumbing of the developer surface: the identities (object keys without their kind) an object named by schema and name may have: the schema quoted as pggit quotes it (quote_ident) with the name as given or quoted; both null-safe: a null schema takes p_object_name as a key or identity, a null name names the schema itself.';

CREATE OR REPLACE FUNCTION pggit.get_current_schema()
    RETURNS TABLE (branch text, commit_sha text, tree text, committed_at timestamptz, author text, message text,
                   total_objects bigint, object_counts jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT h.branch, c.id, c.tree, c.committed_at, c.author, c.message,
       (SELECT sum(e.value::bigint) FROM jsonb_each_text(coalesce(c.object_counts, pggit.tree_object_counts(c.tree))) e)::bigint,
       coalesce(c.object_counts, pggit.tree_object_counts(c.tree))
  FROM pggit.head h
  LEFT JOIN pggit.ref r ON r.name = h.branch
  LEFT JOIN pggit.commit c ON c.id = r.commit_id
$$;
COMMENT ON FUNCTION pggit.get_current_schema() IS
    'The schema state at HEAD (seed 003 get_current_schema), one row: the checked-out branch, its commit (id, tree hash, time, author, message), and its objects: total_objects and object_counts per kind ({"table": 12, "index": 7, ...}, from the counts stored with each commit: no tree walk). Before the first commit the branch alone (the rest null). pggit.list_objects(NULL) lists the objects themselves.';

CREATE OR REPLACE FUNCTION pggit.list_objects(p_commit_sha text DEFAULT NULL)
    RETURNS TABLE (schema_name text, object_name text, object_type text, created_at timestamptz, created_by text,
                   object_key text, created_in text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- created_*: one pass over the adds and renames of the history up to the commit (the newest per key,
-- hash-joined to the tree's objects) instead of one index probe per object: about the same time on
-- 1,400 objects (30 ms either way), and it grows with the adds of the history, not with index probes
-- per object of a large tree.
WITH target AS (
    SELECT c.id, c.seq, c.tree FROM pggit.commit c WHERE c.id = pggit.resolve(coalesce(p_commit_sha, 'HEAD'))
), adds AS (
    SELECT DISTINCT ON (ch.object_key) ch.object_key, c.id, c.committed_at, c.author
      FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id CROSS JOIN target t
     WHERE ch.change IN ('A', 'R') AND c.seq <= t.seq
     ORDER BY ch.object_key, c.seq DESC
)
SELECT o.schema_name,
       CASE WHEN o.kind = 'schema' THEN o.schema_name
            WHEN starts_with(pggit.key_identity(o.object_key), quote_ident(o.schema_name) || '.')
                THEN substr(pggit.key_identity(o.object_key), length(quote_ident(o.schema_name)) + 2)
            ELSE pggit.key_identity(o.object_key) END,
       o.kind, a.committed_at, a.author, o.object_key, a.id
  FROM target t
 CROSS JOIN LATERAL pggit.tree_objects(t.tree) o
  LEFT JOIN adds a ON a.object_key = o.object_key
 ORDER BY o.schema_name, o.kind, o.object_key
$$;
COMMENT ON FUNCTION pggit.list_objects(text) IS
    'Every object of a commit''s tree (p_commit_sha: any revision pggit.resolve takes; null: HEAD), by schema, kind and key: schema_name, object_name (its identity without the schema, e.g. meter, meter.meter_pkey, latest(integer)), object_type (the kind), and created_at / created_by / created_in: the time, author and commit of the newest commit at or before it that added the object under this key or renamed it to it (on a branch merged in, the merge commit when it brought the object to the first-parent line). Errors: undefined_object for a revision that names nothing (pggit.resolve).';

CREATE OR REPLACE FUNCTION pggit.get_commit_history(p_limit integer DEFAULT 20, p_offset integer DEFAULT 0)
    RETURNS TABLE (commit_sha text, author text, message text, committed_at timestamptz, parent_shas text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_limit IS NULL OR p_limit < 0 OR p_offset IS NULL OR p_offset < 0 THEN
        RAISE EXCEPTION 'pggit: p_limit and p_offset must be 0 or more (got % and %)', p_limit, p_offset
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT l.commit_id, l.author, l.message, l.committed_at, l.parents
      FROM pggit.log(p_limit + p_offset, 'HEAD') l
     OFFSET p_offset;
END
$$;
COMMENT ON FUNCTION pggit.get_commit_history(integer, integer) IS
    'A page of HEAD''s history, newest first (seed 003 get_commit_history; git log --skip=p_offset -n p_limit): commit id, author, message, time and parents (first parent first; two for a merge). pggit.log underneath: reads about p_limit + p_offset commits, however long the history. Errors: invalid_parameter_value for a null or negative p_limit or p_offset.';

CREATE OR REPLACE FUNCTION pggit.get_object_history(p_schema_name text, p_object_name text, p_limit integer DEFAULT 10)
    RETURNS TABLE (commit_sha text, change_type text, author text, committed_at timestamptz, message text,
                   object_key text, old_key text, migration_tool text, migration_id text, migration_description text,
                   migration_script text, deployment_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The identities the object had: its own, and back through every rename into one of them
-- (pggit.object_history finds an object by its current or its previous key, one rename at a time).
WITH RECURSIVE ids(identity) AS (
    SELECT unnest(pggit.object_identities(p_schema_name, p_object_name))
    UNION
    SELECT pggit.key_identity(ch.old_key)
      FROM ids JOIN pggit.change ch ON ch.identity = ids.identity
     WHERE ch.change = 'R' AND ch.old_key IS NOT NULL
), hist AS (
    SELECT DISTINCT ON (h.commit_id, h.object_key) h.*
      FROM ids CROSS JOIN LATERAL pggit.object_history(ids.identity) h
)
SELECT h.commit_id, h.change, c.author, h.committed_at, h.message, h.object_key, h.old_key,
       l.tool, l.migration_id, l.description, l.script, c.deployment_id
  FROM hist h
  JOIN pggit.commit c ON c.id = h.commit_id
  LEFT JOIN LATERAL (SELECT x.tool, x.migration_id, x.description, x.script FROM pggit.migration_link x
                      WHERE x.commit_id = h.commit_id AND x.new_commit ORDER BY x.id LIMIT 1) l ON true
 ORDER BY c.seq DESC, h.object_key
 LIMIT p_limit
$$;
COMMENT ON FUNCTION pggit.get_object_history(text, text, integer) IS
    'The newest p_limit changes of an object (seed 003 get_object_history; null p_limit: all), newest first, following renames back to its earlier names: commit id, change_type (A added, M modified, R renamed from old_key, D deleted), author, time, message, the object''s key then, and the migration that made the commit (its first link: tool, version or changeset id, description, script; null for a commit no migration made) and its deployment. The object: p_schema_name and p_object_name as psql shows them (app, meter; app, latest(integer); app, meter.meter_pkey), or a null schema and a key or identity. Empty when the history has no such object.';

CREATE OR REPLACE FUNCTION pggit.diff_commits(p_old_commit_sha text, p_new_commit_sha text)
    RETURNS TABLE (object_path text, change_type text, object_type text, old_definition jsonb, new_definition jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT d.object_key, d.change, d.kind, d.old_definition, d.new_definition
  FROM pggit.diff(p_old_commit_sha, coalesce(p_new_commit_sha, 'HEAD')) d
$$;
COMMENT ON FUNCTION pggit.diff_commits(text, text) IS
    'What changed between two revisions'' trees (seed 003 diff_commits; pggit.diff underneath): object_path is the object key (kind:identity, e.g. table:app.meter), change_type A (added), M (modified) or D (deleted; a rename shows as a delete and an add), its kind, and its stored definitions (jsonb, null on the side it is absent; the DDL waits for get_object_definition). p_new_commit_sha null: HEAD. Errors: undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.get_object_metadata(p_schema_name text, p_object_name text, p_commit_sha text DEFAULT NULL)
    RETURNS TABLE (object_type text, size bigint, last_modified_at timestamptz, modified_by text,
                   object_key text, definition_hash text, last_commit_sha text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The object is looked up in the commit's tree under each kind of its schema's node (a handful of
-- small-node lookups); its last change is the newest change row that gave its key the definition it has there.
DECLARE
    t record;
    n bigint;
BEGIN
    SELECT c.id, c.seq, c.tree INTO t FROM pggit.commit c WHERE c.id = pggit.resolve(coalesce(p_commit_sha, 'HEAD'));
    RETURN QUERY
    WITH ids AS (SELECT unnest(pggit.object_identities(p_schema_name, p_object_name)) AS identity),
    sch AS (
        -- a null schema: the first part of the identity, as written or unquoted
        SELECT DISTINCT coalesce(p_schema_name, s.schema_name) AS schema_name
          FROM (SELECT split_part(ids.identity, '.', 1) AS schema_name FROM ids
                UNION SELECT replace(trim(both '"' FROM split_part(ids.identity, '.', 1)), '""', '"') FROM ids) s
    ), hits AS (
        SELECT DISTINCT k.kind, k.kind || ':' || ids.identity AS object_key,
               pggit.tree_lookup(t.tree, pggit.tree_path(sch.schema_name, k.kind, k.kind || ':' || ids.identity)) AS hash
          FROM sch
         CROSS JOIN LATERAL jsonb_object_keys(coalesce((SELECT x.entries FROM pggit.tree x
                                                        WHERE x.hash = pggit.tree_lookup(t.tree, ARRAY[sch.schema_name])), '{}')) k(kind)
         CROSS JOIN ids
    )
    SELECT h.kind, octet_length(b.definition::text)::bigint, lc.committed_at, lc.author, h.object_key, h.hash, lc.id
      FROM hits h
      JOIN pggit.blob b ON b.hash = h.hash
      LEFT JOIN LATERAL (SELECT c.id, c.committed_at, c.author
                           FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
                          WHERE ch.object_key = h.object_key AND ch.new_hash = h.hash AND c.seq <= t.seq
                          ORDER BY c.seq DESC LIMIT 1) lc ON true
     WHERE h.hash IS NOT NULL
     ORDER BY h.object_key;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RAISE EXCEPTION 'pggit: no object % at %', concat_ws('.', p_schema_name, p_object_name), left(t.id, 12)
            USING ERRCODE = 'undefined_object',
                  HINT = 'pggit.list_objects(' || quote_nullable(p_commit_sha) || ') lists the objects there.';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.get_object_metadata(text, text, text) IS
    'Metadata of an object at a commit (seed 003 get_object_metadata; p_commit_sha: any revision, null: HEAD), one row per object of that name (a name can be a table and a type, say): object_type (its kind), size (bytes of its stored definition: the canonical JSON text of pggit.blob, which its hash is over), last_modified_at and modified_by (time and author of the newest commit at or before it that gave the object this definition), its key, definition hash and that commit. Errors: undefined_object when the commit''s tree has no such object, or the revision names nothing.';
