package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link ResourcesContract} on the embedded engine, with a state directory of its own. */
class EmbeddedResourcesContractIT extends ResourcesContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }
}
