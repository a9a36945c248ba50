package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DevicesContract} on the rootless embedded engine (an ordinary user): the host's node is bound, so a node the
 * user cannot open is refused at create, saying so, rather than failing inside the container.
 */
class RootlessDevicesContractIT extends DevicesContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    @Test
    void aDeviceTheUserCannotOpenIsRefusedSayingWhy() {
        // /dev/fuse is root's alone (crw-------) on the test bed
        assertThatThrownBy(() -> engine.createContainer(busybox("true").device("/dev/fuse").build()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("device /dev/fuse cannot be given to a rootless container")
                .hasMessageContaining("cannot open it for reading and writing on the host");
    }
}
