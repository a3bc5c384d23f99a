-- The row every kind reader of the catalog reader returns.

CREATE TYPE pggit.catalog_entry AS (
    classid     oid,     -- the catalog the object lives in (pg_class, pg_proc, ...)
    objid       oid,     -- its oid there: the object's live address, never part of a key or definition
    kind        text,    -- table, view, index, function, ... (docs/catalog-coverage.md)
    schema_name text,    -- '' for the kinds of no schema (event triggers, publications, servers, ...)
    object_key  text,    -- kind:identity, names quoted as quote_ident does
    parent_key  text,    -- the table of an index, constraint, trigger, policy or rule; the server of a user mapping
    definition  jsonb    -- the canonical definition, before nulls are stripped and without the comment
);
COMMENT ON TYPE pggit.catalog_entry IS 'One object as a kind reader of the catalog reader (pggit.read_<kinds>) returns it: address (classid, objid), kind, schema, key, parent key and definition without its comment.';
