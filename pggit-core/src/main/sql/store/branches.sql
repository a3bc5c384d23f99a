-- Branches and the commit graph (issue 15): create, list and delete branches; merge bases, ahead
-- and behind, by a walk in generation order (git's paint_down_to_common over its commit-graph).

CREATE OR REPLACE FUNCTION pggit.paint_down(a text, b text, OUT merge_bases text[], OUT ahead bigint, OUT behind bigint)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Git's paint_down_to_common over generation numbers (pggit.commit.generation). Commits are taken
-- from a queue greatest generation first, each painted with the sides it is reachable from (1: a,
-- 2: b); a commit painted by both is a merge base unless it is already stale (an ancestor of a
-- base: its parents inherit the stale mark, 4). Every child has a greater generation than its
-- parents, so when a commit leaves the queue every path to it from a or b has been walked and its
-- paint is final; hence no base found is an ancestor of another (git's remove_redundant, needed
-- there for commit dates, is not needed here). The walk stops when only stale commits are queued:
-- it reads the commits that are on one side only and the first common ones, not the common history
-- below them. ahead: commits reachable from a and not from b; behind: from b and not from a.
DECLARE
    q_id text[];
    q_gen integer[];
    q_paint integer[];
    i integer;
    best integer;
    cur text;
    paint integer;
    live integer;   -- queued commits that are not stale
    p record;
    j integer;
BEGIN
    merge_bases := '{}';
    ahead := 0;
    behind := 0;
    IF a = b THEN
        merge_bases := ARRAY[a];
        RETURN;
    END IF;
    SELECT array_agg(c.id ORDER BY c.id = b), array_agg(c.generation ORDER BY c.id = b),
           array_agg(CASE WHEN c.id = a THEN 1 ELSE 2 END ORDER BY c.id = b)
      INTO q_id, q_gen, q_paint
      FROM pggit.commit c WHERE c.id IN (a, b);
    IF coalesce(cardinality(q_id), 0) < 2 THEN
        RAISE EXCEPTION 'pggit: no commit % to walk from', CASE WHEN NOT coalesce(a = ANY (q_id), false) THEN a ELSE b END
            USING ERRCODE = 'undefined_object';
    END IF;
    live := 2;
    WHILE live > 0 LOOP
        best := 1;
        FOR i IN 2 .. cardinality(q_id) LOOP
            IF q_gen[i] > q_gen[best] THEN
                best := i;
            END IF;
        END LOOP;
        cur := q_id[best];
        paint := q_paint[best];
        q_id := q_id[:best - 1] || q_id[best + 1:];
        q_gen := q_gen[:best - 1] || q_gen[best + 1:];
        q_paint := q_paint[:best - 1] || q_paint[best + 1:];
        IF paint & 4 = 0 THEN
            live := live - 1;
            IF paint = 3 THEN
                merge_bases := merge_bases || cur;
                paint := 7;
            ELSIF paint = 1 THEN
                ahead := ahead + 1;
            ELSE
                behind := behind + 1;
            END IF;
        END IF;
        FOR p IN SELECT c.id, c.generation FROM pggit.commit c
                  WHERE c.id = ANY ((SELECT x.parents FROM pggit.commit x WHERE x.id = cur)::text[]) LOOP
            j := array_position(q_id, p.id);
            IF j IS NULL THEN
                q_id := q_id || p.id;
                q_gen := q_gen || p.generation;
                q_paint := q_paint || paint;
                IF paint & 4 = 0 THEN
                    live := live + 1;
                END IF;
            ELSE
                IF q_paint[j] & 4 = 0 AND (q_paint[j] | paint) & 4 <> 0 THEN
                    live := live - 1;
                END IF;
                q_paint[j] := q_paint[j] | paint;
            END IF;
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pggit.paint_down(text, text) IS
    'Plumbing: walks the commit graph from commits a and b (full ids) in generation order (git''s paint_down_to_common) and returns merge_bases (every best common ancestor: the common ancestors that are not ancestors of another common ancestor; one in most histories, several after criss-cross merges; none when the histories are unrelated), ahead (commits reachable from a and not from b) and behind (from b, not from a). Reads the commits on one side only and the first common ones. Raises undefined_object for an unknown commit.';

CREATE OR REPLACE FUNCTION pggit.merge_bases(a text, b text) RETURNS SETOF text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- git merge-base --all
DECLARE
    ca text := pggit.resolve(a);
    cb text := pggit.resolve(b);
BEGIN
    -- one on the other's first-parent line is the only one (as in find_merge_base: no walk)
    IF pggit.first_parent_ancestor(ca, (SELECT c.depth FROM pggit.commit c WHERE c.id = cb)) = cb THEN
        RETURN NEXT cb;
    ELSIF pggit.first_parent_ancestor(cb, (SELECT c.depth FROM pggit.commit c WHERE c.id = ca)) = ca THEN
        RETURN NEXT ca;
    ELSE
        RETURN QUERY SELECT x FROM unnest((pggit.paint_down(ca, cb)).merge_bases) x;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.merge_bases(text, text) IS
    'Every best common ancestor of revisions a and b (branch names, commit ids, unique prefixes, HEAD, ~N: as pggit.resolve takes them), as git merge-base --all: one in most histories, several after criss-cross merges, none when they share no history. A merge merges from all of them (pggit.merge_base_tree: a virtual merge base when there are several). Raises undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.find_merge_base(a text, b text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ca text := pggit.resolve(a);
    cb text := pggit.resolve(b);
BEGIN
    -- b on a's first-parent line (a branch that was not committed to since a left it, or main's own
    -- past) is its own merge base: O(log n) lookups over the skip list instead of a walk
    IF pggit.first_parent_ancestor(ca, (SELECT c.depth FROM pggit.commit c WHERE c.id = cb)) = cb THEN
        RETURN cb;
    ELSIF pggit.first_parent_ancestor(cb, (SELECT c.depth FROM pggit.commit c WHERE c.id = ca)) = ca THEN
        RETURN ca;
    END IF;
    RETURN (SELECT c.id FROM pggit.commit c WHERE c.id = ANY ((pggit.paint_down(ca, cb)).merge_bases)
             ORDER BY c.generation DESC, c.seq DESC LIMIT 1);
