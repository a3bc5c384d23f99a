package io.pggit.core;

import io.pggit.core.model.ObjectKey;
import io.pggit.core.model.ObjectKind;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every object kind the catalog reader knows, at least twice and with hostile names (quoted, mixed
 * case, unicode, reserved words, a double quote inside a name, 63-byte names), owned by and granted
 * to roles with such names: captured through the journal exactly as a full capture sees it, a change
 * to each kind shown as a modification or rename of its key, and an export that recreates every
 * object with the same hash. Writes {@code docs/catalog-coverage.md} from what it proved.
 */
class CatalogCoverageTest {

    /** The kinds, in the order of the coverage table, with what makes one of them change. */
    static final Map<String, String[]> KINDS = new LinkedHashMap<>();

    static final String OWNER = "\"pggit Ünïcødé owner\"";
    static final String READER = "\"pggit \"\"quoted\"\" reader\"";
    static final String LONG_TABLE = "t_" + "ü".repeat(30) + "x";                 // 63 bytes in UTF-8
    static final String LONG_INDEX = "idx_" + "x".repeat(59);                     // 63 bytes

    static {
        // kind -> {statement that changes one object of the kind, the key that must show as M or R}
        KINDS.put("schema", new String[] {"COMMENT ON SCHEMA \"select\" IS 'reserved'", "schema:\"select\""});
        KINDS.put("extension", new String[] {"ALTER EXTENSION hstore SET SCHEMA \"Ünïcødé Schema\"", "extension:hstore"});
        KINDS.put("collation", new String[] {"ALTER COLLATION \"Ünïcødé Schema\".\"Case Insensitive\" RENAME TO \"ci 2\"",
                "collation:\"Ünïcødé Schema\".\"ci 2\""});
        KINDS.put("type", new String[] {"ALTER TYPE \"Ünïcødé Schema\".\"Meter Kind\" ADD VALUE 'steam'", "type:\"Ünïcødé Schema\".\"Meter Kind\""});
        KINDS.put("domain", new String[] {"ALTER DOMAIN \"select\".positive SET DEFAULT 1", "domain:\"select\".positive"});
        KINDS.put("sequence", new String[] {"ALTER SEQUENCE \"select\".\"Ticket\" INCREMENT BY 7", "sequence:\"select\".\"Ticket\""});
        KINDS.put("function", new String[] {"ALTER FUNCTION \"select\".norm(text) COST 7", "function:\"select\".norm(text)"});
        KINDS.put("procedure", new String[] {"ALTER PROCEDURE \"select\".\"Clean Up\"(integer) SET work_mem = '8MB'",
                "procedure:\"select\".\"Clean Up\"(integer)"});
        KINDS.put("aggregate", new String[] {"ALTER AGGREGATE \"select\".sum_text(text) OWNER TO " + READER, "aggregate:\"select\".sum_text(text)"});
        KINDS.put("table", new String[] {"ALTER TABLE \"Ünïcødé Schema\".\"Meter\" ALTER COLUMN serial SET STATISTICS 500",
                "table:\"Ünïcødé Schema\".\"Meter\""});
        KINDS.put("foreign_table", new String[] {"ALTER FOREIGN TABLE \"select\".\"Remote Meter\" OPTIONS (SET table_name 'rm2')",
                "foreign_table:\"select\".\"Remote Meter\""});
        KINDS.put("constraint", new String[] {"ALTER TABLE \"Ünïcødé Schema\".reading VALIDATE CONSTRAINT v_positive",
                "constraint:\"Ünïcødé Schema\".reading.v_positive"});
        KINDS.put("index", new String[] {"ALTER INDEX \"Ünïcødé Schema\".\"" + LONG_INDEX + "\" SET (fillfactor = 50)",
                "index:\"Ünïcødé Schema\".reading." + LONG_INDEX});
        KINDS.put("view", new String[] {"ALTER VIEW \"select\".\"Meter View\" SET (security_barrier = false)", "view:\"select\".\"Meter View\""});
        KINDS.put("materialized_view", new String[] {"ALTER MATERIALIZED VIEW \"select\".daily SET (fillfactor = 60)",
                "materialized_view:\"select\".daily"});
        KINDS.put("trigger", new String[] {"ALTER TABLE \"Ünïcødé Schema\".\"Meter\" DISABLE TRIGGER \"Touch\"",
                "trigger:\"Ünïcødé Schema\".\"Meter\".\"Touch\""});
        KINDS.put("rule", new String[] {"ALTER TABLE \"Ünïcødé Schema\".\"Meter\" DISABLE RULE \"no delete\"",
                "rule:\"Ünïcødé Schema\".\"Meter\".\"no delete\""});
        KINDS.put("policy", new String[] {"ALTER POLICY \"own rows\" ON \"Ünïcødé Schema\".\"Meter\" TO " + OWNER,
                "policy:\"Ünïcødé Schema\".\"Meter\".\"own rows\""});
        KINDS.put("statistics", new String[] {"ALTER STATISTICS \"Ünïcødé Schema\".\"reading expr\" SET STATISTICS 50",
                "statistics:\"Ünïcødé Schema\".\"reading expr\""});
        KINDS.put("event_trigger", new String[] {"ALTER EVENT TRIGGER \"Audit DDL\" ENABLE ALWAYS", "event_trigger:\"Audit DDL\""});
        KINDS.put("publication", new String[] {"ALTER PUBLICATION \"Meter Changes\" SET (publish = 'insert')", "publication:\"Meter Changes\""});
        KINDS.put("subscription", new String[] {"ALTER SUBSCRIPTION \"Sub Ü\" SET (binary = true)", "subscription:\"Sub Ü\""});
        KINDS.put("foreign_data_wrapper", new String[] {"ALTER FOREIGN DATA WRAPPER \"Dummy FDW\" OPTIONS (ADD extra 'x')",
                "foreign_data_wrapper:\"Dummy FDW\""});
        KINDS.put("server", new String[] {"ALTER SERVER \"Remote Ü\" VERSION '2'", "server:\"Remote Ü\""});
        KINDS.put("user_mapping", new String[] {"ALTER USER MAPPING FOR PUBLIC SERVER \"Remote Ü\" OPTIONS (ADD fetch_size '10')",
                "user_mapping:PUBLIC@\"Remote Ü\""});
        KINDS.put("default_privileges", new String[] {"ALTER DEFAULT PRIVILEGES IN SCHEMA \"select\" GRANT UPDATE ON TABLES TO " + READER,
                "default_privileges:postgres in \"select\" on tables"});
    }

