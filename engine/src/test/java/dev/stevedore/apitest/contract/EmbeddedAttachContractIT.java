package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link AttachContract} on the embedded engine, with a state directory of its own. */
class EmbeddedAttachContractIT extends AttachContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }
}
