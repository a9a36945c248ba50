package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourcesTest {

    @Test
    void valuesDockerdRefusesAreRefusedInItsWords() {
        assertThatThrownBy(() -> Resources.NONE.withCpuQuota(0, 500)).hasMessage(
                "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        assertThatThrownBy(() -> Resources.NONE.withCpuQuota(999, 0)).hasMessage("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        assertThatThrownBy(() -> Resources.NONE.withBlkioWeight(5)).hasMessage("Range of blkio weight is from 10 to 1000");
        assertThatThrownBy(() -> Resources.NONE.withCpuset("0-a", "")).hasMessage("Invalid value 0-a for cpuset cpus");
        assertThatThrownBy(() -> Resources.cpuShares(-1)).hasMessageContaining("cannot be negative");
        assertThat(Resources.NONE.withCpuQuota(-1, 0).cpuQuota()).as("-1: no quota").isEqualTo(-1);
        assertThat(Resources.NONE.withCpuset("0-1,3", "0").cpusetCpus()).isEqualTo("0-1,3");
    }

    @Test
    void cpusWithAQuotaOrPeriodIsRefusedInDockerdsWords() {
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").cpus(1).resources(Resources.NONE.withCpuQuota(50_000, 0))
                .build()).hasMessage("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").cpus(1).resources(Resources.NONE.withCpuQuota(0, 50_000))
                .build()).hasMessage("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        assertThat(ContainerSpec.builder("busybox").cpus(1).resources(Resources.cpuShares(512)).build().resources().cpuShares())
                .isEqualTo(512);
    }

    @Test
    void anUpdateReplacesWhatItAsksForAndKeepsTheRest() {
        Resources before = new Resources(512, 50_000, 25_000, "0", "0", 300);
        assertThat(before.updatedBy(Resources.cpuShares(256))).isEqualTo(new Resources(256, 50_000, 25_000, "0", "0", 300));
        assertThat(before.updatedBy(Resources.NONE.withCpuQuota(-1, 0))).isEqualTo(new Resources(512, 50_000, -1, "0", "0", 300));
        assertThat(before.updatedBy(Resources.NONE)).isEqualTo(before);
    }

    @Test
    void whatDidNotTakeIsWarnedInDockerdsWords() {
        Resources asked = new Resources(512, 0, 0, "", "", 300);
        assertThat(Resources.warnings(asked, asked)).isEmpty();
        assertThat(Resources.warnings(asked, asked.withBlkioWeight(0))).containsExactly(
                "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
        assertThat(Resources.warnings(asked, Resources.NONE)).containsExactly(
                "Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.",
                "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
    }

    @Test
    void aReservationSwappinessOrDeviceValueDockerdRefusesIsRefusedInItsWords() {
        assertThatThrownBy(() -> Resources.NONE.withMemoryReservation(1000)).hasMessage("Minimum memory reservation allowed is 6MB");
        assertThatThrownBy(() -> Resources.NONE.withMemorySwappiness(101))
                .hasMessage("Invalid value: 101, valid memory swappiness range is 0-100");
        assertThat(Resources.NONE.withMemorySwappiness(-1)).as("the docker CLI's -1 is unset").isEqualTo(Resources.NONE);
        assertThat(Resources.NONE.withMemorySwappiness(0).memorySwappiness()).as("0 is a swappiness").isZero();
        assertThatThrownBy(() -> BlockIoLimits.NONE.withWeight("/dev/vda", 5))
                .hasMessage("invalid weight for device /dev/vda: 5 (Range of blkio weight is from 10 to 1000)");
        assertThatThrownBy(() -> BlockIoLimits.NONE.withReadBps("vda", 1)).hasMessageStartingWith("bad format for device path: vda");
        assertThatThrownBy(() -> BlockIoLimits.NONE.withWriteIops("/dev/vda", -1)).hasMessageContaining("/dev/vda: -1 cannot be negative");
    }

    @Test
    void anUpdateChangesTheReservationButNeitherSwappinessNorDevices() {
        Resources before = Resources.NONE.withMemoryReservation(64L << 20).withMemorySwappiness(10)
                .withBlockIo(BlockIoLimits.NONE.withReadBps("/dev/vda", 1024));
        assertThat(before.updatedBy(Resources.NONE.withMemoryReservation(32L << 20)))
                .isEqualTo(before.withMemoryReservation(32L << 20));
        assertThatThrownBy(() -> ContainerUpdate.none().withResources(Resources.NONE.withMemorySwappiness(10)))
                .hasMessageContaining("cannot change a container's memory swappiness or per-device block I/O limits");
    }

    @Test
    void eachDeviceListThatDidNotTakeIsWarnedInDockerdsWords() {
        Resources asked = Resources.NONE.withMemoryReservation(64L << 20).withBlockIo(BlockIoLimits.NONE
                .withWeight("/dev/vda", 300).withReadBps("/dev/vda", 1).withWriteIops("/dev/vda", 2));
        assertThat(Resources.warnings(asked, asked)).isEmpty();
        assertThat(Resources.warnings(asked, Resources.NONE)).containsExactly(
                "Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. Limitation discarded.",
                "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.",
                "Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. Block I/O BPS read limit"
                        + " discarded.",
                "Your kernel does not support IOPS Block write limit or the cgroup is not mounted. Block I/O IOPS write limit"
                        + " discarded.");
    }

    @Test
    void olderConfigWithoutResourcesReadsAsNone() {
        ContainerSpec spec = ContainerSpec.builder("busybox").build();
        assertThat(spec.resources()).isEqualTo(Resources.NONE);
        assertThat(spec.toBuilder().build().resources().any()).isFalse();
    }
}
