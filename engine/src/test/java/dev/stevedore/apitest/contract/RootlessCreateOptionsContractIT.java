package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link CreateOptionsContract} on the rootless embedded engine (an ordinary user), with a state directory of its own:
 * there a hard limit cannot be raised past the user's own, and the launcher says so.
 */
class RootlessCreateOptionsContractIT extends CreateOptionsContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    @Override
    protected String ulimitRefusal() {
        return "--ulimit";
    }
}
