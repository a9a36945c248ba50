package dev.stevedore.apitest.contract;

import dev.stevedore.apitest.CgroupPaths;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.Resources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker's CPU shares, CFS period and quota, cpusets and block I/O weight ({@link Resources}) at create and update, on
 * every engine: what the container's spec says (on the Docker backend, dockerd's inspect) and what the kernel holds in
 * the container's own groups, read from the host's cgroup files of its first process. The block I/O weight is applied
 * where the host's block I/O controller weighs, else dropped with dockerd's warning on both engines alike.
 */
public abstract class ResourcesContract extends EngineContract {
    private static final Resources ASKED = new Resources(512, 50_000, 25_000, "0", "0", 300);

    @Test
    void cpuSharesQuotaAndCpusetReachTheContainersGroups() {
        ContainerInfo c = started(busybox("sleep 600").resources(ASKED));
        long pid = c.state().pid();
        Resources kept = engine.inspectContainer(c.id()).spec().resources();
        assertThat(kept.withBlkioWeight(0)).as("as inspect shows them").isEqualTo(ASKED.withBlkioWeight(0));
        if (CgroupPaths.v1(pid, "cpu")) {
            assertThat(read(pid, "cpu", "cpu.shares")).isEqualTo("512");
            assertThat(read(pid, "cpu", "cpu.cfs_period_us")).isEqualTo("50000");
            assertThat(read(pid, "cpu", "cpu.cfs_quota_us")).isEqualTo("25000");
        } else {
            assertThat(read(pid, "cpu", "cpu.weight")).as("runc's conversion of 512 shares").isEqualTo("20");
            assertThat(read(pid, "cpu", "cpu.max")).isEqualTo("25000 50000");
        }
        assertThat(read(pid, "cpuset", "cpuset.cpus")).isEqualTo("0");
        assertThat(read(pid, "cpuset", "cpuset.mems")).isEqualTo("0");
    }

    @Test
    void aBlockIoWeightIsAppliedWhereTheHostWeighsElseDroppedWithDockerdsWarning() {
        ContainerInfo c = started(busybox("sleep 600").resources(Resources.NONE.withBlkioWeight(300)));
        long pid = c.state().pid();
        Resources kept = engine.inspectContainer(c.id()).spec().resources();
        // what the create warned of, as its caller gets it (dockerd's host also warns of its IPv4 forwarding, off)
        List<String> warned = c.warnings().stream().filter(w -> !w.contains("IPv4 forwarding")).toList();
        if (weighs()) {
            assertThat(kept.blkioWeight()).isEqualTo(300);
            assertThat(Resources.warnings(Resources.NONE.withBlkioWeight(300), kept)).isEmpty();
            assertThat(warned).isEmpty();
            return;
        }
        assertThat(kept.blkioWeight()).as("dropped, as dockerd drops it on a host without a weighing scheduler").isZero();
        assertThat(Resources.warnings(Resources.NONE.withBlkioWeight(300), kept)).containsExactly(
                "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
        assertThat(warned).isEqualTo(Resources.warnings(Resources.NONE.withBlkioWeight(300), kept));
        assertThat(engine.inspectContainer(c.id()).state().running()).as("the container runs all the same").isTrue();
        assertThat(pid).isPositive();
    }

    @Test
    void updateChangesSharesQuotaAndCpusetOfARunningContainerAndTheNextRun() {
        ContainerInfo c = started(busybox("sleep 600").resources(Resources.cpuShares(512)));
        ContainerInfo updated = engine.updateContainer(c.id(), ContainerUpdate.none()
                .withResources(new Resources(256, 100_000, 30_000, "0", "", 0)));
        assertThat(updated.spec().resources()).isEqualTo(new Resources(256, 100_000, 30_000, "0", "", 0));
        assertHeld(c.id(), 256, 30_000);
        engine.stopContainer(c.id(), Duration.ZERO);
        engine.startContainer(c.id());
        assertHeld(c.id(), 256, 30_000);
        assertThat(engine.inspectContainer(c.id()).spec().resources().cpuShares()).isEqualTo(256);
    }

    @Test
    void aCpusetTheHostLacksIsRefusedInDockerdsWords() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.createContainer(busybox("true")
                        .resources(Resources.NONE.withCpuset("4095", "")).build()))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("Requested CPUs are not available - requested 4095, available: ");
    }

    /** The shares, the quota of a 100 ms period and cpuset.cpus "0", in the groups of the container's first process. */
    private void assertHeld(String container, long shares, long quota) {
        long pid = engine.inspectContainer(container).state().pid();
        if (CgroupPaths.v1(pid, "cpu")) {
            assertThat(read(pid, "cpu", "cpu.shares")).isEqualTo(Long.toString(shares));
            assertThat(read(pid, "cpu", "cpu.cfs_quota_us")).isEqualTo(Long.toString(quota));
            assertThat(read(pid, "cpu", "cpu.cfs_period_us")).isEqualTo("100000");
        } else {
            assertThat(read(pid, "cpu", "cpu.max")).isEqualTo(quota + " 100000");
        }
        assertThat(read(pid, "cpuset", "cpuset.cpus")).isEqualTo("0");
    }

    /** Whether this host's block I/O controller has a weight file (BFQ, or v1 CFQ): only then is a weight applied. */
    private static boolean weighs() {
        Path v1 = Path.of("/sys/fs/cgroup/blkio");
        return Files.exists(v1.resolve("blkio.weight")) || Files.exists(v1.resolve("blkio.bfq.weight"))
                || !Files.isDirectory(v1) && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))
                && read(Path.of("/sys/fs/cgroup/cgroup.controllers")).contains("io");
    }

    private static String read(long pid, String controller, String file) {
        return read(CgroupPaths.file(pid, controller, file));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
