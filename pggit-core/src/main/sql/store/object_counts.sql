-- Objects per kind of every commit's tree (pggit.commit.object_counts), kept by the writers' own
-- inserts: a new commit starts from its first parent's counts (BEFORE INSERT on pggit.commit) and
-- its change rows, the diff from that parent, add to them (AFTER INSERT on pggit.change, once per
-- statement). So pggit.schema_growth_history and pggit.get_current_schema read counts instead of
-- walking trees, and no writer (capture/commit_writer.sql, pggit.write_commit) has to know.

CREATE OR REPLACE FUNCTION pggit.add_object_counts(base jsonb, delta jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(jsonb_object_agg(k, n ORDER BY k) FILTER (WHERE n <> 0), '{}')
              FROM (SELECT e.key AS k, sum(e.value::bigint) AS n
                      FROM (SELECT * FROM jsonb_each_text(coalesce(base, '{}'))
                            UNION ALL SELECT * FROM jsonb_each_text(coalesce(delta, '{}'))) e
                     GROUP BY e.key) s);
COMMENT ON FUNCTION pggit.add_object_counts(jsonb, jsonb) IS
    'Plumbing: adds two objects-per-kind maps ({"table": 3} + {"table": -1, "view": 1} = {"table": 2, "view": 1}); kinds that reach 0 are left out. Null counts as {}.';

CREATE OR REPLACE FUNCTION pggit.tree_object_counts(root text) RETURNS jsonb
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    RETURN (SELECT coalesce(jsonb_object_agg(s.kind, s.n ORDER BY s.kind), '{}')
              FROM (SELECT o.kind, count(*) AS n FROM pggit.tree_objects(root) o GROUP BY o.kind) s);
COMMENT ON FUNCTION pggit.tree_object_counts(text) IS
    'Objects per kind of a tree, by walking it ({"table": 12, "index": 7}; {} for null): what pggit.commit.object_counts holds without the walk; used where a commit''s first parent is not in the store.';

CREATE OR REPLACE FUNCTION pggit.commit_object_counts() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- BEFORE INSERT on pggit.commit: a root starts from {}, a commit from its first parent's counts (its
-- change rows add the difference); null when the first parent is not here (purged): the change
-- trigger then counts the commit's own tree.
BEGIN
    IF cardinality(NEW.parents) = 0 THEN
        NEW.object_counts := '{}';
    ELSE
        NEW.object_counts := (SELECT c.object_counts FROM pggit.commit c WHERE c.id = NEW.parents[1]);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pggit.commit_object_counts() IS
    'Trigger function (BEFORE INSERT on pggit.commit): a new commit''s object_counts start as its first parent''s ({} for a root; null when that parent is not in the store), to which trigger change_object_counts adds its change rows.';
CREATE OR REPLACE TRIGGER commit_object_counts BEFORE INSERT ON pggit.commit FOR EACH ROW EXECUTE FUNCTION pggit.commit_object_counts();

CREATE OR REPLACE FUNCTION pggit.change_object_counts() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- AFTER INSERT on pggit.change, per statement: per commit of the new rows, A and R add one to their
-- kind, D and R (its old key) take one away; a commit whose counts are null (first parent not in the
-- store) gets its tree's counts instead. A writer that later turns an A and a D into an R
-- (pggit.write_merge_commit) changes no count.
BEGIN
    UPDATE pggit.commit c
       SET object_counts = CASE WHEN c.object_counts IS NULL THEN pggit.tree_object_counts(c.tree)
                                ELSE pggit.add_object_counts(c.object_counts, d.delta) END
      FROM (SELECT x.commit_id, jsonb_object_agg(x.kind, x.n) AS delta
              FROM (SELECT y.commit_id, y.kind, sum(y.n) AS n
                      FROM (SELECT r.commit_id, r.kind, CASE r.change WHEN 'D' THEN -1 WHEN 'M' THEN 0 ELSE 1 END AS n FROM new_changes r
                            UNION ALL
                            SELECT r.commit_id, pggit.key_kind(r.old_key), -1 FROM new_changes r WHERE r.change = 'R' AND r.old_key IS NOT NULL) y
                     GROUP BY y.commit_id, y.kind) x
             GROUP BY x.commit_id) d
     WHERE c.id = d.commit_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pggit.change_object_counts() IS
    'Trigger function (AFTER INSERT on pggit.change, per statement): adds the new change rows to their commits'' object_counts (A and R +1 to the kind, D and a rename''s old key -1); a commit without counts (first parent not in the store) gets its tree''s (pggit.tree_object_counts).';
CREATE OR REPLACE TRIGGER change_object_counts AFTER INSERT ON pggit.change REFERENCING NEW TABLE AS new_changes
    FOR EACH STATEMENT EXECUTE FUNCTION pggit.change_object_counts();
