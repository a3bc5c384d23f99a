-- Checkout (issue 15): HEAD moves to another branch once the live catalog holds that branch's tree.
-- The plan that changes the catalog is written by the one DDL writer, which is Java's
-- (Pggit.checkout, mvn pggit:checkout, pggit-cli checkout): Java runs it and then
-- pggit.finish_checkout in the same transaction; pggit.checkout is the SQL front, which applies no
-- DDL (a DDL writer in SQL is the "one DDL writer" decision of issue 16).

CREATE OR REPLACE FUNCTION pggit.finish_checkout(branch_name text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Moves HEAD to branch_name and makes the index (pggit.object_map) the live catalog's, without a
-- commit: with HEAD on the branch, the commit writer's full scan compares the index (the tree the
-- catalog had) with the live catalog, updates the index and consumes the journal rows of the DDL
-- that was applied; when the catalog now holds the branch's tree, the tree it computes is the
-- branch's and it writes no commit. A commit means the catalog differs from the branch's tree in
-- what that commit changed; and an object the DDL left as it was shows as the index differing from
-- the tree: either way it raises, naming the objects, and the caller's transaction (the DDL too)
-- rolls back.
DECLARE
    tip text;
    target_tree text;
    cid text;
    differing text[];
BEGIN
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = branch_name;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', branch_name USING ERRCODE = 'undefined_object',
            HINT = 'pggit.list_branches() lists them.';
    END IF;
    SELECT c.tree INTO target_tree FROM pggit.commit c WHERE c.id = tip;
    UPDATE pggit.head SET branch = branch_name;
    cid := pggit.commit_changes('checkout ' || branch_name, 'manual', NULL, NULL, true);
    IF cid IS NOT NULL THEN
        differing := ARRAY(SELECT ch.change || ' ' || ch.object_key FROM pggit.change ch WHERE ch.commit_id = cid ORDER BY ch.object_key);
    ELSE
        differing := ARRAY(
            SELECT coalesce(t.object_key, m.object_key) || CASE WHEN t.object_key IS NULL THEN ' (not on the branch)'
                                                                 WHEN m.object_key IS NULL THEN ' (missing)'
                                                                 ELSE ' (differs)' END
              FROM pggit.object_map m FULL JOIN pggit.tree_objects(target_tree) t ON t.object_key = m.object_key
             WHERE m.hash IS DISTINCT FROM t.hash
             ORDER BY 1);
    END IF;
    IF cardinality(differing) > 0 THEN
        RAISE EXCEPTION 'pggit: checkout of % is not exact: the live catalog differs from the branch''s tree in % object(s): %',
              branch_name, cardinality(differing),
              array_to_string(differing[1:20], ', ') || CASE WHEN cardinality(differing) > 20 THEN format(' and %s more', cardinality(differing) - 20) ELSE '' END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Nothing was changed (the transaction rolls back). The plan does not reach the branch''s tree: write the missing steps as a migration, or report it.';
    END IF;
    RETURN tip;
END
$$;
COMMENT ON FUNCTION pggit.finish_checkout(text) IS
    'The last step of a checkout (Pggit.checkout runs the plan, then this, in one transaction): moves HEAD (pggit.head) to branch branch_name and re-syncs the index (pggit.object_map) with the live catalog without writing a commit (a full scan of the commit writer, which also consumes the journal rows of the applied DDL), then verifies that the live catalog holds exactly the branch''s tree. Returns the branch''s commit id. Raises object_not_in_prerequisite_state naming the differing objects (the first 20) when it does not, so that the whole transaction rolls back; undefined_object for an unknown branch. Needs no DDL of its own: on a catalog that has the branch''s tree already it just moves HEAD.';

