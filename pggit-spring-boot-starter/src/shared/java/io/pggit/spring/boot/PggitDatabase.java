package io.pggit.spring.boot;

import javax.sql.DataSource;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The database the application's migrations run on, as its migration tool's bean has it (Flyway's
 * own data source, {@code spring.flyway.url} included; Liquibase's): where the {@code Pggit} bean of
 * the endpoint and the health indicator reads.
 *
 * @param dataSource that database
 */
public record PggitDatabase(DataSource dataSource) {

    public PggitDatabase {
        requireNonNull(dataSource, "dataSource");
    }

    /**
     * The first migration tool's database (in bean order: Flyway's, then Liquibase's), else the
     * application's one {@code DataSource}.
     *
     * @throws IllegalStateException when there is neither
     */
    public static DataSource choose(Stream<PggitDatabase> migrated, Supplier<DataSource> dataSource) {
        return migrated.findFirst().map(PggitDatabase::dataSource)
                .or(() -> Optional.ofNullable(dataSource.get()))
                .orElseThrow(() -> new IllegalStateException("pggit: no database to read: the application has no Flyway or Liquibase "
                        + "bean and no single DataSource (define a Pggit bean: Pggit.builder(dataSource).build())"));
    }
}
