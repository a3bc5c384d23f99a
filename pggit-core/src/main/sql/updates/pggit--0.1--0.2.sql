-- Upgrade step 0.1 -> 0.2. Hand-written: ALTERs of tables and types in place (a column an upgrade
-- adds goes last in the sources' CREATE TABLE too), DROPs of what 0.2 no longer has, and an \ir of
-- each source file whose functions or views 0.2 changes or adds (its CREATE OR REPLACE statements
-- re-create the unchanged ones beside them as they are). UpgradeTest proves that 0.1 plus this
-- step equals a fresh install of 0.2.

-- The catalog reader joins pg_description once instead of probing it per kind (same definitions).
\ir ../catalog/read_catalog.sql

-- Comments on the functions 0.1 left without one.
\ir ../store/hashing.sql
\ir ../store/trees.sql
\ir ../rules/configure.sql
\ir ../rules/windows.sql
\ir ../check/consistency.sql
\ir ../check/conflicts.sql
\ir ../extras/function_versions.sql
\ir ../extras/cqrs.sql

-- Uninstall and reinstall: the restart of a history is recorded and reported (a gap of kind
-- restarted_history in verify_consistency, check/consistency.sql below).
\ir ../store/history_restart.sql
\ir ../capture/baseline.sql

\ir ../release.sql
