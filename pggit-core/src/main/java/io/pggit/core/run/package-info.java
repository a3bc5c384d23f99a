/**
 * One run of a migration tool as pggit records it: {@link io.pggit.core.run.MigrationRun} (open a
 * deployment, record each migration fail-open or fail-closed, record failed ones, close and scan
 * for drift) and {@link io.pggit.core.run.SideConnection} (where pggit's own short writes go while
 * the tool's migrations run). The Flyway callback and the Liquibase listener only map their tool's
 * events onto these calls; the SQL they run is {@link io.pggit.core.PggitSession}'s.
 */
package io.pggit.core.run;
