-- Detecting and resolving conflicts.

CREATE OR REPLACE FUNCTION pggit.record_conflicts(verbose boolean DEFAULT false)
    RETURNS TABLE (check_name text, kind text, severity text, subject text, message text, hint text, details jsonb)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- The writer's step of a check, apart from the reader's verify_consistency (which writes nothing,
-- so that a hot standby answers it): scans for drift once, records each drifted object as an open
-- conflict (once; its change and hashes follow the live object), closes the open drift conflicts
-- whose drift has gone (fixed by hand or by a migration), and returns the drift check's findings
-- (pggit.drift_findings, as verify_consistency(checks => '{drift}') reports them, each hint naming
-- its conflict). Like every pggit call that writes, it ends the windows whose time is up first.
DECLARE
    scan jsonb;
BEGIN
    PERFORM pggit.refresh_tracking_windows();
    scan := (SELECT coalesce(jsonb_agg(to_jsonb(d)), '[]') FROM pggit.drift() d);
    INSERT INTO pggit.conflict (object_key, source, change, tracked_hash, current_hash)
    SELECT d.object_key, 'drift', d.change, d.old_hash, d.new_hash
      FROM jsonb_to_recordset(scan) AS d(object_key text, change text, old_hash text, new_hash text)
    ON CONFLICT (object_key) WHERE resolved_at IS NULL DO UPDATE
       SET change = excluded.change, tracked_hash = excluded.tracked_hash, current_hash = excluded.current_hash;
    UPDATE pggit.conflict c
       SET resolved_at = clock_timestamp(), resolved_by = session_user, result = 'drift gone: the live schema equals HEAD again'
     WHERE c.resolved_at IS NULL AND c.source = 'drift'
       AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(scan) AS d(object_key text) WHERE d.object_key = c.object_key);
    RETURN QUERY SELECT f.* FROM pggit.drift_findings(scan, record_conflicts.verbose) f;
END
$$;
COMMENT ON FUNCTION pggit.record_conflicts(boolean) IS
    'The writer''s step of a check (pggit_writer; verify_consistency, the reader''s, writes nothing): scans for drift once, records each drifted object as an open conflict, closes the open drift conflicts whose drift is gone, and returns the drift findings as verify_consistency(checks => ''{drift}'') reports them, each naming its conflict (details when verbose). mvn pggit:check runs it instead of the drift check where the session may write (not a hot standby, not a read-only transaction, a writer role).';

CREATE OR REPLACE FUNCTION pggit.detect_conflicts() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Records each drifted object as an open conflict (once), and closes the open ones whose drift has
-- gone (pggit.record_conflicts). Returns the number of open conflicts.
BEGIN
    PERFORM FROM pggit.record_conflicts();
    RETURN (SELECT count(*) FROM pggit.conflict c WHERE c.resolved_at IS NULL);
END
$$;
COMMENT ON FUNCTION pggit.detect_conflicts() IS 'Records drifted objects as open conflicts and closes those whose drift is gone (pggit.record_conflicts); returns how many are open.';

