package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link StaticAddressContract} on the rootless embedded engine (an ordinary user), with a state directory of its own:
 * the bridges live in the user's one network namespace, yet every case holds as it does rootful and on Docker.
 */
class RootlessStaticAddressContractIT extends StaticAddressContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }
}
