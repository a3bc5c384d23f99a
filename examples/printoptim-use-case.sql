-- The "Use Case Example" of the PrintOptim requirements, with pggit installed (psql -f this file
-- on a database where pggit is installed; TrackingApiTest runs it as written and checks the result).

-- The CQRS layout
CREATE SCHEMA command;
CREATE SCHEMA command_staging;
CREATE SCHEMA query;
CREATE SCHEMA query_cache;
CREATE SCHEMA reference;
CREATE SCHEMA app;

-- 0. What the team tracks: the command side, reference data and the functions; never the query
--    side, temporary tables, refreshes or reindexes. Both spellings of the function work.
SELECT pggit.configure(track_schemas => ARRAY['command', 'reference', 'app'],
                       ignore_schemas => ARRAY['query', 'query_cache', 'pg_temp%']);
SELECT pggit.configure_tracking(track_operations => ARRAY['CREATE', 'ALTER', 'DROP'],
                                ignore_operations => ARRAY['REFRESH MATERIALIZED VIEW', 'REINDEX']);
-- The seed's 'REFRESH MATERIALIZED VIEW query.%' and 'CREATE TEMP TABLE %' would be kept with a
-- warning that they can never match: refreshes change no definition and temporary objects are never
-- tracked. What a pattern is for: changes of one kind in one place.
SELECT pggit.add_ignore_pattern('CREATE INDEX query.%');

CREATE TABLE command.tb_meter (id int PRIMARY KEY, reading_value numeric);
SELECT pggit.commit('meters');

-- 1. Start deployment
SELECT pggit.begin_deployment('v2.1.0-add-meter-validation');

-- 2. Apply command side changes
ALTER TABLE command.tb_meter
    ADD CONSTRAINT check_reading_positive CHECK (reading_value > 0);

-- 3. Update functions
CREATE OR REPLACE FUNCTION app.validate_meter_with_log(input jsonb)
RETURNS jsonb AS $$ SELECT input $$ LANGUAGE sql;

-- 4. Rebuild query side (ignored by the rules above)
DROP MATERIALIZED VIEW IF EXISTS query.mv_meter_summary;
CREATE MATERIALIZED VIEW query.mv_meter_summary AS
SELECT count(*) AS meters FROM command.tb_meter;
CREATE TEMP TABLE scratch (a int);
REFRESH MATERIALIZED VIEW query.mv_meter_summary;

-- 5. Complete deployment: one commit, tagged
SELECT pggit.end_deployment(
    commit_message => 'Add positive value validation to meter readings',
    tags => ARRAY['validation', 'meter']
);

-- What it recorded
SELECT change, object_key FROM pggit.show('HEAD') ORDER BY object_key;
SELECT * FROM pggit.verify_consistency();
