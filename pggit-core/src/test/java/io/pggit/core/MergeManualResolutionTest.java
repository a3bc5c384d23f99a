package io.pggit.core;

import io.pggit.core.model.Merge;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A merge conflict resolved with manual DDL (issue 15, {@code pggit.resolve_conflict_manually}): the
 * DDL runs as the caller on the target's version of the object in a trial that is rolled back, and
 * the definition it gave is what the merged tree takes. Nothing of the trial stays: not in the live
 * catalog, not in pggit's journal.
 */
class MergeManualResolutionTest {

    static final List<String> BASE = List.of("CREATE TABLE public.t (id int, b text)");
    // the source widens b and adds a table and a column (disjoint: they must survive the manual resolution)
    static final List<String> SOURCE = List.of("ALTER TABLE public.t ALTER b TYPE varchar(20)", "ALTER TABLE public.t ADD COLUMN c int",
            "CREATE TABLE public.s (id int)");
    static final List<String> UNDO = List.of("DROP TABLE public.s", "ALTER TABLE public.t DROP COLUMN c", "ALTER TABLE public.t ALTER b TYPE text");
    static final List<String> TARGET = List.of("ALTER TABLE public.t ALTER b TYPE varchar(10)");
    static final String KEY = "table:public.t";
    static final String TYPE_OF_B = "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'b'";

    record Fixture(TestDb db, Pggit pggit, Merge merge, UUID conflict) {
    }

    static Fixture conflicted(String name) {
        TestDb db = TestDb.diverged(name, BASE, SOURCE, UNDO, TARGET);
        Pggit pggit = db.pggit();
        Merge m = pggit.merge("src", null, "recursive", true);
        assertEquals("conflicts", m.status(), m.toString());
        assertEquals(List.of(KEY), m.openConflicts());
        Merge.Conflict c = pggit.mergeConflicts(m.id()).get(0);
        assertEquals("BOTH_MODIFIED [column b]", c.type() + " " + c.conflictingParts());
        return new Fixture(db, pggit, m, c.id());
    }

    /** What a trial must leave as it was: the live catalog's tree, the journal, the conflict row. */
    static String untouched(TestDb db, UUID conflict) {
        return db.freshCaptureTree() + " | " + db.value("SELECT count(*) FROM pggit.journal") + " | "
                + db.value("SELECT concat_ws(',', resolution, manual_hash, manual_ddl, resolved_by) FROM pggit.merge_conflict WHERE id = '" + conflict + "'");
    }

    @Test
    void theDefinitionTheDdlGivesIsWhatTheMergeAppliesAndTheTrialLeavesNothingBehind() {
        Fixture f = conflicted("merge_manual");
        TestDb db = f.db();
        String head = db.headTree();
        String before = untouched(db, f.conflict());
        String said = f.pggit().resolveMergeConflictManually(f.conflict(), "ALTER TABLE public.t ALTER COLUMN b TYPE varchar(50)", "fits both");
        assertEquals(KEY + ": BOTH_MODIFIED takes the definition the manual DDL gives", said);
        assertEquals(List.of("character varying(10)"), db.column(TYPE_OF_B), "the trial rolled back");
        assertEquals(head, db.freshCaptureTree(), "the live catalog is unchanged");
        assertEquals(before.substring(0, before.lastIndexOf(" | ")), untouched(db, f.conflict()).substring(0, before.lastIndexOf(" | ")),
                "no journal row of the trial remains");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.journal"));
        assertEquals(List.of("manual_ddl|fits both|ALTER TABLE public.t ALTER COLUMN b TYPE varchar(50)"),
                db.column("SELECT concat_ws('|', resolution, reason, manual_ddl) FROM pggit.merge_conflict WHERE id = '" + f.conflict() + "'"));
        assertEquals(List.of("character varying(50) fits both"), db.column("SELECT (SELECT c ->> 'type' FROM jsonb_array_elements(manual_definition -> 'columns') c "
                + "WHERE c ->> 'name' = 'b') || ' ' || reason FROM pggit.get_conflicts_by_type(" + f.merge().id() + ")"));
        assertEquals(List.of(), f.pggit().drift());
        // resolved once only
        assertThrows(PggitException.class, () -> f.pggit().resolveMergeConflictManually(f.conflict(), "ALTER TABLE public.t ALTER b TYPE text", null));

        Merge done = f.pggit().completeMerge(f.merge().id(), false, true);
        assertEquals("completed", done.status(), done.toString());
        assertEquals(List.of("character varying(50)"), db.column(TYPE_OF_B));
        assertEquals(List.of("c"), db.column("SELECT attname FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'c'"),
                "the source's disjoint column stays merged");
        assertEquals("1", db.value("SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.s')"));
        assertEquals(db.freshCaptureTree(), db.headTree());
        assertEquals(List.of(), f.pggit().drift());
        assertEquals("2", db.value("SELECT cardinality(parents) FROM pggit.commit WHERE id = pggit.head_commit()"));
        assertEquals("manual_ddl ALTER TABLE public.t ALTER COLUMN b TYPE varchar(50)", db.value("SELECT (resolutions -> 0 ->> 'resolution') || ' ' "
                + "|| (resolutions -> 0 ->> 'manual_ddl') FROM pggit.merge_history WHERE merge_id = " + f.merge().id()));
    }

