-- Registering a migration tool's history table under another name.

CREATE OR REPLACE FUNCTION pggit.register_tool_table(relname text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
INSERT INTO pggit.tool_table (relname) VALUES (register_tool_table.relname) ON CONFLICT DO NOTHING
$$;
COMMENT ON FUNCTION pggit.register_tool_table(text) IS 'Never tracks tables of this name (a migration tool''s history table under a configured name, e.g. flyway.table).';