    /**
     * What PostgreSQL lets a user create or set that pggit does not track, with the reason, and the
     * statement that {@link #whatIsNotTrackedIsNotSeen} runs to prove a migration doing it records no
     * change and leaves no drift (null: no statement runs here, e.g. it needs a file system path, a
     * label provider or changes the cluster).
     */
    static final Map<String, String[]> NOT_TRACKED = new LinkedHashMap<>();

    static {
        String why = "not tracked yet: in practice extensions create them, and an extension is tracked as a whole with its version; "
                + "one a migration creates outside an extension is linked with no tracked change and is invisible to the drift scan";
        NOT_TRACKED.put("casts (`CREATE CAST`, pg_cast)", new String[] {why, "CREATE CAST (public.nt_pair AS text) WITH INOUT"});
        NOT_TRACKED.put("operators (`CREATE OPERATOR`, pg_operator)", new String[] {why,
                "CREATE OPERATOR public.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq)"});
        NOT_TRACKED.put("operator classes and families (pg_opclass, pg_opfamily)", new String[] {why,
                "CREATE OPERATOR FAMILY public.nt_family USING btree"});
        NOT_TRACKED.put("text search configurations, parsers and templates (pg_ts_config, pg_ts_parser, pg_ts_template)", new String[] {why,
                "CREATE TEXT SEARCH CONFIGURATION public.nt_config (COPY = english)"});
        NOT_TRACKED.put("text search dictionaries (pg_ts_dict)", new String[] {why, "CREATE TEXT SEARCH DICTIONARY public.nt_dict (TEMPLATE = simple)"});
        NOT_TRACKED.put("conversions (`CREATE CONVERSION`, pg_conversion)", new String[] {why,
                "CREATE CONVERSION public.nt_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8"});
        NOT_TRACKED.put("access methods (`CREATE ACCESS METHOD`, pg_am)", new String[] {why,
                "CREATE ACCESS METHOD nt_heap TYPE TABLE HANDLER heap_tableam_handler"});
        NOT_TRACKED.put("transforms (pg_transform) and procedural languages (pg_language)", new String[] {why
                + " (both need handler functions written in C; plpgsql is there by default)", null});
        NOT_TRACKED.put("a table's access method (`USING`, pg_class.relam) and tablespace (pg_class.reltablespace)", new String[] {
                "not part of a table's definition: core PostgreSQL has one table access method (heap), and tablespaces are the "
                        + "storage layout of one server (pg_dump has --no-tablespaces for the same reason)", null});
        NOT_TRACKED.put("tablespaces (`CREATE TABLESPACE`)", new String[] {
                "cluster-wide objects holding a file system path, not part of a database's schema; event triggers do not fire for them", null});
        NOT_TRACKED.put("databases, roles, role memberships and database-level grants (`GRANT CONNECT ON DATABASE`)", new String[] {
                "cluster-wide (global) objects; event triggers do not fire for them", "GRANT CONNECT ON DATABASE current_database_placeholder TO PUBLIC"});
        NOT_TRACKED.put("settings of a database or role (`ALTER DATABASE … SET`, `ALTER ROLE … SET`, pg_db_role_setting)", new String[] {
                "configuration of the environment, not schema; event triggers do not fire for them",
                "ALTER DATABASE current_database_placeholder SET work_mem = '8MB'"});
        NOT_TRACKED.put("large objects and their privileges (pg_largeobject_metadata)", new String[] {
                "data, not schema (pg_dump dumps them with the data)", "SELECT lo_create(0)"});
        NOT_TRACKED.put("security labels (`SECURITY LABEL`, pg_seclabel)", new String[] {
                "need a label provider module (sepgsql), which none of the supported setups loads", null});
        NOT_TRACKED.put("planner statistics (`ANALYZE`), sequence values, `ALTER SYSTEM`", new String[] {"data and server configuration, not schema", null});
    }

