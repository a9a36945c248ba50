package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link ProcessOptionsContract} on the rootless embedded engine (an ordinary user), with a state directory of its own:
 * the sysctls are written by root of the user namespace, which owns the container's network and IPC namespaces.
 */
class RootlessProcessOptionsContractIT extends ProcessOptionsContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }
}
