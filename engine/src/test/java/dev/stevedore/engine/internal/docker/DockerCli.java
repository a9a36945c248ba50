package dev.stevedore.engine.internal.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI on a given daemon socket, for tests that check the daemon's view with a client other
 * than the one under test. Fails (an {@link AssertionError}) when the command fails or is missing.
 */
public final class DockerCli {
    private DockerCli() {
    }

    /** Runs {@code docker -H unix://SOCKET ARGUMENTS...} and returns its non-blank output lines. */
    public static List<String> run(Path socket, String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker", "-H", "unix://" + socket));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
            return output.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new AssertionError("running the docker CLI failed (is docker.io installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }
}
