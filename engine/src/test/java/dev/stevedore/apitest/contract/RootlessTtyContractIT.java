package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link TtyContract} on the rootless embedded engine (an ordinary user): the pty is made in a devpts instance mounted
 * with newinstance inside the user's namespace.
 */
class RootlessTtyContractIT extends TtyContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }
}
