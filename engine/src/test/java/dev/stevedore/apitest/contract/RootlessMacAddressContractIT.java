package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link MacAddressContract} on the rootless embedded engine (an ordinary user), whose veths are made in the user's
 * network namespace; with a state directory of its own.
 */
class RootlessMacAddressContractIT extends MacAddressContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }
}