CREATE OR REPLACE FUNCTION pggit.column_ddl(col jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN format('%I %s', col ->> 'name', col ->> 'type')
        || coalesce(' COLLATE ' || (col ->> 'collation'), '')
        || coalesce(' DEFAULT ' || (col ->> 'default'), '')
        || coalesce(' GENERATED ALWAYS AS (' || (col ->> 'generated') || ') STORED', '')
        || coalesce(' GENERATED ' || upper(col ->> 'identity') || ' AS IDENTITY', '')
        || CASE WHEN (col ->> 'not_null')::boolean THEN ' NOT NULL' ELSE '' END;
COMMENT ON FUNCTION pggit.column_ddl(jsonb) IS 'A column of a table definition (pggit.read_relations: name, type, collation, default, generated, identity, not_null) as CREATE TABLE and ADD COLUMN spell it: ''"v" text COLLATE ... DEFAULT ... NOT NULL''. Its storage, compression, statistics and comment are ALTERs apart (pggit.table_alters). Used by use_tracked; the export writes tables in Java (DdlWriter).';

CREATE OR REPLACE FUNCTION pggit.table_alters(rel text, live jsonb, tracked jsonb) RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The ALTER TABLE and COMMENT statements that take table rel from the properties of definition
-- live to those of tracked (both as pggit.read_relations writes them): persistence, storage
-- options, row level security, replica identity, comment, and each tracked column's storage,
-- compression, statistics and comment (a column live does not have is compared with what
-- ADD COLUMN gives it). Names, columns' types, defaults, partitions, inheritance and the owner are
-- the caller's (pggit.restore_table).
SELECT ARRAY(SELECT s FROM (
    SELECT 1 AS o, 0::bigint AS n, format('ALTER TABLE %s SET %s', rel, CASE WHEN (tracked ->> 'unlogged')::boolean THEN 'UNLOGGED' ELSE 'LOGGED' END) AS s
     WHERE live -> 'unlogged' IS DISTINCT FROM tracked -> 'unlogged'
    UNION ALL
    SELECT 2, 0, format('ALTER TABLE %s RESET (%s)', rel, (SELECT string_agg(split_part(x, '=', 1), ', ' ORDER BY x) FROM jsonb_array_elements_text(live -> 'options') x))
     WHERE live -> 'options' IS DISTINCT FROM tracked -> 'options' AND live ? 'options'
    UNION ALL
    SELECT 3, 0, format('ALTER TABLE %s SET (%s)', rel, (SELECT string_agg(format('%s=%L', split_part(x, '=', 1), substr(x, strpos(x, '=') + 1)), ', ' ORDER BY x)
                                                          FROM jsonb_array_elements_text(tracked -> 'options') x))
     WHERE live -> 'options' IS DISTINCT FROM tracked -> 'options' AND tracked ? 'options'
    UNION ALL
    SELECT 4, 0, format('ALTER TABLE %s %s ROW LEVEL SECURITY', rel, CASE WHEN (tracked ->> 'row_security')::boolean THEN 'ENABLE' ELSE 'DISABLE' END)
     WHERE live -> 'row_security' IS DISTINCT FROM tracked -> 'row_security'
    UNION ALL
    SELECT 5, 0, format('ALTER TABLE %s %s ROW LEVEL SECURITY', rel, CASE WHEN (tracked ->> 'force_row_security')::boolean THEN 'FORCE' ELSE 'NO FORCE' END)
     WHERE live -> 'force_row_security' IS DISTINCT FROM tracked -> 'force_row_security'
    UNION ALL
    SELECT 6, 0, format('ALTER TABLE %s REPLICA IDENTITY %s', rel, CASE WHEN tracked ->> 'replica_identity' IS NULL THEN 'DEFAULT'
                                                                       WHEN tracked ->> 'replica_identity' LIKE 'index %' THEN 'USING INDEX ' || substr(tracked ->> 'replica_identity', 7)
                                                                       ELSE upper(tracked ->> 'replica_identity') END)
     WHERE live -> 'replica_identity' IS DISTINCT FROM tracked -> 'replica_identity'
    UNION ALL
    SELECT 7, t.n, s.s
      FROM jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY t(c, n)
      LEFT JOIN jsonb_array_elements(live -> 'columns') l(c) ON l.c ->> 'name' = t.c ->> 'name'
     CROSS JOIN LATERAL (SELECT coalesce(l.c, t.c - ARRAY['storage', 'compression', 'statistics', 'comment']) AS c) b
     CROSS JOIN LATERAL (
         SELECT format('ALTER TABLE %s ALTER COLUMN %I SET STORAGE %s', rel, t.c ->> 'name',
                       upper(coalesce(t.c ->> 'storage', (SELECT CASE ty.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END
                                                            FROM pg_type ty WHERE ty.oid = to_regtype(t.c ->> 'type'))))) AS s
          WHERE b.c -> 'storage' IS DISTINCT FROM t.c -> 'storage'
         UNION ALL
         SELECT format('ALTER TABLE %s ALTER COLUMN %I SET COMPRESSION %s', rel, t.c ->> 'name', coalesce(t.c ->> 'compression', 'default'))
          WHERE b.c -> 'compression' IS DISTINCT FROM t.c -> 'compression'
         UNION ALL
         SELECT format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS %s', rel, t.c ->> 'name', coalesce(t.c ->> 'statistics', '-1'))
          WHERE b.c -> 'statistics' IS DISTINCT FROM t.c -> 'statistics'
         UNION ALL
         SELECT format('COMMENT ON COLUMN %s.%I IS %s', rel, t.c ->> 'name', coalesce(quote_literal(t.c ->> 'comment'), 'NULL'))
          WHERE b.c -> 'comment' IS DISTINCT FROM t.c -> 'comment') s
    UNION ALL
    SELECT 8, 0, format('COMMENT ON TABLE %s IS %s', rel, coalesce(quote_literal(tracked ->> 'comment'), 'NULL'))
     WHERE live -> 'comment' IS DISTINCT FROM tracked -> 'comment'
) x ORDER BY x.o, x.n)
$$;
COMMENT ON FUNCTION pggit.table_alters(text, jsonb, jsonb) IS 'The statements that take table rel (a quoted qualified name) from the properties of table definition live to those of tracked (pggit.read_relations'' shape): SET LOGGED/UNLOGGED, RESET and SET its storage options, ENABLE/DISABLE and FORCE/NO FORCE ROW LEVEL SECURITY, REPLICA IDENTITY, COMMENT ON TABLE, and each tracked column''s SET STORAGE, SET COMPRESSION, SET STATISTICS and COMMENT ON COLUMN; empty when they agree. Used by use_tracked (pggit.restore_table, pggit.table_ddl).';

CREATE OR REPLACE FUNCTION pggit.table_ddl(definition jsonb) RETURNS text[]
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- The statements that create a table from its definition (pggit.read_relations): CREATE TABLE
-- with its columns (a partition: PARTITION OF its parent), inheritance, partition key and storage
-- options, then pggit.table_alters for what CREATE TABLE does not say. Its constraints, indexes,
-- triggers and policies are objects of their own. The export writes the same in Java (DdlWriter).
DECLARE
    rel text := format('%I.%I', definition ->> 'schema', definition ->> 'name');
    created jsonb;
    unsupported text[];
BEGIN
    unsupported := ARRAY(SELECT k FROM jsonb_object_keys(definition) k
                          WHERE k NOT IN ('schema', 'name', 'partitioned', 'unlogged', 'columns', 'partition_key', 'partition_of', 'partition_bound',
                                          'inherits', 'options', 'replica_identity', 'row_security', 'force_row_security', 'owner', 'comment')
                          ORDER BY k)
                || ARRAY(SELECT format('column %I: %s', e.c ->> 'name', k) FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY e(c, n),
                                LATERAL jsonb_object_keys(e.c) k
                          WHERE k NOT IN ('name', 'type', 'not_null', 'default', 'generated', 'identity', 'collation', 'storage', 'compression', 'statistics', 'comment')
                          ORDER BY e.n, k);
    IF definition ->> 'replica_identity' LIKE 'index %' THEN
        unsupported := unsupported || 'replica_identity (an index, created after the table)'::text;
    END IF;
    IF cardinality(unsupported) > 0 THEN
        RAISE EXCEPTION 'pggit: cannot build the CREATE TABLE of % from its definition yet: it has %', rel, array_to_string(unsupported, ', ')
            USING ERRCODE = 'feature_not_supported', HINT = 'Write a migration that creates it.';
    END IF;
    -- what CREATE TABLE below gives: the definition without what table_alters adds
    created := (definition - ARRAY['row_security', 'force_row_security', 'replica_identity', 'comment'])
               || jsonb_build_object('columns', coalesce((SELECT jsonb_agg(e.c - ARRAY['storage', 'compression', 'statistics', 'comment'] ORDER BY e.n)
                                                           FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY e(c, n)), '[]'));
    RETURN ARRAY[format('CREATE %sTABLE %s %s%s%s%s', CASE WHEN (definition ->> 'unlogged')::boolean THEN 'UNLOGGED ' ELSE '' END, rel,
                        CASE WHEN definition ? 'partition_of' THEN format('PARTITION OF %s %s', definition ->> 'partition_of', definition ->> 'partition_bound')
                             ELSE '(' || coalesce((SELECT string_agg(pggit.column_ddl(e.c), ', ' ORDER BY e.n)
                                                     FROM jsonb_array_elements(definition -> 'columns') WITH ORDINALITY e(c, n)), '') || ')' END,
                        coalesce(' INHERITS (' || (SELECT string_agg(i.p, ', ' ORDER BY i.n) FROM jsonb_array_elements_text(definition -> 'inherits') WITH ORDINALITY i(p, n)) || ')', ''),
                        coalesce(' PARTITION BY ' || (definition ->> 'partition_key'), ''),
                        coalesce(' WITH (' || (SELECT string_agg(format('%s=%L', split_part(x, '=', 1), substr(x, strpos(x, '=') + 1)), ', ' ORDER BY x)
                                                 FROM jsonb_array_elements_text(definition -> 'options') x) || ')', ''))]
           || pggit.table_alters(rel, created, definition);
END
$$;
COMMENT ON FUNCTION pggit.table_ddl(jsonb) IS 'The statements that create a table from its definition (pggit.read_relations'' shape): CREATE [UNLOGGED] TABLE with its columns (pggit.column_ddl), or PARTITION OF its parent with its bound, INHERITS, PARTITION BY, WITH (options); then pggit.table_alters for row level security, replica identity, comments and column storage, compression and statistics. Its constraints, indexes and triggers are objects of their own. Raises feature_not_supported naming what it cannot build (privileges, column options, a replica identity index). Used by use_tracked; pggit''s export writes tables in Java (DdlWriter): two writers until they are one (issue 16).';

CREATE OR REPLACE FUNCTION pggit.restore_table(object_key text, change text, tracked jsonb, allow_data_loss boolean DEFAULT false)
    RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- use_tracked for a table (pggit.restore_tracked): recreates a dropped one (D, pggit.table_ddl),
-- drops one HEAD does not have (A), renames one back (R) and puts back what differs (M, R) with
-- ALTERs built from the stored definition. Each statement runs as the table's owner (the tracked
-- owner for a CREATE); ALTER ... OWNER TO runs as the caller, who must be able to become both
-- owners (it runs no stored code). What loses data is refused unless allow_data_loss: dropping a
-- table or partition holding rows, detaching a partition holding rows, dropping a column holding
-- non-null values, changing a column's type to one that does not hold every value of the live
-- one. Rows are counted as the owner with row_security = off (pggit.execute_as_owner), so that a
-- policy cannot hide them; when they cannot be counted, the restore is refused. Afterwards the
-- table must read as its tracked definition, or nothing is changed.
DECLARE
    reloid regclass := to_regclass(pggit.key_identity(object_key));
    live jsonb;
    owner text;
    lrel text;   -- the live table's name now
    rel text;    -- its name in the statements (after a rename, the tracked one)
    trel text := quote_ident(tracked ->> 'schema') || '.' || quote_ident(tracked ->> 'name');   -- null for A
    allow boolean := coalesce(allow_data_loss, false);
    col record;
    diffs text[];
    tnames text[];
    lnames text[];
    stmts text[] := '{}';
    late text[] := '{}';
    losses text[] := '{}';
    unsupported text[] := '{}';
    stmt text;
    owner_stmt text;
    nrows bigint;
    lt text;
    tt text;
    widens boolean;
    now_def jsonb;
