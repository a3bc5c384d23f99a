package io.pggit.flyway;

import io.pggit.core.Pggit;
import io.pggit.core.model.Comparison;
import io.pggit.core.testing.TestDb;
import io.pggit.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two databases migrated to different versions of the CQRS example, compared, and the plan applied. */
class CompareTest {

    static final Path EXAMPLE = Path.of(System.getProperty("user.dir")).resolve("../examples/flyway-cqrs/src/main/resources/db/migration")
            .normalize().toAbsolutePath();

    static TestDb migrated(String name, String target) {
        TestDb db = TestDb.create(name);
        Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.get().user(), TestPostgres.get().password())
                .locations("filesystem:" + EXAMPLE).target(target).callbacks(new PggitFlywayCallback()).load().migrate();
        return db;
    }

    @Test
    void thePlanBringsTheTargetToTheSource() {
        TestDb staging = migrated("staging", "latest");
        TestDb production = migrated("production", "4");
        production.exec("CREATE TABLE public.hotfix_only_in_production (a int)");

        Comparison before = Pggit.compare(staging.dataSource(), production.dataSource());
        List<String> differences = before.differences().stream().map(Object::toString).sorted().toList();
        assertTrue(differences.contains("A materialized_view:query_cache.mv_meter_daily"), differences.toString());
        assertTrue(differences.contains("M function:app.process_meter(uuid, jsonb)"), differences.toString());
        assertTrue(differences.contains("D table:command_staging.tb_import"), differences.toString());
        assertTrue(differences.contains("D table:public.hotfix_only_in_production"), differences.toString());

        production.exec(String.join("\n", before.plan()));
        Comparison after = Pggit.compare(staging.dataSource(), production.dataSource());
        assertEquals(List.of(), after.differences(), () -> "plan:\n" + String.join("\n", before.plan()));
        assertEquals(List.of(), after.plan());
    }

    @Test
    void columnsAreAlteredInPlaceAndChildrenRecreated() {
        TestDb source = TestDb.withPggit("compare_columns_source");
        TestDb target = TestDb.withPggit("compare_columns_target");
        source.exec("CREATE TABLE public.\"Zähler\" (id int PRIMARY KEY, v numeric(10,2) NOT NULL DEFAULT 0, note text, added text DEFAULT 'x')",
                "CREATE INDEX z_v ON public.\"Zähler\" (v DESC)", "COMMENT ON COLUMN public.\"Zähler\".note IS 'neu'");
        target.exec("CREATE TABLE public.\"Zähler\" (id int PRIMARY KEY, v numeric(8,2) DEFAULT 1, note text, old int)",
                "CREATE INDEX z_v ON public.\"Zähler\" (v)");
        Comparison c = Pggit.compare(source.dataSource(), target.dataSource());
        assertEquals(List.of("M index:public.\"Zähler\".z_v", "M table:public.\"Zähler\""),
                c.differences().stream().map(Object::toString).sorted().toList());
        assertTrue(c.plan().stream().noneMatch(sql -> sql.startsWith("DROP TABLE")), "altered in place: " + c.plan());
        target.exec(String.join("\n", c.plan()));
        assertEquals(List.of(), Pggit.compare(source.dataSource(), target.dataSource()).differences(),
                () -> String.join("\n", c.plan()));
    }
}
