package io.pggit.core;


import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The journal path against a full read of the catalog, on random DDL (issue 6).
 *
 * <p>Each try builds a small schema world (one or two schemas, one of them quoted and non-ASCII;
 * tables, views, indexes, constraints, function overloads, enums, domains, sequences, triggers,
 * comments), then runs random actions against it. The actions are generated as abstract steps (a
 * kind and a few numbers) and turned into SQL against what the catalog holds at that moment, so
 * most statements are valid and the model never drifts from the database; a statement that
 * PostgreSQL rejects is skipped. After each step (or a batch of up to three steps) the journal is
 * committed and the tree at HEAD must equal a fresh full capture ({@link TestDb#freshCaptureTree()}):
 * anything the journal misses or mis-attributes shows as a differing object key.
 *
 * <p>One database and one session serve all tries: each try starts by dropping the generated schemas
 * and re-syncing HEAD with {@code pggit.adopt} if a failed try left it behind, and ends by dropping
 * them again (a checked step: DROP SCHEMA ... CASCADE across schemas). pggit bugs that this property
 * found are listed below.
 *
 * <p>A failure names the statements run so far (with the abstract step that made them, and the ones
 * PostgreSQL rejected), the object keys that differ and both definitions of each, and the seed of the
 * try: {@code -Dpggit.property.seed=<seed>} re-runs exactly that try first ({@code -Dpggit.property.tries=N}
 * sets how many tries run, default 30). The generator is a seeded {@link Random}, not jqwik: jqwik's
 * maintainer asks AI agents not to use it, and this test was written by one.
 *
 * <p>The bugs it found (2026-11-23), all fixed in {@code pggit.affected_objects}, each still reachable
 * by the generator:
 * <ul>
 *   <li>A: {@code ALTER INDEX <pkey or unique index> RENAME} renames the constraint too; the journal reads the index,
 *       which read_catalog skips (its constraint owns it), so HEAD keeps the constraint under its old key.</li>
 *   <li>B: a column default (pg_attrdef) that calls a function or nextval of a sequence: renaming, moving or
 *       dropping (CASCADE) that function or sequence changes the table's definition, but affected_objects does
 *       not widen from pg_attrdef dependents to their table.</li>
 *   <li>C: a function whose argument or result is a table's row type: renaming or moving the table changes the
 *       function's definition and key; the row type is a level-2 dependent, its own dependents are not read.</li>
 *   <li>D: a domain CHECK that calls a function: renaming or moving the function changes the domain's definition;
 *       the constraint is a level-2 dependent and is not mapped to its domain.</li>
 *   <li>E: a composite type attribute of an enum, domain or composite type: renaming or moving that type changes the
 *       composite type's definition; the composite's relation (relkind c) is a level-2 dependent and is not mapped
 *       to its type.</li>
 *   <li>F: {@code ALTER TABLE parent DETACH PARTITION child}: the child stops being a partition (and its index
 *       partitions become indexes of their own), but the journal names only the parent, and after the detach the
 *       child is no longer its dependent.</li>
 *   <li>G: a column or function argument of an array of an enum or domain: renaming or moving the element type
 *       renames the array type, a level-2 dependent whose own dependents are not read.</li>
 *   <li>H: {@code ALTER TABLE parent RENAME CONSTRAINT} of a CHECK constraint that children inherit (partitions and
 *       INHERITS children alike: their CHECK copies have no conparentid, so they are tracked) renames theirs too;
 *       the constraint is journaled and read alone, the children's copies are no pg_depend dependents of it.</li>
 *   <li>I: {@code CREATE INDEX} on a partitioned table adopts a partition's existing matching index as its index
 *       partition (as does {@code ALTER INDEX ... ATTACH PARTITION}); the journal names only the new parent index,
 *       so HEAD keeps the adopted index, which is no longer tracked.</li>
 *   <li>J: renaming a column of a partitioned table renames it in its partitions, and a view over a partition
 *       changes its text; the partition was read, its own dependents were not.</li>
 *   <li>and a column default dropped by {@code DROP SEQUENCE ... CASCADE}: the dropped pg_attrdef row no longer
 *       leads to its table (the journal now keeps the dropped object's address names).</li>
 * </ul>
 */
class JournalPropertyTest {

    /** The schemas this test owns; every try drops them first. */
    static final List<String> SCHEMAS = List.of("Zählerstände", "app", "Archiv Ü", "app2");
    static final List<String> TABLES = List.of("meter", "Reading", "tb_ünït", "orders");
    static final List<String> PARTITIONED = List.of("parent", "Messwerte");
    static final List<String> COLUMNS = List.of("a", "b", "Größe", "note", "at", "kind");
    static final List<String> VIEWS = List.of("v_meter", "Übersicht", "v2");
    static final List<String> INDEXES = List.of("idx_a", "Idx Ü", "idx_expr");
    static final List<String> CONSTRAINTS = List.of("ck_a", "uq_a", "fk_a", "Prüfung");
    static final List<String> FUNCTIONS = List.of("calc", "Prüfe");
    static final List<String> ENUMS = List.of("mood", "Zustand");
    static final List<String> DOMAINS = List.of("pos", "Betrag");
    static final List<String> SEQUENCES = List.of("seq", "Zähler");
    static final List<String> TRIGGERS = List.of("trg_touch", "Trg Ä");
    static final List<String> LABELS = List.of("a", "b", "c", "it's", "Ü");
    static final List<String> BASE_TYPES = List.of("integer", "bigint", "text", "numeric(10,2)", "varchar(20)", "boolean",
            "timestamptz", "date", "integer[]");
    static final List<String> COMPOSITES = List.of("pair", "Paar");
    static final String TRIGGER_FUNCTION = "trg_fn";

    static final String OWNED = SCHEMAS.stream().map(JournalPropertyTest::lit).collect(Collectors.joining(", ", "n.nspname IN (", ")"));

    static TestDb db;
    /** One session for all tries: a new connection per call costs ~100 ms of session start and plan caching. */
    static Connection c;

    /** What the tries did, printed once at the end (the numbers issue 6 asks about). */
    static final AtomicLong TRIES = new AtomicLong(), STEPS = new AtomicLong(), STATEMENTS = new AtomicLong(),
            REJECTED = new AtomicLong(), CHECKS = new AtomicLong();
    static long started;

    @BeforeAll
    static void database() {
        started = System.nanoTime();
        db = TestDb.withPggit("journal_property");
        try {
            c = db.dataSource().getConnection();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = '20s'");
                s.execute("SET lock_timeout = '5s'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @AfterAll
    static void summary() throws SQLException {
        c.close();
        System.out.printf("JournalPropertyTest: %d tries, %d steps, %d statements run, %d rejected by PostgreSQL "
                        + "and skipped, %d commits compared with a fresh capture, %.1f s%n", TRIES.get(), STEPS.get(), STATEMENTS.get(),
                REJECTED.get(), CHECKS.get(), (System.nanoTime() - started) / 1e9);
    }

    // ------------------------------------------------------------------------------------------
    // The property
    // ------------------------------------------------------------------------------------------

    /** The seeds of the tries: -Dpggit.property.seed first (to re-run a failure), then a fixed series. */
    static LongStream seeds() {
        int tries = Integer.getInteger("pggit.property.tries", 30);
        LongStream fixed = LongStream.range(0, tries).map(i -> 0x9E3779B97F4A7C15L * (i + 1));
        String seed = System.getProperty("pggit.property.seed");
        return seed == null || seed.isBlank() ? fixed : LongStream.concat(LongStream.of(Long.parseLong(seed.trim())), fixed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theJournalPathRecordsWhatAFullCaptureSees(long seed) throws SQLException {
        Random random = new Random(seed);
        boolean twoSchemas = random.nextBoolean();
        List<Step> setup = setup(random);
        List<Step> actions = actions(random);
        Run run = new Run(c);
        run.log.add("-- seed " + seed + " (re-run with -Dpggit.property.seed=" + seed + ")");
        run.reset();
        TRIES.incrementAndGet();
        run.exec("CREATE SCHEMA " + q("Zählerstände"));
        if (twoSchemas) {
            run.exec("CREATE SCHEMA " + q("app"));
        }
        for (Step step : setup) {
            run.perform(step);
        }
        run.check();
        int batch = 0;
        for (Step step : actions) {
            run.perform(step);
            batch++;
            if (step.hold() == 0 || batch == 3) {
                run.check();
                batch = 0;
            }
        }
        run.check();
        // dropping everything, with all its dependents across schemas, is a step too
        run.exec("DROP SCHEMA IF EXISTS " + SCHEMAS.stream().map(JournalPropertyTest::q).collect(Collectors.joining(", ")) + " CASCADE");
        run.check();
    }

    /** One abstract action: what to do, numbers that choose the targets and variants, and whether to commit after it. */
    record Step(Kind kind, List<Integer> choices, int hold) {
        @Override
        public String toString() {
            return kind.name() + choices + (hold == 0 ? "" : "+hold");
        }
    }

    enum Kind {
        CREATE_SCHEMA, RENAME_SCHEMA, DROP_SCHEMA,
        CREATE_TABLE, CREATE_PARTITIONED, DROP_TABLE, RENAME_TABLE, SET_SCHEMA,
        ADD_COLUMN, DROP_COLUMN, RENAME_COLUMN, ALTER_COLUMN_TYPE, SET_DEFAULT, DROP_DEFAULT, ALTER_NOT_NULL,
        CREATE_INDEX, DROP_INDEX, RENAME_INDEX,
        ADD_CONSTRAINT, DROP_CONSTRAINT, ALTER_CONSTRAINT,
        CREATE_VIEW, DROP_VIEW,
        CREATE_FUNCTION, DROP_FUNCTION, ALTER_FUNCTION,
        CREATE_ENUM, ALTER_ENUM, CREATE_DOMAIN, ALTER_DOMAIN, RENAME_TYPE, DROP_TYPE,
        CREATE_SEQUENCE, ALTER_SEQUENCE, DROP_SEQUENCE,
        CREATE_TRIGGER, ALTER_TRIGGER, DROP_TRIGGER,
        CREATE_COMPOSITE, ALTER_COMPOSITE, ATTACH_PARTITION, DETACH_PARTITION, TABLE_OPTIONS, GRANT,
        COMMENT
    }

    static final List<Kind> SETUP_KINDS = List.of(Kind.CREATE_TABLE, Kind.CREATE_TABLE, Kind.CREATE_TABLE, Kind.CREATE_PARTITIONED,
            Kind.CREATE_ENUM, Kind.CREATE_DOMAIN, Kind.CREATE_FUNCTION, Kind.CREATE_FUNCTION, Kind.CREATE_VIEW, Kind.CREATE_INDEX,
            Kind.ADD_CONSTRAINT, Kind.CREATE_SEQUENCE, Kind.CREATE_TRIGGER, Kind.CREATE_COMPOSITE, Kind.COMMENT);

    /** Eight uniform numbers in 0..9999 that choose a step's targets and variants. */
    static List<Integer> choices(Random random) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(random.nextInt(10_000));
        }
        return out;
    }

    /** 3 to 6 steps that make objects to act on. */
    static List<Step> setup(Random random) {
        List<Step> out = new ArrayList<>();
        int n = 3 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            out.add(new Step(SETUP_KINDS.get(random.nextInt(SETUP_KINDS.size())), choices(random), 1));
        }
        return out;
    }

    /** 5 to 15 actions, creations weighted 3, schema-wide ones 1, the rest 2; a commit after two thirds of them. */
    static List<Step> actions(Random random) {
        List<Kind> weighted = new ArrayList<>();
        for (Kind k : Kind.values()) {
            int w = switch (k) {
                case CREATE_SCHEMA, RENAME_SCHEMA, DROP_SCHEMA -> 1;
                case CREATE_TABLE, CREATE_INDEX, CREATE_VIEW, CREATE_FUNCTION, ADD_COLUMN, ADD_CONSTRAINT -> 3;
                default -> 2;
            };
            for (int i = 0; i < w; i++) {
                weighted.add(k);
            }
        }
        List<Step> out = new ArrayList<>();
        int n = 5 + random.nextInt(11);
        for (int i = 0; i < n; i++) {
            out.add(new Step(weighted.get(random.nextInt(weighted.size())), choices(random), random.nextInt(9) < 6 ? 0 : 1));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // One try: statements, commits, checks
    // ------------------------------------------------------------------------------------------

    static final class Run {
        final Connection c;
        final List<String> log = new ArrayList<>();
        boolean dirty;

        Run(Connection c) {
            this.c = c;
        }

        /** Drops what an earlier try left, commits, and re-syncs HEAD if that try failed with HEAD behind. */
        void reset() throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMAS.stream().map(JournalPropertyTest::q).collect(Collectors.joining(", ")) + " CASCADE");
            }
            Pggit.on(c).commit("reset");
            if (!headTree(c).equals(freshCaptureTree(c))) {
                Pggit.on(c).adopt("re-sync after a failed try");
            }
            String head = headTree(c);
            String fresh = freshCaptureTree(c);
            if (!head.equals(fresh)) {
                throw new IllegalStateException("cannot re-sync HEAD with the catalog before a try:\n" + differences(c, head, fresh));
            }
        }

        void perform(Step step) throws SQLException {
            STEPS.incrementAndGet();
            log.add("-- step " + step);
            Snapshot snap = Snapshot.read(c);
            List<String> sql = statements(step.kind(), snap, new Choices(step.choices()), 0);
            for (String s : sql) {
                exec(s);
            }
        }

        /** Runs one statement; a statement PostgreSQL rejects is logged and skipped. */
        void exec(String sql) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                log.add(sql + ";");
                dirty = true;
                STATEMENTS.incrementAndGet();
            } catch (SQLException e) {
                REJECTED.incrementAndGet();
                String msg = Optional.ofNullable(e.getMessage()).orElse("").lines().findFirst().orElse("");
                log.add("-- rejected (" + e.getSQLState() + " " + msg + "): " + sql);
            }
        }

        /** Commits the journal and compares HEAD with a fresh full capture. */
        void check() throws SQLException {
            if (!dirty) {
                return;
            }
            dirty = false;
            Pggit.on(c).commit("step");
            log.add("SELECT pggit.commit('step');");
            CHECKS.incrementAndGet();
            String head = headTree(c);
            String fresh = freshCaptureTree(c);
            if (!head.equals(fresh)) {
                throw new AssertionError("HEAD (journal path) differs from a fresh full capture after:\n  "
                        + String.join("\n  ", log) + "\n" + differences(c, head, fresh));
            }
        }
    }

    /** {@link TestDb#headTree()} on this session. */
    static String headTree(Connection c) throws SQLException {
        return one(c, "SELECT tree FROM pggit.commit WHERE id = pggit.head_commit()");
    }

    /** {@link TestDb#freshCaptureTree()} on this session: the tree of a full read of the catalog. */
    static String freshCaptureTree(Connection c) throws SQLException {
        return one(c, "SELECT pggit.write_tree(NULL, ARRAY(SELECT ROW(pggit.tree_path(schema_name, kind, object_key), hash)"
                + "::pggit.tree_edit FROM pggit.read_catalog()))");
    }

    /** The object keys whose (key, hash) differ between two trees, with both definitions. */
    static String differences(Connection c, String headTree, String freshTree) throws SQLException {
        StringBuilder out = new StringBuilder("differing object keys (HEAD tree " + headTree.substring(0, 12) + " vs fresh capture "
                + freshTree.substring(0, 12) + "):\n");
        List<List<String>> rows = rows(c, "WITH h AS (SELECT object_key, hash FROM pggit.tree_objects(" + lit(headTree) + ")), "
                + "f AS (SELECT object_key, hash FROM pggit.tree_objects(" + lit(freshTree) + ")) "
                + "SELECT coalesce(h.object_key, f.object_key), h.hash, f.hash FROM h FULL JOIN f USING (object_key) "
                + "WHERE h.hash IS DISTINCT FROM f.hash ORDER BY 1");
        for (List<String> r : rows) {
            String key = r.get(0);
            String what = r.get(1) == null ? "only in the fresh capture (missed by the journal path)"
                    : r.get(2) == null ? "only at HEAD (the journal path kept or made it, the catalog has no such object)"
                    : "different definition";
            out.append("  ").append(key).append(": ").append(what).append('\n');
            if (r.get(1) != null) {
                out.append("      HEAD:  ").append(abbreviate(one(c, "SELECT definition::text FROM pggit.blob WHERE hash = " + lit(r.get(1))))).append('\n');
            }
            if (r.get(2) != null) {
                out.append("      fresh: ").append(abbreviate(one(c, "SELECT definition::text FROM pggit.read_catalog() WHERE object_key = " + lit(key)))).append('\n');
            }
        }
        return out.toString();
    }

    static String abbreviate(String s) {
        return s == null ? "(none)" : s.length() > 700 ? s.substring(0, 700) + "…" : s;
    }

    static String one(Connection c, String sql) throws SQLException {
        List<List<String>> r = rows(c, sql);
        return r.isEmpty() ? null : r.get(0).get(0);
    }

    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------
    // What the catalog holds now (only the schemas this test owns)
    // ------------------------------------------------------------------------------------------

    record Col(String name, String type, char category, boolean hasDefault, boolean notNull) { }

    record Rel(String schema, String name, char relkind, boolean partition, List<Col> cols, String pkType, String parent) {
        String qname() {
            return q(schema) + "." + q(name);
        }

        boolean isTable() {
            return relkind == 'r' || relkind == 'p';
        }

        boolean isView() {
            return relkind == 'v' || relkind == 'm';
        }
    }

    /** A named object in a schema, optionally of a relation (index, constraint, trigger) or with arguments (function). */
    record Obj(String schema, String name, String table, String extra) {
        String qname() {
            return q(schema) + "." + q(name);
        }

        String qtable() {
            return q(schema) + "." + q(table);
        }
    }

    record Snapshot(List<String> schemas, List<Rel> rels, List<Obj> indexes, List<Obj> constraints, List<Obj> functions,
                    List<Obj> enums, List<Obj> domains, List<Obj> composites, List<Obj> sequences, List<Obj> triggers) {

        static Snapshot read(Connection c) throws SQLException {
            List<String> schemas = rows(c, "SELECT n.nspname FROM pg_namespace n WHERE " + OWNED + " ORDER BY 1").stream()
                    .map(r -> r.get(0)).toList();
            Map<String, List<Col>> cols = new LinkedHashMap<>();
            for (List<String> r : rows(c, "SELECT n.nspname || '.' || c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
                    + "coalesce(bt.typcategory, t.typcategory), a.atthasdef OR a.attidentity <> '', a.attnotnull "
                    + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd' "
                    + "WHERE " + OWNED + " AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped "
                    + "ORDER BY n.nspname, c.relname, a.attnum")) {
                cols.computeIfAbsent(r.get(0), k -> new ArrayList<>())
                        .add(new Col(r.get(1), r.get(2), r.get(3).charAt(0), "t".equals(r.get(4)), "t".equals(r.get(5))));
            }
            List<Rel> rels = new ArrayList<>();
            for (List<String> r : rows(c, "SELECT n.nspname, c.relname, c.relkind, c.relispartition, "
                    + "(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid "
                    + "  AND a.attnum = k.conkey[1] WHERE k.conrelid = c.oid AND k.contype = 'p' AND cardinality(k.conkey) = 1), "
                    + "(SELECT '\"' || replace(pn.nspname, '\"', '\"\"') || '\".\"' || replace(p.relname, '\"', '\"\"') || '\"' "
                    + "  FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                    + "  JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid LIMIT 1) "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE " + OWNED + " AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1, 2")) {
                rels.add(new Rel(r.get(0), r.get(1), r.get(2).charAt(0), "t".equals(r.get(3)),
                        cols.getOrDefault(r.get(0) + "." + r.get(1), List.of()), r.get(4), r.get(5)));
            }
            // every index, also those behind a constraint (renaming one renames its constraint) and partitions' indexes;
            // extra: the constraint type, 'partition' for an index partition, null for an index of its own
            List<Obj> indexes = objs(c, "SELECT n.nspname, i.relname, t.relname, "
                    + "coalesce((SELECT k.contype::text FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid LIMIT 1), "
                    + "  CASE WHEN i.relispartition THEN 'partition' END) "
                    + "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                    + "JOIN pg_namespace n ON n.oid = i.relnamespace WHERE " + OWNED + " ORDER BY 1, 3, 2");
            List<Obj> constraints = objs(c, "SELECT n.nspname, k.conname, t.relname, k.contype::text FROM pg_constraint k "
                    + "JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                    + "WHERE " + OWNED + " AND k.contype IN ('p', 'u', 'f', 'c') ORDER BY 1, 3, 2");
            List<Obj> functions = objs(c, "SELECT n.nspname, p.proname, NULL, pg_get_function_identity_arguments(p.oid) FROM pg_proc p "
                    + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + OWNED + " ORDER BY 1, 2, 4");
            List<Obj> enums = objs(c, "SELECT n.nspname, t.typname, NULL, (SELECT string_agg(e.enumlabel, '|' ORDER BY e.enumsortorder) "
                    + "FROM pg_enum e WHERE e.enumtypid = t.oid) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    + "WHERE " + OWNED + " AND t.typtype = 'e' ORDER BY 1, 2");
            List<Obj> domains = objs(c, "SELECT n.nspname, t.typname, NULL, bt.typcategory::text FROM pg_type t "
                    + "JOIN pg_type bt ON bt.oid = t.typbasetype JOIN pg_namespace n ON n.oid = t.typnamespace "
                    + "WHERE " + OWNED + " AND t.typtype = 'd' ORDER BY 1, 2");
            List<Obj> composites = objs(c, "SELECT n.nspname, t.typname, NULL, (SELECT string_agg(a.attname, '|' ORDER BY a.attnum) "
                    + "FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) FROM pg_type t "
                    + "JOIN pg_class r ON r.oid = t.typrelid AND r.relkind = 'c' JOIN pg_namespace n ON n.oid = t.typnamespace "
                    + "WHERE " + OWNED + " ORDER BY 1, 2");
            List<Obj> sequences = objs(c, "SELECT n.nspname, s.relname, NULL, NULL FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace "
                    + "WHERE " + OWNED + " AND s.relkind = 'S' ORDER BY 1, 2");
            List<Obj> triggers = objs(c, "SELECT n.nspname, g.tgname, t.relname, NULL FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid "
                    + "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE " + OWNED + " AND NOT g.tgisinternal ORDER BY 1, 3, 2");
            return new Snapshot(schemas, rels, indexes, constraints, functions, enums, domains, composites, sequences, triggers);
        }

        static List<Obj> objs(Connection c, String sql) throws SQLException {
            return rows(c, sql).stream().map(r -> new Obj(r.get(0), r.get(1), r.get(2), r.get(3))).toList();
        }

        List<Rel> tables() {
            return rels.stream().filter(Rel::isTable).toList();
        }

        List<Rel> views() {
            return rels.stream().filter(Rel::isView).toList();
        }

        List<Rel> withColumns(List<Rel> of) {
            return of.stream().filter(r -> !r.cols().isEmpty()).toList();
        }

        /** Column and attribute types: built-in ones, the enums, domains and composite types, arrays of some. */
        List<String> types() {
            List<String> t = new ArrayList<>(BASE_TYPES);
            Stream.of(enums, domains, composites).flatMap(List::stream).forEach(x -> t.add(x.qname()));
            Stream.of(enums, domains).flatMap(List::stream).forEach(x -> t.add(x.qname() + "[]"));
            return t;
        }

        /** Enums, domains and composite types. */
        List<Obj> userTypes() {
            return Stream.of(enums, domains, composites).flatMap(List::stream).toList();
        }

        Optional<Obj> function(String argTypes) {
            return functions.stream().filter(f -> f.extra().replaceAll("p\\d+ ", "").equals(argTypes)
                    && !f.name().equals(TRIGGER_FUNCTION)).findFirst();
        }
    }

    /** Consumes the numbers of a step; 0 always means the first, the simplest, or "no". */
    static final class Choices {
        final List<Integer> values;
        final Random more;
        int i;

        Choices(List<Integer> values) {
            this.values = values;
            this.more = new Random(values.hashCode());
        }

        /** The step's numbers, then (for steps that need more) numbers derived from them. */
        int next() {
            return i < values.size() ? values.get(i++) : more.nextInt(10_000);
        }

        int below(int n) {
            return next() % n;
        }

        <T> T pick(List<T> from) {
            return from.get(below(from.size()));
        }

        boolean chance(int percent) {
            return next() % 100 >= 100 - percent;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Steps as SQL, against what the catalog holds now
    // ------------------------------------------------------------------------------------------

    static List<String> statements(Kind kind, Snapshot s, Choices c, int depth) {
        if (depth > 4) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        List<Rel> tables = s.tables();
        List<Rel> plainTables = tables.stream().filter(r -> r.relkind() == 'r' && !r.partition()).toList();
        switch (kind) {
            case CREATE_SCHEMA -> {
                List<String> free = SCHEMAS.stream().filter(n -> !s.schemas().contains(n)).toList();
                if (free.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                out.add("CREATE SCHEMA " + q(c.pick(free)));
            }
            case RENAME_SCHEMA -> {
                if (s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                out.add("ALTER SCHEMA " + q(c.pick(s.schemas())) + " RENAME TO " + q(c.pick(SCHEMAS)));
            }
            case DROP_SCHEMA -> {
                if (s.schemas().size() < 2 || s.schemas().isEmpty()) {   // keep one: a world without schemas makes only CREATE SCHEMA
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                out.add("DROP SCHEMA " + q(c.pick(s.schemas())) + (c.chance(80) ? " CASCADE" : ""));
            }
            case CREATE_TABLE -> {
                if (s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                String name = q(c.pick(s.schemas())) + "." + q(c.pick(TABLES));
                if (!s.composites().isEmpty() && c.chance(8)) {   // a typed table: ALTER TYPE ... CASCADE changes it
                    out.add("CREATE TABLE " + name + " OF " + c.pick(s.composites()).qname());
                    break;
                }
                List<Rel> parents = s.withColumns(plainTables);
                String inherits = !parents.isEmpty() && c.chance(10) ? " INHERITS (" + c.pick(parents).qname() + ")" : "";
                List<String> defs = new ArrayList<>();
                switch (c.below(5)) {
                    case 0 -> defs.add("id integer PRIMARY KEY");
                    case 1 -> defs.add("id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
                    case 2 -> defs.add("id serial PRIMARY KEY");
                    case 3 -> defs.add("id integer");
                    default -> defs.add("id integer CONSTRAINT " + q(c.pick(CONSTRAINTS)) + " PRIMARY KEY");
                }
                List<String> names = new ArrayList<>(COLUMNS);
                int n = 1 + c.below(3);
                for (int i = 0; i < n && !names.isEmpty(); i++) {
                    String col = names.remove(c.below(names.size()));
                    defs.add(columnDefinition(col, c.pick(s.types()), s, c));
                }
                out.add("CREATE TABLE " + name + " (" + String.join(", ", defs) + ")" + inherits);
            }
            case CREATE_PARTITIONED -> {
                List<Rel> parents = tables.stream().filter(r -> r.relkind() == 'p').toList();
                if (!parents.isEmpty() && c.chance(50)) {
                    Rel p = c.pick(parents);
                    int year = 2024 + c.below(4);
                    out.add("CREATE TABLE " + q(p.schema()) + "." + q(p.name() + "_" + year) + " PARTITION OF " + p.qname()
                            + " FOR VALUES FROM ('" + year + "-01-01') TO ('" + (year + 1) + "-01-01')");
                } else {
                    if (s.schemas().isEmpty()) {
                        return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                    }
                    String schema = c.pick(s.schemas());
                    String name = c.pick(PARTITIONED);
                    out.add("CREATE TABLE " + q(schema) + "." + q(name) + " (id integer NOT NULL, at date NOT NULL, a integer"
                            + (c.chance(40) ? ", PRIMARY KEY (id, at)" : "") + ") PARTITION BY RANGE (at)");
                    out.add("CREATE TABLE " + q(schema) + "." + q(name + "_2026") + " PARTITION OF " + q(schema) + "." + q(name)
                            + " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
                }
            }
            case DROP_TABLE -> {
                if (tables.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                out.add("DROP TABLE " + c.pick(tables).qname() + (c.chance(50) ? " CASCADE" : ""));
            }
            case RENAME_TABLE -> {
                if (s.tables().isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                out.add("ALTER TABLE " + c.pick(s.tables()).qname() + " RENAME TO " + q(c.pick(TABLES)));
            }
            case SET_SCHEMA -> {
                if (s.schemas().size() < 2) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                String target = q(c.pick(s.schemas()));
                switch (c.below(5)) {
                    case 0 -> {
                        if (s.tables().isEmpty()) {
                            return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                        }
                        out.add("ALTER TABLE " + c.pick(s.tables()).qname() + " SET SCHEMA " + target);
                    }
                    case 1 -> {
                        if (s.views().isEmpty()) {
                            return statements(Kind.CREATE_VIEW, s, c, depth + 1);
                        }
                        Rel v = c.pick(s.views());
                        out.add("ALTER " + (v.relkind() == 'm' ? "MATERIALIZED VIEW " : "VIEW ") + v.qname() + " SET SCHEMA " + target);
                    }
                    case 2 -> {
                        if (s.functions().isEmpty()) {
                            return statements(Kind.CREATE_FUNCTION, s, c, depth + 1);
                        }
                        Obj f = c.pick(s.functions());
                        out.add("ALTER FUNCTION " + f.qname() + "(" + f.extra() + ") SET SCHEMA " + target);
                    }
                    case 3 -> {
                        if (s.sequences().isEmpty()) {
                            return statements(Kind.CREATE_SEQUENCE, s, c, depth + 1);
                        }
                        out.add("ALTER SEQUENCE " + c.pick(s.sequences()).qname() + " SET SCHEMA " + target);
                    }
                    default -> {
                        if (s.userTypes().isEmpty()) {
                            return statements(Kind.CREATE_ENUM, s, c, depth + 1);
                        }
                        out.add("ALTER TYPE " + c.pick(s.userTypes()).qname() + " SET SCHEMA " + target);
                    }
                }
            }
            case ADD_COLUMN -> {
                if (tables.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(tables);
                out.add("ALTER TABLE " + t.qname() + " ADD COLUMN " + columnDefinition(c.pick(COLUMNS), c.pick(s.types()), s, c));
            }
            case DROP_COLUMN -> {
                List<Rel> ts = s.withColumns(tables);
                if (ts.isEmpty()) {
                    return statements(Kind.ADD_COLUMN, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                out.add("ALTER TABLE " + t.qname() + " DROP COLUMN " + q(c.pick(t.cols()).name()) + (c.chance(50) ? " CASCADE" : ""));
            }
            case RENAME_COLUMN -> {
                List<Rel> rs = s.withColumns(s.rels());
                if (rs.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(rs);
                out.add("ALTER TABLE " + t.qname() + " RENAME COLUMN " + q(c.pick(t.cols()).name()) + " TO " + q(c.pick(COLUMNS)));
            }
            case ALTER_COLUMN_TYPE -> {
                List<Rel> ts = s.withColumns(tables);
                if (ts.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                Col col = c.pick(t.cols());
                String type = c.pick(s.types());
                out.add("ALTER TABLE " + t.qname() + " ALTER COLUMN " + q(col.name()) + " TYPE " + type
                        + (c.chance(60) ? " USING " + q(col.name()) + "::text::" + type : ""));
            }
            case SET_DEFAULT -> {
                List<Rel> ts = s.withColumns(tables);
                if (ts.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                Col col = c.pick(t.cols());
                String d = defaultFor(col.type(), col.category(), s, c);
                if (d == null) {
                    d = "NULL";
                }
                out.add("ALTER TABLE " + t.qname() + " ALTER COLUMN " + q(col.name()) + " SET DEFAULT " + d);
            }
            case DROP_DEFAULT -> {
                List<Rel> ts = tables.stream().filter(r -> r.cols().stream().anyMatch(Col::hasDefault)).toList();
                if (ts.isEmpty()) {
                    return statements(Kind.SET_DEFAULT, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                Col col = c.pick(t.cols().stream().filter(Col::hasDefault).toList());
                out.add("ALTER TABLE " + t.qname() + " ALTER COLUMN " + q(col.name()) + " DROP DEFAULT");
            }
            case ALTER_NOT_NULL -> {
                List<Rel> ts = s.withColumns(tables);
                if (ts.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                Col col = c.pick(t.cols());
                out.add("ALTER TABLE " + t.qname() + " ALTER COLUMN " + q(col.name()) + (col.notNull() ? " DROP NOT NULL" : " SET NOT NULL"));
            }
            case CREATE_INDEX -> {
                List<Rel> ts = s.withColumns(s.rels().stream().filter(r -> r.relkind() != 'v').toList());
                if (ts.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                Col a = c.pick(t.cols());
                Col b = c.pick(t.cols());
                String name = q(c.pick(INDEXES));
                String on = " ON " + t.qname() + " ";
                out.add(switch (c.below(5)) {
                    case 0 -> "CREATE INDEX " + name + on + "(" + q(a.name()) + ")";
                    case 1 -> "CREATE UNIQUE INDEX " + name + on + "(" + q(a.name()) + (a.equals(b) ? "" : ", " + q(b.name())) + ")";
                    case 2 -> "CREATE INDEX " + name + on + "(" + q(a.name()) + ") WHERE " + q(b.name()) + " IS NOT NULL";
                    case 3 -> "CREATE INDEX " + name + on + "((lower(" + q(a.name()) + "::text)))";
                    default -> "CREATE INDEX " + name + on + "(" + q(a.name()) + " DESC NULLS LAST)";
                });
            }
            case DROP_INDEX -> {
                if (s.indexes().isEmpty()) {
                    return statements(Kind.CREATE_INDEX, s, c, depth + 1);
                }
                out.add("DROP INDEX " + c.pick(s.indexes()).qname() + (c.chance(30) ? " CASCADE" : ""));
            }
            case RENAME_INDEX -> {
                if (s.indexes().isEmpty()) {
                    return statements(Kind.CREATE_INDEX, s, c, depth + 1);
                }
                Obj i = c.pick(s.indexes());
                out.add("ALTER INDEX " + i.qname() + " RENAME TO " + q(c.chance(50) ? c.pick(INDEXES) : c.pick(CONSTRAINTS)));
            }
            case ADD_CONSTRAINT -> {
                List<Rel> ts = s.withColumns(tables);
                if (ts.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                Col col = c.pick(t.cols());
                String name = q(c.pick(CONSTRAINTS));
                String def = switch (c.below(5)) {
                    case 0 -> "CHECK (" + checkFor(q(col.name()), col.category(), s, c) + ")" + (c.chance(20) ? " NOT VALID" : "");
                    case 1 -> "UNIQUE (" + q(col.name()) + ")";
                    case 2 -> "PRIMARY KEY (" + q(col.name()) + ")";
                    default -> {
                        List<Rel> refs = tables.stream().filter(r -> r.pkType() != null).toList();
                        if (refs.isEmpty()) {
                            yield "CHECK (" + checkFor(q(col.name()), col.category(), s, c) + ")";
                        }
                        Rel ref = c.pick(refs);
                        Col local = t.cols().stream().filter(x -> x.type().equals(ref.pkType())).findFirst().orElse(col);
                        yield "FOREIGN KEY (" + q(local.name()) + ") REFERENCES " + ref.qname()
                                + (c.chance(30) ? " ON DELETE CASCADE" : "") + (c.chance(20) ? " DEFERRABLE INITIALLY DEFERRED" : "")
                                + (c.chance(20) ? " NOT VALID" : "");
                    }
                };
                out.add("ALTER TABLE " + t.qname() + " ADD CONSTRAINT " + name + " " + def);
            }
            case DROP_CONSTRAINT -> {
                if (s.constraints().isEmpty()) {
                    return statements(Kind.ADD_CONSTRAINT, s, c, depth + 1);
                }
                Obj k = c.pick(s.constraints());
                out.add("ALTER TABLE " + k.qtable() + " DROP CONSTRAINT " + q(k.name()) + (c.chance(50) ? " CASCADE" : ""));
            }
            case ALTER_CONSTRAINT -> {
                if (s.constraints().isEmpty()) {
                    return statements(Kind.ADD_CONSTRAINT, s, c, depth + 1);
                }
                Obj k = c.pick(s.constraints());
                out.add("ALTER TABLE " + k.qtable() + switch (c.below(3)) {
                    case 0 -> " RENAME CONSTRAINT " + q(k.name()) + " TO " + q(c.pick(CONSTRAINTS));
                    case 1 -> " VALIDATE CONSTRAINT " + q(k.name());
                    default -> " ALTER CONSTRAINT " + q(k.name()) + (c.chance(50) ? " DEFERRABLE INITIALLY DEFERRED" : " NOT DEFERRABLE");
                });
            }
            case CREATE_VIEW -> {
                List<Rel> sources = s.withColumns(s.rels());
                if (sources.isEmpty() || s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel src = c.pick(sources);
                List<String> cols = new ArrayList<>();
                int n = 1 + c.below(src.cols().size());
                for (int i = 0; i < n; i++) {
                    cols.add(q(src.cols().get(i).name()));
                }
                Optional<Obj> calc = s.function("integer");
                Optional<Col> intCol = src.cols().stream().filter(x -> x.type().equals("integer")).findFirst();
                if (calc.isPresent() && intCol.isPresent() && c.chance(30)) {
                    cols.add(calc.get().qname() + "(" + q(intCol.get().name()) + ") AS calc");
                }
                String query = "SELECT " + String.join(", ", cols) + " FROM " + src.qname()
                        + (c.chance(30) ? " WHERE " + cols.get(0) + " IS NOT NULL" : "");
                String schema = q(c.pick(s.schemas()));
                if (c.chance(20)) {
                    out.add("CREATE MATERIALIZED VIEW " + schema + "." + q("mv_" + c.pick(VIEWS)) + " AS " + query + " WITH NO DATA");
                } else {
                    out.add("CREATE OR REPLACE VIEW " + schema + "." + q(c.pick(VIEWS)) + " AS " + query);
                }
            }
            case DROP_VIEW -> {
                if (s.views().isEmpty()) {
                    return statements(Kind.CREATE_VIEW, s, c, depth + 1);
                }
                Rel v = c.pick(s.views());
                out.add("DROP " + (v.relkind() == 'm' ? "MATERIALIZED VIEW " : "VIEW ") + v.qname() + (c.chance(50) ? " CASCADE" : ""));
            }
            case CREATE_FUNCTION -> {
                if (s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                List<String> argSets = new ArrayList<>(List.of("", "p1 integer", "p1 text", "p1 integer, p2 text"));
                s.enums().forEach(e -> argSets.add("p1 " + e.qname()));
                s.domains().forEach(d -> argSets.add("p1 " + d.qname()));
                tables.forEach(t -> argSets.add("p1 " + t.qname()));
                String args = c.pick(argSets);
                String head = "CREATE OR REPLACE FUNCTION " + q(c.pick(s.schemas())) + "." + q(c.pick(FUNCTIONS)) + "(" + args + ")";
                List<Rel> ts = s.withColumns(tables);
                out.add(head + switch (c.below(4)) {
                    case 0 -> " RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$";
                    case 1 -> " RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 2; END $$";
                    case 2 -> {
                        if (ts.isEmpty()) {
                            yield " RETURNS integer LANGUAGE sql RETURN 3";
                        }
                        Rel t = c.pick(ts);   // an SQL-standard body: depends on the table and column it reads
                        yield " RETURNS integer LANGUAGE sql STABLE RETURN (SELECT count(" + q(c.pick(t.cols()).name()) + ") FROM " + t.qname() + ")::integer";
                    }
                    default -> {
                        if (tables.isEmpty()) {
                            yield " RETURNS integer LANGUAGE sql RETURN 4";
                        }
                        Rel t = c.pick(tables);
                        yield " RETURNS SETOF " + t.qname() + " LANGUAGE sql STABLE AS $$ SELECT * FROM " + t.qname() + " $$";
                    }
                });
            }
            case DROP_FUNCTION -> {
                if (s.functions().isEmpty()) {
                    return statements(Kind.CREATE_FUNCTION, s, c, depth + 1);
                }
                Obj f = c.pick(s.functions());
                out.add("DROP FUNCTION " + f.qname() + "(" + f.extra() + ")" + (c.chance(40) ? " CASCADE" : ""));
            }
            case ALTER_FUNCTION -> {
                if (s.functions().isEmpty()) {
                    return statements(Kind.CREATE_FUNCTION, s, c, depth + 1);
                }
                Obj f = c.pick(s.functions());
                out.add("ALTER FUNCTION " + f.qname() + "(" + f.extra() + ")" + switch (c.below(3)) {
                    case 0 -> " RENAME TO " + q(c.pick(FUNCTIONS));
                    case 1 -> c.chance(50) ? " STABLE" : " VOLATILE";
                    default -> " COST " + (1 + c.below(500));
                });
            }
            case CREATE_ENUM -> {
                if (s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                out.add("CREATE TYPE " + q(c.pick(s.schemas())) + "." + q(c.pick(ENUMS)) + " AS ENUM ('a', 'b')");
            }
            case ALTER_ENUM -> {
                if (s.enums().isEmpty()) {
                    return statements(Kind.CREATE_ENUM, s, c, depth + 1);
                }
                Obj e = c.pick(s.enums());
                List<String> labels = List.of(e.extra().split("\\|"));
                out.add("ALTER TYPE " + e.qname() + switch (c.below(3)) {
                    case 0 -> " ADD VALUE IF NOT EXISTS " + lit(c.pick(LABELS));
                    case 1 -> " ADD VALUE IF NOT EXISTS " + lit(c.pick(LABELS)) + " BEFORE " + lit(c.pick(labels));
                    default -> " RENAME VALUE " + lit(c.pick(labels)) + " TO " + lit(c.pick(LABELS));
                });
            }
            case CREATE_DOMAIN -> {
                if (s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                String name = q(c.pick(s.schemas())) + "." + q(c.pick(DOMAINS));
                out.add("CREATE DOMAIN " + name + switch (c.below(3)) {
                    case 0 -> " AS integer CHECK (VALUE > 0)";
                    case 1 -> " AS text DEFAULT 'x' CHECK (VALUE <> '')";
                    default -> {
                        Optional<Obj> calc = s.function("integer");
                        yield calc.isPresent() ? " AS integer CONSTRAINT " + q("calc_check") + " CHECK (" + calc.get().qname() + "(VALUE) > 0)"
                                : " AS numeric(10,2) NOT NULL";
                    }
                });
            }
            case ALTER_DOMAIN -> {
                if (s.domains().isEmpty()) {
                    return statements(Kind.CREATE_DOMAIN, s, c, depth + 1);
                }
                Obj d = c.pick(s.domains());
                out.add("ALTER DOMAIN " + d.qname() + switch (c.below(4)) {
                    case 0 -> " ADD CONSTRAINT " + q(c.pick(CONSTRAINTS)) + " CHECK (VALUE IS NOT NULL)";
                    case 1 -> " SET DEFAULT " + ("N".equals(d.extra()) ? "1" : "'y'");
                    case 2 -> " DROP DEFAULT";
                    default -> " RENAME TO " + q(c.pick(DOMAINS));
                });
            }
            case RENAME_TYPE -> {
                if (s.userTypes().isEmpty()) {
                    return statements(Kind.CREATE_ENUM, s, c, depth + 1);
                }
                Obj t = c.pick(s.userTypes());
                out.add("ALTER TYPE " + t.qname() + " RENAME TO " + q(c.pick(Stream.of(ENUMS, DOMAINS, COMPOSITES).flatMap(List::stream).toList())));
            }
            case DROP_TYPE -> {
                List<Obj> types = Stream.of(s.enums(), s.domains(), s.composites()).flatMap(List::stream).toList();
                if (types.isEmpty()) {
                    return statements(Kind.CREATE_DOMAIN, s, c, depth + 1);
                }
                Obj t = c.pick(types);
                out.add((s.domains().contains(t) ? "DROP DOMAIN " : "DROP TYPE ") + t.qname() + (c.chance(70) ? " CASCADE" : ""));
            }
            case CREATE_SEQUENCE -> {
                if (s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                out.add("CREATE SEQUENCE " + q(c.pick(s.schemas())) + "." + q(c.pick(SEQUENCES))
                        + (c.chance(50) ? " START " + (1 + c.below(100)) : "") + (c.chance(30) ? " INCREMENT 5" : ""));
            }
            case ALTER_SEQUENCE -> {
                if (s.sequences().isEmpty()) {
                    return statements(Kind.CREATE_SEQUENCE, s, c, depth + 1);
                }
                Obj seq = c.pick(s.sequences());
                List<Rel> ts = s.withColumns(plainTables);
                Rel ownerTable = ts.isEmpty() ? null : c.pick(ts);
                String owner = ownerTable == null ? null : ownerTable.qname() + "." + q(c.pick(ownerTable.cols()).name());
                out.add("ALTER SEQUENCE " + seq.qname() + switch (c.below(4)) {
                    case 0 -> " RENAME TO " + q(c.pick(SEQUENCES));
                    case 1 -> " INCREMENT BY " + (1 + c.below(10));
                    case 2 -> owner == null ? " OWNED BY NONE" : " OWNED BY " + owner;
                    default -> " OWNED BY NONE";
                });
            }
            case DROP_SEQUENCE -> {
                if (s.sequences().isEmpty()) {
                    return statements(Kind.CREATE_SEQUENCE, s, c, depth + 1);
                }
                out.add("DROP SEQUENCE " + c.pick(s.sequences()).qname() + (c.chance(60) ? " CASCADE" : ""));
            }
            case CREATE_TRIGGER -> {
                List<Rel> ts = s.withColumns(tables);
                if (ts.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(ts);
                String fn = q(t.schema()) + "." + q(TRIGGER_FUNCTION);
                if (s.functions().stream().noneMatch(f -> f.schema().equals(t.schema()) && f.name().equals(TRIGGER_FUNCTION))) {
                    out.add("CREATE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
                }
                Col col = c.pick(t.cols());
                out.add("CREATE TRIGGER " + q(c.pick(TRIGGERS)) + switch (c.below(3)) {
                    case 0 -> " BEFORE INSERT OR UPDATE ON " + t.qname() + " FOR EACH ROW";
                    case 1 -> " BEFORE UPDATE ON " + t.qname() + " FOR EACH ROW WHEN (NEW." + q(col.name()) + " IS NOT NULL)";
                    default -> " AFTER INSERT ON " + t.qname() + " FOR EACH STATEMENT";
                } + " EXECUTE FUNCTION " + fn + "()");
            }
            case ALTER_TRIGGER -> {
                if (s.triggers().isEmpty()) {
                    return statements(Kind.CREATE_TRIGGER, s, c, depth + 1);
                }
                Obj g = c.pick(s.triggers());
                out.add(switch (c.below(3)) {
                    case 0 -> "ALTER TRIGGER " + q(g.name()) + " ON " + g.qtable() + " RENAME TO " + q(c.pick(TRIGGERS));
                    case 1 -> "ALTER TABLE " + g.qtable() + " DISABLE TRIGGER " + q(g.name());
                    default -> "ALTER TABLE " + g.qtable() + " ENABLE TRIGGER " + q(g.name());
                });
            }
            case DROP_TRIGGER -> {
                if (s.triggers().isEmpty()) {
                    return statements(Kind.CREATE_TRIGGER, s, c, depth + 1);
                }
                Obj g = c.pick(s.triggers());
                out.add("DROP TRIGGER " + q(g.name()) + " ON " + g.qtable());
            }
            case CREATE_COMPOSITE -> {
                if (s.schemas().isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                out.add("CREATE TYPE " + q(c.pick(s.schemas())) + "." + q(c.pick(COMPOSITES)) + " AS (" + q(c.pick(COLUMNS)) + " "
                        + c.pick(s.types()) + ", n integer)");
            }
            case ALTER_COMPOSITE -> {
                if (s.composites().isEmpty()) {
                    return statements(Kind.CREATE_COMPOSITE, s, c, depth + 1);
                }
                Obj t = c.pick(s.composites());
                List<String> attributes = t.extra() == null ? List.of("n") : List.of(t.extra().split("\\|"));
                String attribute = q(c.pick(attributes));
                out.add("ALTER TYPE " + t.qname() + switch (c.below(4)) {
                    case 0 -> " ADD ATTRIBUTE " + q(c.pick(COLUMNS)) + " " + c.pick(s.types());
                    case 1 -> " DROP ATTRIBUTE " + attribute;
                    case 2 -> " RENAME ATTRIBUTE " + attribute + " TO " + q(c.pick(COLUMNS));
                    default -> " ALTER ATTRIBUTE " + attribute + " TYPE " + c.pick(s.types());
                } + (c.chance(50) ? " CASCADE" : ""));
            }
            case ATTACH_PARTITION -> {
                List<Rel> parents = tables.stream().filter(r -> r.relkind() == 'p').toList();
                if (parents.isEmpty()) {
                    return statements(Kind.CREATE_PARTITIONED, s, c, depth + 1);
                }
                Rel p = c.pick(parents);
                int year = 2020 + c.below(4);
                String child = q(p.schema()) + "." + q(p.name() + "_" + year);
                out.add("CREATE TABLE " + child + " (LIKE " + p.qname() + (c.chance(50) ? " INCLUDING INDEXES" : "") + ")");
                if (c.chance(50)) {
                    out.add("CREATE INDEX " + q(c.pick(INDEXES)) + " ON " + child + " (" + q(c.pick(p.cols()).name()) + ")");
                }
                out.add("ALTER TABLE " + p.qname() + " ATTACH PARTITION " + child + " FOR VALUES FROM ('" + year + "-01-01') TO ('"
                        + (year + 1) + "-01-01')");
            }
            case DETACH_PARTITION -> {
                List<Rel> partitions = tables.stream().filter(Rel::partition).toList();
                if (partitions.isEmpty()) {
                    return statements(Kind.ATTACH_PARTITION, s, c, depth + 1);
                }
                Rel child = c.pick(partitions);
                out.add("ALTER TABLE " + child.parent() + " DETACH PARTITION " + child.qname());
            }
            case TABLE_OPTIONS -> {
                if (tables.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                Rel t = c.pick(tables);
                out.add("ALTER TABLE " + t.qname() + switch (c.below(5)) {
                    case 0 -> " SET (fillfactor = " + (50 + c.below(50)) + ")";
                    case 1 -> " RESET (fillfactor)";
                    case 2 -> " ENABLE ROW LEVEL SECURITY";
                    case 3 -> " FORCE ROW LEVEL SECURITY";
                    default -> " DISABLE ROW LEVEL SECURITY";
                });
            }
            case GRANT -> {
                boolean grant = c.chance(50);
                String verb = grant ? "GRANT " : "REVOKE ";
                String to = grant ? " TO PUBLIC" : " FROM PUBLIC";
                List<String> targets = new ArrayList<>();
                s.rels().forEach(r -> targets.add("SELECT ON " + r.qname()));
                s.functions().forEach(f -> targets.add("EXECUTE ON FUNCTION " + f.qname() + "(" + f.extra() + ")"));
                s.schemas().forEach(n -> targets.add("USAGE ON SCHEMA " + q(n)));
                s.schemas().forEach(n -> targets.add("SELECT ON ALL TABLES IN SCHEMA " + q(n)));
                s.sequences().forEach(seq -> targets.add("USAGE ON SEQUENCE " + seq.qname()));
                Stream.of(s.enums(), s.domains()).flatMap(List::stream).forEach(t -> targets.add("USAGE ON TYPE " + t.qname()));
                if (targets.isEmpty()) {
                    return statements(Kind.CREATE_TABLE, s, c, depth + 1);
                }
                out.add(verb + c.pick(targets) + to);
            }
            case COMMENT -> {
                String text = switch (c.below(3)) {
                    case 0 -> "'a note'";
                    case 1 -> "'it''s ü'";
                    default -> "NULL";
                };
                List<String> targets = new ArrayList<>();
                s.schemas().forEach(n -> targets.add("SCHEMA " + q(n)));
                s.rels().forEach(r -> targets.add(switch (r.relkind()) {
                    case 'v' -> "VIEW ";
                    case 'm' -> "MATERIALIZED VIEW ";
                    default -> "TABLE ";
                } + r.qname()));
                s.rels().forEach(r -> r.cols().forEach(col -> targets.add("COLUMN " + r.qname() + "." + q(col.name()))));
                s.indexes().forEach(i -> targets.add("INDEX " + i.qname()));
                s.constraints().forEach(k -> targets.add("CONSTRAINT " + q(k.name()) + " ON " + k.qtable()));
                s.functions().forEach(f -> targets.add("FUNCTION " + f.qname() + "(" + f.extra() + ")"));
                s.enums().forEach(e -> targets.add("TYPE " + e.qname()));
                s.domains().forEach(d -> targets.add("DOMAIN " + d.qname()));
                s.sequences().forEach(seq -> targets.add("SEQUENCE " + seq.qname()));
                s.triggers().forEach(g -> targets.add("TRIGGER " + q(g.name()) + " ON " + g.qtable()));
                if (targets.isEmpty()) {
                    return statements(Kind.CREATE_SCHEMA, s, c, depth + 1);
                }
                out.add("COMMENT ON " + c.pick(targets) + " IS " + text);
            }
        }
        return out;
    }

    /** A column definition of {@code type} with optional default, NOT NULL, UNIQUE, CHECK and REFERENCES. */
    static String columnDefinition(String name, String type, Snapshot s, Choices c) {
        char category = category(type, s);
        StringBuilder d = new StringBuilder(q(name)).append(' ').append(type);
        if (c.chance(30)) {
            String def = defaultFor(type, category, s, c);
            if (def != null) {
                d.append(" DEFAULT ").append(def);
            }
        }
        if (c.chance(25)) {
            d.append(" NOT NULL");
        }
        if (c.chance(15)) {
            d.append(" UNIQUE");
        }
        if (c.chance(20)) {
            d.append(" CHECK (").append(checkFor(q(name), category, s, c)).append(')');
        }
        if (c.chance(25)) {
            List<Rel> refs = s.tables().stream().filter(r -> type.equals(r.pkType())).toList();
            if (!refs.isEmpty()) {
                d.append(" REFERENCES ").append(c.pick(refs).qname()).append(c.chance(30) ? " ON DELETE CASCADE" : "");
            }
        }
        return d.toString();
    }

    static char category(String type, Snapshot s) {
        if (type.endsWith("[]")) {
            return 'A';
        }
        return switch (type) {
            case "integer", "bigint", "numeric(10,2)" -> 'N';
            case "text", "varchar(20)" -> 'S';
            case "boolean" -> 'B';
            case "timestamptz", "date" -> 'D';
            default -> {
                for (Obj d : s.domains()) {
                    if (d.qname().equals(type)) {
                        yield d.extra().charAt(0);
                    }
                }
                yield s.enums().stream().anyMatch(e -> e.qname().equals(type)) ? 'E' : 'C';
            }
        };
    }

    /** A default for a column: a literal, sometimes nextval of a sequence or a call of a function (both make dependencies). */
    static String defaultFor(String type, char category, Snapshot s, Choices c) {
        switch (category) {
            case 'N' -> {
                Optional<Obj> calc = s.function("");
                if (!s.sequences().isEmpty() && c.chance(40)) {
                    return "nextval(" + lit(c.pick(s.sequences()).qname()) + "::regclass)";
                }
                if (calc.isPresent() && c.chance(40)) {
                    return calc.get().qname() + "()";
                }
                return "42";
            }
            case 'S' -> {
                return "'x'";
            }
            case 'B' -> {
                return "false";
            }
            case 'A' -> {
                return "'{}'";
            }
            case 'D' -> {
                return type.equals("date") ? "CURRENT_DATE" : "now()";
            }
            case 'E' -> {
                for (Obj e : s.enums()) {
                    if (e.qname().equals(type)) {
                        return lit(e.extra().split("\\|")[0]) + "::" + type;
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    static String checkFor(String col, char category, Snapshot s, Choices c) {
        Optional<Obj> calc = s.function("integer");
        return switch (category) {
            case 'N' -> calc.isPresent() && c.chance(30) ? calc.get().qname() + "(" + col + "::integer) > 0" : col + " > 0";
            case 'S' -> c.chance(50) ? col + " <> ''" : "length(" + col + ") < 100";
            case 'A' -> "cardinality(" + col + ") < 10";
            default -> col + " IS NOT NULL";
        };
    }

    static String q(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    static String lit(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
