package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.internal.docker.Labels;
import dev.stevedore.engine.testbed.Testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker backend on the test bed's dockerd ({@code testbed/dockerd up}), for the {@code Docker*ContractIT}
 * classes, and the daemon-side end check: nothing carrying the closed engine's session label is left, asked of
 * the daemon by the docker CLI (an independent client) rather than by the engine under test.
 */
final class TestbedDocker {
    private TestbedDocker() {
    }

    /** The test bed's dockerd socket; fails (never skips) when it is not up. */
    static Path socket() {
        return Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up` (testbed.env has no DOCKER_SOCKET)"));
    }

    static ContainerEngine open() {
        return DockerEngine.open(DockerEndpoint.unix(socket(), "test bed"), EngineSettings.fromEnvironment());
    }

    /** Checks with the docker CLI that no container or volume of the closed engine's session remains. */
    static void assertNothingLeft(ContainerEngine closed) {
        String session = ((DockerEngine) closed).session().toString();
        String filter = "label=" + Labels.SESSION + "=" + session;
        assertThat(docker("ps", "-a", "-q", "--filter", filter)).as("containers of session %s left in dockerd", session).isEmpty();
        assertThat(docker("volume", "ls", "-q", "--filter", filter)).as("volumes of session %s left in dockerd", session).isEmpty();
        assertThat(docker("network", "ls", "-q", "--filter", filter)).as("networks of session %s left in dockerd", session).isEmpty();
    }

    private static List<String> docker(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("docker", "-H", "unix://" + socket()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
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
