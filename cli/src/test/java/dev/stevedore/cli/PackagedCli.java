package dev.stevedore.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged command as a user runs it: the {@code stevedore} launcher the build writes next to
 * {@code stevedore.jar}, in a child process with its own state directory. The launcher's class-data archives go
 * to a cache under {@code target/}, shared by the tests, as a user's go to {@code ~/.cache}.
 */
final class PackagedCli {
    private static final long TIMEOUT_SECONDS = 180;

    private final Path launcher;
    private final Path home;
    private final Path scratch;

    PackagedCli(Path home, Path scratch) {
        Path jar = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath();
        this.launcher = jar.resolveSibling("stevedore");
        if (!Files.isRegularFile(jar) || !Files.isExecutable(launcher)) {
            throw new IllegalStateException(jar + " or " + launcher + " does not exist — run './mvnw -pl cli -am package'"
                    + " so they are packaged first");
        }
        this.home = home;
        this.scratch = scratch;
    }

    /** Runs {@code stevedore ARGS} with STEVEDORE_HOME set to the test's state directory and {@code env} added. */
    CliRunner.Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(env, new File("/dev/null"), args);
    }

    /** {@code stevedore ARGS} as a user at a terminal of {@code rows} x {@code columns} runs it ({@link PtyDriver}). */
    PtyDriver.Terminal onTerminal(int rows, int columns, List<String> steps, String... args)
            throws IOException, InterruptedException {
        return onTerminal(Map.of(), rows, columns, steps, args);
    }

    /** As {@link #onTerminal(int, int, List, String...)}, with {@code added} in the environment. */
    PtyDriver.Terminal onTerminal(Map<String, String> added, int rows, int columns, List<String> steps, String... args)
            throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>();
        environment(env, added);
        for (String inherited : List.of("STEVEDORE_ENGINE", "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY")) {
            env.put(inherited, null);
        }
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return PtyDriver.run(scratch, env, rows, columns, steps, command);
    }

    private void environment(Map<String, String> environment, Map<String, String> env) {
        // the engine is the test's to choose, not the machine's
        for (String inherited : List.of("STEVEDORE_ENGINE", "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY")) {
            environment.remove(inherited);
        }
        environment.put("STEVEDORE_HOME", home.toString());
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("XDG_CACHE_HOME", launcher.resolveSibling("it-cache").toString());
        // a command keeps its idle default bridge for the next one; a test's home is deleted after it, so the test
        // deletes it at once instead (NetworkManagerIT holds the keeping itself)
        environment.put("STEVEDORE_JAVA_OPTS", "-Dstevedore.network.keepIdleBridge=false");
        environment.putAll(env);
    }

    /** As {@link #run(Map, String...)}, its standard input read from {@code input}. */
    CliRunner.Result run(Map<String, String> env, File input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "stdout", ".txt");
        Path err = Files.createTempFile(scratch, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(input))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        environment(builder.environment(), env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("stevedore " + String.join(" ", args) + " did not finish within "
                    + TIMEOUT_SECONDS + " s; output so far:\n" + Files.readString(out, StandardCharsets.UTF_8)
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return CliRunner.Result.of(process.exitValue(), out, err);
    }
}
