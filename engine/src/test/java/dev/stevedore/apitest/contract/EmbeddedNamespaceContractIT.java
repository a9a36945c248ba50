package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link NamespaceContract} on the embedded engine as root, with a state directory of its own. */
class EmbeddedNamespaceContractIT extends NamespaceContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }
}