    static final String[] FIXTURE = {
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pggit Ünïcødé owner') THEN CREATE ROLE " + OWNER + "; END IF; "
                    + "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pggit \"quoted\" reader') THEN CREATE ROLE " + READER + "; END IF; END $$",
            "CREATE SCHEMA \"Ünïcødé Schema\" AUTHORIZATION " + OWNER, "CREATE SCHEMA \"select\"",
            "GRANT USAGE ON SCHEMA \"select\" TO " + READER,
            "CREATE EXTENSION hstore", "CREATE EXTENSION pg_trgm WITH SCHEMA \"select\"",
            // collations (ICU and libc)
            "CREATE COLLATION \"Ünïcødé Schema\".\"Case Insensitive\" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
            "CREATE COLLATION \"select\".\"order\" (provider = libc, lc_collate = 'C', lc_ctype = 'C')",
            // types: enum (value order, a quote), composite, range; domains
            "CREATE TYPE \"Ünïcødé Schema\".\"Meter Kind\" AS ENUM ('electricity', 'gas', 'it''s water')",
            "CREATE TYPE \"select\".pair AS (a int, \"B\" text COLLATE \"C\")",
            "CREATE TYPE \"select\".span AS RANGE (subtype = numeric)",
            "CREATE DOMAIN \"select\".positive AS numeric(14,3) DEFAULT 0 NOT NULL CONSTRAINT positive_check CHECK (VALUE >= 0)",
            "CREATE DOMAIN \"Ünïcødé Schema\".\"Email\" AS text COLLATE \"C\" CHECK (VALUE LIKE '%@%')",
            // sequences
            "CREATE SEQUENCE \"select\".\"Ticket\" AS integer START 100 INCREMENT 5 MINVALUE 10 MAXVALUE 100000 CACHE 3 CYCLE",
            "CREATE UNLOGGED SEQUENCE \"Ünïcødé Schema\".scratch_seq",
            // routines: overloads, options
            "CREATE FUNCTION \"select\".norm(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower(t) $$",
            "CREATE FUNCTION \"select\".norm(t text, n int) RETURNS text LANGUAGE sql STABLE COST 5 SET search_path = pg_catalog "
                    + "AS $$ SELECT left(lower(t), n) $$",
            "CREATE FUNCTION \"Ünïcødé Schema\".\"Touch\"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN NEW; END $$",
            "CREATE FUNCTION \"Ünïcødé Schema\".on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$",
            "CREATE FUNCTION \"Ünïcødé Schema\".rows_of(n int) RETURNS SETOF int LANGUAGE sql ROWS 42 AS $$ SELECT generate_series(1, n) $$",
            "CREATE PROCEDURE \"select\".\"Clean Up\"(days int DEFAULT 30) LANGUAGE sql AS $$ SELECT 1 $$",
            "CREATE PROCEDURE \"select\".\"Clean Up\"() LANGUAGE sql AS $$ SELECT 2 $$",
            "CREATE AGGREGATE \"select\".sum_text(text) (SFUNC = textcat, STYPE = text, INITCOND = '')",
            "CREATE FUNCTION \"select\".cat3(s text, a text, b text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT s || a || b $$",
            "CREATE AGGREGATE \"select\".sum_text(text, text) (SFUNC = \"select\".cat3, STYPE = text)",
            "REVOKE ALL ON FUNCTION \"select\".norm(text) FROM PUBLIC", "GRANT EXECUTE ON FUNCTION \"select\".norm(text) TO " + READER,
            // foreign data
            "CREATE FOREIGN DATA WRAPPER \"Dummy FDW\" OPTIONS (debug 'true')",
            "CREATE FOREIGN DATA WRAPPER plain_fdw",
            "CREATE SERVER \"Remote Ü\" TYPE 'pg' VERSION '1' FOREIGN DATA WRAPPER \"Dummy FDW\" OPTIONS (host 'example', password 'not recorded')",
            "CREATE SERVER \"order\" FOREIGN DATA WRAPPER plain_fdw",
            "GRANT USAGE ON FOREIGN SERVER \"Remote Ü\" TO " + READER,
            "CREATE USER MAPPING FOR " + READER + " SERVER \"Remote Ü\" OPTIONS (\"user\" 'bob', password 'secret')",
            "CREATE USER MAPPING FOR PUBLIC SERVER \"Remote Ü\"",
            // tables
            "CREATE TABLE \"Ünïcødé Schema\".\"Meter\" (id uuid PRIMARY KEY, serial text COLLATE \"select\".\"order\" NOT NULL UNIQUE NULLS NOT DISTINCT, "
                    + "kind \"Ünïcødé Schema\".\"Meter Kind\" NOT NULL, n bigint GENERATED ALWAYS AS IDENTITY, s serial, "
                    + "norm text GENERATED ALWAYS AS (\"select\".norm(serial)) STORED, \"select\" int DEFAULT 42 CHECK (\"select\" > 0), "
                    + "payload text COMPRESSION pglz, owner_name text DEFAULT current_user, during tsrange, "
                    + "EXCLUDE USING gist (during WITH &&)) WITH (fillfactor = 70, autovacuum_enabled = false)",
            "ALTER TABLE \"Ünïcødé Schema\".\"Meter\" ALTER COLUMN kind SET STATISTICS 200",
            "ALTER TABLE \"Ünïcødé Schema\".\"Meter\" ALTER COLUMN payload SET STORAGE EXTERNAL",   // (CREATE TABLE ... STORAGE is PostgreSQL 16)
            "ALTER TABLE \"Ünïcødé Schema\".\"Meter\" ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE \"Ünïcødé Schema\".\"Meter\" FORCE ROW LEVEL SECURITY",
            "ALTER TABLE \"Ünïcødé Schema\".\"Meter\" REPLICA IDENTITY FULL",
            "ALTER TABLE \"Ünïcødé Schema\".\"Meter\" OWNER TO " + OWNER,
            "GRANT SELECT, INSERT ON \"Ünïcødé Schema\".\"Meter\" TO " + READER + " WITH GRANT OPTION",
            "GRANT UPDATE (owner_name) ON \"Ünïcødé Schema\".\"Meter\" TO " + READER,
            "CREATE TABLE \"Ünïcødé Schema\".reading (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                    + "meter_id uuid NOT NULL REFERENCES \"Ünïcødé Schema\".\"Meter\" ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED, "
                    + "v \"select\".positive, at timestamptz NOT NULL, tags text[], CONSTRAINT reading_once UNIQUE (meter_id, at) INCLUDE (v))",
            "ALTER TABLE \"Ünïcødé Schema\".reading ADD CONSTRAINT v_positive CHECK (v > 0) NOT VALID",
            "ALTER TABLE \"Ünïcødé Schema\".reading REPLICA IDENTITY USING INDEX reading_once",
            "CREATE INDEX \"" + LONG_INDEX + "\" ON \"Ünïcødé Schema\".reading (at DESC NULLS LAST) WHERE v > 0",
            "CREATE INDEX reading_hash ON \"Ünïcødé Schema\".reading USING hash (meter_id)",
            "CREATE INDEX reading_expr ON \"Ünïcødé Schema\".reading ((v::numeric * 2)) INCLUDE (at)",
            "CREATE INDEX reading_tags ON \"Ünïcødé Schema\".reading USING gin (tags)",
            "CREATE TABLE \"select\".\"" + LONG_TABLE + "\" (\"table\" text, \"user\" int) PARTITION BY LIST (\"user\")",
            "CREATE TABLE \"select\".\"part one\" PARTITION OF \"select\".\"" + LONG_TABLE + "\" FOR VALUES IN (1, 2)",
            "CREATE INDEX ON \"select\".\"" + LONG_TABLE + "\" (\"table\" text_pattern_ops)",
            // multi-level partitions: a sub-partitioned partition, a default partition, a primary key, a unique and
            // an expression index on the partitioned table (each partition's index is attached to them), an index
            // on one partition only
            "CREATE TABLE \"select\".\"part two\" PARTITION OF \"select\".\"" + LONG_TABLE + "\" FOR VALUES IN (3, 4) "
                    + "PARTITION BY LIST (\"table\")",
            "CREATE TABLE \"select\".\"Part Two A\" PARTITION OF \"select\".\"part two\" FOR VALUES IN ('a')",
            "CREATE TABLE \"select\".\"part rest\" PARTITION OF \"select\".\"part two\" DEFAULT",
            "ALTER TABLE \"select\".\"" + LONG_TABLE + "\" ADD CONSTRAINT \"Long Key\" PRIMARY KEY (\"user\", \"table\")",
            "CREATE UNIQUE INDEX \"Part Unique\" ON \"select\".\"" + LONG_TABLE + "\" (\"table\", \"user\")",
            "CREATE INDEX \"part lower\" ON \"select\".\"" + LONG_TABLE + "\" (lower(\"table\"))",
            "CREATE INDEX \"two a only\" ON \"select\".\"Part Two A\" (upper(\"table\"))",
            "CREATE UNLOGGED TABLE \"select\".scratch (a int)",
            "CREATE TABLE \"select\".child (b int) INHERITS (\"select\".scratch)",
            "CREATE TABLE \"select\".\"we\"\"ird\" (a int PRIMARY KEY, b int)",
            "CREATE TABLE \"select\".other (id int PRIMARY KEY, w int REFERENCES \"select\".\"we\"\"ird\")",
            "ALTER TABLE \"select\".\"we\"\"ird\" ADD CONSTRAINT back_fk FOREIGN KEY (b) REFERENCES \"select\".other",
            "CREATE FOREIGN TABLE \"select\".\"Remote Meter\" (id uuid OPTIONS (column_name 'ID') NOT NULL, v numeric) "
                    + "SERVER \"Remote Ü\" OPTIONS (table_name 'meter')",
            "CREATE FOREIGN TABLE \"Ünïcødé Schema\".remote_log (line text) SERVER \"order\"",
            // views and materialized views
            "CREATE VIEW \"select\".\"Meter View\" WITH (security_barrier = true) AS SELECT id, serial FROM \"Ünïcødé Schema\".\"Meter\"",
            "CREATE VIEW \"select\".v2 AS SELECT id FROM \"select\".\"Meter View\" WITH CASCADED CHECK OPTION",
            "CREATE MATERIALIZED VIEW \"select\".daily AS SELECT meter_id, count(*) AS n FROM \"Ünïcødé Schema\".reading GROUP BY meter_id",
            "CREATE UNIQUE INDEX daily_meter ON \"select\".daily (meter_id)",
            "CREATE MATERIALIZED VIEW \"Ünïcødé Schema\".\"Kinds\" AS SELECT DISTINCT kind FROM \"Ünïcødé Schema\".\"Meter\" WITH NO DATA",
            // triggers: WHEN, transition tables, constraint trigger, disabled
            "CREATE TRIGGER \"Touch\" BEFORE INSERT ON \"Ünïcødé Schema\".\"Meter\" FOR EACH ROW WHEN (NEW.serial <> '') "
                    + "EXECUTE FUNCTION \"Ünïcødé Schema\".\"Touch\"()",
            "CREATE TRIGGER batch AFTER INSERT ON \"Ünïcødé Schema\".reading REFERENCING NEW TABLE AS fresh FOR EACH STATEMENT "
                    + "EXECUTE FUNCTION \"Ünïcødé Schema\".\"Touch\"()",
            "CREATE CONSTRAINT TRIGGER \"check later\" AFTER UPDATE ON \"Ünïcødé Schema\".reading DEFERRABLE INITIALLY DEFERRED "
                    + "FOR EACH ROW EXECUTE FUNCTION \"Ünïcødé Schema\".\"Touch\"()",
            // rules and policies
            "CREATE RULE \"no delete\" AS ON DELETE TO \"Ünïcødé Schema\".\"Meter\" DO INSTEAD NOTHING",
            "CREATE RULE log_insert AS ON INSERT TO \"select\".scratch DO ALSO INSERT INTO \"select\".child (a) VALUES (NEW.a)",
            "CREATE POLICY \"own rows\" ON \"Ünïcødé Schema\".\"Meter\" FOR SELECT TO " + READER + " USING (owner_name = current_user)",
            "CREATE POLICY only_positive ON \"Ünïcødé Schema\".\"Meter\" AS RESTRICTIVE FOR INSERT WITH CHECK (\"select\" > 0)",
            // extended statistics: in another schema than their table, expressions (PostgreSQL 14+), a
            // statistics target (which pg_get_statisticsobjdef leaves out), owner and comment
            "CREATE STATISTICS \"select\".\"Meter Stats\" (dependencies, ndistinct) ON serial, kind FROM \"Ünïcødé Schema\".\"Meter\"",
            "ALTER STATISTICS \"select\".\"Meter Stats\" SET STATISTICS 300",
            "ALTER STATISTICS \"select\".\"Meter Stats\" OWNER TO " + OWNER,
            "CREATE STATISTICS \"Ünïcødé Schema\".\"reading expr\" ON (v::numeric * 2), meter_id FROM \"Ünïcødé Schema\".reading",
            "COMMENT ON STATISTICS \"Ünïcødé Schema\".\"reading expr\" IS 'doubled v, it''s said'",
            // event triggers
            "CREATE EVENT TRIGGER \"Audit DDL\" ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') "
                    + "EXECUTE FUNCTION \"Ünïcødé Schema\".on_ddl()",
            "CREATE EVENT TRIGGER audit_drop ON sql_drop EXECUTE FUNCTION \"Ünïcødé Schema\".on_ddl()",
            "ALTER EVENT TRIGGER audit_drop DISABLE",
            // publications and subscriptions (without connecting, without a slot: droppable)
            "CREATE PUBLICATION \"Meter Changes\" FOR TABLE \"Ünïcødé Schema\".\"Meter\" (id, serial, \"select\") WHERE (\"select\" > 0), "
                    + "\"Ünïcødé Schema\".reading WITH (publish = 'insert, update', publish_via_partition_root = true)",
            "CREATE PUBLICATION everything FOR TABLES IN SCHEMA \"select\"",
            "CREATE SUBSCRIPTION \"Sub Ü\" CONNECTION 'host=localhost dbname=nowhere password=never-recorded' "
                    + "PUBLICATION \"Meter Changes\", everything WITH (connect = false, slot_name = NONE)",
            "CREATE SUBSCRIPTION sub_two CONNECTION 'dbname=nowhere' PUBLICATION everything WITH (connect = false, slot_name = NONE, binary = true)",
            // default privileges, per schema and database-wide
            "ALTER DEFAULT PRIVILEGES IN SCHEMA \"select\" GRANT SELECT ON TABLES TO " + READER,
            "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
            // comments, with a quote and unicode
            "COMMENT ON TABLE \"Ünïcødé Schema\".\"Meter\" IS 'meters, it''s said: Zählerstände'",
            "COMMENT ON COLUMN \"Ünïcødé Schema\".\"Meter\".serial IS 'the serial'",
            "COMMENT ON POLICY \"own rows\" ON \"Ünïcødé Schema\".\"Meter\" IS 'rows of the reader'",
            "COMMENT ON RULE \"no delete\" ON \"Ünïcødé Schema\".\"Meter\" IS 'meters stay'",
            "COMMENT ON EVENT TRIGGER \"Audit DDL\" IS 'audit'", "COMMENT ON PUBLICATION everything IS 'all of select'",
            "COMMENT ON SUBSCRIPTION sub_two IS 'second'", "COMMENT ON SERVER \"Remote Ü\" IS 'remote'",
            "COMMENT ON FOREIGN DATA WRAPPER \"Dummy FDW\" IS 'dummy'", "COMMENT ON COLLATION \"select\".\"order\" IS 'bytes'",
            "COMMENT ON FOREIGN TABLE \"select\".\"Remote Meter\" IS 'remote meters'",
            "COMMENT ON INDEX \"Ünïcødé Schema\".\"" + LONG_INDEX + "\" IS 'long'",
            "COMMENT ON TRIGGER batch ON \"Ünïcødé Schema\".reading IS 'batch'",
            "COMMENT ON AGGREGATE \"select\".sum_text(text) IS 'concatenation'",
            "COMMENT ON PROCEDURE \"select\".\"Clean Up\"() IS 'no arguments'",
    };

