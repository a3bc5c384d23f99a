-- Privileges, PostgreSQL's own way (as contrib modules do): nothing in schema pggit is granted to
-- PUBLIC; three NOLOGIN roles hold what each kind of user may do, each including the one before:
--   pggit_reader  read history, status, drift, checks without fixes, tracking status, export; each of
--                 its functions writes nothing (no row, no temporary table, no transaction id), so
--                 that a hot standby answers them (ReadOnlyTest)
--   pggit_writer  what a migration role needs: commits, deployments, links, recording migrations,
--                 the tracking rules and property switches a build names, and the writer's step of
--                 a check (record_conflicts)
--   pggit_admin   pause, emergency, purge, conflict resolution, adoption and fixes, checkout
-- Roles are cluster-wide: created when missing, never dropped. This file runs at the end of every
-- install script and every upgrade step, so a function added or re-created by a step gets its
-- privileges again. PrivilegesTest holds the decision for every function: one added without a
-- line here fails it.

-- Roles are cluster-wide while an install's lock is per database: two databases of one server
-- installing at the same moment both find a role missing, and the second CREATE ROLE (or GRANT, or
-- COMMENT) waits for the first one's row in pg_authid (pg_auth_members, pg_shdescription) and then
-- fails on the unique index. Each step therefore takes "it exists now" for success.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
                 ('pggit_reader', NULL, 'pggit: reads history, status, drift and checks in every database where pggit is installed (GRANT pggit_reader TO <role>).'),
                 ('pggit_writer', 'pggit_reader', 'pggit: what a migration role needs (commits, deployments, migration links, the build''s tracking rules); includes pggit_reader.'),
                 ('pggit_admin', 'pggit_writer', 'pggit: pause, emergency, purge, conflict resolution, adoption of drift; includes pggit_writer.'))
                 AS x(role, includes, comment) LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r.role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;   -- another database's install created it meanwhile
            END;
        END IF;
        IF r.includes IS NOT NULL AND NOT pg_has_role(r.role, r.includes, 'MEMBER') THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I', r.includes, r.role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
        IF shobj_description((SELECT a.oid FROM pg_roles a WHERE a.rolname = r.role), 'pg_authid') IS DISTINCT FROM r.comment THEN
            BEGIN
                EXECUTE format('COMMENT ON ROLE %I IS %L', r.role, r.comment);
            EXCEPTION WHEN unique_violation OR internal_error THEN
                NULL;   -- another install wrote it meanwhile ("tuple concurrently updated" is XX000)
            END;
        END IF;
    END LOOP;
END
$$;

REVOKE ALL ON SCHEMA pggit FROM PUBLIC;
GRANT USAGE ON SCHEMA pggit TO pggit_reader;

REVOKE ALL ON ALL TABLES IN SCHEMA pggit FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA pggit FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA pggit FROM PUBLIC;
REVOKE ALL ON TYPE pggit.tree_edit, pggit.change_row, pggit.cqrs_change, pggit.catalog_entry FROM PUBLIC;
GRANT USAGE ON TYPE pggit.tree_edit, pggit.change_row, pggit.cqrs_change, pggit.catalog_entry TO pggit_reader;

-- The history is the reader's to read; nobody writes a table but through the functions below,
-- except the resolution columns of a conflict, which an admin's resolve_conflict writes.
GRANT SELECT ON ALL TABLES IN SCHEMA pggit TO pggit_reader;
GRANT UPDATE (resolved_at, resolved_by, resolution, reason, result) ON pggit.conflict TO pggit_admin;

