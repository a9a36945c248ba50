package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.internal.docker.Labels;
import dev.stevedore.engine.testbed.Testbed;

import java.nio.file.Path;
import java.util.List;

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
        return DockerCli.run(socket(), arguments);
    }
}
