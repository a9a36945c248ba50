package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeSpec;
import dev.stevedore.engine.internal.embedded.MemoryStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link VolumeContract} on the embedded engine, with a state directory of its own. */
class EmbeddedVolumeContractIT extends VolumeContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    /**
     * Docker 23's label on an anonymous volume (dockerd 20.10 sets none); a test's container keeps its anonymous
     * volume in memory, as its own directory, one kept for a user (as {@code stevedore run} makes it) on disk.
     */
    @Test
    void anAnonymousVolumeCarriesDockersLabelAndLivesWhereItsContainerDoes() {
        Path inMemory = MemoryStorage.root(state).map(root -> root.resolve("volumes")).orElse(state.resolve("volumes"));
        ContainerInfo test = engine.createContainer(busybox("true").mount(Mount.volume("", "/data", false)).build());
        ContainerInfo kept = engine.createContainer(busybox("true").label(ContainerSpec.KEEP_LABEL, "true")
                .mount(Mount.volume("", "/data", false)).build());

        VolumeInfo testVolume = engine.inspectVolume(test.mounts().get(0).source());
        VolumeInfo keptVolume = engine.inspectVolume(kept.mounts().get(0).source());

        assertThat(testVolume.labels()).containsEntry(VolumeSpec.ANONYMOUS_LABEL, "");
        assertThat(keptVolume.labels()).containsEntry(VolumeSpec.ANONYMOUS_LABEL, "");
        assertThat(Path.of(testVolume.mountpoint())).startsWith(inMemory);
        assertThat(Path.of(keptVolume.mountpoint())).startsWith(state.resolve("volumes"));
        engine.removeContainer(test.id(), false);
        engine.removeContainer(kept.id(), false);
        assertThat(engine.volumes()).extracting(VolumeInfo::name)
                .doesNotContain(testVolume.name(), keptVolume.name());
    }
}
