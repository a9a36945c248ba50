package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link CreateOptionsContract} on the embedded engine, with a state directory of its own. */
class EmbeddedCreateOptionsContractIT extends CreateOptionsContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    @Override
    protected String ulimitRefusal() {
        return "--ulimit"; // the launcher names the limit
    }
}
