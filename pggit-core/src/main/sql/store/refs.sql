-- Refs and revisions: HEAD, branches, commit ids and prefixes, ~N.

CREATE OR REPLACE FUNCTION pggit.head_commit() RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- plpgsql, not sql: a sql function with SET clauses is planned on every call (a capture calls this
-- several times); plpgsql caches the plan per session
BEGIN
    RETURN (SELECT r.commit_id FROM pggit.ref r JOIN pggit.head h ON h.branch = r.name);
END
$$;
COMMENT ON FUNCTION pggit.head_commit() IS 'The commit HEAD points at (through its branch); null before the first commit.';

CREATE OR REPLACE FUNCTION pggit.skip_depth(depth integer) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN depth < 2 THEN 0
                WHEN depth % 2 = 1 THEN (((depth - 1) & (depth - 2)) & (((depth - 1) & (depth - 2)) - 1)) + 1
                ELSE depth & (depth - 1) END;
COMMENT ON FUNCTION pggit.skip_depth(integer) IS 'The depth a commit at first-parent depth depth keeps its skip pointer to (pggit.commit.skip): the skip list of Bitcoin Core''s CBlockIndex (GetSkipHeight), with which any ancestor is O(log n) lookups away. 0 below depth 2.';

CREATE OR REPLACE FUNCTION pggit.first_parent_ancestor(commit_id text, target_depth integer) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Walks from commit_id towards its first-parent ancestor at target_depth, taking a skip pointer
-- wherever it does not overshoot (Bitcoin Core's CBlockIndex::GetAncestor): O(log n) lookups. Null
-- when commit_id is unknown, target_depth is not between 0 and its depth, or the walk meets a
-- commit that is not there (history purged before it).
DECLARE
    walk text := commit_id;
    h integer;
    parent text;
    jump text;
    hs integer;
    hsp integer;
BEGIN
    SELECT c.depth, c.parents[1], c.skip INTO h, parent, jump FROM pggit.commit c WHERE c.id = walk;
    IF h IS NULL OR target_depth IS NULL OR target_depth < 0 OR target_depth > h THEN
        RETURN NULL;
    END IF;
    WHILE h > target_depth LOOP
        hs := pggit.skip_depth(h);
        hsp := pggit.skip_depth(h - 1);
        IF jump IS NOT NULL AND (hs = target_depth OR (hs > target_depth AND NOT (hsp < hs - 2 AND hsp >= target_depth))) THEN
            walk := jump;
            h := hs;
        ELSE
            walk := parent;
            h := h - 1;
        END IF;
        SELECT c.parents[1], c.skip INTO parent, jump FROM pggit.commit c WHERE c.id = walk;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END LOOP;
    RETURN walk;
END
$$;
COMMENT ON FUNCTION pggit.first_parent_ancestor(text, integer) IS 'The first-parent ancestor of commit_id at first-parent depth target_depth (pggit.commit.depth), in O(log n) lookups over the skip pointers; null when there is none (unknown commit, a depth outside 0 .. its depth, or history purged before it).';

CREATE OR REPLACE FUNCTION pggit.commit_graph() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- BEFORE INSERT on pggit.commit: depth = 1 + the first parent's (0 for a root, or when the first
-- parent is not here), skip = the first-parent ancestor at pggit.skip_depth(depth), generation =
-- 1 + the greatest generation among the parents that are here (1 for a root).
BEGIN
    NEW.depth := coalesce((SELECT c.depth + 1 FROM pggit.commit c WHERE c.id = NEW.parents[1]), 0);
    NEW.skip := CASE WHEN NEW.depth > 0 THEN pggit.first_parent_ancestor(NEW.parents[1], pggit.skip_depth(NEW.depth)) END;
    NEW.generation := 1 + coalesce((SELECT max(c.generation) FROM pggit.commit c WHERE c.id = ANY (NEW.parents)), 0);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pggit.commit_graph() IS 'Trigger function (BEFORE INSERT on pggit.commit): sets depth and skip, the skip list over first parents that pggit.first_parent_ancestor walks, and generation (git''s commit-graph generation number: 1 + the greatest among the parents, 1 for a root), which pggit.paint_down walks in.';
CREATE OR REPLACE TRIGGER commit_graph BEFORE INSERT ON pggit.commit FOR EACH ROW EXECUTE FUNCTION pggit.commit_graph();

CREATE OR REPLACE FUNCTION pggit.resolve(rev text) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Accepts: a full commit id, a unique prefix of at least 4 hex digits, a branch name, HEAD,
-- and any of those followed by ~N (N-th first parent).
DECLARE
    base text := rev;
    steps int := 0;
    cid text;
    n int;
BEGIN
    IF rev IS NULL THEN
        RETURN NULL;
    END IF;
    IF rev ~ '~\d*$' THEN
        base := substring(rev FROM '^(.*)~\d*$');
        steps := coalesce(nullif(substring(rev FROM '~(\d*)$'), '')::int, 1);
    END IF;
    IF upper(base) = 'HEAD' THEN
        cid := pggit.head_commit();
    ELSE
        SELECT r.commit_id INTO cid FROM pggit.ref r WHERE r.name = base;
        IF cid IS NULL THEN
            IF base !~ '^[0-9a-f]{4,64}$' THEN
                RAISE EXCEPTION 'pggit: unknown revision "%"', rev
                    USING ERRCODE = 'undefined_object', HINT = 'Use a commit id (at least 4 hex digits), a branch name or HEAD, optionally followed by ~N.';
            END IF;
            -- the ids starting with base, as a range of the index commit_id_prefix_idx (byte order:
            -- every id starting with base lies in [base, base || 'g'), hex digits sorting below 'g'),
            -- which a LIKE prefix match cannot use under a database collation other than C
            SELECT count(*), min(c.id) INTO n, cid FROM pggit.commit c
             WHERE (c.id COLLATE "C") >= base AND (c.id COLLATE "C") < base || 'g';
            IF n = 0 THEN
                RAISE EXCEPTION 'pggit: no commit matches "%"', rev USING ERRCODE = 'undefined_object';
            ELSIF n > 1 THEN
                RAISE EXCEPTION 'pggit: commit prefix "%" is ambiguous (% commits)', base, n
                    USING ERRCODE = 'ambiguous_parameter', HINT = 'Give more hex digits.';
            END IF;
        END IF;
    END IF;
    IF steps > 0 AND cid IS NOT NULL THEN
        -- N first parents back through the skip list: O(log N) lookups, however long the history
        cid := pggit.first_parent_ancestor(cid, (SELECT c.depth FROM pggit.commit c WHERE c.id = cid) - steps);
        IF cid IS NULL THEN
            RAISE EXCEPTION 'pggit: revision "%" goes past the first commit', rev USING ERRCODE = 'undefined_object';
        END IF;
    END IF;
    IF cid IS NULL THEN
        RAISE EXCEPTION 'pggit: "%" points at no commit yet', rev USING ERRCODE = 'undefined_object';
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.resolve(text) IS 'Resolves a revision (commit id, unique prefix >= 4 hex digits, branch, HEAD, with optional ~N) to a full commit id; raises undefined_object when nothing matches.';