BEGIN
    IF reloid IS NOT NULL THEN
        SELECT r.definition INTO live FROM pggit.read_catalog(ARRAY['pg_class'::regclass::oid], ARRAY[reloid::oid]) r WHERE r.kind = 'table';
        owner := pggit.live_owner('pg_class'::regclass, reloid);
        lrel := reloid::text;
    END IF;
    IF live IS NULL AND change = 'A' THEN
        RETURN format('%s is gone already: nothing to drop', object_key);
    ELSIF live IS NULL THEN
        -- recreate it, as its tracked owner
        stmts := pggit.table_ddl(tracked);
        FOREACH stmt IN ARRAY stmts LOOP
            PERFORM pggit.execute_as_owner(stmt, tracked ->> 'owner', object_key);
        END LOOP;
        reloid := to_regclass(trel);
    ELSIF change = 'A' THEN
        IF NOT allow THEN
            nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s', lrel), owner, object_key, true);
            IF nrows > 0 THEN
                RAISE EXCEPTION 'pggit: use_tracked would lose data in %: drop % and its % row%', object_key,
                      coalesce('the partition of ' || (live ->> 'partition_of'), 'the table'), nrows, CASE WHEN nrows = 1 THEN '' ELSE 's' END
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = format('Resolve it with allow_data_loss => true to run: DROP TABLE %s; or keep it with use_current.', lrel);
            END IF;
        END IF;
        stmt := format('DROP TABLE %s', lrel);
        PERFORM pggit.execute_as_owner(stmt, owner, object_key);
        RETURN stmt;
    ELSE
        rel := lrel;
        -- its name and schema first: the statements after name it as HEAD does
        IF live ->> 'name' <> tracked ->> 'name' THEN
            stmts := stmts || format('ALTER TABLE %s RENAME TO %I', rel, tracked ->> 'name');
            rel := format('%I.%I', live ->> 'schema', tracked ->> 'name');
        END IF;
        IF live ->> 'schema' <> tracked ->> 'schema' THEN
            stmts := stmts || format('ALTER TABLE %s SET SCHEMA %I', rel, tracked ->> 'schema');
            rel := trel;
        END IF;
        unsupported := ARRAY(SELECT k FROM (SELECT jsonb_object_keys(live) UNION SELECT jsonb_object_keys(tracked)) ks(k)
                              WHERE k NOT IN ('schema', 'name', 'columns', 'unlogged', 'options', 'row_security', 'force_row_security', 'replica_identity',
                                              'comment', 'owner', 'inherits', 'partition_of', 'partition_bound')
                                AND live -> k IS DISTINCT FROM tracked -> k ORDER BY k);
        -- a partition of another parent, or under another bound: detached first (its rows leave the parent), attached last
        IF (live -> 'partition_of', live -> 'partition_bound') IS DISTINCT FROM (tracked -> 'partition_of', tracked -> 'partition_bound') THEN
            IF live ? 'partition_of' THEN
                IF NOT allow THEN
                    nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s', lrel), owner, object_key, true);
                    IF nrows > 0 THEN
                        losses := losses || format('detach it from %s, taking its %s row%s out of %s', live ->> 'partition_of', nrows,
                                                   CASE WHEN nrows = 1 THEN '' ELSE 's' END, live ->> 'partition_of');
                    END IF;
                END IF;
                stmts := stmts || format('ALTER TABLE %s DETACH PARTITION %s', live ->> 'partition_of', rel);
            END IF;
            IF tracked ? 'partition_of' THEN
                late := late || format('ALTER TABLE %s ATTACH PARTITION %s %s', tracked ->> 'partition_of', rel, tracked ->> 'partition_bound');
            END IF;
        END IF;
        IF live -> 'inherits' IS DISTINCT FROM tracked -> 'inherits' THEN
            stmts := stmts || ARRAY(SELECT format('ALTER TABLE %s NO INHERIT %s', rel, p) FROM jsonb_array_elements_text(live -> 'inherits') WITH ORDINALITY i(p, n)
                                     WHERE NOT coalesce(tracked -> 'inherits', '[]') ? p ORDER BY n);
            late := late || ARRAY(SELECT format('ALTER TABLE %s INHERIT %s', rel, p) FROM jsonb_array_elements_text(tracked -> 'inherits') WITH ORDINALITY i(p, n)
                                   WHERE NOT coalesce(live -> 'inherits', '[]') ? p ORDER BY n);
        END IF;
        -- the columns: a column HEAD has and the table lost is added again (last, as PostgreSQL adds
        -- columns: only when that gives HEAD's order back), one HEAD does not have is dropped, types,
        -- collations, defaults and NOT NULL are put back (storage, compression, statistics and
        -- comments by pggit.table_alters)
        tnames := ARRAY(SELECT e.c ->> 'name' FROM jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY e(c, n) ORDER BY e.n);
        lnames := ARRAY(SELECT e.c ->> 'name' FROM jsonb_array_elements(live -> 'columns') WITH ORDINALITY e(c, n) ORDER BY e.n);
        IF ARRAY(SELECT u.x FROM unnest(lnames) WITH ORDINALITY u(x, n) WHERE u.x = ANY (tnames) ORDER BY u.n)
           || ARRAY(SELECT u.x FROM unnest(tnames) WITH ORDINALITY u(x, n) WHERE NOT u.x = ANY (lnames) ORDER BY u.n) IS DISTINCT FROM tnames THEN
            unsupported := unsupported || 'the order of its columns (PostgreSQL adds a column last)'::text;
        END IF;
        FOR col IN
            SELECT coalesce(t.c ->> 'name', l.c ->> 'name') AS name, l.c AS lc, t.c AS tc
              FROM jsonb_array_elements(live -> 'columns') WITH ORDINALITY l(c, n)
              FULL JOIN jsonb_array_elements(tracked -> 'columns') WITH ORDINALITY t(c, n) ON t.c ->> 'name' = l.c ->> 'name'
             ORDER BY t.n NULLS FIRST, l.n
        LOOP
            IF col.tc IS NULL THEN
                IF NOT allow THEN
                    nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s WHERE %I IS NOT NULL', lrel, col.name), owner, object_key, true);
                    IF nrows > 0 THEN
                        losses := losses || format('drop column %I and its %s non-null value%s', col.name, nrows, CASE WHEN nrows = 1 THEN '' ELSE 's' END);
                    END IF;
                END IF;
                stmts := stmts || format('ALTER TABLE %s DROP COLUMN %I', rel, col.name);
            ELSIF col.lc IS NULL THEN
                unsupported := unsupported || ARRAY(SELECT format('column %I: %s', col.name, k) FROM jsonb_object_keys(col.tc) k
                                                     WHERE k NOT IN ('name', 'type', 'collation', 'default', 'not_null', 'generated', 'identity',
                                                                     'storage', 'compression', 'statistics', 'comment') ORDER BY k);
                stmts := stmts || format('ALTER TABLE %s ADD COLUMN %s', rel, pggit.column_ddl(col.tc));
            ELSE
                diffs := ARRAY(SELECT k FROM (SELECT jsonb_object_keys(col.lc) UNION SELECT jsonb_object_keys(col.tc)) ks(k)
                                WHERE col.lc -> k IS DISTINCT FROM col.tc -> k ORDER BY k);
                unsupported := unsupported || ARRAY(SELECT format('column %I: %s', col.name, k) FROM unnest(diffs) k
                                                     WHERE k NOT IN ('type', 'collation', 'default', 'not_null', 'storage', 'compression', 'statistics', 'comment'));
                IF 'default' = ANY (diffs) AND col.lc ? 'default' THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', rel, col.name);
                END IF;
                IF diffs && ARRAY['type', 'collation'] THEN
                    lt := col.lc ->> 'type';
                    tt := col.tc ->> 'type';
                    -- a type that holds every value of the live one, as it was: no data lost
                    widens := lt = tt
                        OR (lt, tt) IN (('smallint', 'integer'), ('smallint', 'bigint'), ('integer', 'bigint'), ('smallint', 'numeric'),
                                        ('integer', 'numeric'), ('bigint', 'numeric'), ('real', 'double precision'), ('character varying', 'text'))
                        OR (lt ~ '^character varying\(\d+\)$'
                            AND (tt IN ('text', 'character varying')
                                 OR (tt ~ '^character varying\(\d+\)$' AND substring(tt FROM '\d+')::int >= substring(lt FROM '\d+')::int)))
                        OR (lt ~ '^numeric\(\d+,\d+\)$'
                            AND (tt = 'numeric'
                                 OR (tt ~ '^numeric\(\d+,\d+\)$'
                                     AND substring(tt FROM ',(\d+)\)')::int >= substring(lt FROM ',(\d+)\)')::int
                                     AND substring(tt FROM '\((\d+),')::int - substring(tt FROM ',(\d+)\)')::int
                                         >= substring(lt FROM '\((\d+),')::int - substring(lt FROM ',(\d+)\)')::int)));
                    IF NOT widens THEN
                        losses := losses || format('change the type of column %I from %s back to %s', col.name, lt, tt);
                    END IF;
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I TYPE %s%s USING %I::%s', rel, col.name, tt,
                                             coalesce(' COLLATE ' || (col.tc ->> 'collation'), ''), col.name, tt);
                END IF;
                IF 'default' = ANY (diffs) AND col.tc ? 'default' THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', rel, col.name, col.tc ->> 'default');
                END IF;
                IF 'not_null' = ANY (diffs) THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I %s NOT NULL', rel, col.name,
                                             CASE WHEN (col.tc ->> 'not_null')::boolean THEN 'SET' ELSE 'DROP' END);
                END IF;
            END IF;
        END LOOP;
        stmts := stmts || pggit.table_alters(rel, live, tracked) || late;
        IF live -> 'owner' IS DISTINCT FROM tracked -> 'owner' AND tracked ? 'owner' THEN
            owner_stmt := format('ALTER TABLE %s OWNER TO %I', rel, tracked ->> 'owner');
        END IF;
        IF cardinality(unsupported) > 0 THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: it differs from its tracked definition in %', object_key,
                  array_to_string(unsupported, ', ')
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'use_tracked puts back a table''s name, columns (adding lost ones at the end), types, collations, defaults, NOT NULL, persistence, storage options, row level security, replica identity, inheritance, partition, comments and owner; write a migration for the rest, or keep the live table with use_current.';
        END IF;
        IF cardinality(losses) > 0 AND NOT allow THEN
            RAISE EXCEPTION 'pggit: use_tracked would lose data in %: %', object_key, array_to_string(losses, ', ')
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('Resolve it with allow_data_loss => true to run: %s; or keep the live table with use_current.',
                                    array_to_string(stmts || owner_stmt, '; '));
        END IF;
        FOREACH stmt IN ARRAY stmts LOOP
            PERFORM pggit.execute_as_owner(stmt, owner, object_key);
        END LOOP;
        IF owner_stmt IS NOT NULL THEN
            IF NOT pg_has_role(session_user, tracked ->> 'owner', 'MEMBER') THEN
                RAISE EXCEPTION 'pggit: cannot restore %: giving it back to its tracked owner "%" takes a role that can become both "%" and "%", and role "%" cannot',
                      object_key, tracked ->> 'owner', owner, tracked ->> 'owner', session_user
                    USING ERRCODE = 'insufficient_privilege', HINT = format('Run it as a member of both "%s" and "%s".', owner, tracked ->> 'owner');
            END IF;
            PERFORM pggit.execute_as_owner(owner_stmt, session_user, object_key);   -- it checks that the caller can become the live owner
            stmts := stmts || owner_stmt;
        END IF;
    END IF;
    now_def := (SELECT r.definition FROM pggit.read_catalog(ARRAY['pg_class'::regclass::oid], ARRAY[reloid::oid]) r);
    IF now_def IS DISTINCT FROM tracked THEN
        RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: its statements (%) did not give its tracked definition back (it still differs in %)', object_key,
              array_to_string(stmts, '; '),
              coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM (SELECT jsonb_object_keys(coalesce(now_def, '{}')) UNION SELECT jsonb_object_keys(tracked)) ks(k)
                         WHERE now_def -> k IS DISTINCT FROM tracked -> k), 'everything')
            USING ERRCODE = 'feature_not_supported', HINT = 'Nothing was changed. Write a migration that puts it back, or keep the live table with use_current.';
    END IF;
    RETURN format('%s %s %s its tracked definition: %s', CASE WHEN live IS NULL THEN 'recreated' ELSE 'restored' END,
                  CASE WHEN live IS NULL THEN object_key ELSE 'table:' || trel END, CASE WHEN live IS NULL THEN 'from' ELSE 'to' END,
                  array_to_string(stmts, '; '));
