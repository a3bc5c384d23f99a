-- Deployment mode from SQL: begin_deployment ... end_deployment.

CREATE OR REPLACE FUNCTION pggit.begin_deployment(deployment_name text, auto_commit boolean DEFAULT false) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- Until end_deployment, journaled changes wait to become one commit. Changes journaled before it
-- are committed first, so the deployment holds only its own. auto_commit allows pggit.commit()
-- inside the deployment; without it, commit() refuses.
DECLARE
    open_one pggit.deployment;
    id bigint;
BEGIN
    PERFORM pggit.require_text(deployment_name, 'the deployment name');
    SELECT * INTO open_one FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'pggit: deployment % "%" is already open (since %, session pid %)', open_one.id, open_one.name,
              open_one.started_at, open_one.backend_pid
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('End it with pggit.end_deployment(), or abandon it with pggit.abandon_deployment(%s).', open_one.id);
    END IF;
    IF pggit.commit_changes('changes before deployment ' || deployment_name, 'manual', NULL, NULL, false) IS NOT NULL THEN
        RAISE NOTICE 'pggit: committed the changes journaled before deployment "%"', deployment_name;
    END IF;
    INSERT INTO pggit.deployment (name, tool, head_before, auto_commit, backend_started_at)
    VALUES (deployment_name, 'manual', pggit.head_commit(), begin_deployment.auto_commit,
            (SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a))
    RETURNING deployment.id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION pggit.begin_deployment(text, boolean) IS
    'Opens a deployment (a release): the changes until pggit.end_deployment() become one commit. Returns the deployment id. Errors when one is already open (end or abandon it first). auto_commit => true allows pggit.commit() inside it.';

CREATE OR REPLACE FUNCTION pggit.end_deployment(commit_message text DEFAULT NULL, tags text[] DEFAULT NULL,
                                                 message text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
-- message is seed 001's name for commit_message (end_deployment(message => ..., tags => ...));
-- seed 000 names it commit_message. A positional first argument is the commit message.
DECLARE
    dep pggit.deployment;
    cid text;
    t text;
BEGIN
    IF message IS NOT NULL AND commit_message IS NOT NULL AND message <> commit_message THEN
        RAISE EXCEPTION 'pggit: end_deployment got both commit_message and message, and they differ'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'They are two names of one argument: pass one.';
    END IF;
    commit_message := coalesce(commit_message, message);
    SELECT * INTO dep FROM pggit.deployment d WHERE d.tool = 'manual' AND d.outcome = 'running' LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no deployment is open' USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'Begin one with pggit.begin_deployment(name).';
    END IF;
    cid := pggit.commit_changes(coalesce(commit_message, 'deployment ' || dep.name), 'deployment', NULL, dep.id, false);
    IF cid IS NULL THEN
        RAISE NOTICE 'pggit: deployment "%" changed no tracked object: no commit', dep.name;
    END IF;
    FOREACH t IN ARRAY coalesce(tags, '{}') LOOP
        INSERT INTO pggit.tag (name, commit_id) VALUES (t, coalesce(cid, pggit.head_commit()))
        ON CONFLICT (name) DO UPDATE SET commit_id = excluded.commit_id, created_at = clock_timestamp();
    END LOOP;
    UPDATE pggit.deployment d
       SET ended_at = clock_timestamp(), outcome = 'success', head_after = pggit.head_commit(),
           message = commit_message, tags = end_deployment.tags
     WHERE d.id = dep.id;
    RETURN cid;
END
$$;
COMMENT ON FUNCTION pggit.end_deployment(text, text[], text) IS
    'Closes the open deployment: its changes become one commit (origin deployment) with commit_message (or message, seed 001''s name for it; default ''deployment <name>'') and tags; returns the commit id, or null when nothing tracked changed. Errors when no deployment is open, or when commit_message and message both given differ.';

CREATE OR REPLACE FUNCTION pggit.abandon_deployment(deployment_id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE pggit.deployment d SET ended_at = clock_timestamp(), outcome = 'abandoned', head_after = pggit.head_commit()
     WHERE d.id = abandon_deployment.deployment_id AND d.outcome = 'running';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pggit: no open deployment with id %', deployment_id USING ERRCODE = 'undefined_object',
              HINT = 'See pggit.open_deployments.';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.abandon_deployment(bigint) IS
    'Closes an open deployment (e.g. one a crashed session left) as abandoned, without a commit; its changes stay journaled for the next commit.';

CREATE OR REPLACE VIEW pggit.open_deployments AS
SELECT d.id, d.name, d.tool, d.started_at, d.db_user, d.backend_pid,
       pggit.session_alive(d.backend_pid, d.backend_started_at) AS session_alive, d.backend_started_at
  FROM pggit.deployment d
 WHERE d.outcome = 'running';
COMMENT ON VIEW pggit.open_deployments IS 'Deployments still running; session_alive = false means the session that runs it (backend pid and start time) is gone: the next run or check closes a migration tool''s as interrupted, abandon_deployment closes a manual one.';
