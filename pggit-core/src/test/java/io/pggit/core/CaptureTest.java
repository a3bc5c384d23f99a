package io.pggit.core;

import io.pggit.core.model.Change;
import io.pggit.core.model.Commit;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Journal -> commit -> show / diff / status / object_history, against a real PostgreSQL. */
class CaptureTest {

    TestDb db;
    Pggit pggit;

    @BeforeEach
    void freshDatabase(TestInfo info) {
        db = TestDb.withPggit(info.getTestMethod().orElseThrow().getName());
        pggit = db.pggit();
    }

    static Set<String> codes(List<Change> changes) {
        return changes.stream().map(Change::toString).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void createTableIsCommittedWithItsConstraintsAndIndexes() {
        db.exec("CREATE SCHEMA command",
                "CREATE TABLE command.tb_meter (id uuid PRIMARY KEY, serial text NOT NULL UNIQUE, kind text CHECK (kind <> ''))",
                "CREATE INDEX idx_meter_kind ON command.tb_meter (kind)");
        assertEquals(Set.of("A schema:command", "A table:command.tb_meter", "A constraint:command.tb_meter.tb_meter_pkey",
                "A constraint:command.tb_meter.tb_meter_serial_key", "A constraint:command.tb_meter.tb_meter_kind_check",
                "A index:command.tb_meter.idx_meter_kind"), codes(pggit.status()));
        String id = pggit.commit("meters").orElseThrow();
        assertEquals(codes(pggit.show(id)), Set.of("A schema:command", "A table:command.tb_meter",
                "A constraint:command.tb_meter.tb_meter_pkey", "A constraint:command.tb_meter.tb_meter_serial_key",
                "A constraint:command.tb_meter.tb_meter_kind_check", "A index:command.tb_meter.idx_meter_kind"));
        assertTrue(pggit.status().isEmpty(), "journal consumed");
        assertTrue(pggit.drift().isEmpty(), "HEAD equals the live catalog");
        assertEquals("0", db.value("SELECT count(*) FROM pggit.journal"));
    }

    @Test
    void alterTableThatAddsConstraintsAndIndexesIsSeenWhole() {
        db.exec("CREATE TABLE public.t (a int, b int)");
        pggit.commit("t");
        db.exec("ALTER TABLE public.t ADD PRIMARY KEY (a), ADD CONSTRAINT b_pos CHECK (b > 0), ALTER COLUMN b TYPE bigint");
        String id = pggit.commit("alter").orElseThrow();
        assertEquals(Set.of("M table:public.t", "A constraint:public.t.t_pkey", "A constraint:public.t.b_pos"),
                codes(pggit.show(id)));
        assertTrue(pggit.drift().isEmpty());
    }

    @Test
    void columnTypeChangeRebuildsIndexesWithoutLosingThem() {
        db.exec("CREATE TABLE public.t (a int, b int)", "CREATE INDEX t_b ON public.t (b)");
        pggit.commit("t");
        db.exec("ALTER TABLE public.t ALTER COLUMN b TYPE bigint");
        String id = pggit.commit("retype").orElseThrow();
        assertEquals(Set.of("M table:public.t"), codes(pggit.show(id)), "the index definition is unchanged, only its oid moved");
        assertTrue(pggit.drift().isEmpty());
        db.exec("DROP INDEX public.t_b");
        assertEquals(Set.of("D index:public.t.t_b"), codes(pggit.status()));
    }

    @Test
    void extendedStatisticsAreObjectsOfTheirOwn() {
        db.exec("CREATE SCHEMA stats", "CREATE TABLE public.t (a int, b int, c text)");
        pggit.commit("t");
        db.exec("CREATE STATISTICS stats.s_ab (dependencies, ndistinct) ON a, b FROM public.t",
                "CREATE STATISTICS public.s_expr ON (a + b), lower(c) FROM public.t");
        assertEquals(Set.of("A statistics:stats.s_ab", "A statistics:public.s_expr"), codes(pggit.status()),
                "a migration that only creates statistics has tracked changes");
        pggit.commit("statistics");
        db.exec("ALTER STATISTICS stats.s_ab SET STATISTICS 250");
        assertEquals(Set.of("M statistics:stats.s_ab"), codes(pggit.status()), "the statistics target is part of it");
        pggit.commit("target");
        assertEquals("250", db.value("SELECT (b.definition ->> 'target') FROM pggit.object_map m JOIN pggit.blob b ON b.hash = m.hash "
                + "WHERE m.object_key = 'statistics:stats.s_ab'"));
        db.exec("ALTER TABLE public.t RENAME COLUMN b TO b2");
        assertEquals(Set.of("M table:public.t (column b renamed to b2)", "M statistics:stats.s_ab", "M statistics:public.s_expr"), codes(pggit.status()),
                "a column rename shows in the statistics that name the column");
        pggit.commit("rename");
        db.exec("ALTER TABLE public.t DROP COLUMN a");   // drops the statistics on it
        assertEquals(Set.of("M table:public.t", "D statistics:stats.s_ab", "D statistics:public.s_expr"), codes(pggit.status()));
        pggit.commit("drop");
        assertTrue(pggit.drift().isEmpty());
    }

    @Test
    void overloadsAreDistinctObjectsAndDroppingOneKeepsTheOther() {
        db.exec("CREATE SCHEMA app",
                "CREATE FUNCTION app.process_meter(id uuid, data jsonb) RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE FUNCTION app.process_meter(id uuid) RETURNS int LANGUAGE sql AS 'SELECT 2'");
        pggit.commit("two overloads");
        db.exec("CREATE OR REPLACE FUNCTION app.process_meter(id uuid) RETURNS int LANGUAGE sql AS 'SELECT 3'");
        assertEquals(Set.of("M function:app.process_meter(uuid)"), codes(pggit.status()));
        db.exec("DROP FUNCTION app.process_meter(uuid, jsonb)");
        String id = pggit.commit("drop one").orElseThrow();
        assertEquals(Set.of("M function:app.process_meter(uuid)", "D function:app.process_meter(uuid, jsonb)"),
                codes(pggit.show(id)));
        assertEquals(List.of("function:app.process_meter(uuid)"),
                db.column("SELECT object_key FROM pggit.object_map WHERE kind = 'function'"));
    }

    @Test
    void renamesAreRenamesAndReKeyChildren() {
        db.exec("CREATE TABLE public.t (a int PRIMARY KEY)", "CREATE INDEX t_a2 ON public.t ((a * 2))",
                "CREATE VIEW public.v AS SELECT a FROM public.t");
        pggit.commit("t");
        db.exec("ALTER TABLE public.t RENAME TO t2");
        String id = pggit.commit("rename").orElseThrow();
        Set<String> shown = codes(pggit.show(id));
        assertTrue(shown.contains("R table:public.t2 <- table:public.t"), shown.toString());
        assertTrue(shown.contains("R constraint:public.t2.t_pkey <- constraint:public.t.t_pkey"), shown.toString());
        assertTrue(shown.contains("R index:public.t2.t_a2 <- index:public.t.t_a2"), shown.toString());
        assertTrue(shown.contains("M view:public.v"), "the view's text names the new table: " + shown);
        assertTrue(pggit.drift().isEmpty(), () -> pggit.drift().toString());
    }

    @Test
    void quotedMixedCaseAndUnicodeIdentifiersSurviveCaptureAndDiff() {
        db.exec("CREATE SCHEMA \"Mixed Schema\"",
                "CREATE TABLE \"Mixed Schema\".\"Meter Readings\" (\"ünïcødé\" text, \"select\" int)",
                "CREATE INDEX \"Idx ü\" ON \"Mixed Schema\".\"Meter Readings\" (\"ünïcødé\")");
        String first = pggit.commit("hostile names").orElseThrow();
        assertTrue(codes(pggit.show(first)).contains("A table:\"Mixed Schema\".\"Meter Readings\""), codes(pggit.show(first)).toString());
        assertTrue(codes(pggit.show(first)).contains("A index:\"Mixed Schema\".\"Meter Readings\".\"Idx ü\""));
        db.exec("ALTER TABLE \"Mixed Schema\".\"Meter Readings\" ADD COLUMN \"Größe\" numeric(10,2)");
        String second = pggit.commit("add column").orElseThrow();
        List<Change> diff = pggit.diff(first, second);
        assertEquals(Set.of("M table:\"Mixed Schema\".\"Meter Readings\""), codes(diff));
        assertTrue(diff.get(0).newDefinition().orElseThrow().contains("Größe"));
        assertFalse(diff.get(0).oldDefinition().orElseThrow().contains("Größe"));
        assertEquals(2, db.rows("SELECT * FROM pggit.object_history('\"Mixed Schema\".\"Meter Readings\"')").size());
    }

    @Test
    void dataOnlyChangesMakeNoCommit() {
        db.exec("CREATE TABLE public.t (a int)");
        String head = pggit.commit("t").orElseThrow();
        db.exec("INSERT INTO public.t VALUES (1)", "CREATE TEMP TABLE scratch (x int)", "ANALYZE public.t");
        assertTrue(pggit.commit("nothing").isEmpty());
        assertEquals(head, pggit.head().orElseThrow());
    }

    @Test
    void commitIdsAreContentAddressedAndTreesShareUnchangedNodes() {
        db.exec("CREATE TABLE public.a (x int)");
        String c1 = pggit.commit("a").orElseThrow();
        db.exec("CREATE TABLE public.b (x int)");
        String c2 = pggit.commit("b").orElseThrow();
        assertNotEquals(c1, c2);
        assertTrue(c1.matches("[0-9a-f]{64}"));
        assertEquals(c1, db.value("SELECT parents[1] FROM pggit.commit WHERE id = '" + c2 + "'"));
        // tree hash is a pure function of the content: rebuild the tree from the index and compare
        assertEquals(db.value("SELECT tree FROM pggit.commit WHERE id = '" + c2 + "'"),
                db.value("SELECT pggit.write_tree(NULL, ARRAY(SELECT ROW(pggit.tree_path(schema_name, kind, object_key), hash)::pggit.tree_edit FROM pggit.object_map))"));
        List<Commit> log = pggit.log(10);
        assertEquals(c2, log.get(0).id());
        assertEquals("+1 table", log.get(0).summary());
        assertEquals(db.value("SELECT tree FROM pggit.commit WHERE id = '" + c2 + "'"), log.get(0).tree());
        assertEquals(List.of(c1), log.get(0).parents());
        for (int i = 0; i + 1 < log.size(); i++) {
            assertEquals(List.of(log.get(i + 1).id()), log.get(i).parents(), "a line of history: each commit's parent is the next in the log");
        }
        assertEquals(List.of(), log.get(log.size() - 1).parents(), "the oldest commit is a root");
    }

    @Test
    void typesSequencesViewsAndTriggersAreTracked() {
        db.exec("CREATE TYPE public.mood AS ENUM ('sad', 'ok')",
                "CREATE DOMAIN public.pos AS int CHECK (VALUE > 0)",
                "CREATE TYPE public.pair AS (a int, b text)",
                "CREATE SEQUENCE public.s START 5",
                "CREATE TABLE public.t (id int GENERATED ALWAYS AS IDENTITY, m public.mood, n serial)",
                "CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) FROM public.t",
                "CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
                "CREATE TRIGGER t_trg BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.trg()",
                "COMMENT ON TABLE public.t IS 'meters'");
        String id = pggit.commit("kinds").orElseThrow();
        assertEquals(Set.of("A type:public.mood", "A domain:public.pos", "A type:public.pair", "A sequence:public.s",
                "A sequence:public.t_n_seq", "A table:public.t", "A materialized_view:public.mv", "A function:public.trg()",
                "A trigger:public.t.t_trg"), codes(pggit.show(id)));
        db.exec("ALTER TYPE public.mood ADD VALUE 'happy'", "REFRESH MATERIALIZED VIEW public.mv");
        assertEquals(Set.of("M type:public.mood"), codes(pggit.status()));
    }

    @Test
    void anIndexOrTriggerMadeAloneIsReadAloneAndItsRenameIsARename() {
        db.exec("CREATE TABLE public.t (a int PRIMARY KEY, b int)",
                "CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'");
        pggit.commit("t");
        db.exec("CREATE INDEX t_b ON public.t (b)", "CREATE TRIGGER t_trg BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.trg()");
        assertEquals(Set.of("A index:public.t.t_b", "A trigger:public.t.t_trg"), codes(pggit.status()));
        assertEquals("2", db.value("SELECT count(*) FROM pggit.affected_objects(ARRAY(SELECT id FROM pggit.journal))"),
                "the table and its other children are not re-read");
        pggit.commit("index and trigger");
        db.exec("ALTER INDEX public.t_b RENAME TO t_b_idx", "ALTER TRIGGER t_trg ON public.t RENAME TO t_touch",
                "ALTER TABLE public.t RENAME CONSTRAINT t_pkey TO t_pk");
        assertEquals(Set.of("R index:public.t.t_b_idx <- index:public.t.t_b", "R trigger:public.t.t_touch <- trigger:public.t.t_trg",
                "R constraint:public.t.t_pk <- constraint:public.t.t_pkey"), codes(pggit.status()));
        pggit.commit("renames");
        assertTrue(pggit.drift().isEmpty(), () -> pggit.drift().toString());
    }

    @Test
    void revisionsResolveLikeGitsAndTellWhatIsWrong() {
        db.exec("CREATE TABLE public.a (x int)");
        String first = pggit.commit("a").orElseThrow();
        db.exec("CREATE TABLE public.b (x int)");
        String second = pggit.commit("b").orElseThrow();
        assertEquals(second, pggit.resolve("HEAD"));
        assertEquals(second, pggit.resolve("main"));
        assertEquals(first, pggit.resolve("HEAD~1"));
        assertEquals(first, pggit.resolve("HEAD~"));
        assertEquals(first, pggit.resolve(first.substring(0, 8)));
        PggitException e = org.junit.jupiter.api.Assertions.assertThrows(PggitException.class, () -> pggit.resolve("HEAD~9"));
        assertTrue(e.getMessage().contains("goes past the first commit"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(PggitException.class, () -> pggit.resolve("no-such-branch"));
        assertTrue(e.getMessage().contains("unknown revision"), e.getMessage());
    }

    @Test
    void aColumnRenameIsFollowedByColumnNumberAndShownAsARename() {
        db.exec("CREATE TABLE public.meter (id int PRIMARY KEY, serial text, \"Zähler\" int)",
                "CREATE INDEX meter_serial ON public.meter (serial)");
        pggit.commit("meter");
        db.exec("ALTER TABLE public.meter RENAME COLUMN serial TO \"Serial No\"", "ALTER TABLE public.meter RENAME COLUMN \"Zähler\" TO count");
        assertEquals(Set.of("M index:public.meter.meter_serial",
                "M table:public.meter (column Zähler renamed to count, column serial renamed to Serial No)"),
                codes(pggit.status()));
        String id = pggit.commit("rename columns").orElseThrow();
        Change table = pggit.show(id).stream().filter(c -> c.key().toString().equals("table:public.meter")).findFirst().orElseThrow();
        assertEquals(java.util.Map.of("serial", "Serial No", "Zähler", "count"), table.renamedColumns());
        db.exec("ALTER TABLE public.meter ADD COLUMN serial text");   // a new column under the old name is no rename
        assertEquals(Set.of("M table:public.meter"), codes(pggit.status()));
    }
}
