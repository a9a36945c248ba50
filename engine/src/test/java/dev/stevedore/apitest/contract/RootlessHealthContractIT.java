package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link HealthContract} on the rootless embedded engine (an ordinary user), with a state directory of its own. */
class RootlessHealthContractIT extends HealthContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }
}
