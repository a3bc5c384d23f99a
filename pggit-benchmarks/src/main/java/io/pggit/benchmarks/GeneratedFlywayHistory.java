package io.pggit.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated Flyway history for (b) at size: {@value #MIGRATIONS} versioned migrations that grow
 * one schema to over 2,000 tracked objects, the way long-lived applications do: the first
 * {@value #GROWTH} each add three tables (primary key, an index, a foreign key to an earlier table),
 * a function and a view over the new tables; the rest change what is there (a column added to an
 * existing table, a function replaced with a new body, a view dropped and rebuilt with the new
 * column) and keep adding two tables with their index each. Deterministic: the same files every
 * time, written to a fresh folder ({@code <dir>/migrations/V<n>__<what>.sql}).
 */
final class GeneratedFlywayHistory {

    static final int MIGRATIONS = 220;
    static final int GROWTH = 100;

    private GeneratedFlywayHistory() {
    }

    /** Writes the migrations under {@code dir/migrations} and returns {@code dir}, the corpus folder. */
    static Path write(Path dir) {
        try {
            Path migrations = Files.createDirectories(dir.resolve("migrations"));
            for (int i = 1; i <= MIGRATIONS; i++) {
                String name = i <= GROWTH ? "grow" : "change";
                Files.writeString(migrations.resolve("V" + i + "__" + name + ".sql"), migration(i));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated Flyway history into " + dir, e);
        }
    }

    /** Tracked objects the history ends with (tables, their constraints and indexes, functions, views, the schema). */
    static int objects() {
        int growthTables = 3 * GROWTH;
        int laterTables = 2 * (MIGRATIONS - GROWTH);
        // a growth table: itself, its primary key, its index and (but for the very first) its foreign key
        return 1 + growthTables * 4 - 1 + 2 * GROWTH + laterTables * 3;
    }

    static String migration(int i) {
        StringBuilder sql = new StringBuilder();
        if (i == 1) {
            sql.append("CREATE SCHEMA app;\n");
        }
        if (i <= GROWTH) {
            for (int k = 0; k < 3; k++) {
                int t = 3 * (i - 1) + k;
                sql.append("CREATE TABLE app.t").append(t).append(" (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '',")
                        .append(" amount numeric(12, 2), created_at timestamptz NOT NULL DEFAULT now()");
                if (t > 0) {
                    sql.append(", parent_id bigint REFERENCES app.t").append(t / 2).append(" (id)");
                }
                sql.append(");\n");
                sql.append("CREATE INDEX t").append(t).append("_name ON app.t").append(t).append(" (name);\n");
            }
            int t = 3 * (i - 1);
            sql.append("CREATE FUNCTION app.f").append(i).append("(x bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM app.t")
                    .append(t).append(" WHERE id > x $$;\n");
            sql.append("CREATE VIEW app.v").append(i).append(" AS SELECT a.id, a.name, b.amount FROM app.t").append(t)
                    .append(" a JOIN app.t").append(t + 1).append(" b ON b.id = a.id;\n");
        } else {
            int n = i - GROWTH;
            int target = (n * 37) % GROWTH + 1;   // a growth migration's objects, revisited
            int table = 3 * (target - 1);
            sql.append("ALTER TABLE app.t").append(table).append(" ADD COLUMN c").append(i).append(" integer;\n");
            sql.append("CREATE OR REPLACE FUNCTION app.f").append(target).append("(x bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) + ")
                    .append(i).append(" FROM app.t").append(table).append(" WHERE id > x $$;\n");
            sql.append("DROP VIEW app.v").append(target).append(";\n");
            sql.append("CREATE VIEW app.v").append(target).append(" AS SELECT a.id, a.name, a.c").append(i).append(", b.amount FROM app.t")
                    .append(table).append(" a JOIN app.t").append(table + 1).append(" b ON b.id = a.id;\n");
            for (int k = 0; k < 2; k++) {
                String t = "u" + n + "_" + k;
                sql.append("CREATE TABLE app.").append(t).append(" (id bigint PRIMARY KEY, t_id bigint, note text);\n");
                sql.append("CREATE INDEX ").append(t).append("_t ON app.").append(t).append(" (t_id);\n");
            }
        }
        return sql.toString();
    }
}
