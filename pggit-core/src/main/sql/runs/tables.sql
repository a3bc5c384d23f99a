-- Migration-tool runs: migration links, capture failures, the tools' own tables (deployments are in the store: commits name them).

CREATE TABLE pggit.migration_link (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deployment_id     bigint REFERENCES pggit.deployment,
    tool              text NOT NULL CHECK (tool <> ''),   -- flyway, liquibase, or any tool named in link_migration
    migration_id      text,               -- Flyway version (null for repeatables); Liquibase changeset id
    migration_type    text,
    description       text,
    script            text,               -- Flyway script; Liquibase changelog file path
    checksum          text,               -- as the tool stores it (flyway_schema_history.checksum, databasechangelog.md5sum)
    author            text,               -- Liquibase changeset author
    contexts          text,
    labels            text,
    exec_type         text,               -- Liquibase EXECUTED, RERAN, MARK_RAN, FAILED, ROLLED_BACK
    installed_rank    integer,
    execution_time_ms integer,
    outcome           text NOT NULL CHECK (outcome IN ('success', 'failed')),
    commit_id         text REFERENCES pggit.commit ON DELETE SET NULL,   -- null only after a forced purge_history
    new_commit        boolean NOT NULL DEFAULT false,  -- true when commit_id was produced by this migration
    error             text,
    recorded_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    error_sqlstate    text                -- a failed migration's SQLSTATE, when its tool passed the exception on
);

CREATE INDEX migration_link_commit_idx ON pggit.migration_link (commit_id);
COMMENT ON TABLE pggit.migration_link IS 'One applied migration or changeset and the commit it produced (or HEAD when it changed nothing tracked).';

CREATE TABLE pggit.capture_failure (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deployment_id bigint REFERENCES pggit.deployment,
    migration     text,
    sqlstate      text,
    error         text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE pggit.capture_failure IS 'Errors inside pggit while capturing a migration (fail-open mode): the migration went on, the end-of-run drift scan reports what was missed.';

CREATE TABLE pggit.tool_table (
    relname text PRIMARY KEY
);
INSERT INTO pggit.tool_table VALUES ('flyway_schema_history'), ('databasechangelog'), ('databasechangeloglock');
COMMENT ON TABLE pggit.tool_table IS 'Migration tools'' own tables, never tracked (matched by table name in any schema).';