END
$$;
COMMENT ON FUNCTION pggit.restore_table(text, text, jsonb, boolean) IS 'use_tracked for a table (pggit.restore_tracked): recreates a dropped one from its definition (D: pggit.table_ddl, as its tracked owner), drops one HEAD does not have (A), renames it back (R) and puts back, with ALTERs built from the definition, its columns (lost ones added at the end; types, collations, defaults, NOT NULL, storage, compression, statistics, comments), persistence, storage options, row level security, replica identity, inheritance, partition (attach, detach) and owner (M, R). Refused unless allow_data_loss (object_not_in_prerequisite_state, saying what would be lost): dropping a table or partition holding rows, detaching a partition holding rows, dropping a column holding non-null values, a type that does not hold every value of the live one; rows counted as the owner with row_security = off. Refused (feature_not_supported) for what it cannot put back (privileges, partition key, identity or generated changes, the order of columns), naming it. Each statement runs as the table''s owner; OWNER TO as the caller, who must be able to become both owners. Returns what it ran. SECURITY INVOKER.';

CREATE OR REPLACE FUNCTION pggit.restore_tracked(object_key text, change text, tracked jsonb, allow_data_loss boolean DEFAULT false)
    RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Puts one live object back to its tracked definition (change M), recreates it (D), or drops it