-- reader: pure helpers and the catalog reader (SECURITY INVOKER: they see what the caller sees)
GRANT EXECUTE ON FUNCTION
    pggit.sha256_hex(text), pggit.require_text(text, text), pggit.key_identity(text), pggit.key_kind(text),
    pggit.directive_of(text), pggit.without_directives(jsonb), pggit.acl_text(aclitem[], "char", oid),
    pggit.firing_state("char"), pggit.without_properties(jsonb, boolean, boolean, boolean),
    pggit.tracked_schemas(), pggit.tracked_relations(),
    pggit.read_schemas(oid[]), pggit.read_relations(oid[]), pggit.read_sequences(oid[]), pggit.read_indexes(oid[]),
    pggit.read_constraints(oid[]), pggit.read_triggers(oid[]), pggit.read_routines(oid[]), pggit.read_types(oid[]),
    pggit.read_policies(oid[]), pggit.read_rules(oid[]), pggit.read_collations(oid[]), pggit.read_event_triggers(oid[]),
    pggit.read_publications(oid[]), pggit.read_subscriptions(oid[]), pggit.read_foreign_data_wrappers(oid[]),
    pggit.read_servers(oid[]), pggit.read_user_mappings(oid[]), pggit.read_default_privileges(oid[]),
    pggit.read_extensions(oid[]), pggit.read_statistics(oid[]), pggit.read_catalog(oid[], oid[]),
    pggit.canonical_entry(pggit.catalog_entry, pggit.tracking_config),
    pggit.tree_path(text, text, text), pggit.tree_lookup(text, text[]), pggit.tree_objects(text),
    pggit.tree_node_shape(jsonb), pggit.subtree_objects(text),
    pggit.diff_trees(text, text), pggit.head_commit(), pggit.resolve(text), pggit.skip_depth(integer), pggit.first_parent_ancestor(text, integer),
    pggit.paint_down(text, text), pggit.check_branch_name(text), pggit.conflicting_parts(jsonb, jsonb, jsonb),
    pggit.merge_definitions(jsonb, jsonb, jsonb, boolean), pggit.three_way(text, text, text, jsonb, jsonb),
    pggit.broken_dependencies(text, text, text, text, jsonb, jsonb), pggit.renames_since(text, text), pggit.conflict_type(boolean, boolean, text, text, text, boolean, text[]), pggit.renames_between(text, text), pggit.final_columns(jsonb, jsonb, boolean),
    pggit.align_columns(jsonb, jsonb, jsonb),
    pggit.three_way_overlay(text, jsonb, text, jsonb, text, jsonb), pggit.virtual_merge_base(text[]), pggit.with_base_parts(jsonb, jsonb, text[]),
    pggit.affected_objects(bigint[], text), pggit.is_tracked(text, text, text, text, text, text), pggit.rules_in_force(text), pggit.journal_kept(text, text, text), pggit.renamed_columns(jsonb, jsonb),
    pggit.compute_changes(boolean, bigint[], text), pggit.journal_ids(text), pggit.gather_changes(boolean, text, text), pggit.check_patterns(text, text[], boolean), pggit.never_matches(text), pggit.like_pattern(text), pggit.check_duration(interval),
    pggit.try_regtype(text), pggit.function_bump(jsonb, jsonb), pggit.live_owner(oid, oid), pggit.live_definition(text),
    pggit.session_alive(integer, timestamptz)
TO pggit_reader;

-- reader: history, status, drift, checks, reports
GRANT EXECUTE ON FUNCTION
    pggit.version(), pggit.commit_summary(text), pggit.status(), pggit.drift(), pggit.log(integer, text), pggit.show(text),
    pggit.diff(text, text), pggit.object_history(text), pggit.list_ignore_patterns(), pggit.tracking_status(),
    pggit.function_key(text), pggit.list_function_versions(text), pggit.get_function_version(text),
    pggit.history_tables(), pggit.verify_consistency(boolean, boolean, text[]), pggit.drift_findings(jsonb, boolean),
    pggit.tracking_overhead_report(), pggit.server_moved(),
    pggit.compare_environments(text, text), pggit.fsck(), pggit.summary(),
    pggit.commit_hash_text(text, text[], text, timestamptz, text, text),
    pggit.blame(text, text), pggit.object_line(text, text),
    pggit.list_branches(), pggit.merge_bases(text, text), pggit.find_merge_base(text, text), pggit.ahead_behind(text, text),
    pggit.detect_merge_conflicts(text, text), pggit.get_conflicts_by_type(bigint, text), pggit.get_conflict_statistics(bigint),
    pggit.get_merge_status(bigint), pggit.unlinked_migrations(text), pggit.diff_branches(text, text),
    pggit.object_identities(text, text), pggit.add_object_counts(jsonb, jsonb), pggit.tree_object_counts(text),
    pggit.get_current_schema(), pggit.list_objects(text), pggit.get_commit_history(integer, integer),
    pggit.get_object_history(text, text, integer), pggit.diff_commits(text, text), pggit.get_object_metadata(text, text, text)
TO pggit_reader;

-- reader: the DDL writer (ddl/writer.sql) and the DDL of an object at a commit
GRANT EXECUTE ON FUNCTION
    pggit.ddl_quote(text), pggit.ddl_literal(text), pggit.ddl_options(jsonb), pggit.ddl_column(jsonb), pggit.ddl_enable(text),
    pggit.ddl_phases(), pggit.ddl_mentions(text, text), pggit.acl_grants(text, text, text),
    pggit.object_ddl(text, text, text, jsonb, text[], text[]), pggit.ddl_statements(jsonb), pggit.tree_ddl(text),
    pggit.get_object_definition(text, text, text)
TO pggit_reader;