END
$$;
COMMENT ON FUNCTION pggit.find_merge_base(text, text) IS
    'The merge base of revisions a and b (branch names or commit ids, as pggit.resolve takes them): their lowest common ancestor in the commit graph, as git merge-base. After criss-cross merges there are several best common ancestors (pggit.merge_bases lists them); this returns the one of the greatest generation, the newest on a tie (pggit.merge records it as base_commit; the tree a merge merges from is pggit.merge_base_tree''s, which merges them all). Null when a and b share no history; undefined_object for a revision that names nothing.';

CREATE OR REPLACE FUNCTION pggit.ahead_behind(a text, b text, OUT ahead bigint, OUT behind bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
BEGIN
    r := pggit.paint_down(pggit.resolve(a), pggit.resolve(b));
    ahead := r.ahead;
    behind := r.behind;
END
$$;
COMMENT ON FUNCTION pggit.ahead_behind(text, text) IS
    'How far revision a is from b (as pggit.resolve takes them), as git rev-list --left-right --count b...a: ahead = commits reachable from a and not from b, behind = from b and not from a. Walks those commits and the first common ones (pggit.paint_down).';

CREATE OR REPLACE FUNCTION pggit.check_branch_name(branch_name text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
-- git check-ref-format's rules for a branch name, and two of pggit's: a name that could be read
-- as a commit id prefix (4 to 64 hex digits) is refused, since pggit.resolve tries branch names
-- first and would hide the commit; so is HEAD.
DECLARE
    why text;
BEGIN
    why := CASE
        WHEN branch_name IS NULL OR branch_name = '' THEN 'it is empty'
        WHEN length(branch_name) > 200 THEN 'it is longer than 200 characters'
        WHEN upper(branch_name) = 'HEAD' OR branch_name = '@' THEN 'it is reserved'
        WHEN branch_name ~ '^[0-9a-f]{4,64}$' THEN 'it reads as a commit id prefix'
        WHEN branch_name ~ '[[:cntrl:][:space:]~^:?*\[\\]' THEN 'it holds a space, a control character or one of ~ ^ : ? * [ \'
        WHEN strpos(branch_name, '..') > 0 OR strpos(branch_name, '@{') > 0 OR strpos(branch_name, '//') > 0 THEN 'it holds .., @{ or //'
        WHEN branch_name ~ '(^|/)[.-]' OR branch_name ~ '[./]$' OR branch_name ~ '\.lock($|/)' THEN
            'a part of it starts with . or -, or it ends with / or ., or a part ends with .lock'
    END;
    IF why IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: "%" is not a valid branch name: %', branch_name, why
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Branch names follow git''s rules (git check-ref-format), e.g. feature/meter-readings; any letters, digits and . _ - / are fine.';
    END IF;
    RETURN branch_name;
END
$$;
COMMENT ON FUNCTION pggit.check_branch_name(text) IS
    'Returns branch_name when it is a valid branch name, else raises invalid_parameter_value saying why: git check-ref-format''s rules (no space, control character, ~ ^ : ? * [ \, .., @{ or //; no part starting with . or -, no trailing / or ., no part ending in .lock), not HEAD or @, and not 4 to 64 hex digits (it would hide commit ids of that prefix from pggit.resolve). Unicode letters are fine.';

CREATE OR REPLACE FUNCTION pggit.create_branch(branch_name text, from_commit text DEFAULT NULL, description text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cid text := pggit.resolve(coalesce(from_commit, 'HEAD'));
BEGIN
    PERFORM pggit.check_branch_name(branch_name);
    BEGIN
        INSERT INTO pggit.ref (name, commit_id, description) VALUES (branch_name, cid, description);
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'pggit: branch "%" already exists (at %)', branch_name,
                        left((SELECT r.commit_id FROM pggit.ref r WHERE r.name = branch_name), 12)
            USING ERRCODE = 'duplicate_object', HINT = 'Pick another name, or pggit.delete_branch it first.';
    END;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.create_branch(text, text, text) IS
    'Creates branch branch_name at revision from_commit (default HEAD; anything pggit.resolve takes) with an optional description, and returns the commit id it points at. HEAD stays where it is. Errors: invalid_parameter_value for a name pggit.check_branch_name refuses, duplicate_object when the branch exists, undefined_object when from_commit names nothing (or there is no commit yet).';

CREATE OR REPLACE FUNCTION pggit.create_feature_branch(feature_name text, description text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pggit.create_branch('feature/' || feature_name, NULL, description);
    RETURN 'feature/' || feature_name;
END
$$;
COMMENT ON FUNCTION pggit.create_feature_branch(text, text) IS
    'Creates branch feature/<feature_name> at HEAD with a description (seed 003) and returns the branch name. Errors as pggit.create_branch.';

CREATE OR REPLACE FUNCTION pggit.list_branches()
    RETURNS TABLE (branch_name text, head_sha text, created_at timestamptz, created_by name, description text,
                   is_head boolean, ahead bigint, behind bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT r.name, r.commit_id, r.created_at, r.created_by, r.description, r.name = h.branch, ab.ahead, ab.behind
  FROM pggit.ref r
  CROSS JOIN pggit.head h
  LEFT JOIN pggit.ref m ON m.name = 'main'
  LEFT JOIN LATERAL pggit.paint_down(r.commit_id, m.commit_id) ab ON m.commit_id IS NOT NULL
 ORDER BY r.name = h.branch DESC, r.name
$$;
COMMENT ON FUNCTION pggit.list_branches() IS
    'Every branch: its name, the commit it points at (head_sha), when, by whom and why it was created, whether HEAD names it (is_head), and how many commits it is ahead of and behind main (null when there is no main). The checked-out branch first, then by name.';

CREATE OR REPLACE FUNCTION pggit.delete_branch(branch_name text, force boolean DEFAULT false) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tip text;
    head_branch text;
    head_tip text;
    unmerged bigint;
BEGIN
    SELECT h.branch INTO head_branch FROM pggit.head h FOR SHARE;
    SELECT r.commit_id INTO tip FROM pggit.ref r WHERE r.name = branch_name FOR UPDATE;
    IF tip IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', branch_name USING ERRCODE = 'undefined_object',
            HINT = 'pggit.list_branches() lists them.';
    ELSIF branch_name = head_branch THEN
        RAISE EXCEPTION 'pggit: branch "%" is checked out', branch_name USING ERRCODE = 'object_in_use',
            HINT = 'Check out another branch first.';
    END IF;
    head_tip := pggit.head_commit();
    IF NOT force AND head_tip IS NOT NULL THEN
        unmerged := (pggit.paint_down(tip, head_tip)).ahead;
        IF unmerged > 0 THEN
            RAISE EXCEPTION 'pggit: branch "%" is not merged into % (% commit(s) only it has)', branch_name, head_branch, unmerged
                USING ERRCODE = 'object_in_use',
                      HINT = 'Merge it first, or delete it anyway with pggit.delete_branch(branch_name, force => true): its commits stay until pggit.purge_history removes what no branch or tag reaches.';
        END IF;
    END IF;
    DELETE FROM pggit.ref r WHERE r.name = branch_name;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pggit.delete_branch(text, boolean) IS
    'Deletes branch branch_name and returns true. Refuses (object_in_use) the checked-out branch, and a branch with commits the checked-out branch does not reach unless force; undefined_object when there is no such branch. The commits stay in the store until pggit.purge_history removes what no branch or tag reaches.';

CREATE OR REPLACE FUNCTION pggit.diff_branches(b1 text, b2 text)
    RETURNS TABLE (object_path text, change_type text, old_definition jsonb, new_definition jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- pggit.diff of two branch tips: the two trees walked at once (pggit.diff_trees), so the cost follows
-- their difference.
DECLARE
    t1 text := (SELECT c.tree FROM pggit.ref r JOIN pggit.commit c ON c.id = r.commit_id WHERE r.name = diff_branches.b1);
    t2 text := (SELECT c.tree FROM pggit.ref r JOIN pggit.commit c ON c.id = r.commit_id WHERE r.name = diff_branches.b2);
BEGIN
    IF t1 IS NULL OR t2 IS NULL THEN
        RAISE EXCEPTION 'pggit: no branch "%"', CASE WHEN t1 IS NULL THEN diff_branches.b1 ELSE diff_branches.b2 END
            USING ERRCODE = 'undefined_object', HINT = 'pggit.list_branches() lists them; pggit.diff(from_rev, to_rev) compares any two revisions.';
    END IF;
    RETURN QUERY
    SELECT d.object_key, d.change, ob.definition, nb.definition
      FROM pggit.diff_trees(t1, t2) d
      LEFT JOIN pggit.blob ob ON ob.hash = d.old_hash
      LEFT JOIN pggit.blob nb ON nb.hash = d.new_hash
     ORDER BY d.object_key;
END
$$;
COMMENT ON FUNCTION pggit.diff_branches(text, text) IS
    'The difference between the tips of branches b1 and b2 (names as pggit.ref has them, not revisions): one row per object key whose definition differs, by key, with change_type as pggit.diff spells it (A: only b2 has it, D: only b1 has it, M: both, differently) and its definition on b1 (old_definition) and on b2 (new_definition), null where absent. The same rows as pggit.diff(b1, b2); cost follows the difference (pggit.diff_trees), not the trees. Reads only. Errors: undefined_object for a name that is no branch.';
