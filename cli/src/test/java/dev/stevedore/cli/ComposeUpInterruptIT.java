package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C typed on a terminal into an attached {@code stevedore compose up}, the packaged command as a user runs it
 * (the launcher script), driven on a real pseudo-terminal by {@code pty-interrupt.py}: the command stops the services'
 * containers and exits 130 with nothing of it left running, both on a command's first run (when the launcher's shell
 * waits for the JVM to write its class-data archive, and once died of the Ctrl-C itself, leaving the JVM to stop the
 * containers behind the user's prompt) and on later runs (the JVM is the process itself).
 */
class ComposeUpInterruptIT {
    private static final long TIMEOUT_SECONDS = 120;

    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void findTestbed() {
        busybox = LocalTestbed.load().get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @Test
    void ctrlCStopsTheServicesAndEndsTheCommandOnTheFirstAndLaterRuns() throws Exception {
        Path cache = scratch.resolve("cache");
        Path file = scratch.resolve("compose.yaml");
        // sh as PID 1 ignores SIGTERM unless it traps it: this one stops at once, so the test does not wait 10 s
        Files.writeString(file, """
                services:
                  ticker:
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo tick; sleep 1; done"]
                """.formatted(busybox));
        String project = "intr" + Long.toHexString(System.nanoTime());

        for (String run : List.of("first run (writes the archive)", "later run (maps it)")) {
            String report = interruptedComposeUp(cache, file, project);
            assertThat(report).as(run).startsWith("exit 130\nleft none\n").contains("Gracefully stopping");
            CliRunner.Result state = new PackagedCli(home, scratch).run(Map.of(), "--engine", "embedded",
                    "ps", "-a", "--filter", "name=" + project + "-ticker-1", "--format", "json");
            assertThat(state.out()).as(run + ": the service's container after the Ctrl-C; " + state).contains("\"State\":\"exited\"");
        }
        assertThat(Files.list(cache.resolve("stevedore/cds")).map(p -> p.getFileName().toString()).toList())
                .as("the first run's archive, complete").anyMatch(name -> name.endsWith("-compose.jsa"));

        new PackagedCli(home, scratch).run(Map.of(), "--engine", "embedded", "compose", "-f", file.toString(), "-p", project, "down");
    }

    private String interruptedComposeUp(Path cache, Path file, String project) throws IOException, InterruptedException {
        Path driver = scratch.resolve("pty-interrupt.py");
        try (InputStream in = getClass().getResourceAsStream("pty-interrupt.py")) {
            Files.copy(in, driver, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path launcher = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath().resolveSibling("stevedore");
        List<String> command = new ArrayList<>(List.of("python3", driver.toString(), "ticker-1  | tick", String.valueOf(TIMEOUT_SECONDS / 2),
                launcher.toString(), "--engine", "embedded", "compose", "-f", file.toString(), "-p", project, "up"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("STEVEDORE_HOME", home.toString());
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TERM", "xterm");
        Process driving = builder.start();
        // the driver bounds itself (it kills what hangs); this bound is for the driver
        byte[] report = driving.getInputStream().readAllBytes();
        assertThat(driving.waitFor(TIMEOUT_SECONDS * 5, TimeUnit.SECONDS)).as("the pty driver ended").isTrue();
        return new String(report, StandardCharsets.UTF_8);
    }
}
