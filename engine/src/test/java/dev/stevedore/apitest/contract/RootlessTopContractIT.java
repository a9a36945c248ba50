package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TopContract} on the rootless embedded engine (an ordinary user), with a state directory of its own. */
class RootlessTopContractIT extends TopContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    /** Rootless, the host's pid namespace is refused (it belongs to the host's root user), saying why. */
    @Test
    @Override
    protected void aContainerInTheHostsPidNamespaceListsItsOwnProcessesOnlyAsOnDockerd() {
        assertThatThrownBy(() -> started(busybox("exec sleep 3604").pidMode("host")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--pid host is not available to a rootless engine");
    }
}
