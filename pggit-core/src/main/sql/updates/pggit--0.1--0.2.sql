-- Upgrade step 0.1 -> 0.2. Hand-written: ALTERs of tables and types in place (a column an upgrade
-- adds goes last in the sources' CREATE TABLE too), DROPs of what 0.2 no longer has, and an \ir of
-- each source file whose functions or views 0.2 changes or adds (its CREATE OR REPLACE statements
-- re-create the unchanged ones beside them as they are). UpgradeTest proves that 0.1 plus this
-- step equals a fresh install of 0.2.

-- The catalog reader: one inlinable function per kind (catalog/kinds/), pg_description joined
-- once instead of probed per kind; the same definitions as 0.1's.
\ir ../catalog/tables.sql
\ir ../catalog/tracked.sql
\ir ../catalog/kinds/schema.sql
\ir ../catalog/kinds/relation.sql
\ir ../catalog/kinds/sequence.sql
\ir ../catalog/kinds/index.sql
\ir ../catalog/kinds/constraint.sql
\ir ../catalog/kinds/trigger.sql
\ir ../catalog/kinds/routine.sql
\ir ../catalog/kinds/type.sql
\ir ../catalog/kinds/policy.sql
\ir ../catalog/kinds/rule.sql
\ir ../catalog/kinds/collation.sql
\ir ../catalog/kinds/event_trigger.sql
\ir ../catalog/kinds/publication.sql
\ir ../catalog/kinds/subscription.sql
\ir ../catalog/kinds/foreign_data.sql
\ir ../catalog/kinds/default_privileges.sql
\ir ../catalog/kinds/extension.sql
-- extended statistics, a kind of its own (issue 13)
\ir ../catalog/kinds/statistics.sql
\ir ../catalog/read_catalog.sql

-- Conflict ids are UUIDs (issue 13; seed 000: resolve_conflict(conflict_id => 'uuid-here', ...)).
-- Each conflict of 0.1 gets a fresh UUID as its id and keeps its number as seq, the order of
-- detection that new conflicts continue; resolve_conflict takes the UUID (also as text, a quoted
-- literal) and refuses a number with a message naming seq (its 0.1 signature, bigint, re-created
-- below as that refusal). check/conflicts.sql and check/consistency.sql (a drift finding's hint
-- names its conflict's UUID) are included below.
ALTER TABLE pggit.conflict ADD COLUMN seq bigint;
UPDATE pggit.conflict SET seq = id;
ALTER TABLE pggit.conflict ALTER COLUMN id DROP IDENTITY;
ALTER TABLE pggit.conflict ALTER COLUMN id TYPE uuid USING gen_random_uuid(), ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE pggit.conflict ALTER COLUMN seq SET NOT NULL, ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY,
    ADD CONSTRAINT conflict_seq_key UNIQUE (seq);
SELECT setval(pg_get_serial_sequence('pggit.conflict', 'seq'), max(seq)) FROM pggit.conflict HAVING max(seq) IS NOT NULL;
-- use_tracked restores tables (created, dropped, renamed back, altered: restore_table, table_ddl,
-- table_alters, column_ddl, new in check/conflicts.sql below), refusing data loss unless allowed
-- (issue 13): restore_tracked gains allow_data_loss, which resolve_conflict passes on.
DROP FUNCTION pggit.restore_tracked(text, text, jsonb);
COMMENT ON TABLE pggit.conflict IS 'Conflicts between the live schema and the history (from drift, later from merges): open until pggit.resolve_conflict. id is a UUID (resolve_conflict(conflict_id => ''<uuid>'', ...)); seq orders them by detection (a conflict recorded by 0.1 keeps its number, 0.1''s id, there).';

-- Comments on the functions 0.1 left without one.
\ir ../store/hashing.sql
-- Each kind's objects are a trie of small nodes (at most 16 entries) instead of 256 buckets, so a
-- commit rewrites a few small nodes, not the kind's 256-entry node (issue 14); the trees 0.1 wrote
-- stay as written and are read as they are (their kind nodes are rebuilt when next written).
COMMENT ON TABLE pggit.tree IS
    'Content-addressed tree nodes: root (schema name -> node) -> schema (kind -> node) -> the kind''s trie: a leaf of at most 16 objects (object key -> blob hash), or a node of up to 16 children by the next hex digit of SHA-256(object key) (pggit.build_trie). Trees 0.1 wrote have, below each kind node, 256 buckets (first two hex digits) of objects; pggit reads both.';
COMMENT ON TYPE pggit.tree_edit IS 'One edit of a tree: path = {schema, kind, object key} (pggit.tree_path; a prefix of it while writing), hash = new blob or child hash, or null to remove.';
DROP FUNCTION pggit.diff_trees(text, text);   -- gains schema_name (the merge writes trees by path)
\ir ../store/trees.sql
\ir ../ops/purge.sql
-- head_commit and the capture's other hot helpers are plpgsql, so their plans are cached per session (issue 14).
-- History at scale (issue 14): a commit id prefix is found through an index of byte order (a LIKE
-- prefix match cannot use the primary key under a collation other than C); HEAD~N walks a skip list
-- over first parents (columns depth and skip, set by trigger commit_graph, store/refs.sql), which
-- is backfilled here, parents first.
CREATE INDEX commit_id_prefix_idx ON pggit.commit ((id COLLATE "C"));
ALTER TABLE pggit.commit ADD COLUMN depth integer, ADD COLUMN skip text, ADD COLUMN generation integer;
-- pggit.object_history finds renames through a partial index of them instead of a scan of every change
-- (api/porcelain.sql, below).
CREATE INDEX change_old_key_idx ON pggit.change (old_key) WHERE old_key IS NOT NULL;
-- the renames a merge follows (pggit.renames_since, store/merge.sql)
CREATE INDEX change_renames_idx ON pggit.change (commit_id) WHERE change = 'R' OR detail ? 'renamed_columns';
\ir ../store/refs.sql
DO $$
DECLARE
    cid text;
BEGIN
    FOR cid IN SELECT c.id FROM pggit.commit c ORDER BY c.seq LOOP
        UPDATE pggit.commit c SET depth = coalesce((SELECT p.depth + 1 FROM pggit.commit p WHERE p.id = c.parents[1]), 0)
         WHERE c.id = cid;
        UPDATE pggit.commit c SET skip = pggit.first_parent_ancestor(c.parents[1], pggit.skip_depth(c.depth))
         WHERE c.id = cid AND c.depth > 0;
        UPDATE pggit.commit c SET generation = 1 + coalesce((SELECT max(p.generation) FROM pggit.commit p WHERE p.id = ANY (c.parents)), 0)
         WHERE c.id = cid;
    END LOOP;
END
$$;
ALTER TABLE pggit.commit ALTER COLUMN depth SET NOT NULL, ALTER COLUMN generation SET NOT NULL;
COMMENT ON TABLE pggit.commit IS 'Commits: a tree plus parents and metadata; id is content-addressed (deterministic). depth and skip (not hashed) are a skip list over first parents, set on insert by trigger commit_graph: pggit.first_parent_ancestor reaches HEAD~N in O(log N) lookups. generation (not hashed, also set by commit_graph) is git''s commit-graph generation number: every ancestor has a smaller one, so walks in generation order (pggit.paint_down: merge bases, ahead and behind) stop early.';
-- Branches (issue 15): a ref records who created it, when and why; a branch 0.1 made (main) dates from
-- the first commit. store/branches.sql: create, list, delete, merge bases, ahead and behind.
ALTER TABLE pggit.ref ADD COLUMN created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                      ADD COLUMN created_by name NOT NULL DEFAULT session_user,
                      ADD COLUMN description text;
UPDATE pggit.ref SET created_at = coalesce((SELECT min(c.committed_at) FROM pggit.commit c), created_at);
COMMENT ON TABLE pggit.ref IS 'Branches: a name pointing at a commit, with who created it, when, and why (pggit.create_branch, pggit.create_feature_branch). The commit writer advances the branch pggit.head names.';
\ir ../store/branches.sql
-- Merges and their conflicts (issue 15): store/merge_tables.sql, the merge itself in store/merge.sql.
\ir ../store/merge_tables.sql
\ir ../store/merge.sql
-- Merge conflicts resolved by hand (manual_ddl): store/merge_manual.sql, new.
\ir ../store/merge_manual.sql
-- Merge requests (issue 15; seed 003): their table and the setting merge_requires_approval
-- (store/merge_request_tables.sql, new), and create, approve, close, the merge's gate and the
-- view of open requests (store/merge_requests.sql).
\ir ../store/merge_request_tables.sql
\ir ../store/merge_requests.sql
-- Checkout (issue 15): finish_checkout moves HEAD after Java's plan ran, checkout is the SQL front.
\ir ../store/checkout.sql
\ir ../rules/configure.sql
\ir ../rules/windows.sql
\ir ../check/consistency.sql
\ir ../check/conflicts.sql
\ir ../extras/function_versions.sql
-- Seed 002's four-field CQRS change, version last (issue 13): ROW(ARRAY[...], ARRAY[...], 'description', '2.1.0').
ALTER TYPE pggit.cqrs_change ADD ATTRIBUTE version text;
COMMENT ON TYPE pggit.cqrs_change IS 'A change of a CQRS schema: the command-side statements, the query-side statements, a description and a version (seed 002: ROW(ARRAY[...], ARRAY[...], ''description'', ''2.1.0'')::pggit.cqrs_change).';
\ir ../extras/cqrs.sql

-- Uninstall and reinstall: the restart of a history is recorded and reported (a gap of kind
-- restarted_history in verify_consistency, check/consistency.sql below).
\ir ../store/history_restart.sql
\ir ../capture/baseline.sql

-- pggit.log() also returns each commit's tree and parents (a new result type: dropped, re-created),
-- takes the revision to start from (rev, default HEAD: the log of a branch) and reads about
-- max_count commits instead of the whole ancestry (issue 14).
DROP FUNCTION pggit.log(integer);
-- pggit.drift() also returns each object's address (classid, objid), so that verify_consistency(verbose
-- => true) reads the live definitions of just the drifted objects (a new result type: dropped, re-created).
DROP FUNCTION pggit.drift();
\ir ../api/porcelain.sql

-- Integrity (pggit.fsck, issue 12): every hash recomputed, every reference followed; the commit
-- writer hashes its commits with the same helper fsck recomputes them with (store/hashing.sql, above).
\ir ../capture/commit_writer.sql
\ir ../check/fsck.sql

-- Interrupted runs (issue 12): a deployment records its session as backend pid and start time,
-- and one whose session is gone is closed as interrupted by the next run (open_deployment, which
-- takes the pid of the session that runs the migrations: a new signature) and the next check
-- (verify_consistency, check/consistency.sql above, reports it). Deployments opened by 0.1 have no
-- start time: their pid alone decides.
ALTER TABLE pggit.deployment DROP CONSTRAINT deployment_outcome_check,
    ADD CONSTRAINT deployment_outcome_check CHECK (outcome IN ('running', 'success', 'failed', 'abandoned', 'interrupted'));
ALTER TABLE pggit.deployment ADD COLUMN backend_started_at timestamptz;
DROP FUNCTION pggit.open_deployment(text, text, text);
-- A failed migration's link records the error's SQLSTATE (record_migration gains error_sqlstate).
ALTER TABLE pggit.migration_link ADD COLUMN error_sqlstate text;
DROP FUNCTION pggit.record_migration(bigint, jsonb, text, text, text);
-- Concurrent sessions: journal rows carry their transaction and session; a migration's capture
-- takes its own session's rows, pggit.commit() leaves those of sessions inside an open run alone
-- (journal/sessions.sql); the commit writer deletes exactly the rows it read.
ALTER TABLE pggit.journal ADD COLUMN xact xid8, ADD COLUMN pid integer;   -- rows from 0.1 belong to no session
ALTER TABLE pggit.journal ALTER COLUMN xact SET DEFAULT pg_current_xact_id(), ALTER COLUMN pid SET DEFAULT pg_backend_pid();
DROP FUNCTION pggit.compute_changes(boolean, bigint);
DROP FUNCTION pggit.affected_objects(bigint);
DROP FUNCTION pggit.adopt(text);   -- a sql function whose body depends on commit_changes: re-created below
DROP FUNCTION pggit.commit_changes(text, text, text, bigint, boolean, text[]);
\ir ../capture/widening.sql
\ir ../capture/changes.sql
-- Tracking rules: % is the only wildcard (pggit.like_pattern, in rules/configure.sql above); a
-- schema that does not exist yet is accepted with a notice; a pattern that can never match warns.
-- Rules from a build belong to their source, the tool and its history table (issue 13): kept per
-- source (rules/build_rules.sql), set by pggit.apply_build_rules (rules/configure.sql above), used
-- by the captures of a deployment naming that source (deployment.rules_source, open_deployment in
-- runs/migrations.sql below); pggit.rules_in_force says which rules apply, is_tracked gains
-- rules_source (a new signature), as compute_changes, gather_changes and affected_objects did above.
\ir ../rules/build_rules.sql
ALTER TABLE pggit.deployment ADD COLUMN rules_source text;
DROP FUNCTION pggit.is_tracked(text, text, text, text, text);
\ir ../rules/is_tracked.sql
-- Operation filters filter (issue 13): a change the rules ignore is accepted without a commit, and
-- the drift scan leaves it alone (rules/accepted_state.sql; capture/commit_writer.sql and api/porcelain.sql above).
\ir ../rules/accepted_state.sql
-- A build's rules are the whole set of their kind, applied at once, recorded with their source
-- (pggit.apply_build_rules in rules/configure.sql above).
ALTER TABLE pggit.rule_change ADD COLUMN source text;
COMMENT ON TABLE pggit.rule_change IS 'The history of tracking rules: every change of configuration, pattern or directive set from SQL (source null), and of the rules a build names (pggit.apply_build_rules: source names the build, rule the kind, old_value and new_value its lists, null when not named).';
COMMENT ON TABLE pggit.ignore_pattern IS 'Patterns (% the only wildcard, pggit.like_pattern) matched against the command tag followed by the object identity, e.g. ''CREATE INDEX query.%''.';
\ir ../runs/interrupted.sql
\ir ../journal/sessions.sql
\ir ../runs/migrations.sql
-- end_deployment(message => ...) beside commit_message (seed 001's name; issue 13): a third argument.
DROP FUNCTION pggit.end_deployment(text, text[]);
\ir ../runs/deployment_mode.sql
\ir ../check/consistency.sql
-- (capture/commit_writer.sql and api/porcelain.sql, changed too, are included above)

-- Readers write nothing (issue 12), so a hot standby answers every reader call: status, drift,
-- tracking_status and verify_consistency no longer end the windows whose time is up (a window is
-- known to be over by its ends_at when read), verify_consistency keeps its drift scan in a variable
-- instead of a temporary table and records no conflicts: the writer's pggit.record_conflicts does
-- (check/consistency.sql, check/conflicts.sql and api/porcelain.sql above).
\ir ../ops/emergency.sql
-- Server moves (issue 12): pg_dump/pg_restore and pg_upgrade keep the objects but not all their
-- OIDs. The server the index is built on is recorded (store/server_identity.sql); a writer on
-- another server re-maps the index by object key first and records a server-upgrade commit of what
-- a new major version prints differently (capture/server_moves.sql; commit_changes, open_deployment,
-- drift, status and verify_consistency, changed for it, are included above). 0.1 recorded no
-- server: the index is re-mapped by key here (a no-op unless the database moved under 0.1) and
-- this server recorded.
\ir ../store/server_identity.sql
ALTER TABLE pggit.commit DROP CONSTRAINT commit_origin_check,
    ADD CONSTRAINT commit_origin_check CHECK (origin IN ('baseline', 'migration', 'deployment', 'manual', 'drift', 'rollback', 'server-upgrade', 'merge'));
\ir ../capture/server_moves.sql
SELECT pggit.check_server();

-- compare_environments (issue 13) takes environment names: a foreign server (dblink resolves it
-- with the caller's user mapping) or a connection string, and keeps only what this database's
-- tracking rules and directives keep. export_schema_snapshot (issue 16) returns the DDL script
-- (text instead of void) and writes it server-side when the caller may.
DROP FUNCTION pggit.export_schema_snapshot(text);
\ir ../ops/environments.sql

-- The developer surface (issue 16; seed 003 §4.1, §4.2): every commit stores its objects per kind
-- (object_counts, kept by triggers on pggit.commit and pggit.change: store/object_counts.sql), so
-- that schema_growth_history reads counts instead of walking trees; the commits of 0.1 get theirs
-- here, oldest first, from their first parent's and their change rows (a root's from its tree).
ALTER TABLE pggit.commit ADD COLUMN object_counts jsonb;
\ir ../store/object_counts.sql
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT x.id, x.tree, x.parents FROM pggit.commit x ORDER BY x.seq LOOP
        UPDATE pggit.commit y
           SET object_counts = CASE
                   WHEN cardinality(c.parents) = 0 THEN pggit.tree_object_counts(c.tree)
                   WHEN p.object_counts IS NULL THEN pggit.tree_object_counts(c.tree)
                   ELSE pggit.add_object_counts(p.object_counts,
                            (SELECT jsonb_object_agg(d.kind, d.n) FROM
                                (SELECT z.kind, sum(z.n) AS n FROM
                                    (SELECT ch.kind, CASE ch.change WHEN 'D' THEN -1 WHEN 'M' THEN 0 ELSE 1 END AS n
                                       FROM pggit.change ch WHERE ch.commit_id = c.id
                                     UNION ALL
                                     SELECT pggit.key_kind(ch.old_key), -1 FROM pggit.change ch
                                      WHERE ch.commit_id = c.id AND ch.change = 'R' AND ch.old_key IS NOT NULL) z
                                  GROUP BY z.kind) d)) END
          FROM (SELECT NULL::int) dummy
          LEFT JOIN pggit.commit p ON p.id = c.parents[1]
         WHERE y.id = c.id;
    END LOOP;
END
$$;
COMMENT ON TABLE pggit.commit IS 'Commits: a tree plus parents and metadata; id is content-addressed (deterministic). depth and skip (not hashed) are a skip list over first parents, set on insert by trigger commit_graph: pggit.first_parent_ancestor reaches HEAD~N in O(log N) lookups. generation (not hashed, also set by commit_graph) is git''s commit-graph generation number: every ancestor has a smaller one, so walks in generation order (pggit.paint_down: merge bases, ahead and behind) stop early. object_counts (not hashed) are its tree''s objects per kind, kept by triggers commit_object_counts and change_object_counts.';
-- seed 003's functions (api/developer.sql) and views (api/views.sql)
\ir ../api/developer.sql
\ir ../api/views.sql

-- 0.2 tracks what 0.1 did not see: extended statistics, the indexes of partitions (attached to
-- their partitioned index), and a partition's constraint attached to one (its definition gains
-- attached_to). Without a commit they would be drift after the upgrade: one commit records just
-- those objects (any other drift stays drift); none when the database has none of them.
SELECT pggit.commit_changes('pggit 0.2 tracks extended statistics and the indexes of partitions', 'manual', NULL, NULL, true,
       ARRAY(SELECT r.object_key FROM pggit.read_catalog() r
              WHERE r.kind = 'statistics' OR (r.kind IN ('index', 'constraint') AND r.definition ? 'attached_to')));

-- The end-of-run drift scan is recorded on its deployment (pggit.record_drift_scan), and
-- pggit.summary() reads HEAD, the latest deployment, the last scan, open conflicts and interrupted
-- runs without scanning (issue 17: the Spring Boot starter's endpoint and health indicator).
ALTER TABLE pggit.deployment ADD COLUMN drift_objects integer, ADD COLUMN drift_scanned_at timestamptz;
\ir ../runs/summary.sql

-- Blame (issue 16): the commit and migration that last changed each column and constraint
-- (api/blame.sql, new).
\ir ../api/blame.sql

-- One DDL writer (issue 16): the writer that recreates objects from their definitions moves from
-- Java into SQL (ddl/writer.sql, new), and get_object_definition (api/object_definition.sql, new)
-- and export_schema_snapshot (above) use it.
\ir ../ddl/writer.sql
\ir ../api/object_definition.sql

-- Privileges: nothing granted to PUBLIC; roles pggit_reader, pggit_writer, pggit_admin. Conflicts
-- restored by use_tracked run as the object's owner (check/conflicts.sql above). Re-applied by every step.
\ir ../security/privileges.sql

\ir ../release.sql
