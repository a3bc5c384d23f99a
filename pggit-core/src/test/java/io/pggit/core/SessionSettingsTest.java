package io.pggit.core;

import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same catalog gives the same definitions whatever the client's session: settings that change
 * deparsed text (TimeZone, DateStyle, IntervalStyle, extra_float_digits, bytea_output, ...) are pinned
 * by the catalog reader, the one entry point that deparses; its helpers carry no SET clause, so that
 * PostgreSQL inlines them.
 */
class SessionSettingsTest {

    static TestDb db;

    /**
     * Settings a client session may have: name, value pairs. PgJDBC refuses a session whose DateStyle
     * does not start with ISO, so each is applied inside one call (pg_temp.under) that restores it
     * before returning, as a psql client would not need to.
     */
    static final Map<String, List<String>> SESSIONS = new LinkedHashMap<>();

    static {
        SESSIONS.put("defaults", List.of());
        SESSIONS.put("Berlin", List.of("TimeZone", "Europe/Berlin"));
        SESSIONS.put("New York, SQL/DMY dates, ISO 8601 intervals", List.of("TimeZone", "America/New_York",
                "DateStyle", "SQL, DMY", "IntervalStyle", "iso_8601"));
        SESSIONS.put("German dates, sql_standard intervals, few float digits", List.of("DateStyle", "German",
                "IntervalStyle", "sql_standard", "extra_float_digits", "-15", "TimeZone", "Asia/Kolkata"));
        SESSIONS.put("escape bytea, quoted identifiers, postgres_verbose", List.of("bytea_output", "escape",
                "quote_all_identifiers", "on", "IntervalStyle", "postgres_verbose", "TimeZone", "Pacific/Chatham"));
    }

    @BeforeAll
    static void schema() {
        db = TestDb.withPggit("session_settings");
        db.exec("CREATE SCHEMA app",
                "CREATE TABLE app.events (at timestamptz NOT NULL, d date DEFAULT '2026-12-01', wait interval DEFAULT '1 day 02:03:04',"
                        + " ratio float8 DEFAULT 0.1, price money DEFAULT 12.5, raw bytea DEFAULT '\\x00ff'::bytea,"
                        + " note text DEFAULT E'back\\\\slash', created timestamptz DEFAULT '2026-12-01 00:00:00+00')"
                        + " PARTITION BY RANGE (at)",
                "CREATE TABLE app.events_2026_12 PARTITION OF app.events FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')",
                "ALTER TABLE app.events ADD CONSTRAINT recent CHECK (d > DATE '2020-01-01' AND wait < INTERVAL '3 days')",
                "CREATE VIEW app.late AS SELECT at, at + INTERVAL '1 hour 30 minutes' AS due, TIMESTAMPTZ '2026-06-01 12:00:00+02' AS cut,"
                        + " 1.0e-7::float8 AS eps FROM app.events WHERE d < DATE '2030-01-31'",
                "CREATE MATERIALIZED VIEW app.lateness AS SELECT INTERVAL '1 month 2 days' AS slack, '1 day'::interval * 2.5 AS more",
                "CREATE FUNCTION app.tick() RETURNS timestamptz LANGUAGE sql SET TimeZone = 'UTC' SET work_mem = '64MB'"
                        + " AS $$ SELECT TIMESTAMPTZ '2026-12-01 00:00:00+00' + INTERVAL '1 week' $$");
        db.pggit().commit("schema");
    }