-- when HEAD does not have it (A), for the kinds whose definition is a complete statement; a table
-- with statements built from its stored definition (pggit.restore_table); a sequence created
-- again, or dropped (its value lost: refused unless allow_data_loss); an enum's labels added
-- back, or the enum rebuilt without the labels HEAD does not have (refused unless allow_data_loss).
-- SECURITY INVOKER, and each statement runs as the owner of the object it changes (SET ROLE, as
-- pg_dump --use-set-session-authorization restores): never with the caller's or pggit's rights,
-- since a stored definition (a view, a default, a function body) can call code its author wrote.
-- The caller must be able to become that owner (a member of it; a superuser for a superuser's
-- object); an owner that no longer exists, or a definition without one (owners not tracked), is
-- refused. The statement is built from the definition: quote_ident / format('%I') for names.
DECLARE
    kind text := pggit.key_kind(object_key);
    ident text := pggit.key_identity(object_key);
    allow boolean := coalesce(allow_data_loss, false);
    live record;
    drop_stmt text;
    create_stmt text;
    nrows bigint;
    tlabels text[];
    llabels text[];
    gone text[];
    losses text[] := '{}';
    stmts text[] := '{}';
    owners text[] := '{}';
    old_name text;
    col record;
    i integer;
    owner text;
BEGIN
    IF kind = 'table' THEN
        RETURN pggit.restore_table(object_key, change, tracked, allow_data_loss);
    END IF;
    SELECT r.classid, r.objid, r.definition INTO live FROM pggit.read_catalog() r WHERE r.object_key = restore_tracked.object_key;
    IF change IN ('A', 'M') THEN
        drop_stmt := CASE kind
            WHEN 'view' THEN format('DROP VIEW %s', live.objid::regclass)
            WHEN 'materialized_view' THEN format('DROP MATERIALIZED VIEW %s', live.objid::regclass)
            WHEN 'sequence' THEN format('DROP SEQUENCE %s', live.objid::regclass)
            WHEN 'index' THEN format('DROP INDEX %s', live.objid::regclass)
            WHEN 'constraint' THEN format('ALTER TABLE %s DROP CONSTRAINT %I', (SELECT c.conrelid::regclass FROM pg_constraint c WHERE c.oid = live.objid),
                                          live.definition ->> 'name')
            WHEN 'trigger' THEN format('DROP TRIGGER %I ON %s', live.definition ->> 'name', (SELECT g.tgrelid::regclass FROM pg_trigger g WHERE g.oid = live.objid))
            WHEN 'function' THEN format('DROP FUNCTION %s', live.objid::regprocedure)
            WHEN 'procedure' THEN format('DROP PROCEDURE %s', live.objid::regprocedure)
            WHEN 'type' THEN format('DROP TYPE %s', live.objid::regtype)
            WHEN 'domain' THEN format('DROP DOMAIN %s', live.objid::regtype)
            WHEN 'schema' THEN format('DROP SCHEMA %I', live.definition ->> 'name')
            WHEN 'extension' THEN format('DROP EXTENSION %I', live.definition ->> 'name')
        END;
    END IF;
    IF change = 'A' THEN
        IF drop_stmt IS NULL THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot drop a % yet: write a migration for %', kind, object_key
                USING ERRCODE = 'feature_not_supported';
        END IF;
        IF kind = 'sequence' AND NOT allow THEN
            nrows := pggit.execute_as_owner(format('SELECT CASE WHEN is_called THEN last_value END FROM %s', live.objid::regclass),
                                        pggit.live_owner(live.classid, live.objid), object_key, true);
            IF nrows IS NOT NULL THEN
                RAISE EXCEPTION 'pggit: use_tracked would lose data in %: drop the sequence and its current value (%)', object_key, nrows
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = format('Resolve it with allow_data_loss => true to run: %s; or keep it with use_current.', drop_stmt);
            END IF;
        END IF;
        PERFORM pggit.execute_as_owner(drop_stmt, pggit.live_owner(live.classid, live.objid), object_key);
        RETURN drop_stmt;
    ELSIF change = 'D' AND kind = 'sequence' THEN
        -- created again (its value starts over); OWNED BY when its column exists (pggit.resolve_conflict
        -- restores a table's sequences before the table and sets it after)
        create_stmt := format('CREATE %sSEQUENCE %s AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %sCYCLE',
                              CASE WHEN (tracked ->> 'unlogged')::boolean THEN 'UNLOGGED ' ELSE '' END, ident, tracked ->> 'type',
                              tracked ->> 'increment', tracked ->> 'min', tracked ->> 'max', tracked ->> 'start', tracked ->> 'cache',
                              CASE WHEN (tracked ->> 'cycle')::boolean THEN '' ELSE 'NO ' END);
        PERFORM pggit.execute_as_owner(create_stmt, tracked ->> 'owner', object_key);
        IF tracked ? 'owned_by' THEN
            BEGIN
                PERFORM pggit.execute_as_owner(format('ALTER SEQUENCE %s OWNED BY %s', ident, tracked ->> 'owned_by'), tracked ->> 'owner', object_key);
            EXCEPTION WHEN undefined_table OR undefined_column THEN
                NULL;   -- its table is not back yet
            END;
        END IF;
        RETURN format('recreated %s from its tracked definition: %s', object_key, create_stmt);
    ELSIF change = 'M' AND kind = 'type' AND tracked ->> 'type' = 'enum' AND live.definition ->> 'type' = 'enum' THEN
        IF (live.definition - 'labels') IS DISTINCT FROM (tracked - 'labels') THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: it differs from its tracked definition in %', object_key,
                  (SELECT string_agg(k, ', ' ORDER BY k) FROM (SELECT jsonb_object_keys(live.definition) UNION SELECT jsonb_object_keys(tracked)) ks(k)
                    WHERE k <> 'labels' AND live.definition -> k IS DISTINCT FROM tracked -> k)
                USING ERRCODE = 'feature_not_supported', HINT = 'use_tracked puts back an enum''s labels; write a migration for the rest, or keep it with use_current.';
        END IF;
        tlabels := ARRAY(SELECT jsonb_array_elements_text(tracked -> 'labels'));
        llabels := ARRAY(SELECT jsonb_array_elements_text(live.definition -> 'labels'));
        owner := pggit.live_owner(live.classid, live.objid);
        IF llabels <@ tlabels AND ARRAY(SELECT u.x FROM unnest(tlabels) WITH ORDINALITY u(x, n) WHERE u.x = ANY (llabels) ORDER BY u.n) = llabels THEN
            -- only labels to add back, each after the one HEAD has before it
            FOR i IN 1 .. cardinality(tlabels) LOOP
                IF NOT tlabels[i] = ANY (llabels) THEN
                    stmts := stmts || format('ALTER TYPE %s ADD VALUE %L%s', ident, tlabels[i],
                                             CASE WHEN i > 1 THEN format(' AFTER %L', tlabels[i - 1])
                                                  WHEN cardinality(llabels) > 0 THEN format(' BEFORE %L', llabels[1]) ELSE '' END);
                    owners := owners || owner;
                END IF;
            END LOOP;
        ELSE
            -- labels HEAD does not have (or in another order): rebuilt, the columns of the enum
            -- converted with the values of those labels set to null
            gone := ARRAY(SELECT x FROM unnest(llabels) x WHERE NOT x = ANY (tlabels));
            losses := ARRAY[format('rebuild the enum without its label(s) %s', coalesce(array_to_string(gone, ', '), '(none: their order differs)'))];
            old_name := (tracked ->> 'name') || '_pggit_rebuilt';
            stmts := ARRAY[format('ALTER TYPE %s RENAME TO %I', ident, old_name),
                           format('CREATE TYPE %s AS ENUM (%s)', ident, (SELECT string_agg(quote_literal(x), ', ') FROM unnest(tlabels) x))];
            owners := ARRAY[owner, tracked ->> 'owner'];
            FOR col IN
                SELECT a.attrelid::regclass::text AS rel, a.attname, pg_get_expr(d.adbin, d.adrelid) AS dflt, pg_get_userbyid(c.relowner) AS relowner
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.atttypid = live.objid AND a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0 AND c.relkind IN ('r', 'p')
                 ORDER BY 1, a.attnum
            LOOP
                IF NOT allow AND cardinality(gone) > 0 THEN
                    nrows := pggit.execute_as_owner(format('SELECT count(*) FROM %s WHERE %I::text = ANY (%L::text[])', col.rel, col.attname, gone),
                                                col.relowner, object_key, true);
                    IF nrows > 0 THEN
                        losses := losses || format('setting %s value%s of %s.%I to null', nrows, CASE WHEN nrows = 1 THEN '' ELSE 's' END, col.rel, col.attname);
                    END IF;
                END IF;
                IF col.dflt IS NOT NULL THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', col.rel, col.attname);
                    owners := owners || col.relowner;
                END IF;
                stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I TYPE %s USING CASE WHEN %I::text = ANY (%L::text[]) THEN %I::text::%s END',
                                         col.rel, col.attname, ident, col.attname, tlabels, col.attname, ident);
                owners := owners || col.relowner;
                IF col.dflt IS NOT NULL THEN
                    stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', col.rel, col.attname, col.dflt);
                    owners := owners || col.relowner;
                END IF;
            END LOOP;
            stmts := stmts || format('DROP TYPE %I.%I', tracked ->> 'schema', old_name);
            owners := owners || owner;
            IF tracked ? 'comment' THEN
                stmts := stmts || format('COMMENT ON TYPE %s IS %L', ident, tracked ->> 'comment');
                owners := owners || (tracked ->> 'owner');
            END IF;
            IF NOT allow THEN
                RAISE EXCEPTION 'pggit: use_tracked would lose data in %: %', object_key, array_to_string(losses, ', ')
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = format('Resolve it with allow_data_loss => true to run: %s; or keep it with use_current.', array_to_string(stmts, '; '));
            END IF;
        END IF;
        FOR i IN 1 .. cardinality(stmts) LOOP
            PERFORM pggit.execute_as_owner(stmts[i], owners[i], object_key);
        END LOOP;
        IF (SELECT r.definition FROM pggit.read_catalog(ARRAY['pg_type'::regclass::oid], ARRAY[to_regtype(ident)::oid]) r) IS DISTINCT FROM tracked THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot restore % yet: its statements (%) did not give its tracked definition back', object_key,
                  array_to_string(stmts, '; ')
                USING ERRCODE = 'feature_not_supported', HINT = 'Nothing was changed. Write a migration that puts it back, or keep it with use_current.';
        END IF;
        RETURN format('restored %s to its tracked definition: %s', object_key, array_to_string(stmts, '; '));
    ELSIF change IN ('M', 'D') AND kind IN ('function', 'procedure', 'view', 'index', 'constraint', 'trigger') THEN
        create_stmt := CASE kind
            WHEN 'view' THEN format('CREATE OR REPLACE VIEW %s AS %s', ident, tracked ->> 'query')
            WHEN 'constraint' THEN format('ALTER TABLE %s ADD CONSTRAINT %I %s', tracked ->> 'table', tracked ->> 'name',
                                         tracked ->> 'definition')
            ELSE tracked ->> 'definition'
        END;
        IF change = 'M' AND kind IN ('index', 'constraint', 'trigger') THEN
            PERFORM pggit.execute_as_owner(drop_stmt, pggit.live_owner(live.classid, live.objid), object_key);
        END IF;
        -- the tracked owner of the object; an index, constraint or trigger is its table's
        PERFORM pggit.execute_as_owner(create_stmt,
            CASE WHEN kind IN ('index', 'constraint', 'trigger')
                 THEN (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = to_regclass(tracked ->> 'table'))
                 ELSE tracked ->> 'owner' END, object_key);
        RETURN format('%s %s to its tracked definition', CASE change WHEN 'M' THEN 'restored' ELSE 'recreated' END, object_key);
    ELSE
        RAISE EXCEPTION 'pggit: use_tracked cannot restore a % (change %) yet: write a migration that puts % back', kind, change, object_key
            USING ERRCODE = 'feature_not_supported', HINT = 'Write a migration that puts it back, or keep the live object with use_current.';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.restore_tracked(text, text, jsonb, boolean) IS 'Puts one live object back to its tracked definition (M), recreates it (D) or drops it (A): the kinds whose definition is a complete statement (functions, procedures, views, indexes, constraints, triggers; dropped: also materialized views, types, domains, schemas, extensions); a table by pggit.restore_table (created, dropped, renamed back, altered, from its stored definition); a sequence created again (D) or dropped (A; its current value is lost: refused unless allow_data_loss); an enum (M) with its lost labels added back, or rebuilt without the labels HEAD does not have (its columns converted, those values set to null: refused unless allow_data_loss). Each statement as the object''s owner (SET ROLE; the caller must be able to become it); anything else refused (feature_not_supported) with what to do. Used by pggit.resolve_conflict. SECURITY INVOKER.';

