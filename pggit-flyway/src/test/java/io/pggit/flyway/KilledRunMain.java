package io.pggit.flyway;

import org.flywaydb.core.Flyway;

/**
 * A Flyway migrate with the pggit callback, in a JVM of its own, for {@link KilledRunTest} to kill.
 * Arguments: JDBC URL, user, password, migrations folder.
 */
public final class KilledRunMain {

    private KilledRunMain() {
    }

    public static void main(String[] args) {
        Flyway.configure()
                .dataSource(args[0], args[1], args[2])
                .locations("filesystem:" + args[3])
                .callbacks(new PggitFlywayCallback())
                .load()
                .migrate();
        System.out.println("pggit killed run: migrate finished (it should have been killed first)");
    }
}
