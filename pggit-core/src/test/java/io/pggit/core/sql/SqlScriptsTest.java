package io.pggit.core.sql;

import io.pggit.core.internal.install.Installer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The checked-in SQL scripts are what the sources generate, and released ones never change.
 * Runs from the pggit-core module directory (as Maven's surefire does).
 */
class SqlScriptsTest {

    /**
     * Released scripts, frozen: file name to the hex SHA-256 of its bytes. Cutting a release adds its
     * install script and upgrade step here (docs/architecture.md, "Cutting a release").
     */
    static final Map<String, String> RELEASED = Map.of(
            "pggit--0.1.sql", "d2c86f714ffe9260bf84df0b1de0e97f16d3dfcaf824f3d214b4c24e84d42675");

    private static final Path SOURCES = SqlScripts.SOURCES;
    private static final Path OUTPUT = SqlScripts.OUTPUT;

    @Test
    void checkedInScriptsOfTheVersionUnderDevelopmentAreWhatTheSourcesGenerate() throws IOException {
        Map<String, String> generated = SqlScripts.generate(SOURCES, Installer.CURRENT);
        assertTrue(generated.containsKey("pggit--" + Installer.CURRENT + ".sql"));
        String previous = Installer.VERSIONS.get(Installer.VERSIONS.size() - 2);
        assertTrue(generated.containsKey("pggit--" + previous + "--" + Installer.CURRENT + ".sql"),
                "no upgrade step from " + previous + ": write src/main/sql/updates/pggit--" + previous + "--" + Installer.CURRENT + ".sql");
        for (Map.Entry<String, String> e : generated.entrySet()) {
            Path checkedIn = OUTPUT.resolve(e.getKey());
            assertTrue(Files.exists(checkedIn), checkedIn + " is missing: " + regenerate());
            if (!Files.readString(checkedIn, StandardCharsets.UTF_8).equals(e.getValue())) {
                fail(checkedIn + " is not what src/main/sql generates (edited by hand, or the sources changed since): " + regenerate());
            }
        }
    }

    @Test
    void releasedScriptsAreFrozenAndEveryScriptIsReleasedOrGenerated() throws IOException, NoSuchAlgorithmException {
        Set<String> generated = SqlScripts.generate(SOURCES, Installer.CURRENT).keySet();
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(OUTPUT)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).forEach(present::add);
        }
        for (String name : present) {
            assertTrue(RELEASED.containsKey(name) || generated.contains(name),
                    OUTPUT.resolve(name) + " is neither a released script (SqlScriptsTest.RELEASED) nor generated from src/main/sql");
        }
        for (Map.Entry<String, String> e : RELEASED.entrySet()) {
            assertTrue(present.contains(e.getKey()), "released script " + e.getKey() + " is gone");
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(OUTPUT.resolve(e.getKey()))));
            assertEquals(e.getValue(), hash, e.getKey() + " is released and frozen: put the change into the sources of "
                    + Installer.CURRENT + " and its upgrade step instead");
        }
        for (String v : Installer.VERSIONS) {
            assertTrue(present.contains("pggit--" + v + ".sql"), "no install script for version " + v);
        }
    }

    @Test
    void everySourceFileIsInTheInstallOrderOnceAndEveryListedFileExists() throws IOException {
        List<String> order = SqlScripts.installOrder(SOURCES);
        assertEquals(order.size(), new TreeSet<>(order).size(), "install.list names a file twice: " + order);
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(p -> p.toString().endsWith(".sql"))
                    .map(p -> SOURCES.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith("updates/"))
                    .forEach(onDisk::add);
        }
        assertEquals(onDisk, new TreeSet<>(order), "install.list and the .sql files under src/main/sql differ");
    }

    private static String regenerate() {
        return "run  mvn -B -pl pggit-core -Pregenerate-sql process-test-classes  and commit the result";
    }
}
