-- The event trigger functions: they only append to the journal.

-- The trigger functions only append: no definitions, no rules, no EXCEPTION block (each would
-- cost a subtransaction per DDL). SECURITY DEFINER so that any role's DDL can journal. The two
-- commands that never change a definition (REFRESH MATERIALIZED VIEW, REINDEX) are not journaled,
-- so a refresh every minute does not fill the journal between commits.
CREATE OR REPLACE FUNCTION pggit.journal_ddl() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO pggit.journal (event, command_tag, object_type, schema_name, object_identity, classid, objid, objsubid, flag)
    SELECT 'ddl', c.command_tag, c.object_type, c.schema_name, c.object_identity, c.classid, c.objid, c.objsubid, c.in_extension
      FROM pg_event_trigger_ddl_commands() c
     WHERE c.command_tag NOT IN ('REFRESH MATERIALIZED VIEW', 'REINDEX');   -- never change a definition
END
$$;
COMMENT ON FUNCTION pggit.journal_ddl() IS 'ddl_command_end event trigger: appends pg_event_trigger_ddl_commands() to pggit.journal.';

CREATE OR REPLACE FUNCTION pggit.journal_drop() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO pggit.journal (event, command_tag, object_type, schema_name, object_identity, classid, objid, objsubid, flag,
                               address_names)
    SELECT 'drop', tg_tag, d.object_type, d.schema_name, d.object_identity, d.classid, d.objid, d.objsubid, d.original,
           d.address_names
      FROM pg_event_trigger_dropped_objects() d;
END
$$;
COMMENT ON FUNCTION pggit.journal_drop() IS 'sql_drop event trigger: appends pg_event_trigger_dropped_objects() to pggit.journal.';
