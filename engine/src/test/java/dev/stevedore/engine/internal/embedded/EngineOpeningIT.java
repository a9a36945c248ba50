package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded engine makes its container and network services and its event journal when first used. */
class EngineOpeningIT {
    @TempDir
    Path state;

    @Test
    void listingImagesTouchesNoContainerNetworkOrEventState() {
        try (ContainerEngine engine = EmbeddedEngine.open(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            assertThat(engine.images()).isEmpty();
            assertThat(engine.info().name()).isEqualTo("embedded");

            assertThat(state.resolve("containers")).as("the container store").doesNotExist();
            assertThat(state.resolve("networks")).as("the network records").doesNotExist();
            assertThat(state.resolve("events")).as("the event journal").doesNotExist();
        }
    }

    @Test
    void aClosedEngineMakesNoServicesAnyMore() {
        ContainerEngine engine = EmbeddedEngine.open(EngineSettings.fromEnvironment().withStateDirectory(state));
        engine.close();

        assertThatThrownBy(() -> engine.containers(true, Map.of()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("is closed; open a new one");
        assertThat(state.resolve("containers")).doesNotExist();
    }
}