    /** Every index of the user's schemas and whether it is valid (no part of any definition). */
    static final String INDEX_VALIDITY = "SELECT i.indexrelid::regclass::text || ' ' || i.indisvalid FROM pg_index i "
            + "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace::regnamespace::text NOT IN ('pggit', 'pg_catalog', 'pg_toast') "
            + "ORDER BY 1";

    /** kind -> what was proved (captured, diffed, recreated). */
    static final Map<String, Set<String>> PROVED = new ConcurrentHashMap<>();
    static final Map<String, Integer> COUNTS = new ConcurrentHashMap<>();

    static TestDb source;

    @BeforeAll
    static void fixture() {
        source = TestDb.withPggit("coverage");
        source.exec(FIXTURE);
        source.pggit().commit("every kind");
    }

    @AfterAll
    static void dropSubscriptionsAndWriteTheTable() throws IOException {
        for (TestDb db : List.of(source)) {
            dropSubscriptions(db);
        }
        StringBuilder md = new StringBuilder("""
                # Catalog coverage

                Generated by `CatalogCoverageTest` (pggit-core) from what its tests proved in the default test run
                (PostgreSQL %s; the same tests run on 15, 16 and 18 in the `pg-matrix` profile); do not edit by hand.
                Each kind is in the test's fixture at least twice, with hostile names (quoted, mixed case, unicode,
                reserved words, a double quote inside a name, 63-byte names), owners and grantees with such names.

                - **captured**: at least two objects of the kind in a full capture, and the commit the event-trigger
                  journal led to has the same tree as the full capture;
                - **diffed**: one DDL statement changing one object of the kind shows in the next commit as a
                  modification (or rename) of that object's key;
                - **recreated**: the export of the commit (DDL in dependency order, owners and privileges included),
                  applied to an empty database, captures to the same hash for every object of the kind;
                - **tested**: how many objects of the kind the fixture has.

                | kind | captured | diffed | recreated | tested |
                |---|---|---|---|---|
                """.formatted(source.value("SELECT current_setting('server_version')")));
        for (String kind : KINDS.keySet()) {
            Set<String> p = PROVED.getOrDefault(kind, Set.of());
            md.append("| ").append(kind).append(" | ").append(mark(p, "captured")).append(" | ").append(mark(p, "diffed"))
                    .append(" | ").append(mark(p, "recreated")).append(" | ")
                    .append(COUNTS.getOrDefault(kind, 0)).append(" objects |\n");
        }
        md.append("\n## Not tracked\n\nWhat PostgreSQL lets a user create or set that pggit does not track, and why. Where a statement ")
                .append("is given, `CatalogCoverageTest` runs it in a database with pggit and asserts that it records no change ")
                .append("and no drift.\n\n| what | why | proved with |\n|---|---|---|\n");
        NOT_TRACKED.forEach((what, w) -> md.append("| ").append(what).append(" | ").append(w[0]).append(" | ")
                .append(w[1] == null ? "—" : "`" + w[1].replace("current_database_placeholder", "<database>") + "`").append(" |\n"));
        Path docs = Path.of(System.getProperty("pggit.docs", Path.of(System.getProperty("user.dir")).resolve("../docs").toString()));
        if (Files.isDirectory(docs) && System.getProperty("pggit.test.pgBinariesJar") == null) {   // the default run writes it
            Files.writeString(docs.resolve("catalog-coverage.md"), md.toString(), StandardCharsets.UTF_8);
        }
    }