CREATE OR REPLACE FUNCTION pggit.unlinked_migrations(rev text)
    RETURNS TABLE (tool text, history_table text, migration text, commit_id text, message text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The migrations the tools' history tables (pggit.history_tables) list as applied that no commit
-- reachable from rev is linked from (pggit.migration_link): after a checkout of rev the catalog
-- lacks what they did while the tool says they ran. Flyway: successful rows but SCHEMA, BASELINE
-- and DELETE, matched by installed rank, or script and version; Liquibase: rows matched by id,
-- author and file, a changeset whose latest link is its rollback counting as unlinked.
DECLARE
    tip text := pggit.resolve(rev);
    reach text[];
    ht record;
BEGIN
    WITH RECURSIVE anc(id) AS (
        SELECT tip
        UNION
        SELECT p FROM anc JOIN pggit.commit c ON c.id = anc.id, unnest(c.parents) p
    )
    SELECT array_agg(a.id) INTO reach FROM anc a;
    FOR ht IN SELECT h.tool, h.table_schema, h.table_name FROM pggit.history_tables() h ORDER BY 1, 2, 3 LOOP
        IF ht.tool = 'flyway' THEN
            RETURN QUERY EXECUTE format($q$
                SELECT 'flyway'::text, %L::text, coalesce('V' || h.version, 'R') || ' ' || h.description || ' (' || h.script || ')',
                       l.commit_id,
                       format('%%s (%%s) is in %%s but %%s', coalesce('V' || h.version, 'R'), h.script, %L,
                              CASE WHEN l.commit_id IS NULL THEN 'linked to no commit'
                                   ELSE format('linked to commit %%s, which %%s does not reach', left(l.commit_id, 12), $2) END)
                  FROM %I.%I h
                  LEFT JOIN LATERAL (SELECT ml.commit_id FROM pggit.migration_link ml
                                      WHERE ml.tool = 'flyway' AND ml.outcome = 'success'
                                        AND (ml.installed_rank = h.installed_rank
                                             OR (ml.installed_rank IS NULL AND ml.script = h.script AND ml.migration_id IS NOT DISTINCT FROM h.version))
                                      ORDER BY coalesce(ml.commit_id = ANY ($1), false) DESC, ml.id DESC LIMIT 1) l ON true
                 WHERE h.success AND h.type NOT IN ('SCHEMA', 'BASELINE', 'DELETE')
                   AND NOT coalesce(l.commit_id = ANY ($1), false)
                 ORDER BY h.installed_rank
            $q$, ht.table_schema || '.' || ht.table_name, ht.table_schema || '.' || ht.table_name, ht.table_schema, ht.table_name)
                USING reach, rev;
        ELSE
            RETURN QUERY EXECUTE format($q$
                SELECT 'liquibase'::text, %L::text, h.id || '::' || h.author || ' (' || h.filename || ')', l.commit_id,
                       format('changeset %%s::%%s (%%s) is in %%s but %%s', h.id, h.author, h.filename, %L,
                              CASE WHEN l.commit_id IS NULL THEN 'linked to no commit'
                                   ELSE format('linked to commit %%s, which %%s does not reach', left(l.commit_id, 12), $2) END)
                  FROM %I.%I h
                  LEFT JOIN LATERAL (SELECT ml.commit_id FROM pggit.migration_link ml
                                      WHERE ml.tool = 'liquibase' AND ml.outcome = 'success' AND ml.exec_type IS DISTINCT FROM 'ROLLED_BACK'
                                        AND ml.exec_type IS DISTINCT FROM 'ROLLBACK_FAILED'
                                        AND ml.migration_id = h.id AND ml.author = h.author AND ml.script = h.filename
                                      ORDER BY coalesce(ml.commit_id = ANY ($1), false) DESC, ml.id DESC LIMIT 1) l ON true
                 WHERE NOT coalesce(l.commit_id = ANY ($1), false)
                 ORDER BY h.orderexecuted
            $q$, ht.table_schema || '.' || ht.table_name, ht.table_schema || '.' || ht.table_name, ht.table_schema, ht.table_name)
                USING reach, rev;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.unlinked_migrations(text) IS
    'The migrations the tools'' history tables (pggit.history_tables: flyway_schema_history, databasechangelog) list as applied that no commit reachable from revision rev (anything pggit.resolve takes) is linked from (pggit.migration_link): tool, history_table (schema.table), migration (Flyway: V<version> <description> (<script>); Liquibase: id::author (file)), commit_id (the link''s commit, null when it has none) and a message. Checkout warns with them: after a checkout of rev the catalog lacks what they did while the tool says they ran. Reads the ancestry of rev once (a walk over every commit it reaches). Raises undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.checkout(branch_name text, apply boolean DEFAULT false, allow_data_loss boolean DEFAULT false)
    RETURNS SETOF text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The SQL front of checkout. The plan that changes the catalog from HEAD's tree to the branch's is
-- written by the Java DDL writer, so this does what SQL can: when HEAD's tree and the branch's are
-- equal (a branch just created, or one that only moved in metadata) the plan is empty and, with
-- apply, HEAD moves (pggit.finish_checkout); otherwise it refuses, naming the three entrances that
-- plan and apply. allow_data_loss is accepted for the signature's sake: an empty plan loses nothing.
DECLARE
    tip text;
    head_tree text;
    target_tree text;
    n_status bigint;
    n_drift bigint;
    w record;
BEGIN
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = branch_name;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', branch_name USING ERRCODE = 'undefined_object',
            HINT = 'pggit.list_branches() lists them; pggit.create_branch makes one.';
    END IF;
    SELECT count(*) INTO n_status FROM pggit.status();
    IF n_status > 0 THEN
        RAISE EXCEPTION 'pggit: cannot check out %: % uncommitted change(s) (pggit.status())', branch_name, n_status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Commit them first (SELECT pggit.commit(''message'')), or undo them; checkout would overwrite them.';
    END IF;
    SELECT count(*) INTO n_drift FROM pggit.drift();
    IF n_drift > 0 THEN
        RAISE EXCEPTION 'pggit: cannot check out %: the live catalog has drifted from HEAD in % object(s) (pggit.drift())', branch_name, n_drift
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Record the drift (SELECT pggit.adopt(''message'')) or put it back (pggit.resolve_conflict), then check out.';
    END IF;
    SELECT c.tree INTO head_tree FROM pggit.commit c WHERE c.id = pggit.head_commit();
    SELECT c.tree INTO target_tree FROM pggit.commit c WHERE c.id = tip;
    IF head_tree IS DISTINCT FROM target_tree AND EXISTS (SELECT 1 FROM pggit.diff_trees(head_tree, target_tree)) THEN
        RAISE EXCEPTION 'pggit: checkout of % from SQL needs a DDL plan (HEAD''s tree and the branch''s differ in % object(s)), and pggit''s DDL writer is Java''s',
              branch_name, (SELECT count(*) FROM pggit.diff_trees(head_tree, target_tree))
            USING ERRCODE = 'feature_not_supported',
                  HINT = format('Check it out with mvn pggit:checkout -Dpggit.branch=%s (-Dpggit.apply=true to apply), pggit-cli checkout %s (--apply), or Pggit.checkout("%s", apply, allowDataLoss) from Java: they show the plan and apply it in one transaction.',
                                branch_name, branch_name, branch_name);
    END IF;
    FOR w IN SELECT u.message FROM pggit.unlinked_migrations(tip) u LOOP
        RAISE WARNING 'pggit: %', w.message
            USING HINT = format('The migration tool''s history table disagrees with branch %s''s history.', branch_name);
    END LOOP;
    IF apply THEN
        PERFORM pggit.finish_checkout(branch_name);
    END IF;
    RETURN;
END
$$;
COMMENT ON FUNCTION pggit.checkout(text, boolean, boolean) IS
    'Checks out branch branch_name from SQL, as far as SQL can: returns the plan''s statements (SETOF text, in order), which from SQL is always empty, because the DDL writer that plans a checkout is Java''s. When HEAD''s tree equals the branch''s, the plan is empty and with apply HEAD moves to the branch (pggit.finish_checkout); otherwise it raises feature_not_supported with a HINT naming mvn pggit:checkout -Dpggit.branch=<name>, pggit-cli checkout <name> and Pggit.checkout, which show the plan and apply it. Refuses (object_not_in_prerequisite_state) while pggit.status() or pggit.drift() is not empty; undefined_object for an unknown branch. Warns (RAISE WARNING) for each migration of the tools'' history tables no commit the branch reaches is linked from (pggit.unlinked_migrations). allow_data_loss is taken for the same call as Pggit.checkout; an empty plan loses nothing.';