    @Test
    void aDdlThatDropsTheObjectDropsItFromTheMergedTree() {
        Fixture f = conflicted("merge_manual_drop");
        TestDb db = f.db();
        // several statements, a drop among them; the SQL route (resolve_conflict) names the function to call
        SQLException refused = sqlError(db, "SELECT pggit.resolve_conflict('" + f.conflict() + "', 'manual_ddl', 'why')");
        assertEquals("22023", refused.getSQLState());
        assertTrue(refused.getMessage().contains("pggit.resolve_conflict_manually"), refused.getMessage());
        SQLException merge = sqlError(db, "SELECT pggit.resolve_conflict('" + f.conflict() + "', 'merge', 'why')");
        assertEquals("22023", merge.getSQLState());
        assertTrue(merge.getMessage().contains("column b") && ((org.postgresql.util.PSQLException) merge).getServerErrorMessage().getHint().contains("resolve_conflict_manually"), merge.getMessage());

        db.exec("SELECT pggit.resolve_conflict_manually('" + f.conflict() + "', 'ALTER TABLE public.t ADD COLUMN d int; DROP TABLE public.t', 'gone')");
        assertEquals("1", db.value("SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.t')"), "the trial rolled back");
        assertEquals("manual_ddl null", db.value("SELECT resolution || ' ' || coalesce(manual_hash, 'null') FROM pggit.merge_conflict WHERE id = '"
                + f.conflict() + "'"));
        Merge done = f.pggit().completeMerge(f.merge().id(), false, true, true);
        assertEquals("completed", done.status(), done.toString());
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.t')"));
        assertEquals(db.freshCaptureTree(), db.headTree());
    }

    @Test
    void aDdlThatFailsReportsItsErrorAndRecordsNothing() {
        Fixture f = conflicted("merge_manual_fails");
        TestDb db = f.db();
        String before = untouched(db, f.conflict());
        PggitException e = assertThrows(PggitException.class,
                () -> f.pggit().resolveMergeConflictManually(f.conflict(), "ALTER TABLE public.t ADD COLUMN x int; ALTER TABLE public.t ALTER b TYPE nosuchtype", "oops"));
        assertTrue(e.getMessage().contains("the manual DDL for table:public.t failed") && e.getMessage().contains("nosuchtype"), e.getMessage());
        assertEquals("42704", ((SQLException) rootCause(e)).getSQLState());
        assertEquals(before, untouched(db, f.conflict()), "nothing recorded, nothing left");
        // a rename keeps nothing either
        SQLException renamed = sqlError(db, "SELECT pggit.resolve_conflict_manually('" + f.conflict() + "', 'ALTER TABLE public.t RENAME TO u', NULL)");
        assertEquals("0A000", renamed.getSQLState());
        assertTrue(renamed.getMessage().contains("renames table:public.t to table:public.u"), renamed.getMessage());
        SQLException empty = sqlError(db, "SELECT pggit.resolve_conflict_manually('" + f.conflict() + "', ' ', NULL)");
        assertEquals("22023", empty.getSQLState());
        SQLException unknown = sqlError(db, "SELECT pggit.resolve_conflict_manually(gen_random_uuid(), 'SELECT 1', NULL)");
        assertEquals("42704", unknown.getSQLState());
        assertEquals(before, untouched(db, f.conflict()));
        // and the conflict can still be resolved
        String said = f.pggit().resolveMergeConflictManually(f.conflict(), "ALTER TABLE public.t ALTER b TYPE varchar(50); CREATE INDEX t_b ON public.t (b)", null);
        assertTrue(said.endsWith("; the DDL also changed index public.t_b, which the merge does not take from it"), said);
        assertEquals("0", db.value("SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.t_b')"));
    }