CREATE OR REPLACE FUNCTION pggit.live_owner(classid oid, objid oid) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
SELECT pg_get_userbyid(CASE classid
    WHEN 'pg_class'::regclass THEN (SELECT c.relowner FROM pg_class c WHERE c.oid = objid)
    WHEN 'pg_proc'::regclass THEN (SELECT p.proowner FROM pg_proc p WHERE p.oid = objid)
    WHEN 'pg_type'::regclass THEN (SELECT t.typowner FROM pg_type t WHERE t.oid = objid)
    WHEN 'pg_namespace'::regclass THEN (SELECT n.nspowner FROM pg_namespace n WHERE n.oid = objid)
    WHEN 'pg_extension'::regclass THEN (SELECT x.extowner FROM pg_extension x WHERE x.oid = objid)
    WHEN 'pg_constraint'::regclass THEN (SELECT c.relowner FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.oid = objid)
    WHEN 'pg_trigger'::regclass THEN (SELECT c.relowner FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.oid = objid)
END)
$$;
COMMENT ON FUNCTION pggit.live_owner(oid, oid) IS 'The owner of a live object (its table''s for a constraint or trigger), by catalog and oid; null when unknown.';

CREATE OR REPLACE FUNCTION pggit.execute_as_owner(statement text, owner text, object_key text, counting boolean DEFAULT false) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- SECURITY INVOKER: runs statement as role owner (SET LOCAL ROLE), then puts the caller's role back.
-- counting: statement is a query of one number (rows that a restore would lose), run with
-- row_security = off, so that a policy cannot hide rows: a query that a policy would filter fails
-- instead, and the restore is refused.
DECLARE
    before text := current_setting('role');
    before_rs text := current_setting('row_security');
    n bigint;
