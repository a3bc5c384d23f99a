-- The DDL writer: the statements that recreate a set of objects from the catalog reader's canonical
-- definitions (catalog/kinds/*.sql), in dependency order. The one place DDL is written from
-- definitions: get_object_definition and export_schema_snapshot call it here, pggit's Java side
-- (export, compare plans, checkout, merge) through pggit.ddl_statements (see docs/architecture.md).
-- A missing field reads as the empty string, as the Java side's JSON reader reads it (concat).

CREATE OR REPLACE FUNCTION pggit.ddl_quote(name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '"' || replace(coalesce(name, ''), '"', '""') || '"';
COMMENT ON FUNCTION pggit.ddl_quote(text) IS 'An identifier in double quotes, always (inner double quotes doubled): the name PostgreSQL would fold to, quoted or not. Null reads as the empty name.';

CREATE OR REPLACE FUNCTION pggit.ddl_literal(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '''' || replace(value, '''', '''''') || '''';
COMMENT ON FUNCTION pggit.ddl_literal(text) IS 'A standard string literal (quotes doubled, backslashes as they are: standard_conforming_strings); null for null (a clause '' X = '' || pggit.ddl_literal(missing) disappears).';

CREATE OR REPLACE FUNCTION pggit.ddl_options(options jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN jsonb_typeof(options) = 'array' AND jsonb_array_length(options) > 0 THEN
    ' OPTIONS (' || (SELECT string_agg(pggit.ddl_quote(split_part(o, '=', 1)) || ' ' || pggit.ddl_literal(substr(o, strpos(o, '=') + 1)), ', ' ORDER BY n)
                       FROM jsonb_array_elements_text(options) WITH ORDINALITY AS e(o, n)) || ')'
    ELSE '' END;
COMMENT ON FUNCTION pggit.ddl_options(jsonb) IS 'The OPTIONS (k ''v'', ...) clause of a foreign-data wrapper, server, user mapping, foreign table or column from the catalog''s array of k=v strings (split at the first =), with a leading space; the empty string for none.';

CREATE OR REPLACE FUNCTION pggit.ddl_column(col jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN concat(pggit.ddl_quote(col->>'name'), ' ', col->>'type',
              CASE WHEN col ? 'options' THEN pggit.ddl_options(col->'options') END,   -- called only then: a function with a subquery is not inlined
              ' COLLATE ' || (col->>'collation'),
              ' GENERATED ALWAYS AS (' || (col->>'generated') || ') STORED',
              CASE WHEN col ? 'identity' THEN ' GENERATED ' || CASE WHEN col->>'identity' = 'always' THEN 'ALWAYS' ELSE 'BY DEFAULT' END || ' AS IDENTITY' END,
              ' DEFAULT ' || (col->>'default'),
              CASE WHEN coalesce((col->>'not_null')::boolean, false) THEN ' NOT NULL' END);
COMMENT ON FUNCTION pggit.ddl_column(jsonb) IS 'One column of a table definition as CREATE TABLE and ALTER TABLE ADD COLUMN write it: quoted name, type, options, collation, generation expression, identity, default, NOT NULL.';

CREATE OR REPLACE FUNCTION pggit.acl_grants(item text, on_words text, columns text DEFAULT '') RETURNS SETOF text
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
-- An aclitem as PostgreSQL prints it: grantee=privileges/grantor, an empty grantee for PUBLIC, a
-- role in double quotes when it needs them (inner quotes doubled), * after a letter for WITH GRANT
-- OPTION. The letters are aclitemout's (src/backend/utils/adt/acl.c, and the Privileges table of
-- the documentation, ddl-priv); the grantor is not written (GRANT records the current user).
DECLARE
    at integer := 1;
    len integer := length(item);
    ch text;
    grantee text := '';
    plain text[] := '{}';
    grantable text[] := '{}';
    privilege text;
BEGIN
    IF substr(item, 1, 1) = '"' THEN
        at := 2;
        LOOP
            IF at > len THEN
                RAISE EXCEPTION 'pggit: unterminated quoted role name in ACL item %', item USING ERRCODE = 'invalid_parameter_value';
            END IF;
            ch := substr(item, at, 1);
            at := at + 1;
            IF ch = '"' THEN
                EXIT WHEN substr(item, at, 1) <> '"';
                at := at + 1;
            END IF;
            grantee := grantee || ch;
        END LOOP;
    ELSE
        WHILE at <= len AND substr(item, at, 1) NOT IN ('=', '/') LOOP
            grantee := grantee || substr(item, at, 1);
            at := at + 1;
        END LOOP;
    END IF;
    IF substr(item, at, 1) <> '=' THEN
        RAISE EXCEPTION 'pggit: not an ACL item (expected ''='' at %): %', at - 1, item USING ERRCODE = 'invalid_parameter_value';
    END IF;
    at := at + 1;
    WHILE at <= len AND substr(item, at, 1) <> '/' LOOP
        ch := substr(item, at, 1);
        privilege := CASE ch COLLATE "C" WHEN 'r' THEN 'SELECT' WHEN 'w' THEN 'UPDATE' WHEN 'a' THEN 'INSERT' WHEN 'd' THEN 'DELETE'
            WHEN 'D' THEN 'TRUNCATE' WHEN 'x' THEN 'REFERENCES' WHEN 't' THEN 'TRIGGER' WHEN 'X' THEN 'EXECUTE' WHEN 'U' THEN 'USAGE'
            WHEN 'C' THEN 'CREATE' WHEN 'c' THEN 'CONNECT' WHEN 'T' THEN 'TEMPORARY' WHEN 'm' THEN 'MAINTAIN' WHEN 's' THEN 'SET'
            WHEN 'A' THEN 'ALTER SYSTEM' END;
        IF privilege IS NULL THEN
            RAISE EXCEPTION 'pggit: unknown privilege letter ''%'' in ACL item %', ch, item USING ERRCODE = 'invalid_parameter_value';
        END IF;
        at := at + 1;
        IF substr(item, at, 1) = '*' THEN
            grantable := grantable || (privilege || columns);
            at := at + 1;
        ELSE
            plain := plain || (privilege || columns);
        END IF;
    END LOOP;
    IF substr(item, at, 1) <> '/' THEN
        RAISE EXCEPTION 'pggit: not an ACL item (expected ''/'' at %): %', at - 1, item USING ERRCODE = 'invalid_parameter_value';
    END IF;
    grantee := CASE WHEN grantee = '' THEN 'PUBLIC' ELSE pggit.ddl_quote(grantee) END;
    IF cardinality(plain) > 0 THEN
        RETURN NEXT 'GRANT ' || array_to_string(plain, ', ') || ' ' || on_words || ' TO ' || grantee || ';';
    END IF;
    IF cardinality(grantable) > 0 THEN
        RETURN NEXT 'GRANT ' || array_to_string(grantable, ', ') || ' ' || on_words || ' TO ' || grantee || ' WITH GRANT OPTION;';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.acl_grants(text, text, text) IS 'The GRANT statements of one aclitem in its text form (grantee=privileges/grantor): one for the privileges without grant option, one WITH GRANT OPTION, each privilege followed by columns (e.g. '' ("a")'' for a column ACL); on_words is the ON clause (''ON TABLE s.t''). Errors: invalid_parameter_value for text that is not an aclitem or an unknown privilege letter.';

CREATE OR REPLACE FUNCTION pggit.object_ddl(object_key text, kind text, schema_name text, definition jsonb,
                                            table_types text[] DEFAULT '{}', matviews text[] DEFAULT '{}')
    RETURNS TABLE (phase text, statement text)
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
-- The phases are those of pggit.ddl_phases(); the statements of one phase in the order returned.
-- Mirrors, kind by kind, what the Java side wrote before the writer moved here (DdlWriter).
DECLARE
    d jsonb := definition;
    id text := pggit.key_identity(object_key);
    nm text := pggit.ddl_quote(d->>'name');
    s text;
    x text;
    c jsonb;
    words text[];
BEGIN
    CASE kind
    WHEN 'schema' THEN
        phase := 'schema';
        statement := 'CREATE SCHEMA IF NOT EXISTS ' || nm || ';';
        RETURN NEXT;
    WHEN 'extension' THEN
        phase := 'extension';
        statement := 'CREATE EXTENSION IF NOT EXISTS ' || nm || ' WITH SCHEMA ' || pggit.ddl_quote(d->>'schema')
            || ' VERSION ' || pggit.ddl_literal(coalesce(d->>'version', '')) || ';';
        RETURN NEXT;
    WHEN 'type' THEN
        CASE d->>'type'
        WHEN 'enum' THEN
            phase := 'type';
            statement := 'CREATE TYPE ' || id || ' AS ENUM ('
                || coalesce((SELECT string_agg(pggit.ddl_literal(l), ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'labels') WITH ORDINALITY e(l, n)), '') || ');';
            RETURN NEXT;
        WHEN 'range' THEN
            phase := 'type';
            statement := concat('CREATE TYPE ', id, ' AS RANGE (SUBTYPE = ', d->>'subtype', ');');
            RETURN NEXT;
        WHEN 'composite' THEN
            phase := 'composite';
            statement := 'CREATE TYPE ' || id || ' AS ('
                || coalesce((SELECT string_agg(concat(pggit.ddl_quote(a->>'name'), ' ', a->>'type'), ', ' ORDER BY n)
                               FROM jsonb_array_elements(d->'attributes') WITH ORDINALITY e(a, n)), '') || ');';
            RETURN NEXT;
        ELSE
            RAISE EXCEPTION 'pggit: no DDL for type %', object_key USING ERRCODE = 'feature_not_supported';
        END CASE;
    WHEN 'domain' THEN
        phase := 'domain';
        statement := concat('CREATE DOMAIN ', id, ' AS ', d->>'base_type', ' DEFAULT ' || (d->>'default'),
            CASE WHEN coalesce((d->>'not_null')::boolean, false) THEN ' NOT NULL' END,
            (SELECT string_agg(concat(' CONSTRAINT ', pggit.ddl_quote(k->>'name'), ' ', k->>'definition'), '' ORDER BY n)
               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'constraints') = 'array' THEN d->'constraints' ELSE '[]' END) WITH ORDINALITY e(k, n)), ';');
        RETURN NEXT;
    WHEN 'sequence' THEN
        phase := 'sequence';
        statement := concat('CREATE ', CASE WHEN coalesce((d->>'unlogged')::boolean, false) THEN 'UNLOGGED ' END, 'SEQUENCE ', id,
            ' AS ', d->>'type', ' INCREMENT BY ', d->>'increment', ' MINVALUE ', d->>'min', ' MAXVALUE ', d->>'max',
            ' START WITH ', d->>'start', ' CACHE ', d->>'cache', CASE WHEN coalesce((d->>'cycle')::boolean, false) THEN ' CYCLE' ELSE ' NO CYCLE' END, ';');
        RETURN NEXT;
        IF d ? 'owned_by' THEN
            phase := 'owned';
            statement := 'ALTER SEQUENCE ' || id || ' OWNED BY ' || (d->>'owned_by') || ';';
            RETURN NEXT;
        END IF;
    WHEN 'function', 'procedure', 'aggregate' THEN
        IF kind = 'aggregate' THEN
            s := concat('CREATE AGGREGATE ', pggit.ddl_quote(d->>'schema'), '.', nm, '(', d->>'arguments', ') (SFUNC = ', d#>>'{aggregate,sfunc}',
                ', STYPE = ', d#>>'{aggregate,stype}', ', FINALFUNC = ' || (d#>>'{aggregate,finalfunc}'), ', COMBINEFUNC = ' || (d#>>'{aggregate,combinefunc}'),
                ', INITCOND = ' || CASE WHEN d->'aggregate' ? 'initcond' THEN pggit.ddl_literal(d#>>'{aggregate,initcond}') END, ');');
            phase := 'aggregate';
            statement := s;
            RETURN NEXT;   -- after every function: its support functions are named without parentheses
        ELSE
            x := concat(d->>'arguments', ' ', d->>'returns');
            phase := CASE WHEN EXISTS (SELECT 1 FROM unnest(table_types) t WHERE strpos(x, t) > 0) THEN 'function_late' ELSE 'function' END;
            statement := regexp_replace(coalesce(d->>'definition', ''), '\s+$', '') || ';';
            RETURN NEXT;
        END IF;
    WHEN 'table', 'foreign_table' THEN
        IF kind = 'table' THEN
            s := 'CREATE ' || CASE WHEN coalesce((d->>'unlogged')::boolean, false) THEN 'UNLOGGED ' ELSE '' END || 'TABLE ' || id;
            IF d ? 'partition_of' THEN
                s := concat(s, ' PARTITION OF ', d->>'partition_of', ' ', d->>'partition_bound');
            ELSE
                s := s || E' (\n    ' || coalesce((SELECT string_agg(pggit.ddl_column(col), E',\n    ' ORDER BY n)
                                                     FROM jsonb_array_elements(d->'columns') WITH ORDINALITY e(col, n)), '') || E'\n)';
                IF d ? 'inherits' THEN
                    s := s || ' INHERITS (' || coalesce((SELECT string_agg(p, ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'inherits') WITH ORDINALITY e(p, n)), '') || ')';
                END IF;
            END IF;
            s := concat(s, ' PARTITION BY ' || (d->>'partition_key'));
            IF d ? 'options' THEN
                s := s || ' WITH (' || coalesce((SELECT string_agg(o, ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'options') WITH ORDINALITY e(o, n)), '') || ')';
            END IF;
            s := s || ';';
            IF coalesce((d->>'row_security')::boolean, false) THEN
                s := s || E'\nALTER TABLE ' || id || ' ENABLE ROW LEVEL SECURITY;';
            END IF;
            IF coalesce((d->>'force_row_security')::boolean, false) THEN
                s := s || E'\nALTER TABLE ' || id || ' FORCE ROW LEVEL SECURITY;';
            END IF;
        ELSE
            s := concat('CREATE FOREIGN TABLE ', id, E' (\n    ', (SELECT string_agg(pggit.ddl_column(col), E',\n    ' ORDER BY n)
                                                                  FROM jsonb_array_elements(d->'columns') WITH ORDINALITY e(col, n)),
                        E'\n) SERVER ', d->>'server', pggit.ddl_options(d->'options'), ';');
        END IF;
        phase := 'table';
        statement := s;
        RETURN NEXT;
        -- column storage, compression and statistics target, which CREATE TABLE cannot say
        x := 'ALTER ' || CASE WHEN kind = 'foreign_table' THEN 'FOREIGN TABLE ' ELSE 'TABLE ' END || id || ' ALTER COLUMN ';
        IF jsonb_path_exists(d, '$.columns[*] ? (exists(@.storage) || exists(@.compression) || exists(@.statistics))') THEN
            FOR c IN SELECT col FROM jsonb_array_elements(d->'columns') WITH ORDINALITY e(col, n) ORDER BY n LOOP
                IF c ? 'storage' THEN
                    phase := 'column_settings';
                    statement := x || pggit.ddl_quote(c->>'name') || ' SET STORAGE ' || upper(c->>'storage') || ';';
                    RETURN NEXT;
                END IF;
                IF c ? 'compression' THEN
                    phase := 'column_settings';
                    statement := x || pggit.ddl_quote(c->>'name') || ' SET COMPRESSION ' || (c->>'compression') || ';';
                    RETURN NEXT;
                END IF;
                IF c ? 'statistics' THEN
                    phase := 'column_settings';
                    statement := x || pggit.ddl_quote(c->>'name') || ' SET STATISTICS ' || (c->>'statistics')::integer || ';';
                    RETURN NEXT;
                END IF;
            END LOOP;
        END IF;
        IF kind = 'table' AND d ? 'replica_identity' THEN
            x := d->>'replica_identity';
            phase := 'replica_identity';
            statement := 'ALTER TABLE ' || id || ' REPLICA IDENTITY '
                || CASE WHEN x LIKE 'index %' THEN 'USING INDEX ' || substr(x, 7) ELSE upper(x) END || ';';
            RETURN NEXT;
        END IF;
    WHEN 'constraint' THEN
        phase := CASE WHEN d->>'type' = 'foreign key' THEN 'foreign_key' ELSE 'constraint' END;
        statement := concat('ALTER TABLE ', d->>'table', ' ADD CONSTRAINT ', nm, ' ', d->>'definition', ';');
        RETURN NEXT;
    WHEN 'index' THEN
        phase := CASE WHEN (d->>'table') = ANY (matviews) THEN 'matview_index' ELSE 'index' END;
        statement := concat(d->>'definition', ';');
        RETURN NEXT;
    WHEN 'view', 'materialized_view' THEN
        phase := kind;
        statement := 'CREATE ' || CASE WHEN kind = 'view' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || id
            || CASE WHEN d ? 'options' THEN ' WITH (' || coalesce((SELECT string_agg(o, ', ' ORDER BY n) FROM jsonb_array_elements_text(d->'options') WITH ORDINALITY e(o, n)), '') || ')' ELSE '' END
            || E' AS\n' || regexp_replace(regexp_replace(coalesce(d->>'query', ''), '^\s+|\s+$', '', 'g'), ';$', '') || ';';
        RETURN NEXT;
    WHEN 'trigger', 'rule' THEN
        phase := kind;
        statement := concat(d->>'definition', CASE WHEN kind = 'trigger' THEN ';' END);
        RETURN NEXT;
        IF d ? 'enabled' THEN
            phase := kind;
            statement := concat('ALTER TABLE ', d->>'table', ' ', pggit.ddl_enable(d->>'enabled'), upper(kind), ' ', nm, ';');
            RETURN NEXT;
        END IF;
    WHEN 'collation' THEN
        phase := 'collation';
        statement := concat('CREATE COLLATION ', id, ' (provider = ', d->>'provider',
            ', locale = ' || pggit.ddl_literal(d->>'locale'),
            CASE WHEN NOT d ? 'locale' THEN ', lc_collate = ' || pggit.ddl_literal(d->>'lc_collate') END,
            CASE WHEN NOT d ? 'locale' THEN ', lc_ctype = ' || pggit.ddl_literal(d->>'lc_ctype') END,
            ', rules = ' || pggit.ddl_literal(d->>'rules'),
            ', deterministic = ', coalesce((d->>'deterministic')::boolean, true)::text, ');');
        RETURN NEXT;
    WHEN 'statistics' THEN   -- after the indexes: on a table or a materialized view
        phase := 'statistics';
        statement := concat(d->>'definition', ';');
        RETURN NEXT;
        IF d ? 'target' THEN   -- pg_get_statisticsobjdef leaves the statistics target out
            phase := 'statistics';
            statement := 'ALTER STATISTICS ' || id || ' SET STATISTICS ' || (d->>'target')::integer || ';';
            RETURN NEXT;
        END IF;
    WHEN 'policy' THEN
        phase := 'policy';
        statement := concat('CREATE POLICY ', nm, ' ON ', d->>'table', ' AS ',
            CASE WHEN coalesce((d->>'permissive')::boolean, true) THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, ' FOR ', d->>'command', ' TO ',
            (SELECT string_agg(r, ', ' ORDER BY n) FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'roles') = 'array' THEN d->'roles' ELSE '[]' END) WITH ORDINALITY e(r, n)),
            ' USING (' || (d->>'using') || ')', ' WITH CHECK (' || (d->>'with_check') || ')', ';');
        RETURN NEXT;
    WHEN 'event_trigger' THEN
        phase := 'event_trigger';
        statement := concat('CREATE EVENT TRIGGER ', nm, ' ON ', d->>'event',
            CASE WHEN d ? 'tags' THEN ' WHEN TAG IN (' || coalesce((SELECT string_agg(pggit.ddl_literal(t), ', ' ORDER BY n)
                                                                    FROM jsonb_array_elements_text(d->'tags') WITH ORDINALITY e(t, n)), '') || ')' END,
            ' EXECUTE FUNCTION ', d->>'function', ';');
        RETURN NEXT;
        IF d ? 'enabled' THEN
            phase := 'event_trigger';
            statement := 'ALTER EVENT TRIGGER ' || nm || ' ' || rtrim(pggit.ddl_enable(d->>'enabled')) || ';';
            RETURN NEXT;
        END IF;
    WHEN 'publication' THEN
        x := (SELECT string_agg(p, ', ' ORDER BY n) FROM (
                SELECT concat('TABLE ', t->>'table',
                              ' (' || (SELECT string_agg(pggit.ddl_quote(col), ', ' ORDER BY m) FROM jsonb_array_elements_text(t->'columns') WITH ORDINALITY f(col, m)) || ')',
                              ' WHERE (' || (t->>'where') || ')') AS p, n
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'tables') = 'array' THEN d->'tables' ELSE '[]' END) WITH ORDINALITY e(t, n)
                UNION ALL
                SELECT 'TABLES IN SCHEMA ' || pggit.ddl_quote(sn), 1000000000 + n
                  FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'schemas') = 'array' THEN d->'schemas' ELSE '[]' END) WITH ORDINALITY e(sn, n)) parts);
        phase := 'publication';
        statement := concat('CREATE PUBLICATION ', nm,
            CASE WHEN coalesce((d->>'all_tables')::boolean, false) THEN ' FOR ALL TABLES' ELSE ' FOR ' || x END,
            ' WITH (publish = ', pggit.ddl_literal(coalesce((SELECT string_agg(p, ', ' ORDER BY n)
                                                             FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'publish') = 'array' THEN d->'publish' ELSE '[]' END) WITH ORDINALITY e(p, n)), '')),
            ', publish_via_partition_root = ', coalesce((d->>'via_root')::boolean, false)::text, ');');
        RETURN NEXT;
    WHEN 'subscription' THEN
        phase := 'subscription';
        statement := concat('-- the connection string is not recorded (it may hold a password): set it with ALTER SUBSCRIPTION ', nm,
            E' CONNECTION ''...''\nCREATE SUBSCRIPTION ', nm, ' CONNECTION '''' PUBLICATION ',
            (SELECT string_agg(pggit.ddl_quote(p), ', ' ORDER BY n) FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'publications') = 'array' THEN d->'publications' ELSE '[]' END) WITH ORDINALITY e(p, n)),
            ' WITH (connect = false, slot_name = ', CASE WHEN d ? 'slot_name' THEN pggit.ddl_literal(d->>'slot_name') ELSE 'NONE' END,
            ', binary = ', coalesce((d->>'binary')::boolean, false)::text, ', streaming = ', coalesce(d->>'streaming', 'off'),
            ', synchronous_commit = ', pggit.ddl_literal(coalesce(d->>'synchronous_commit', 'off')), ');');
        RETURN NEXT;
        IF coalesce((d->>'enabled')::boolean, false) THEN
            phase := 'subscription';
            statement := 'ALTER SUBSCRIPTION ' || nm || ' ENABLE;';
            RETURN NEXT;
        END IF;
    WHEN 'foreign_data_wrapper' THEN
        phase := 'foreign_data_wrapper';
        statement := concat('CREATE FOREIGN DATA WRAPPER ', nm,
            CASE WHEN d ? 'handler' THEN ' HANDLER ' || (d->>'handler') ELSE ' NO HANDLER' END,
            CASE WHEN d ? 'validator' THEN ' VALIDATOR ' || (d->>'validator') ELSE ' NO VALIDATOR' END, pggit.ddl_options(d->'options'), ';');
        RETURN NEXT;
    WHEN 'server' THEN
        phase := 'server';
        statement := concat('CREATE SERVER ', nm, ' TYPE ' || pggit.ddl_literal(d->>'type'), ' VERSION ' || pggit.ddl_literal(d->>'version'),
            ' FOREIGN DATA WRAPPER ', d->>'wrapper', pggit.ddl_options(d->'options'), ';');
        RETURN NEXT;
    WHEN 'user_mapping' THEN
        phase := 'user_mapping';
        statement := concat('CREATE USER MAPPING FOR ', d->>'user', ' SERVER ', d->>'server', pggit.ddl_options(d->'options'), ';');
        RETURN NEXT;
    WHEN 'default_privileges' THEN
        s := 'ALTER DEFAULT PRIVILEGES FOR ROLE ' || pggit.ddl_quote(d->>'role') || CASE WHEN d ? 'schema' THEN ' IN SCHEMA ' || pggit.ddl_quote(d->>'schema') ELSE '' END;
        x := upper(coalesce(d->>'on', ''));
        IF NOT d ? 'schema' THEN   -- a database-wide entry replaces the built-in default: start from nothing
            phase := 'default_privileges';
            statement := s || ' REVOKE ALL ON ' || x || ' FROM PUBLIC;';
            RETURN NEXT;
            phase := 'default_privileges';
            statement := s || ' REVOKE ALL ON ' || x || ' FROM ' || pggit.ddl_quote(d->>'role') || ';';
            RETURN NEXT;
        END IF;
        RETURN QUERY SELECT 'default_privileges', s || ' ' || g
                       FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'acl') = 'array' THEN d->'acl' ELSE '[]' END) WITH ORDINALITY e(a, n),
                            LATERAL pggit.acl_grants(a, 'ON ' || x) WITH ORDINALITY AS gr(g, m)
                      ORDER BY n, m;
    ELSE
        RAISE EXCEPTION 'pggit: no DDL for objects of kind % (%)', kind, object_key USING ERRCODE = 'feature_not_supported';
    END CASE;
    IF kind IN ('constraint', 'index') AND d ? 'attached_to' THEN   -- a partition's index (or its constraint's) to its partitioned index
        phase := 'index_attach';
        statement := 'ALTER INDEX ' || (d->>'attached_to') || ' ATTACH PARTITION ' || pggit.ddl_quote(schema_name) || '.' || nm || ';';
        RETURN NEXT;
    END IF;

    -- comments
    x := CASE kind
        WHEN 'schema' THEN 'SCHEMA ' || nm WHEN 'extension' THEN 'EXTENSION ' || nm
        WHEN 'index' THEN 'INDEX ' || regexp_replace(coalesce(d->>'table', ''), '\.[^.]*$', '') || '.' || nm
        WHEN 'constraint' THEN 'CONSTRAINT ' || nm || ' ON ' || coalesce(d->>'table', '')
        WHEN 'trigger' THEN 'TRIGGER ' || nm || ' ON ' || coalesce(d->>'table', '')
        WHEN 'policy' THEN 'POLICY ' || nm || ' ON ' || coalesce(d->>'table', '')
        WHEN 'rule' THEN 'RULE ' || nm || ' ON ' || coalesce(d->>'table', '')
        ELSE CASE WHEN kind IN ('table', 'view', 'materialized_view', 'sequence', 'function', 'procedure', 'aggregate', 'type', 'domain',
                                'foreign_table', 'collation', 'statistics', 'event_trigger', 'publication', 'subscription', 'foreign_data_wrapper', 'server')
                  THEN upper(replace(kind, '_', ' ')) || ' ' || id END END;
    IF x IS NOT NULL AND d ? 'comment' THEN
        phase := 'comment';
        statement := 'COMMENT ON ' || x || ' IS ' || pggit.ddl_literal(d->>'comment') || ';';
        RETURN NEXT;
    END IF;
    IF kind IN ('table', 'foreign_table') AND jsonb_path_exists(d, '$.columns[*].comment') THEN
        RETURN QUERY SELECT 'comment', 'COMMENT ON COLUMN ' || id || '.' || pggit.ddl_quote(col->>'name') || ' IS ' || pggit.ddl_literal(col->>'comment') || ';'
                       FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'columns') = 'array' THEN d->'columns' ELSE '[]' END) WITH ORDINALITY e(col, n)
                      WHERE col ? 'comment' ORDER BY n;
    END IF;

    -- owner (ALTER ... OWNER TO words) and privileges (GRANT/REVOKE words; none for some kinds)
    words := CASE kind
        WHEN 'schema' THEN ARRAY['SCHEMA ' || nm, 'SCHEMA ' || nm]
        WHEN 'table' THEN ARRAY['TABLE ' || id, 'TABLE ' || id]
        WHEN 'view' THEN ARRAY['VIEW ' || id, 'TABLE ' || id]
        WHEN 'materialized_view' THEN ARRAY['MATERIALIZED VIEW ' || id, 'TABLE ' || id]
        WHEN 'foreign_table' THEN ARRAY['FOREIGN TABLE ' || id, 'TABLE ' || id]
        WHEN 'sequence' THEN ARRAY['SEQUENCE ' || id, 'SEQUENCE ' || id]
        WHEN 'function' THEN ARRAY['FUNCTION ' || id, 'FUNCTION ' || id]
        WHEN 'procedure' THEN ARRAY['PROCEDURE ' || id, 'PROCEDURE ' || id]
        WHEN 'aggregate' THEN ARRAY['AGGREGATE ' || id, 'ROUTINE ' || id]
        WHEN 'type' THEN ARRAY['TYPE ' || id, 'TYPE ' || id]
        WHEN 'domain' THEN ARRAY['DOMAIN ' || id, 'DOMAIN ' || id]
        WHEN 'collation' THEN ARRAY['COLLATION ' || id, NULL]
        WHEN 'statistics' THEN ARRAY['STATISTICS ' || id, NULL]
        WHEN 'event_trigger' THEN ARRAY['EVENT TRIGGER ' || id, NULL]
        WHEN 'publication' THEN ARRAY['PUBLICATION ' || id, NULL]
        WHEN 'subscription' THEN ARRAY['SUBSCRIPTION ' || id, NULL]
        WHEN 'foreign_data_wrapper' THEN ARRAY['FOREIGN DATA WRAPPER ' || id, 'FOREIGN DATA WRAPPER ' || id]
        WHEN 'server' THEN ARRAY['SERVER ' || id, 'FOREIGN SERVER ' || id] END;
    IF words IS NULL THEN
        RETURN;
    END IF;
    IF d ? 'owner' AND NOT d ? 'owned_by' THEN   -- a sequence a column owns has its table's owner, and no other
        phase := 'owner';
        statement := 'ALTER ' || words[1] || ' OWNER TO ' || pggit.ddl_quote(d->>'owner') || ';';
        RETURN NEXT;
    END IF;
    IF words[2] IS NOT NULL AND d ? 'acl' THEN
        phase := 'privileges';
        statement := 'REVOKE ALL ON ' || words[2] || ' FROM PUBLIC;';
        RETURN NEXT;
        IF d ? 'owner' THEN
            phase := 'privileges';
            statement := 'REVOKE ALL ON ' || words[2] || ' FROM ' || pggit.ddl_quote(d->>'owner') || ';';
            RETURN NEXT;
        END IF;
        RETURN QUERY SELECT 'privileges', g
                       FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'acl') = 'array' THEN d->'acl' ELSE '[]' END) WITH ORDINALITY e(a, n),
                            LATERAL pggit.acl_grants(a, 'ON ' || words[2]) WITH ORDINALITY AS gr(g, m)
                      ORDER BY n, m;
    END IF;
    IF words[2] LIKE 'TABLE %' AND jsonb_path_exists(d, '$.columns[*].acl') THEN
        RETURN QUERY SELECT 'privileges', g
                       FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d->'columns') = 'array' THEN d->'columns' ELSE '[]' END) WITH ORDINALITY e(col, n),
                            jsonb_array_elements_text(CASE WHEN jsonb_typeof(col->'acl') = 'array' THEN col->'acl' ELSE '[]' END) WITH ORDINALITY f(a, k),
                            LATERAL pggit.acl_grants(a, 'ON ' || words[2], ' (' || pggit.ddl_quote(col->>'name') || ')') WITH ORDINALITY AS gr(g, m)
                      ORDER BY n, k, m;
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.object_ddl(text, text, text, jsonb, text[], text[]) IS
    'The statements that create one object from its canonical definition (pggit.read_catalog''s JSON), each with its phase (pggit.ddl_phases(): where it goes in a whole script), in order within each phase: the CREATE, column settings, ALTERs that CREATE cannot say (enabled state, replica identity, ownership of a sequence, partition index attachment, statistics target), the comments, ALTER ... OWNER TO, REVOKE ALL and a GRANT per ACL item. table_types (identities of the tables of the set) puts a routine whose signature names one after the tables; matviews (identities of the materialized views) puts their indexes after them. The roles named must exist where the statements run; a subscription is created without connecting and with an empty connection string (pggit never records it). Errors: feature_not_supported for a kind (or type) it has no DDL for, invalid_parameter_value for an ACL item it cannot read.';

CREATE OR REPLACE FUNCTION pggit.ddl_enable(state text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE state WHEN 'disabled' THEN 'DISABLE ' WHEN 'replica' THEN 'ENABLE REPLICA ' ELSE 'ENABLE ALWAYS ' END;
COMMENT ON FUNCTION pggit.ddl_enable(text) IS 'The ENABLE/DISABLE words of ALTER TABLE ... TRIGGER/RULE and ALTER EVENT TRIGGER for a firing state (disabled, replica, always; anything else: always), with a trailing space.';

CREATE OR REPLACE FUNCTION pggit.ddl_phases() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY['settings', 'schema', 'extension', 'collation', 'type', 'composite', 'domain', 'sequence', 'function',
             'foreign_data_wrapper', 'server', 'user_mapping', 'table', 'column_settings', 'owned', 'function_late', 'aggregate', 'constraint',
             'index', 'index_attach', 'foreign_key', 'replica_identity', 'view', 'materialized_view', 'matview_index', 'statistics', 'trigger',
             'rule', 'policy', 'event_trigger', 'publication', 'subscription', 'comment', 'owner', 'privileges', 'default_privileges'];
COMMENT ON FUNCTION pggit.ddl_phases() IS
    'The phases of a DDL script, in order: settings; schemas, extensions, collations, enum and range types, composite types, domains, sequences, functions that use no table type; foreign-data wrappers, servers, user mappings; tables and foreign tables (inheritance and partition parents first), their column settings, sequence ownership, functions that use a table type, aggregates; primary/unique/check/exclusion constraints, indexes, partition index attachments, foreign keys (after every table: mutual references need nothing special), replica identities; views (one after another it names), materialized views and their indexes, extended statistics, triggers, rules, policies, event triggers, publications, subscriptions; comments, owners, privileges, and last the default privileges (so that they do not apply to what the script creates).';

CREATE OR REPLACE FUNCTION pggit.ddl_mentions(statement text, object_key text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN strpos(pggit.key_identity(object_key), '(') > 1
    -- a routine, called by name, past the CREATE line that names the routine itself
    THEN strpos(substr(statement, strpos(statement, E'\n') + 1),
                substr(pggit.key_identity(object_key), 1, strpos(pggit.key_identity(object_key), '('))) > 0
    -- a view, named in its query (from " AS" and a newline on)
    ELSE strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || ' ') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || E'\n') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || ')') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || ';') > 0
      OR strpos(substr(statement, greatest(strpos(statement, E' AS\n'), 1)), pggit.key_identity(object_key) || '.') > 0 END;
COMMENT ON FUNCTION pggit.ddl_mentions(text, text) IS 'Whether a CREATE statement of a routine or view names another object: a routine (its identity has parentheses) by its name and an opening parenthesis after the statement''s first line, a view by its identity followed by a space, newline, parenthesis, semicolon or dot from " AS" and a newline on. What orders routines and views in pggit.ddl_statements.';

CREATE OR REPLACE FUNCTION pggit.ddl_statements(objects jsonb)
    RETURNS TABLE (ord integer, object_key text, statement text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
-- Every object's statements are written once (pggit.object_ddl) and held in three arrays, read
-- only by unnest (subscripting an array of text costs its position); the phases whose order
-- depends on what a statement names are ordered here, into rank (an integer per statement).
DECLARE
    phases text[] := pggit.ddl_phases();
    ph text;
    r_phases text[];
    r_keys text[];
    r_sqls text[];
    rank integer[];       -- statement ordinal -> its place within its phase, for the phases ordered by reference
    members integer[];    -- the ordinals of one such phase's statements, in their first order
    named jsonb;          -- position in members -> the positions it names
    pending boolean[];
    chosen integer;
    placed integer;
    n integer;
BEGIN
    WITH RECURSIVE items AS (
        SELECT i->>'key' AS k, coalesce(i->>'kind', pggit.key_kind(i->>'key')) AS kind, coalesce(i->>'schema', '') AS schema_name, i->'definition' AS d
          FROM jsonb_array_elements(coalesce(objects, '[]')) i),
    context AS (
        SELECT coalesce(array_agg(pggit.key_identity(k)) FILTER (WHERE kind = 'table'), '{}') AS table_types,
               coalesce(array_agg(pggit.key_identity(k)) FILTER (WHERE kind = 'materialized_view'), '{}') AS matviews FROM items),
    parents AS (   -- inheritance and partition parents
        SELECT pggit.key_identity(k) AS child, p.parent FROM items,
               LATERAL (SELECT d->>'partition_of' WHERE d ? 'partition_of'
                        UNION ALL SELECT * FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'inherits') = 'array' THEN d->'inherits' ELSE '[]' END)) p(parent)
         WHERE kind = 'table'),
    up(child, ancestor, depth) AS (
        SELECT child, parent, 1 FROM parents
        UNION ALL
        SELECT up.child, p.parent, up.depth + 1 FROM up JOIN parents p ON p.child = up.ancestor WHERE up.depth < 100),
    depths AS (SELECT child, max(depth) AS depth FROM up GROUP BY child),
    statements AS (
        SELECT 1 AS phase_no, 0 AS depth, '' AS k, 0::bigint AS n, 'settings' AS phase, 'SET check_function_bodies = off;' AS statement
        UNION ALL
        SELECT array_position(phases, o.phase), CASE WHEN o.phase = 'table' AND i.kind = 'table' THEN coalesce(dp.depth, 0) ELSE 0 END,
               i.k, o.n, o.phase, o.statement
          FROM items i CROSS JOIN context c
               LEFT JOIN depths dp ON dp.child = pggit.key_identity(i.k)
               CROSS JOIN LATERAL pggit.object_ddl(i.k, i.kind, i.schema_name, i.d, c.table_types, c.matviews) WITH ORDINALITY AS o(phase, statement, n))
    SELECT array_agg(s.phase ORDER BY s.phase_no, s.depth, s.k COLLATE "C", s.n), array_agg(s.k ORDER BY s.phase_no, s.depth, s.k COLLATE "C", s.n),
           array_agg(s.statement ORDER BY s.phase_no, s.depth, s.k COLLATE "C", s.n)
      INTO r_phases, r_keys, r_sqls FROM statements s;
    rank := array_fill(0, ARRAY[cardinality(r_phases)]);

    FOREACH ph IN ARRAY ARRAY['function', 'function_late', 'view', 'materialized_view'] LOOP
        -- one that names another (pggit.ddl_mentions) after it, stable otherwise; in a cycle (which
        -- cannot happen between views) the first of those left
        SELECT coalesce(array_agg(u.i ORDER BY u.i), '{}') INTO members FROM unnest(r_phases) WITH ORDINALITY u(p, i) WHERE u.p = ph;
        n := cardinality(members);
        CONTINUE WHEN n = 0;
        WITH m AS (   -- needle: what a statement that names it must contain (a cheap test before pggit.ddl_mentions)
            SELECT u.k, u.s, row_number() OVER (ORDER BY u.i) AS pos,
                   CASE WHEN strpos(pggit.key_identity(u.k), '(') > 1 THEN split_part(pggit.key_identity(u.k), '(', 1) || '(' ELSE pggit.key_identity(u.k) END AS needle
              FROM unnest(r_phases, r_keys, r_sqls) WITH ORDINALITY u(p, k, s, i) WHERE u.p = ph)
        SELECT coalesce(jsonb_object_agg(v, os), '{}') INTO named
          FROM (SELECT a.pos AS v, jsonb_agg(b.pos) AS os FROM m a JOIN m b ON a.pos <> b.pos AND strpos(a.s, b.needle) > 0 AND pggit.ddl_mentions(a.s, b.k)
                 GROUP BY a.pos) x;
        pending := array_fill(true, ARRAY[n]);
        FOR placed IN 1 .. n LOOP
            chosen := NULL;
            FOR v IN 1 .. n LOOP
                CONTINUE WHEN NOT pending[v];
                IF NOT named ? v::text OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(named->(v::text)) o WHERE pending[o::integer]) THEN
                    chosen := v;
                    EXIT;
                END IF;
            END LOOP;
            chosen := coalesce(chosen, array_position(pending, true));
            pending[chosen] := false;
            rank[members[chosen]] := placed;
        END LOOP;
    END LOOP;
    -- a phase's statements are one run of ordinals: those ordered here take its places by rank
    RETURN QUERY SELECT x.pos::integer, x.k, x.s FROM (
        SELECT CASE WHEN rank[u.i] > 0 THEN min(u.i) OVER (PARTITION BY u.p) + rank[u.i] - 1 ELSE u.i END AS pos, u.k, u.s
          FROM unnest(r_phases, r_keys, r_sqls) WITH ORDINALITY u(p, k, s, i)) x
     ORDER BY x.pos;
END
$$;
COMMENT ON FUNCTION pggit.ddl_statements(jsonb) IS
    'The statements that recreate a set of objects on an empty database, in dependency order (the phases of pggit.ddl_phases(); within a phase by object key in C order and each object''s statements in pggit.object_ddl''s order; tables after their inheritance and partition parents; routines and views after those they name), one row each: ord from 1, the object key (empty for the leading SET check_function_bodies = off, as pg_dump writes it), the statement. objects: a JSON array of {"key": "kind:identity", "kind", "schema", "definition"} (kind defaults to the key''s). The one DDL writer: pggit''s Java side and pggit.tree_ddl call it. Errors as pggit.object_ddl''s.';

CREATE OR REPLACE FUNCTION pggit.tree_ddl(tree text)
    RETURNS TABLE (ord integer, object_key text, statement text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
SELECT d.* FROM pggit.ddl_statements((
    SELECT coalesce(jsonb_agg(jsonb_build_object('key', o.object_key, 'kind', o.kind, 'schema', o.schema_name, 'definition', b.definition)), '[]')
      FROM pggit.tree_objects(tree) o JOIN pggit.blob b ON b.hash = o.hash)) d
$$;
COMMENT ON FUNCTION pggit.tree_ddl(text) IS 'The statements that recreate the objects of a tree (a tree hash, as in pggit.commit.tree) on an empty database: pggit.ddl_statements of its objects (for a tree that is not stored, or null, only the leading SET).';
