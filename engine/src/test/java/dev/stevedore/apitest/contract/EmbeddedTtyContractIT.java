package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TtyContract} on the embedded engine; and what only it has: a container's terminal is resized from the engine
 * that started it, and a container without a tty refuses a resize with the reason.
 */
class EmbeddedTtyContractIT extends TtyContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    @Test
    void aContainerWithoutATtyRefusesAResizeWithTheReason() {
        ContainerInfo plain = started(busybox("sleep 3600"));

        assertThatThrownBy(() -> engine.resizeContainer(plain.id(), 30, 100))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("created without a tty");
        engine.removeContainer(plain.id(), true);
    }

    @Test
    void anotherEngineOnTheSameStateIsRefusedTheResizeWithTheReason() {
        ContainerInfo sh = started(busybox("sleep 3600").tty(true));

        try (ContainerEngine other = openEngine()) {
            assertThat(other.inspectContainer(sh.id()).state().running()).isTrue();
            assertThatThrownBy(() -> other.resizeContainer(sh.id(), 30, 100))
                    .isInstanceOf(ContainerEngineException.class)
                    .hasMessageContaining("started by another process");
        }
        engine.removeContainer(sh.id(), true);
    }
}