BEGIN
    IF owner IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = owner) THEN
        RAISE EXCEPTION 'pggit: cannot restore %: its owner % does not exist (or owners are not tracked), and pggit never runs it with the caller''s rights',
              object_key, coalesce('"' || owner || '"', '(unknown)')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Write a migration that puts it back.';
    END IF;
    IF NOT pg_has_role(session_user, owner, 'MEMBER') THEN
        RAISE EXCEPTION 'pggit: cannot restore %: its statements run as its owner "%", and role "%" cannot become it', object_key, owner, session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Run it as a member of "%s"%s.', owner, CASE WHEN (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = owner) THEN ' (a superuser)' ELSE '' END);
    END IF;
    PERFORM set_config('role', owner, true);
    IF counting THEN
        PERFORM set_config('row_security', 'off', true);
        BEGIN
            EXECUTE statement INTO n;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'pggit: use_tracked cannot count the rows of % as its owner "%" with row_security = off (%), so it cannot tell what would be lost',
                  object_key, owner, SQLERRM
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Resolve it with allow_data_loss => true if its rows may be lost, or keep it with use_current.';
        END;
        PERFORM set_config('row_security', before_rs, true);
    ELSE
        EXECUTE statement;
    END IF;
    PERFORM set_config('role', before, true);
    RETURN n;
END
$$;
COMMENT ON FUNCTION pggit.execute_as_owner(text, text, text, boolean) IS 'Runs one statement of a restore as the object''s owner (SET LOCAL ROLE) and puts the caller''s role back; refuses an owner that does not exist or that the session''s role cannot become (insufficient_privilege). counting: the statement is a query of one number (the rows a restore would lose), run with row_security = off and returned; when a policy would filter it, refused (object_not_in_prerequisite_state) rather than undercounted. Returns null otherwise. SECURITY INVOKER: the statement never runs with more rights than the caller has.';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict(conflict_id uuid, resolution text, reason text DEFAULT NULL,
                                                  allow_data_loss boolean DEFAULT false) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- Conflict ids are UUIDs (seed 000: resolve_conflict(conflict_id => 'uuid-here', resolution => 'use_current', reason => ...)).
-- SECURITY INVOKER (pggit_admin): use_tracked runs DDL, which pggit.restore_tracked runs as the
-- object's owner; the bookkeeping goes through pggit.commit_changes and the conflict's resolution
-- columns, which pggit_admin may write.
DECLARE
    c pggit.conflict;
    did text;
    dep record;
    keys text[];
    ids uuid[] := '{}';
    seq_keys text[] := '{}';
    seq_defs jsonb[] := '{}';
    seq_ids uuid[] := '{}';
    i integer;
    restored text[] := '{}';
    partitions text[] := '{}';
    left_open text[] := '{}';
    drifting text[];
