package io.pggit.core;

import io.pggit.core.model.Blame;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pggit.blame} (issue 16): for each column and constraint of a table, the migration that
 * last changed it, through renames of the table and its columns; for a function, each change of
 * its definition. The history is six migrations, each linked as a tool would link it
 * ({@code pggit.link_migration} commits the DDL journaled since the last one).
 */
class BlameTest {

    @Test
    void eachColumnAndConstraintIsBlamedOnTheMigrationThatLastChangedIt() {
        TestDb db = TestDb.withPggit("blame");
        db.exec("CREATE SCHEMA app", "CREATE TABLE app.orders (id int PRIMARY KEY, amount int, note text)",
                "SELECT pggit.link_migration('1', 'flyway', 'create orders')",
                "ALTER TABLE app.orders ALTER amount SET DEFAULT 0", "SELECT pggit.link_migration('2', 'flyway', 'default amount')",
                "ALTER TABLE app.orders RENAME COLUMN note TO \"Bemerkung\"", "ALTER TABLE app.orders ADD CONSTRAINT amount_positive CHECK (amount >= 0)",
                "SELECT pggit.link_migration('3', 'flyway', 'rename note, check amount')",
                "ALTER TABLE app.orders RENAME TO purchases", "COMMENT ON TABLE app.purchases IS 'what was bought'",
                "SELECT pggit.link_migration('4', 'flyway', 'orders are purchases')",
                "CREATE FUNCTION app.total(int) RETURNS int LANGUAGE sql AS 'SELECT 1'", "SELECT pggit.link_migration('5', 'flyway', 'total')",
                "CREATE OR REPLACE FUNCTION app.total(int) RETURNS int LANGUAGE sql AS 'SELECT 2'", "SELECT pggit.link_migration('6', 'flyway', 'total v2')");

        assertEquals(List.of("column id: flyway 1 create orders (A)", "column amount: flyway 2 default amount (M)",
                        "column Bemerkung: flyway 3 rename note, check amount (M)", "table: flyway 4 orders are purchases (R)",
                        "constraint amount_positive: flyway 3 rename note, check amount (A)", "constraint orders_pkey: flyway 1 create orders (A)"),
                db.column("SELECT part || ': ' || tool || ' ' || migration || ' ' || description || ' (' || change || ')' FROM pggit.blame('app.purchases')"),
                "columns in table order through the column's and the table's renames, the table's own properties, what lives on it");
        assertEquals(List.of("definition function:app.total(integer) 6 M", "definition function:app.total(integer) 5 A"),
                db.column("SELECT part || ' ' || object_key || ' ' || migration || ' ' || change FROM pggit.blame('function:app.total(integer)')"),
                "each change of a routine's definition, newest first");
        assertEquals(List.of("column id 1", "column amount 1", "column note 1", "table 1", "constraint orders_pkey 1"),
                db.column("SELECT part || ' ' || migration FROM pggit.blame('app.orders', 'HEAD~5')"), "at an older revision, under its name then");

        List<Blame> viaJava = db.pggit().blame("app.purchases", "HEAD");
        assertEquals("column Bemerkung", viaJava.get(2).part());
        assertEquals("flyway 3 rename note, check amount", viaJava.get(2).migration().orElseThrow().toString());
        assertTrue(viaJava.get(2).author().isPresent() && viaJava.get(2).committedAt().isPresent());
        PggitException none = assertThrows(PggitException.class, () -> db.pggit().blame("app.orders", "HEAD"));
        assertTrue(none.getMessage().contains("no object \"app.orders\" at HEAD"), none.getMessage());
    }
}
