-- Merges (issue 15): one row per merge of a source into a target branch, and its conflicts, each a
-- row that is resolved and audited before the merge completes.

CREATE TABLE pggit.merge (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_branch  text NOT NULL,         -- as given: a branch name or a revision
    target_branch  text NOT NULL,         -- a branch (pggit.ref): the one the merge commit advances
    source_commit  text NOT NULL REFERENCES pggit.commit,
    target_commit  text NOT NULL REFERENCES pggit.commit,   -- the target's head when the merge began
    base_commit    text REFERENCES pggit.commit,            -- pggit.find_merge_base; null for unrelated histories
    source_renames jsonb NOT NULL DEFAULT '{}',             -- pggit.renames_since(base_commit, source_commit)
    target_renames jsonb NOT NULL DEFAULT '{}',             -- pggit.renames_since(base_commit, target_commit)
    renames        jsonb NOT NULL DEFAULT '[]',             -- pggit.merged_tree: [{from: target's key, to: merged key, columns: {old: new}}]
    base_tree      text REFERENCES pggit.tree,              -- the tree the three-way merges from: pggit.merge_base_tree
    strategy       text NOT NULL CHECK (strategy IN ('recursive', 'ours', 'theirs')),
    status         text NOT NULL CHECK (status IN ('conflicts', 'ready', 'completed', 'up_to_date', 'aborted', 'rolled_back')),
    merged_tree    text REFERENCES pggit.tree,              -- once no conflict is open
    merge_commit   text REFERENCES pggit.commit,
    message        text NOT NULL,
    created_by     name NOT NULL DEFAULT session_user,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_by   name,
    completed_at   timestamptz,
    rollback_commit text REFERENCES pggit.commit,
    rollback_reason text,
    rolled_back_by name,
    rolled_back_at timestamptz
);
-- the commit writer looks for a merge waiting for the live catalog to reach its tree
CREATE INDEX merge_ready_idx ON pggit.merge (target_branch) WHERE status = 'ready';
COMMENT ON TABLE pggit.merge IS
    'Merges of source_branch into target_branch (pggit.merge_branch). base_commit is the best common ancestor (pggit.find_merge_base), base_tree the tree the three-way merges from (pggit.merge_base_tree): base_commit''s, or after criss-cross merges (several best common ancestors) a virtual merge base, the bases merged recursively as git''s recursive strategy does; null for unrelated histories (an empty base). status: conflicts (open conflict rows wait in pggit.merge_conflict), ready (merged_tree computed; waits for the live catalog of the checked-out target to reach it: applied by Pggit.merge / mvn pggit:merge, or by a migration whose capture has that tree), completed (merge_commit written, two parents), up_to_date (source already in target: nothing written), aborted, rolled_back (pggit.rollback_merge wrote rollback_commit).';

CREATE TABLE pggit.merge_conflict (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),   -- what pggit.resolve_conflict takes
    merge_id          bigint NOT NULL REFERENCES pggit.merge ON DELETE CASCADE,
    object_key        text NOT NULL,
    kind              text NOT NULL,
    schema_name       text NOT NULL,
    conflict_type     text NOT NULL CHECK (conflict_type IN ('BOTH_MODIFIED', 'DELETED_SOURCE', 'DELETED_TARGET', 'BOTH_ADDED', 'BOTH_RENAMED', 'DEPENDENCY')),
    conflicting_parts text[] NOT NULL,
    base_hash         text,
    source_hash       text,
    target_hash       text,
    resolution        text CHECK (resolution IN ('source', 'target', 'base', 'manual_ddl')),
    reason            text,
    resolved_by       name,
    resolved_at       timestamptz,
    manual_ddl        text,                                      -- manual_ddl: the DDL as given (pggit.resolve_conflict_manually)
    manual_hash       text REFERENCES pggit.blob,                -- manual_ddl: the merged definition; null: the merge drops the object
    detail            text,                 -- DEPENDENCY from the trial of the plan: PostgreSQL's error, DETAIL, HINT
    UNIQUE (merge_id, object_key),
    CHECK (manual_ddl IS NULL AND manual_hash IS NULL OR resolution = 'manual_ddl'),
    CHECK (resolution IS DISTINCT FROM 'manual_ddl' OR manual_ddl IS NOT NULL)
);
COMMENT ON TABLE pggit.merge_conflict IS
    'The conflicts of a merge (pggit.merge), one per object key: conflict_type as pggit.detect_merge_conflicts gives it, or DEPENDENCY (pggit.broken_dependencies: an object on a relation the merged tree no longer has, conflicting_parts names the relation), the blob hashes at the base and on each side (null: absent there), and the resolution (source, target or base: the side whose definition the merged tree takes; manual_ddl: the definition that manual_ddl, run on the target''s version in a trial rolled back, gave, kept as blob manual_hash, null when it dropped the object), why, who and when. Resolved by pggit.resolve_conflict, pggit.resolve_conflicts_batch and pggit.resolve_conflict_manually; a strategy ours / theirs resolves each one as it is recorded. A DEPENDENCY conflict found by the trial of the plan on the checked-out target (Pggit.merge, completeMerge: pggit.record_dependency_conflict) carries PostgreSQL''s error, DETAIL and HINT in detail.';