BEGIN
    SELECT * INTO c FROM pggit.conflict x WHERE x.id = conflict_id;
    IF NOT FOUND AND EXISTS (SELECT 1 FROM pggit.merge_conflict x WHERE x.id = conflict_id) THEN
        RETURN pggit.resolve_merge_conflict(conflict_id, resolution, reason);   -- a merge's conflict (store/merge.sql)
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no conflict with id %', conflict_id USING ERRCODE = 'undefined_object',
              HINT = 'Open conflicts: SELECT * FROM pggit.conflict WHERE resolved_at IS NULL (pggit.detect_conflicts() records drift as conflicts).';
    END IF;
    IF c.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'pggit: conflict % was resolved at % by % (%)', conflict_id, c.resolved_at, c.resolved_by,
              coalesce(c.resolution, c.result) USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF resolution IS NULL OR resolution NOT IN ('use_current', 'use_tracked', 'merge') THEN
        RAISE EXCEPTION 'pggit: resolution must be use_current, use_tracked or merge, not "%"', resolution
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF resolution = 'merge' AND c.source <> 'merge' THEN
        RAISE EXCEPTION 'pggit: conflict % comes from drift, not from a merge: resolve it with use_current or use_tracked', conflict_id
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF resolution = 'use_current' THEN
        did := 'committed the live definition as ' || coalesce(left(pggit.commit_changes(
                   format('resolve conflict %s (use_current): %s', conflict_id, coalesce(reason, 'no reason given')),
                   'drift', NULL, NULL, true, ARRAY[c.object_key]), 7), '(nothing left to commit)');
    ELSE
        keys := ARRAY[c.object_key];
        IF c.change = 'D' AND pggit.key_kind(c.object_key) = 'table' THEN
            -- a dropped table's sequences (OWNED BY one of its columns) first: its defaults name them
            FOR dep IN
                SELECT o.id, o.object_key, b.definition FROM pggit.conflict o JOIN pggit.blob b ON b.hash = o.tracked_hash
                 WHERE o.resolved_at IS NULL AND o.change = 'D' AND pggit.key_kind(o.object_key) = 'sequence'
                   AND starts_with(b.definition ->> 'owned_by', pggit.key_identity(c.object_key) || '.')
                 ORDER BY o.seq
            LOOP
                PERFORM pggit.restore_tracked(dep.object_key, 'D', dep.definition, resolve_conflict.allow_data_loss);
                seq_keys := seq_keys || dep.object_key;
                seq_defs := seq_defs || dep.definition;
                seq_ids := seq_ids || dep.id;
            END LOOP;
        END IF;
        did := pggit.restore_tracked(c.object_key, c.change, (SELECT b.definition FROM pggit.blob b WHERE b.hash = c.tracked_hash),
                                     resolve_conflict.allow_data_loss);
        IF c.change = 'D' AND pggit.key_kind(c.object_key) = 'table' THEN
            FOR i IN 1 .. cardinality(seq_keys) LOOP
                PERFORM pggit.execute_as_owner(format('ALTER SEQUENCE %s OWNED BY %s', pggit.key_identity(seq_keys[i]), seq_defs[i] ->> 'owned_by'),
                                               seq_defs[i] ->> 'owner', seq_keys[i]);
            END LOOP;
            restored := seq_keys;
            ids := seq_ids;
            -- then the objects on it that went with it, each its own conflict: keys and checks before
            -- the foreign keys that may need them, then indexes, triggers and the rest; one that cannot
            -- come back (a referenced table still missing, a kind use_tracked cannot create) stays open
            FOR dep IN
                SELECT o.id, o.object_key, b.definition FROM pggit.conflict o
                  JOIN pggit.object_map m ON m.object_key = o.object_key
                  JOIN pggit.blob b ON b.hash = o.tracked_hash
                 WHERE o.resolved_at IS NULL AND o.change = 'D' AND m.parent_key = c.object_key
                 ORDER BY CASE m.kind WHEN 'constraint' THEN CASE WHEN b.definition ->> 'definition' LIKE 'PRIMARY KEY%' THEN 0
                                                                  WHEN b.definition ->> 'definition' LIKE 'UNIQUE%' THEN 1
                                                                  WHEN b.definition ->> 'definition' LIKE 'FOREIGN KEY%' THEN 3 ELSE 2 END
                                      WHEN 'index' THEN 4 WHEN 'trigger' THEN 5 ELSE 6 END, o.seq
            LOOP
                BEGIN
                    PERFORM pggit.restore_tracked(dep.object_key, 'D', dep.definition, resolve_conflict.allow_data_loss);
                    restored := restored || dep.object_key;
                    ids := ids || dep.id;
                EXCEPTION WHEN OTHERS THEN
                    left_open := left_open || format('%s (%s)', dep.object_key, SQLERRM);
                END;
            END LOOP;
            -- and its partitions, each resolved as a table of its own (with the objects on it)
            FOR dep IN
                SELECT o.id, o.object_key FROM pggit.conflict o JOIN pggit.blob b ON b.hash = o.tracked_hash
                 WHERE o.resolved_at IS NULL AND o.change = 'D' AND pggit.key_kind(o.object_key) = 'table'
                   AND b.definition ->> 'partition_of' = pggit.key_identity(c.object_key)
                 ORDER BY o.seq
            LOOP
                BEGIN
                    PERFORM pggit.resolve_conflict(dep.id, 'use_tracked', resolve_conflict.reason, resolve_conflict.allow_data_loss);
                    partitions := partitions || dep.object_key;
                EXCEPTION WHEN OTHERS THEN
                    left_open := left_open || format('%s (%s)', dep.object_key, SQLERRM);
                END;
            END LOOP;
            did := did || coalesce('; with it: ' || nullif(array_to_string(restored || partitions, ', '), ''), '')
                       || coalesce('; left open: ' || nullif(array_to_string(left_open, ', '), ''), '');
            keys := keys || restored;
        END IF;
        -- the objects equal HEAD again; this only follows their new addresses (a recreated index has a new oid)
        PERFORM pggit.commit_changes('resolve conflict ' || conflict_id || ' (use_tracked)', 'manual', NULL, NULL, true, keys);
    END IF;
    UPDATE pggit.conflict x
       SET resolved_at = clock_timestamp(), resolved_by = session_user, resolution = resolve_conflict.resolution,
           reason = resolve_conflict.reason, result = did
     WHERE x.id = conflict_id;
    UPDATE pggit.conflict x
       SET resolved_at = clock_timestamp(), resolved_by = session_user, resolution = 'use_tracked', reason = resolve_conflict.reason,
           result = format('recreated with %s (conflict %s)', c.object_key, conflict_id)
     WHERE x.id = ANY (ids);
    IF resolution = 'use_tracked' AND pggit.key_kind(c.object_key) = 'table' THEN
        -- a table renamed back (or dropped) takes its indexes', constraints' and triggers' drift with it
        drifting := ARRAY(SELECT d.object_key FROM pggit.drift() d);
        UPDATE pggit.conflict x
           SET resolved_at = clock_timestamp(), resolved_by = session_user,
               result = format('drift gone with conflict %s (use_tracked on %s): the live schema equals HEAD again', conflict_id, c.object_key)
         WHERE x.resolved_at IS NULL AND x.source = 'drift' AND NOT x.object_key = ANY (drifting);
    END IF;
    RETURN did;
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict(uuid, text, text, boolean) IS
    'Resolves an open conflict, by its id (a UUID, pggit.conflict.id), and records who, when, why and what it did: use_current commits the live definition (origin drift, this object only); use_tracked puts the live object back to HEAD (pggit.restore_tracked: functions, procedures, views, indexes, constraints, triggers, a dropped sequence, an enum''s labels; tables by pggit.restore_table: recreated, dropped, renamed back, altered; drops objects HEAD does not have). A dropped table''s sequences, constraints, indexes and triggers that went with it are recreated with it (sequences first, then keys, checks, foreign keys, indexes, triggers, then its partitions, each resolved as a table) and their conflicts resolved; one that cannot come back stays open and the result names it (left open: key (error)). After a table, the open conflicts whose drift is gone (its renamed indexes, say) are closed. Data loss (rows, non-null columns, narrowing types, an enum rebuilt, a sequence''s value, a partition''s rows) is refused unless allow_data_loss; merge is for conflicts from a merge. Errors: unknown id, already resolved, bad resolution, a kind or difference use_tracked cannot restore, data loss without allow_data_loss, an owner the caller cannot become. A merge conflict''s id goes to pggit.resolve_merge_conflict (source, target, base; manual_ddl is refused there with invalid_parameter_value naming pggit.resolve_conflict_manually, which takes the DDL).';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict(conflict_id text, resolution text, reason text DEFAULT NULL,
                                                  allow_data_loss boolean DEFAULT false) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- The id as text: what a quoted literal in the seed's call, resolve_conflict(conflict_id => 'uuid-here', ...),
-- resolves to (PostgreSQL prefers the text overload for an untyped literal). A UUID goes on to
-- resolve_conflict(uuid, ...); anything else is refused with a message that says what an id is,
-- rather than PostgreSQL's invalid input syntax.
DECLARE
    parsed uuid;
BEGIN
    BEGIN
        parsed := conflict_id::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'pggit: "%" is not a conflict id: conflict ids are UUIDs (pggit.conflict.id)', conflict_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = CASE WHEN conflict_id ~ '^\s*[0-9]+\s*$'
                              THEN format('A number is the order of detection (pggit.conflict.seq; a conflict recorded by pggit 0.1 kept its old id there): SELECT id FROM pggit.conflict WHERE seq = %s.', trim(conflict_id))
                              ELSE 'Open conflicts: SELECT id, object_key, change FROM pggit.conflict WHERE resolved_at IS NULL ORDER BY seq.' END;
    END;
    RETURN pggit.resolve_conflict(parsed, resolution, reason, allow_data_loss);
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict(text, text, text, boolean) IS
    'pggit.resolve_conflict(uuid, text, text, boolean) for an id given as text (a quoted literal, as in resolve_conflict(conflict_id => ''<uuid>'', ...)): a UUID is resolved; anything else is refused with invalid_parameter_value, naming pggit.conflict.seq for a number.';

CREATE OR REPLACE FUNCTION pggit.resolve_conflict(conflict_id bigint, resolution text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- 0.1's signature: conflict ids were numbers. Refused with a clear message instead of "function
-- does not exist"; the number lives on as pggit.conflict.seq.
BEGIN
    RETURN pggit.resolve_conflict(conflict_id::text, resolution, reason);
END
$$;
COMMENT ON FUNCTION pggit.resolve_conflict(bigint, text, text) IS
    'pggit 0.1''s signature (conflict ids were numbers): always refused with invalid_parameter_value, naming the UUID to use instead (pggit.conflict.id; the number is pggit.conflict.seq).';
