package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.embedded.EmbeddedEngine;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ContainerEngine#detect} on this machine, steered by system properties as a user would by the
 * environment: {@code stevedore.engine} and {@code docker.host} open exactly what they name, and this root
 * Linux test host is one where the embedded engine can run.
 */
class EngineSelectionIT {
    @TempDir
    Path state;

    @AfterEach
    void clearProperties() {
        System.clearProperty("stevedore.engine");
        System.clearProperty("docker.host");
    }

    private EngineSettings settings() {
        return EngineSettings.fromEnvironment().withStateDirectory(state);
    }

    @Test
    void dockerHostOpensTheDockerBackendOnThatDaemon() {
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        System.setProperty("docker.host", "unix://" + socket);

        try (ContainerEngine engine = ContainerEngine.detect(settings())) {
            assertThat(engine).isInstanceOfSatisfying(DockerEngine.class,
                    docker -> assertThat(docker.endpoint().uri()).isEqualTo("unix://" + socket));
            assertThat(engine.containers(false, java.util.Map.of())).isNotNull();
            assertThat(engine.capabilities().sharesHostFiles()).as("a daemon may be remote: files are copied to it").isFalse();
        }
    }

    @Test
    void stevedoreEngineEmbeddedWinsOverDockerHost() {
        System.setProperty("docker.host", "unix:///nonexistent/docker.sock");
        System.setProperty("stevedore.engine", "embedded");

        try (ContainerEngine engine = ContainerEngine.detect(settings())) {
            assertThat(engine).isInstanceOf(EmbeddedEngine.class);
            assertThat(engine.capabilities().sharesHostFiles()).isTrue();
        }
    }

    @Test
    void thisRootLinuxHostCanRunTheEmbeddedEngine() {
        EngineSelection.Facts facts = EngineSelection.systemFacts(settings());

        assertThat(facts.effectiveUid()).isZero();
        assertThat(facts.overlayAvailable()).isTrue();
        assertThat(EngineSelection.embeddedBlockers(facts)).isEmpty();
    }
}
