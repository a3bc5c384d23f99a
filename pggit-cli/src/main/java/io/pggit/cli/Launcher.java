package io.pggit.cli;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The jar's {@code Main-Class}: runs {@link PggitCli} with a PostgreSQL driver.
 *
 * <p>The jar carries PgJDBC only as a nested jar ({@code META-INF/pggit/lib/postgresql.jar}), never
 * as classes: dropped into Liquibase's {@code lib/} or Flyway's {@code drivers/}, it must not put a
 * second driver beside the one the tool ships. So when no driver is on the classpath
 * ({@code java -jar pggit-cli.jar}), this copies the nested jar to a temporary file and runs the
 * command line in a class loader over this jar and that one.
 */
public final class Launcher {

    static final String NESTED_DRIVER = "META-INF/pggit/lib/postgresql.jar";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        ClassLoader own = Launcher.class.getClassLoader();
        URL nested = own.getResource(NESTED_DRIVER);
        if (own.getResource("org/postgresql/Driver.class") != null || nested == null) {
            PggitCli.main(args);
            return;
        }
        Path driver = Files.createTempFile("pggit-postgresql-", ".jar");
        driver.toFile().deleteOnExit();
        try (InputStream in = nested.openStream()) {
            Files.copy(in, driver, StandardCopyOption.REPLACE_EXISTING);
        }
        URL self = Launcher.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader loader = new URLClassLoader(new URL[] {self, driver.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            loader.loadClass(PggitCli.class.getName()).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
