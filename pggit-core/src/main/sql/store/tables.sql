-- The object store: blobs (definitions), tree nodes, commits and their changes, refs, tags, HEAD,
-- and the index (object_map: every object of HEAD's tree with its live address).

CREATE TABLE pggit.blob (
    hash       text PRIMARY KEY,          -- hex SHA-256 of definition::text
    definition jsonb NOT NULL
);
COMMENT ON TABLE pggit.blob IS 'Content-addressed object definitions; hash = hex SHA-256 of the canonical JSON text.';

CREATE TABLE pggit.tree (
    hash    text PRIMARY KEY,             -- hex SHA-256 of entries::text
    entries jsonb NOT NULL                -- name -> child tree hash, or object key -> blob hash in leaves
);
COMMENT ON TABLE pggit.tree IS
    'Content-addressed tree nodes: root (schema name -> node) -> schema (kind -> node) -> the kind''s trie: a leaf of at most 16 objects (object key -> blob hash), or a node of up to 16 children by the next hex digit of SHA-256(object key) (pggit.build_trie). Trees 0.1 wrote have, below each kind node, 256 buckets (first two hex digits) of objects; pggit reads both.';

CREATE TABLE pggit.deployment (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    tool        text NOT NULL,            -- flyway, liquibase, manual
    target      text,
    db_user     name NOT NULL DEFAULT session_user,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at    timestamptz,
    outcome     text NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'success', 'failed', 'abandoned', 'interrupted')),
    head_before text,
    head_after  text,
    tool_deployment_id text,              -- the tool's own id of the run (Liquibase deployment_id)
    auto_commit boolean NOT NULL DEFAULT false,
    backend_pid integer NOT NULL DEFAULT pg_backend_pid(),
    message     text,
    tags        text[],
    backend_started_at timestamptz,       -- pg_stat_activity.backend_start of backend_pid: with the pid, the session (pids are reused)
    rules_source text,                    -- the build's source whose rules its captures use (pggit.build_rules); null: the database's
    drift_objects integer,                -- objects the end-of-run drift scan found (pggit.record_drift_scan); null: not scanned
    drift_scanned_at timestamptz          -- when that scan ran
);
COMMENT ON TABLE pggit.deployment IS 'A named group of commits: one migrate run, one release.';

CREATE TABLE pggit.commit (
    id            text PRIMARY KEY,       -- hex SHA-256 over tree, parents, author, time, origin, message
    seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    tree          text NOT NULL REFERENCES pggit.tree,
    parents       text[] NOT NULL,
    author        text NOT NULL,
    committed_at  timestamptz NOT NULL,
    origin        text NOT NULL CHECK (origin IN ('baseline', 'migration', 'deployment', 'manual', 'drift', 'rollback', 'server-upgrade', 'merge')),
    message       text NOT NULL,
    deployment_id bigint REFERENCES pggit.deployment,
    capture_ms    double precision,     -- time commit_changes took, milliseconds
    depth         integer NOT NULL,     -- first parents back to a root (0 for a root); set by trigger commit_graph
    skip          text,                 -- the first-parent ancestor at depth pggit.skip_depth(depth); set by trigger commit_graph
    generation    integer NOT NULL,     -- 1 + the greatest generation among its parents (1 for a root); set by trigger commit_graph
    object_counts jsonb                 -- objects of its tree per kind ({"table": 12, ...}); set by triggers commit_object_counts and change_object_counts
);
COMMENT ON TABLE pggit.commit IS 'Commits: a tree plus parents and metadata; id is content-addressed (deterministic). depth and skip (not hashed) are a skip list over first parents, set on insert by trigger commit_graph: pggit.first_parent_ancestor reaches HEAD~N in O(log N) lookups. generation (not hashed, also set by commit_graph) is git''s commit-graph generation number: every ancestor has a smaller one, so walks in generation order (pggit.paint_down: merge bases, ahead and behind) stop early. object_counts (not hashed) are its tree''s objects per kind, kept by triggers commit_object_counts and change_object_counts.';

-- commit ids by prefix (pggit.resolve): byte order, which a range of a prefix can use under any database collation
CREATE INDEX commit_id_prefix_idx ON pggit.commit ((id COLLATE "C"));

CREATE TABLE pggit.change (
    commit_id  text NOT NULL REFERENCES pggit.commit ON DELETE CASCADE,
    object_key text NOT NULL,
    identity   text NOT NULL,             -- object_key without its kind prefix
    kind       text NOT NULL,
    change     text NOT NULL CHECK (change IN ('A', 'M', 'D', 'R')),
    old_key    text,                      -- for renames
    old_hash   text,
    new_hash   text,
    detail     jsonb,                     -- {"renamed_columns": {"old name": "new name"}} for a relation whose columns were renamed
    PRIMARY KEY (commit_id, object_key)
);

CREATE INDEX change_identity_idx ON pggit.change (identity);

CREATE INDEX change_key_idx ON pggit.change (object_key);

-- the renames (pggit.object_history looks an object up by its old key or identity too)
CREATE INDEX change_old_key_idx ON pggit.change (old_key) WHERE old_key IS NOT NULL;
-- the renames a merge follows (pggit.renames_since): few, found without reading every commit's changes
CREATE INDEX change_renames_idx ON pggit.change (commit_id) WHERE change = 'R' OR detail ? 'renamed_columns';
COMMENT ON TABLE pggit.change IS 'Per commit, the objects it added (A), modified (M), deleted (D) or renamed (R) relative to its first parent.';

CREATE TABLE pggit.ref (
    name        text PRIMARY KEY,
    commit_id   text NOT NULL REFERENCES pggit.commit,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_by  name NOT NULL DEFAULT session_user,
    description text
);
COMMENT ON TABLE pggit.ref IS 'Branches: a name pointing at a commit, with who created it, when, and why (pggit.create_branch, pggit.create_feature_branch). The commit writer advances the branch pggit.head names.';

CREATE TABLE pggit.tag (
    name       text PRIMARY KEY,
    commit_id  text NOT NULL REFERENCES pggit.commit ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_by name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE pggit.tag IS 'Tags: a fixed name for a commit (end_deployment(tags => ...)).';

CREATE TABLE pggit.head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    branch    text NOT NULL
);
INSERT INTO pggit.head (branch) VALUES ('main');
COMMENT ON TABLE pggit.head IS 'The symbolic HEAD: the branch that commits advance.';

CREATE TABLE pggit.object_map (
    object_key text PRIMARY KEY,
    kind       text NOT NULL,
    schema_name text NOT NULL,
    parent_key text,
    classid    oid NOT NULL,
    objid      oid NOT NULL,
    hash       text NOT NULL,
    columns    jsonb,                     -- relations: {attnum: column name}, to follow column renames (not hashed)
    UNIQUE (classid, objid)
);

CREATE INDEX object_map_parent_idx ON pggit.object_map (parent_key);

-- the kinds every capture compares whole (no event trigger fires for their DDL, or it names no object)
CREATE INDEX object_map_global_idx ON pggit.object_map (kind) WHERE kind IN ('event_trigger', 'default_privileges');
COMMENT ON TABLE pggit.object_map IS
    'The index: every object of the tree at HEAD with its live catalog address (classid, objid). Follows renames; names dropped children.';

CREATE TYPE pggit.tree_edit AS (path text[], hash text);
COMMENT ON TYPE pggit.tree_edit IS 'One edit of a tree: path = {schema, kind, object key} (pggit.tree_path; a prefix of it while writing), hash = new blob or child hash, or null to remove.';
