package dev.stevedore.apitest.contract;

import dev.stevedore.engine.BuildCachePrune;
import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link BuildContract} on the rootless embedded engine (an ordinary user), with a state directory of its own: RUN
 * steps run in the user's namespace, their layers are read there (the container's ids, not the subordinate ones), and
 * the image pushed is pulled and run by the test bed's dockerd.
 */
class RootlessBuildContractIT extends BuildContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    /**
     * The cache and its unpacked snapshots hold directories of the container's other users (the user's subordinate
     * ids), which the test's own clean-up, as the user, cannot delete: the engine deletes them, in the user's namespace.
     */
    @Override
    protected void afterImagesRemoved() {
        engine.pruneBuildCache(new BuildCachePrune(true, Duration.ZERO, 0));
    }
}