    private static String mark(Set<String> proved, String what) {
        return proved.contains(what) ? "yes" : "no";
    }

    private static void proved(String kind, String what) {
        PROVED.computeIfAbsent(kind, k -> ConcurrentHashMap.newKeySet()).add(what);
    }

    static void dropSubscriptions(TestDb db) {
        db.exec("DO $$ DECLARE s text; BEGIN FOR s IN SELECT quote_ident(subname) FROM pg_subscription "
                + "WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) LOOP "
                + "EXECUTE 'ALTER SUBSCRIPTION ' || s || ' DISABLE'; EXECUTE 'ALTER SUBSCRIPTION ' || s || ' SET (slot_name = NONE)'; "
                + "EXECUTE 'DROP SUBSCRIPTION ' || s; END LOOP; END $$");
    }

    private static Map<String, Integer> kindCounts(TestDb db) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (List<String> r : db.rows("SELECT kind, count(*) FROM pggit.read_catalog() GROUP BY kind ORDER BY kind")) {
            counts.put(r.get(0), Integer.parseInt(r.get(1)));
        }
        return counts;
    }

    @Test
    void everyKindIsCapturedTwiceAndTheJournalAgreesWithAFullCapture() {
        Map<String, Integer> counts = kindCounts(source);
        List<String> missing = new ArrayList<>();
        for (String kind : KINDS.keySet()) {
            if (counts.getOrDefault(kind, 0) < 2) {
                missing.add(kind + " (" + counts.getOrDefault(kind, 0) + ")");
            }
        }
        assertEquals(List.of(), missing, "kinds captured fewer than twice; all counts: " + counts);
        assertTrue(counts.keySet().stream().allMatch(KINDS::containsKey), "a kind the coverage table does not list: " + counts.keySet());
        COUNTS.putAll(counts);
        assertEquals(source.freshCaptureTree(), source.headTree(), () -> "journal commit differs from a full capture: " + source.pggit().drift());
        assertEquals(List.of(), source.column("SELECT object_key FROM pggit.read_catalog() WHERE definition::text LIKE '%secret%' "
                + "OR definition::text LIKE '%never-recorded%' OR definition::text LIKE '%not recorded%'"), "no password is read");
        KINDS.keySet().forEach(k -> proved(k, "captured"));
    }

    @Test
    void whatIsNotTrackedIsNotSeen() {
        TestDb db = TestDb.withPggit("not_tracked");
        db.exec("CREATE TYPE public.nt_pair AS (a int, b int)");
        db.pggit().commit("baseline");
        String head = db.value("SELECT pggit.head_commit()");
        for (Map.Entry<String, String[]> e : NOT_TRACKED.entrySet()) {
            if (e.getValue()[1] == null) {
                continue;
            }
            db.exec(e.getValue()[1].replace("current_database_placeholder", "\"" + db.value("SELECT current_database()") + "\""));
            assertEquals(List.of(), db.column("SELECT change || ' ' || object_key FROM pggit.status()"), e.getKey());
            assertEquals(Optional.empty(), db.pggit().commit(e.getKey()), e.getKey());
            assertEquals(head, db.value("SELECT pggit.head_commit()"), e.getKey());
        }
        assertTrue(db.pggit().drift().isEmpty());
    }

    @Test
    void theModelsObjectKindsAreTheKindsTheReaderProduces() {
        assertEquals(List.copyOf(KINDS.keySet()), Arrays.stream(ObjectKind.values()).map(ObjectKind::sqlName).toList(),
                "ObjectKind lists the coverage table's kinds, in its order");
        for (List<String> r : source.rows("SELECT kind, object_key FROM pggit.read_catalog()")) {
            assertEquals(r.get(0), ObjectKey.parse(r.get(1)).kind().sqlName(), r.get(1));
        }
    }

    @Test
    void anExportRecreatesEveryObjectWithTheSameHash(@TempDir Path dir) throws Exception {
        TestDb db = TestDb.withPggit("coverage_export");
        db.exec(FIXTURE);
        db.pggit().commit("every kind");
        List<Path> files = db.pggit().export("HEAD", dir);
        assertTrue(files.contains(dir.resolve("_database/event_trigger/%22%41udit %44%44%4C%22.sql")),
                "objects of no schema under _database/, names percent-encoded (upper case too): " + files);
        assertTrue(files.contains(dir.resolve("select/table/%22we%22%22ird%22.sql")),
                "a schema quoted for being a reserved word (\"select\") without quotes, the key's identity percent-encoded: " + files);
        TestDb copy = TestDb.create("coverage_export_copy");
        try {
            copy.exec(Files.readString(dir.resolve("schema.sql")));
            copy.pggit().install();
            String tree = db.headTree();
            List<String> differ = db.column("SELECT object_key || ' ' || hash FROM pggit.tree_objects('" + tree + "') ORDER BY 1");
            List<String> copied = copy.column("SELECT object_key || ' ' || hash FROM pggit.tree_objects('" + copy.headTree() + "') ORDER BY 1");
            Set<String> bad = new TreeSet<>(differ);
            bad.removeAll(copied);
            Set<String> extra = new TreeSet<>(copied);
            extra.removeAll(differ);
            for (String kind : KINDS.keySet()) {
                boolean clean = bad.stream().noneMatch(k -> k.startsWith(kind + ":")) && extra.stream().noneMatch(k -> k.startsWith(kind + ":"));
                if (clean) {
                    proved(kind, "recreated");
                }
            }
            assertEquals(Set.of(), bad, () -> "objects the export did not recreate identically; in the copy instead: " + extra);
            assertEquals(tree, copy.headTree());
            assertEquals(db.column(INDEX_VALIDITY), copy.column(INDEX_VALIDITY), "every index valid, as in the source (a partitioned "
                    + "index turns valid once every partition's index is attached)");
        } finally {
            dropSubscriptions(db);
            dropSubscriptions(copy);
        }
    }

    @Test
    void comparePlansCreateAndDropEveryKindUntilTheDatabasesCompareEqual() {
        TestDb empty = TestDb.withPggit("coverage_compare_empty");
        TestDb full = TestDb.withPggit("coverage_compare_full");
        full.exec(FIXTURE);
        try {
            io.pggit.core.model.Comparison create = Pggit.compare(source.dataSource(), empty.dataSource());
            empty.exec(String.join("\n", create.plan()));
            assertEquals(List.of(), Pggit.compare(source.dataSource(), empty.dataSource()).differences(),
                    "after the create plan: " + String.join("\n", create.plan()));
            assertEquals(source.column(INDEX_VALIDITY), empty.column(INDEX_VALIDITY), "after the create plan");
            TestDb nothing = TestDb.withPggit("coverage_compare_nothing");
            io.pggit.core.model.Comparison drop = Pggit.compare(nothing.dataSource(), full.dataSource());
            full.exec(String.join("\n", drop.plan()));
            assertEquals(List.of(), Pggit.compare(nothing.dataSource(), full.dataSource()).differences(),
                    "after the drop plan: " + String.join("\n", drop.plan()));
        } finally {
            dropSubscriptions(empty);
            dropSubscriptions(full);
        }
    }

    @Test
    void aChangeToEachKindShowsAsAModificationOfItsKey() {
        TestDb db = TestDb.withPggit("coverage_changes");
        db.exec(FIXTURE);
        db.pggit().commit("every kind");
        List<String> failures = new ArrayList<>();
        try {
            for (Map.Entry<String, String[]> e : KINDS.entrySet()) {
                db.exec(e.getValue()[0]);
                String commit = db.pggit().commit("change " + e.getKey()).orElse(null);
                List<String> changes = commit == null ? List.of()
                        : db.column("SELECT change || ' ' || object_key FROM pggit.change WHERE commit_id = '" + commit + "' ORDER BY 1");
                if (changes.contains("M " + e.getValue()[1]) || changes.contains("R " + e.getValue()[1])) {
                    proved(e.getKey(), "diffed");
                } else {
                    failures.add(e.getKey() + ": " + e.getValue()[0] + " gave " + changes);
                }
                if (!db.freshCaptureTree().equals(db.headTree())) {
                    failures.add(e.getKey() + ": after " + e.getValue()[0] + " HEAD differs from a full capture: " + db.pggit().drift());
                }
            }
        } finally {
            dropSubscriptions(db);
        }
        assertEquals(List.of(), failures);
    }
}
