package dev.stevedore.apitest.contract;

import dev.stevedore.apitest.CgroupPaths;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ResourcesContract} on the embedded engine, with a state directory of its own. */
class EmbeddedResourcesContractIT extends ResourcesContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    /** dockerd takes any path at create and fails at start without naming it; this engine refuses it at create. */
    @Test
    void aDeviceLimitOnAPathThatIsNotABlockDeviceIsRefusedAtCreateNamingIt() {
        int before = engine.containers(true, java.util.Map.of()).size();
        for (String path : List.of("/dev/null", "/etc/hostname", "/dev/no-such-disk")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.createContainer(busybox("true")
                            .resources(Resources.NONE.withBlockIo(dev.stevedore.engine.BlockIoLimits.NONE.withReadBps(path, 1)))
                            .build()))
                    .as(path).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block I/O limit on " + path);
        }
        assertThat(engine.containers(true, java.util.Map.of())).as("nothing half-made").hasSize(before);
    }

    /** The cpuset group an update makes (the run had none) and the next run's go with the container. */
    @Test
    void noCpusetGroupOfAnUpdatedRestartedContainerOutlivesIt() {
        ContainerInfo c = started(busybox("sleep 600"));
        engine.updateContainer(c.id(), ContainerUpdate.none().withResources(Resources.NONE.withCpuset("0", "")));
        Path updated = CgroupPaths.group(engine.inspectContainer(c.id()).state().pid(), "cpuset");
        engine.stopContainer(c.id(), Duration.ZERO);
        engine.startContainer(c.id());
        Path restarted = CgroupPaths.group(engine.inspectContainer(c.id()).state().pid(), "cpuset");
        assertThat(List.of(updated, restarted)).as("the container's own cpuset groups")
                .allSatisfy(g -> assertThat(g.getFileName().toString()).startsWith("stevedore-"));
        engine.removeContainer(c.id(), true);
        assertThat(List.of(updated, restarted).stream().filter(Files::exists).toList()).as("groups left after rm").isEmpty();
    }
}
