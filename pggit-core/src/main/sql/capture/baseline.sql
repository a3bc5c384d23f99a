-- The baseline: the first commit of a fresh installation.

CREATE OR REPLACE FUNCTION pggit.baseline() RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Commits everything the database holds (a full scan). When pggit:uninstall removed an earlier
-- installation it left the database setting pggit.uninstalled_at (read from pg_db_role_setting,
-- since a setting changed after a session started is not in that session's GUCs): the message then
-- says the earlier history was removed, and when; pggit.history_restart keeps it, and the marker
-- is reset. Null when the database holds no tracked object.
DECLARE
    marker text := (SELECT substr(c, length('pggit.uninstalled_at=') + 1)
                      FROM pg_db_role_setting s, unnest(s.setconfig) c
                     WHERE s.setdatabase = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
                       AND s.setrole = 0 AND c LIKE 'pggit.uninstalled\_at=%');
    cid text;
BEGIN
    IF EXISTS (SELECT 1 FROM pggit.commit) THEN
        RAISE EXCEPTION 'pggit: a baseline is the first commit of a history, and this one has commits'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    cid := pggit.commit_changes(
        CASE WHEN marker IS NULL THEN 'baseline: adopt the existing schema'
             ELSE format('baseline: adopt the existing schema (pggit was uninstalled at %s: the history before that was removed)', marker) END,
        'baseline', NULL, NULL, true);
    IF marker IS NOT NULL THEN
        INSERT INTO pggit.history_restart (uninstalled_at, baseline_commit) VALUES (marker::timestamptz, cid);
        EXECUTE format('ALTER DATABASE %I RESET pggit.uninstalled_at', current_database());
    END IF;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.baseline() IS 'Writes the baseline commit of a fresh installation (origin baseline, a full scan) and returns its id, null when there is nothing to track; after pggit:uninstall (database setting pggit.uninstalled_at) records the restart in pggit.history_restart and resets the setting. Raises object_not_in_prerequisite_state when the history already has commits.';