    @Test
    void theTargetMustBeCheckedOutAndItsLiveObjectTheTargetsVersion() {
        Fixture f = conflicted("merge_manual_target");
        TestDb db = f.db();
        db.exec("UPDATE pggit.head SET branch = 'src'");
        SQLException away = sqlError(db, "SELECT pggit.resolve_conflict_manually('" + f.conflict() + "', 'ALTER TABLE public.t ALTER b TYPE varchar(50)', NULL)");
        assertEquals("55000", away.getSQLState());
        assertTrue(away.getMessage().contains("its target main is not checked out (src is)"), away.getMessage());
        db.exec("UPDATE pggit.head SET branch = 'main'");
        db.exec("ALTER TABLE public.t ALTER b TYPE varchar(11)");   // uncommitted: not the target's version
        SQLException dirty = sqlError(db, "SELECT pggit.resolve_conflict_manually('" + f.conflict() + "', 'ALTER TABLE public.t ALTER b TYPE varchar(50)', NULL)");
        assertEquals("55000", dirty.getSQLState());
        assertTrue(dirty.getMessage().contains("is not the target's version (it differs)"), dirty.getMessage());
        db.exec("ALTER TABLE public.t ALTER b TYPE varchar(10)", "SELECT pggit.commit('nothing')");
        assertEquals(List.of(), f.pggit().drift());
        assertEquals("conflicts", db.value("SELECT status FROM pggit.merge WHERE id = " + f.merge().id()));
        assertEquals("", db.value("SELECT concat_ws(',', resolution, manual_hash, manual_ddl) FROM pggit.merge_conflict WHERE id = '" + f.conflict() + "'"));
    }

    @Test
    void theDdlRunsWithTheCallersRightsNeverPggitsOwners() throws SQLException {
        Fixture f = conflicted("merge_manual_rights");
        TestDb db = f.db();
        db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pggit_manual_writer') THEN "
                + "CREATE ROLE pggit_manual_writer LOGIN PASSWORD 'pw'; END IF; "
                + "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pggit_manual_bare') THEN "
                + "CREATE ROLE pggit_manual_bare LOGIN PASSWORD 'pw'; END IF; END $$",
                "GRANT pggit_writer TO pggit_manual_writer");
        String before = untouched(db, f.conflict());
        String alter = "SELECT pggit.resolve_conflict_manually('" + f.conflict() + "', 'ALTER TABLE public.t ALTER b TYPE varchar(50)', NULL)";
        // a writer that does not own the table: the DDL fails as it would outside pggit
        SQLException notOwner = sqlError(as(db, "pggit_manual_writer"), alter);
        assertEquals("42501", notOwner.getSQLState(), notOwner.getMessage());
        assertTrue(notOwner.getMessage().contains("must be owner of table t"), notOwner.getMessage());
        // nor can it gain a right through it
        SQLException escalate = sqlError(as(db, "pggit_manual_writer"), "SELECT pggit.resolve_conflict_manually('" + f.conflict()
                + "', 'ALTER ROLE pggit_manual_writer SUPERUSER', NULL)");
        assertEquals("42501", escalate.getSQLState(), escalate.getMessage());
        assertEquals("f", db.value("SELECT rolsuper::text FROM pg_roles WHERE rolname = 'pggit_manual_writer'").substring(0, 1));
        // a role without pggit_writer is refused before the body runs
        SQLException bare = sqlError(as(db, "pggit_manual_bare"), alter);
        assertEquals("42501", bare.getSQLState(), bare.getMessage());
        assertFalse(bare.getMessage().contains("must be owner"), bare.getMessage());
        assertEquals(before, untouched(db, f.conflict()));
        assertEquals(List.of(), db.column("SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'pggit'::regnamespace AND p.prosecdef "
                + "AND p.proname IN ('resolve_conflict_manually', 'live_definition')"), "the DDL runs with the caller's rights");
        // once the writer owns the table, its DDL is its own
        db.exec("ALTER TABLE public.t OWNER TO pggit_manual_writer", "SELECT pggit.commit('owner')");
        // the owner change is a commit on main: the merge's target moved, so merge again
        db.exec("SELECT pggit.abort_merge(" + f.merge().id() + ")");
        Merge again = f.pggit().merge("src", null, "recursive", false);
        UUID id = f.pggit().mergeConflicts(again.id()).get(0).id();
        try (Connection c = as(db, "pggit_manual_writer").getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pggit.resolve_conflict_manually('" + id + "', 'ALTER TABLE public.t ALTER b TYPE varchar(50)', 'mine')");
        }
        assertEquals("pggit_manual_writer manual_ddl", db.value("SELECT resolved_by || ' ' || resolution FROM pggit.merge_conflict WHERE id = '" + id + "'"));
    }

    static PGSimpleDataSource as(TestDb db, String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        return ds;
    }

    static SQLException sqlError(TestDb db, String sql) {
        return sqlError(db.dataSource(), sql);
    }

    static SQLException sqlError(javax.sql.DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            return e;
        }
        fail("succeeded: " + sql);
        return null;
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
