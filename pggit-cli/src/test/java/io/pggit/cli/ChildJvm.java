package io.pggit.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Java program in a JVM of its own, with exactly the classpath given: how users run the jar. */
final class ChildJvm {

    /** The shaded jar the build made (the module's artifact). */
    static Path cliJar() {
        Path jar = Path.of(System.getProperty("pggit.cli.jar", "target/pggit-cli.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": these tests run after package (mvn verify)");
        }
        return jar;
    }

    /**
     * The jars of this test JVM's classpath whose file name starts with one of {@code prefixes}
     * followed by a version ({@code liquibase-core-4.33.0.jar} for {@code liquibase-core}).
     */
    static List<Path> jars(String... prefixes) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> out = new ArrayList<>();
        for (String prefix : prefixes) {
            List<Path> found = Arrays.stream(cp.split(File.pathSeparator)).map(Path::of)
                    .filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(prefix) + "-[0-9].*\\.jar"))
                    .toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no " + prefix + " jar on the test classpath");
            }
            out.addAll(found);
        }
        return out;
    }

    /** What a child JVM did. */
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code java -cp <classpath> <mainClass> <args>} in {@code dir}. */
    static Result run(Path dir, List<Path> classpath, Map<String, String> env, String mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaExe(), "-Dliquibase.analytics.enabled=false", "-cp",
                String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()), mainClass));
        cmd.addAll(args);
        return exec(dir, env, cmd);
    }

    /** Runs {@code java -jar pggit-cli.jar <args>}. */
    static Result cli(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaExe(), "-jar", cliJar().toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return exec(dir, env, cmd);
    }

    private static Result exec(Path dir, Map<String, String> env, List<String> cmd) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("PGPASSWORD");
        pb.environment().put("REDGATE_DISABLE_TELEMETRY", "true");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String javaExe() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