-- writer: recording migrations, commits, deployments, links, the build's tracking rules
GRANT EXECUTE ON FUNCTION
    pggit.register_tool_table(text), pggit.open_deployment(text, text, text, integer, text), pggit.close_deployment(bigint, text),
    pggit.close_interrupted_deployments(), pggit.record_drift_scan(bigint),
    pggit.record_migration(bigint, jsonb, text, text, text, text), pggit.record_migration_fail_open(bigint, jsonb, text),
    pggit.set_tool_deployment_id(bigint, text), pggit.record_capture_failure(bigint, text, text, text),
    pggit.backfill_flyway_links(bigint, text, text), pggit.backfill_liquibase_links(bigint, text, text, bigint[], integer[]),
    pggit.commit(text),
    pggit.export_schema_snapshot(text),   -- with a path it writes a server file (and checks pg_write_server_files): not a reader's
    pggit.configure_tracking(text[], text[], text[], text[]), pggit.configure(text[], text[], text[], text[]),
    pggit.configure_properties(boolean, boolean, boolean), pggit.add_ignore_pattern(text),
    pggit.apply_build_rules(text, text[], text[], text[], text[], text[]),
    pggit.remove_ignore_pattern(text), pggit.remove_directive(text),
    pggit.begin_deployment(text, boolean), pggit.end_deployment(text, text[], text), pggit.refresh_tracking_windows(),
    pggit.link_migration(text, text, text), pggit.link_migration(bigint, text, text),
    pggit.track_function(text, text, jsonb), pggit.record_cqrs_commit(text, pggit.cqrs_change, text),
    pggit.track_cqrs_change(pggit.cqrs_change, boolean), pggit.track_cqrs_change(text, text, text, text),
    pggit.detect_conflicts(), pggit.record_conflicts(boolean), pggit.rebaseline_after_move(),
    pggit.create_branch(text, text, text), pggit.create_feature_branch(text, text), pggit.delete_branch(text, boolean),
    pggit.merge_branch(text, text, text, text), pggit.complete_merge(bigint, boolean), pggit.abort_merge(bigint),
    pggit.resolve_merge_conflict(uuid, text, text), pggit.resolve_conflicts_batch(bigint, text[], text, text),
    pggit.resolve_conflict_manually(uuid, text, text), pggit.record_manual_resolution(uuid, jsonb, text, text), pggit.open_merge_conflict(uuid),
    pggit.rollback_merge(bigint, text), pggit.record_dependency_conflict(bigint, text, text, text),
    pggit.create_merge_request(text, text, text, text, text), pggit.approve_merge_request(uuid, text), pggit.close_merge_request(uuid, text)
TO pggit_writer;

-- admin: pause, emergency, purge, conflicts, adoption, another run's deployment
GRANT EXECUTE ON FUNCTION
    pggit.pause_tracking(interval), pggit.resume_tracking(), pggit.emergency_disable(interval), pggit.emergency_enable(),
    pggit.abandon_deployment(bigint), pggit.adopt(text), pggit.commit_changes(text, text, text, bigint, boolean, text[], text),
    pggit.restore_tracked(text, text, jsonb, boolean), pggit.execute_as_owner(text, text, text, boolean),
    pggit.restore_table(text, text, jsonb, boolean), pggit.table_ddl(jsonb), pggit.table_alters(text, jsonb, jsonb), pggit.column_ddl(jsonb),
    pggit.resolve_conflict(uuid, text, text, boolean), pggit.resolve_conflict(text, text, text, boolean), pggit.resolve_conflict(bigint, text, text), pggit.purge_history(interval, boolean),
    pggit.configure_merges(boolean),
    pggit.finish_checkout(text), pggit.checkout(text, boolean, boolean)
TO pggit_admin;

-- nobody but pggit's owner: the event trigger functions (event triggers call them whoever runs the
-- DDL), the installer's baseline, and tree plumbing that writes the store:
--   pggit.journal_ddl(), pggit.journal_drop(), pggit.baseline(), pggit.put_tree(jsonb),
--   pggit.write_tree(text, pggit.tree_edit[]), pggit.write_trie(text, integer, jsonb), pggit.build_trie(jsonb, integer),
--   pggit.check_server() (the writers' once-per-session server check),
--   pggit.commit_graph() (the trigger that sets a new commit's depth and skip),
--   pggit.commit_object_counts(), pggit.change_object_counts() (the triggers that keep a commit's object_counts),
--   the merge's store plumbing: pggit.merged_tree(bigint), pggit.merge_base_tree(text, text), pggit.put_blob(jsonb), pggit.write_commit(text, text[], text, text, text),
--   pggit.write_merge_commit(bigint), pggit.finish_merge(bigint, text), pggit.merge_status_check(pggit.merge),
--   pggit.merge_gate(text, text), pggit.mark_merge_request_merged(uuid, bigint) (pggit.merge_branch's steps)
