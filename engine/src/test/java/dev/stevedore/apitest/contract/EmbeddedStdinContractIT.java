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
 * {@link StdinContract} on the embedded engine, with a state directory of its own; and what only the embedded engine
 * has: a container's stdin is reached from the engine that started it, another one (as another process would) is
 * refused with the reason.
 */
class EmbeddedStdinContractIT extends StdinContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    @Test
    void anotherEngineOnTheSameStateIsRefusedTheStdinWithTheReason() {
        ContainerInfo cat = started(busybox("cat").openStdin(true).stdinOnce(true));

        try (ContainerEngine other = openEngine()) {
            assertThat(other.inspectContainer(cat.id()).state().running()).isTrue();
            assertThatThrownBy(() -> other.attachStdin(cat.id()))
                    .isInstanceOf(ContainerEngineException.class)
                    .hasMessageContaining("started by another process")
                    .hasMessageContaining("only from the process that started it");
        }
        engine.removeContainer(cat.id(), true);
    }
}
