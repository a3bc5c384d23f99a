-- Refs and revisions: HEAD, branches, commit ids and prefixes, ~N.

CREATE OR REPLACE FUNCTION pggit.head_commit() RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    RETURN (SELECT r.commit_id FROM pggit.ref r JOIN pggit.head h ON h.branch = r.name);
COMMENT ON FUNCTION pggit.head_commit() IS 'The commit HEAD points at (through its branch); null before the first commit.';

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
        -- N first parents back in one query: N index lookups, however long the history
        WITH RECURSIVE back(id, n) AS (
            SELECT cid, 0
            UNION ALL
            SELECT c.parents[1], b.n + 1 FROM back b JOIN pggit.commit c ON c.id = b.id WHERE b.n < steps
        )
        SELECT c.id INTO cid FROM back b JOIN pggit.commit c ON c.id = b.id WHERE b.n = steps;
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
