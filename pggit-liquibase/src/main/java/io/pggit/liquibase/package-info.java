/**
 * Liquibase integration of pggit. Not built yet: the changeset listener, the update-pipeline
 * command step and the {@code liquibase.pggit.*} settings come with the Liquibase issue, mapping
 * Liquibase's lifecycle onto {@link io.pggit.core.MigrationRun} exactly as the Flyway callback does.
 */
package io.pggit.liquibase;
