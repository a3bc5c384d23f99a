-- The installed version.

CREATE OR REPLACE FUNCTION pggit.version() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    RETURN (SELECT v.version FROM pggit.schema_version v ORDER BY v.installed_at DESC, v.version DESC LIMIT 1);
COMMENT ON FUNCTION pggit.version() IS 'The installed version of the pggit SQL layer.';
