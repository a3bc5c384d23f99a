-- The event triggers, created last so that installing pggit journals nothing of itself.

-- Event triggers last, so that installing pggit journals nothing of itself.
CREATE EVENT TRIGGER pggit_ddl_command_end ON ddl_command_end EXECUTE FUNCTION pggit.journal_ddl();

CREATE EVENT TRIGGER pggit_sql_drop ON sql_drop EXECUTE FUNCTION pggit.journal_drop();