    /** Runs query (one text value) in a session with these settings, restored before the call returns. */
    static String under(List<String> settings, String query) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION pg_temp.under(names text[], vals text[], query text) RETURNS text LANGUAGE plpgsql AS $f$"
                    + " DECLARE old text[] := ARRAY(SELECT current_setting(n) FROM unnest(names) n); r text;"
                    + " BEGIN FOR i IN 1 .. coalesce(cardinality(names), 0) LOOP PERFORM set_config(names[i], vals[i], false); END LOOP;"
                    + " EXECUTE query INTO r;"
                    + " FOR i IN 1 .. coalesce(cardinality(names), 0) LOOP PERFORM set_config(names[i], old[i], false); END LOOP;"
                    + " RETURN r; END $f$");
            StringBuilder names = new StringBuilder("ARRAY[]::text[]");
            StringBuilder vals = new StringBuilder("ARRAY[]::text[]");
            for (int i = 0; i < settings.size(); i += 2) {
                names.append(" || '").append(settings.get(i)).append("'::text");
                vals.append(" || '").append(settings.get(i + 1)).append("'::text");
            }
            try (ResultSet rs = s.executeQuery("SELECT pg_temp.under(" + names + ", " + vals + ", $q$" + query + "$q$)")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static final String CAPTURE = "SELECT md5(string_agg(object_key || ' ' || hash, ',' ORDER BY object_key)) FROM pggit.read_catalog()";

    @Test
    void oneTreeUnderEveryClientSetting() throws SQLException {
        String expected = under(List.of(), CAPTURE);
        for (Map.Entry<String, List<String>> e : SESSIONS.entrySet()) {
            assertEquals(expected, under(e.getValue(), CAPTURE), "capture under " + e.getKey());
        }
        assertEquals("Europe/Berlin", under(List.of("TimeZone", "Europe/Berlin"), "SELECT current_setting('TimeZone')"),
                "the settings do apply to the query");
    }

    @Test
    void aCommitMadeUnderOneSettingIsNoDriftUnderAnother() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'Europe/Berlin'");
            s.execute("SET IntervalStyle = 'iso_8601'");
            s.execute("CREATE TABLE app.events_2027_01 PARTITION OF app.events FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00')");
            s.execute("SELECT pggit.commit('january, from Berlin')");
        }
        for (Map.Entry<String, List<String>> e : SESSIONS.entrySet()) {
            assertEquals("0", under(e.getValue(), "SELECT count(*)::text FROM pggit.drift()"), "drift under " + e.getKey());
        }
    }

    @Test
    void aJvmInAnotherTimeZoneSeesNoDrift() {
        TimeZone before = TimeZone.getDefault();
        try {
            for (String zone : List.of("Europe/Berlin", "America/Los_Angeles", "Australia/Eucla")) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));   // PgJDBC sends it as the session's TimeZone
                assertEquals(zone, db.value("SELECT current_setting('TimeZone')"));
                assertTrue(db.pggit().drift().isEmpty(), "drift from a JVM in " + zone);
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @Test
    void theCatalogReaderIsPinnedAndItsHelpersAreInlined() {
        assertEquals(List.of("DateStyle=ISO, MDY", "IntervalStyle=postgres", "TimeZone=UTC", "bytea_output=hex", "extra_float_digits=3",
                        "lc_monetary=C", "plan_cache_mode=force_generic_plan", "quote_all_identifiers=off", "search_path=pg_catalog, pg_temp",
                        "standard_conforming_strings=on", "xmloption=content"),
                db.column("SELECT c FROM pg_proc p, unnest(p.proconfig) c WHERE p.oid = 'pggit.read_catalog(oid[], oid[])'::regprocedure ORDER BY 1"));
        // helpers: sql, no SET, not STRICT, not SECURITY DEFINER, not volatile: what PostgreSQL inlines
        assertEquals(List.of(), db.column("SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'pggit'::regnamespace "
                + "AND (p.proname LIKE 'read\\_%' AND p.proname <> 'read_catalog' OR p.proname LIKE 'tracked\\_%' OR p.proname = 'canonical_entry') "
                + "AND (p.prolang <> (SELECT l.oid FROM pg_language l WHERE l.lanname = 'sql') OR p.proconfig IS NOT NULL OR p.proisstrict OR p.prosecdef OR p.provolatile = 'v')"));
        assertEquals(20, Integer.parseInt(db.value("SELECT count(*) FROM pg_proc WHERE pronamespace = 'pggit'::regnamespace "
                + "AND proname LIKE 'read\\_%' AND proname <> 'read_catalog'")));
        String plan = String.join("\n", db.column("EXPLAIN SELECT * FROM pggit.read_relations(ARRAY['pg_class'::regclass::oid])"));
        assertTrue(!plan.contains("Function Scan on read_relations") && !plan.contains("Function Scan on tracked_relations"), plan);
        String kindStatement = String.join("\n", db.column("EXPLAIN SELECT e.* FROM pggit.read_relations(ARRAY['pg_class'::regclass::oid]) o,"
                + " LATERAL pggit.canonical_entry(o, NULL::pggit.tracking_config) e"));   // a Const, as read_catalog passes a variable: a sublink argument would stop inlining
        assertTrue(!kindStatement.contains("Function Scan on canonical_entry"), kindStatement);
    }
}
