package dev.stevedore.apitest.contract;

import dev.stevedore.apitest.BlockDisks;
import dev.stevedore.apitest.CgroupPaths;
import dev.stevedore.engine.AdvancedResources;
import dev.stevedore.engine.BlockIoLimits;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Docker's CPU shares, CFS period and quota, cpusets, block I/O weight, memory reservation and swappiness,
 * per-device block I/O limits on the host's root disk ({@link Resources}) and the swap, OOM killer, kernel memory and
 * real-time settings ({@link AdvancedResources}) at create and update, on
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

    @Test
    void aReservationSwappinessAndDeviceRatesReachTheContainersGroups() {
        String disk = BlockDisks.root();
        String numbers = BlockDisks.numbers(disk);
        boolean memoryV1 = CgroupPaths.v1(ProcessHandle.current().pid(), "memory");
        BlockIoLimits devices = BlockIoLimits.NONE.withWeight(disk, 300).withReadBps(disk, 1 << 20).withWriteIops(disk, 100);
        // cgroup v2 has no swappiness: there it is refused, not dropped (the rest is checked without it)
        Resources asked = Resources.NONE.withMemoryReservation(64L << 20).withBlockIo(devices)
                .withMemorySwappiness(memoryV1 ? 10 : -1);
        ContainerInfo c = started(busybox("sleep 600").resources(asked));
        long pid = c.state().pid();
        Resources kept = engine.inspectContainer(c.id()).spec().resources();
        assertThat(kept.memoryReservation()).isEqualTo(64L << 20);
        assertThat(kept.blockIo().readBps()).containsExactly(new BlockIoLimits.Device(disk, 1 << 20));
        assertThat(kept.blockIo().writeIops()).containsExactly(new BlockIoLimits.Device(disk, 100));
        if (memoryV1) {
            assertThat(kept.memorySwappiness()).isEqualTo(10);
            assertThat(read(pid, "memory", "memory.soft_limit_in_bytes")).isEqualTo(Long.toString(64L << 20));
            assertThat(read(pid, "memory", "memory.swappiness")).isEqualTo("10");
        } else {
            assertThat(read(pid, "memory", "memory.low")).isEqualTo(Long.toString(64L << 20));
        }
        if (CgroupPaths.v1(pid, "blkio")) {
            assertThat(read(pid, "blkio", "blkio.throttle.read_bps_device")).isEqualTo(numbers + " " + (1 << 20));
            assertThat(read(pid, "blkio", "blkio.throttle.write_iops_device")).isEqualTo(numbers + " 100");
        } else {
            assertThat(read(pid, "io", "io.max")).isEqualTo(numbers + " rbps=" + (1 << 20) + " wbps=max riops=max wiops=100");
        }
        if (weighsDevices()) {
            assertThat(kept.blockIo().weights()).containsExactly(new BlockIoLimits.Device(disk, 300));
        } else {
            assertThat(kept.blockIo().weights()).as("dropped, as dockerd drops it without a weighing scheduler").isEmpty();
            assertThat(Resources.warnings(asked, kept)).containsExactly("Your kernel does not support Block I/O "
                    + "weight_device or the cgroup is not mounted. Weight-device discarded.");
        }
    }

    @Test
    void updateChangesTheReservationOfARunningContainer() {
        ContainerInfo c = started(busybox("sleep 600").memoryBytes(256L << 20)
                .resources(Resources.NONE.withMemoryReservation(64L << 20)));
        ContainerInfo updated = engine.updateContainer(c.id(), ContainerUpdate.none()
                .withResources(Resources.NONE.withMemoryReservation(32L << 20)));
        assertThat(updated.spec().resources().memoryReservation()).isEqualTo(32L << 20);
        long pid = c.state().pid();
        assertThat(read(pid, "memory", CgroupPaths.v1(pid, "memory") ? "memory.soft_limit_in_bytes" : "memory.low"))
                .isEqualTo(Long.toString(32L << 20));
        // as dockerd: an update setting both is checked; a reservation alone may pass the limit (the kernel takes it)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.updateContainer(c.id(), ContainerUpdate.none()
                        .withMemoryBytes(128L << 20).withResources(Resources.NONE.withMemoryReservation(512L << 20))))
                .hasMessageContaining("Minimum memory limit can not be less than memory reservation limit");
        engine.updateContainer(c.id(), ContainerUpdate.none().withResources(Resources.NONE.withMemoryReservation(512L << 20)));
        assertThat(engine.inspectContainer(c.id()).spec().resources().memoryReservation()).isEqualTo(512L << 20);
        assertThat(engine.inspectContainer(c.id()).spec().memoryBytes()).isEqualTo(256L << 20);
    }

    @Test
    void swapOomAndRealtimePeriodReachTheContainersGroups() {
        AdvancedResources asked = AdvancedResources.NONE.withMemorySwap(192L << 20).withOomKillDisable(true)
                .withCpuRealtime(500_000, 0).withKernelMemory(64L << 20, 0);
        ContainerInfo c = started(busybox("sleep 600").memoryBytes(64L << 20).resources(Resources.NONE.withAdvanced(asked)));
        long pid = c.state().pid();
        AdvancedResources kept = engine.inspectContainer(c.id()).spec().resources().advanced();
        if (CgroupPaths.v1(pid, "memory")) {
            assertThat(kept).as("as inspect shows them").isEqualTo(asked);
            // not twice the memory limit: dockerd fills that in when none is asked, and the Docker backend reads it as none
            assertThat(read(pid, "memory", "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(192L << 20));
            assertThat(read(pid, "memory", "memory.oom_control")).startsWith("oom_kill_disable 1");
            assertThat(read(pid, "cpu", "cpu.rt_period_us")).isEqualTo("500000");
            assertThat(read(pid, "memory", "memory.kmem.limit_in_bytes")).as("Linux ignores it since 5.4; runc no longer"
                    + " writes it").isEqualTo("9223372036854771712");
        } else {
            assertThat(kept.memorySwap()).isEqualTo(192L << 20);
            assertThat(read(pid, "memory", "memory.swap.max")).isEqualTo(Long.toString(128L << 20));
        }
    }

    @Test
    void aSwapLimitWithoutAMemoryLimitIsRefusedInDockerdsWords() {
        assertThatThrownBy(() -> engine.createContainer(busybox("true")
                .resources(Resources.NONE.withAdvanced(AdvancedResources.NONE.withMemorySwap(64L << 20))).build()))
                .hasMessageContaining("You should always set the Memory limit when using Memoryswap limit, see usage");
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

    /** Whether this host's block I/O controller takes per-device weights (v1 with CFQ or BFQ, or v2's io). */
    private static boolean weighsDevices() {
        Path v1 = Path.of("/sys/fs/cgroup/blkio");
        return Files.exists(v1.resolve("blkio.weight_device")) || Files.exists(v1.resolve("blkio.bfq.weight_device"))
                || !Files.isDirectory(v1) && weighs();
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
