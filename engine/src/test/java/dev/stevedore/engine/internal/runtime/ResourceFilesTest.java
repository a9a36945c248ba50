package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.BlockIoLimits;
import dev.stevedore.engine.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceFilesTest {

    @Test
    void sharesMapOntoCpuWeightAsRuncMapsThem() {
        assertThat(ResourceFiles.cpuWeight(2)).isEqualTo(1);
        assertThat(ResourceFiles.cpuWeight(1024)).isEqualTo(39);
        assertThat(ResourceFiles.cpuWeight(262_144)).isEqualTo(10_000);
        assertThat(ResourceFiles.ioWeight(10)).isEqualTo(1);
        assertThat(ResourceFiles.ioWeight(1000)).isEqualTo(10_000);
    }

    @Test
    void cpuSettingsGoToV1FilesOrV2CpuMax() {
        Resources r = new Resources(512, 50_000, 25_000, "", "", 0);
        assertThat(ResourceFiles.cpu(r, false)).containsExactly(new Cgroups.Write("cpu.shares", "512"),
                new Cgroups.Write("cpu.cfs_period_us", "50000"), new Cgroups.Write("cpu.cfs_quota_us", "25000"));
        assertThat(ResourceFiles.cpu(r, true)).containsExactly(new Cgroups.Write("cpu.weight", "20"),
                new Cgroups.Write("cpu.max", "25000 50000"));
        assertThat(ResourceFiles.cpu(Resources.NONE.withCpuQuota(-1, 0), true))
                .containsExactly(new Cgroups.Write("cpu.max", "max 100000"));
    }

    @Test
    void aV1CpusetGroupTakesWhatIsNotAskedFromItsParent(@TempDir Path parent) throws IOException {
        Files.writeString(parent.resolve("cpuset.cpus"), "0-1\n");
        Files.writeString(parent.resolve("cpuset.mems"), "0\n");
        assertThat(ResourceFiles.cpuset(Resources.NONE.withCpuset("1", ""), false, parent))
                .containsExactly(new Cgroups.Write("cpuset.cpus", "1"), new Cgroups.Write("cpuset.mems", "0"));
        assertThat(ResourceFiles.cpuset(Resources.NONE.withCpuset("1", ""), true, parent))
                .containsExactly(new Cgroups.Write("cpuset.cpus", "1"));
    }

    @Test
    void aCpusetListReadsAsItsNumbers() {
        assertThat(ResourceFiles.numbers("0-2,5")).containsExactly(0, 1, 2, 5);
        assertThat(ResourceFiles.numbers("3")).containsExactly(3);
    }

    @Test
    void aCpuTheHostLacksIsRefusedInDockerdsWords() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResourceFiles.checkAvailable(
                Resources.NONE.withCpuset("4095", ""))).hasMessageStartingWith(
                "Requested CPUs are not available - requested 4095, available: ");
        ResourceFiles.checkAvailable(Resources.NONE.withCpuset("0", "0"));
    }

    @Test
    void theWeightGoesToBfqWhereItIsThere(@TempDir Path group) throws IOException {
        Resources r = Resources.NONE.withBlkioWeight(300);
        assertThat(ResourceFiles.blkio(r, true, group)).containsExactly(new Cgroups.Write("io.weight", "default 2930"));
        Files.writeString(group.resolve("io.bfq.weight"), "default 100\n");
        assertThat(ResourceFiles.blkio(r, true, group)).containsExactly(new Cgroups.Write("io.bfq.weight", "300"));
    }

    @Test
    void aReservationIsTheV1SoftLimitOrV2MemoryLowAndSwappinessIsV1Only() {
        Resources r = Resources.NONE.withMemoryReservation(64L << 20).withMemorySwappiness(10);
        assertThat(ResourceFiles.memory(r, false)).containsExactly(
                new Cgroups.Write("memory.soft_limit_in_bytes", "67108864"), new Cgroups.Write("memory.swappiness", "10"));
        assertThat(ResourceFiles.memory(Resources.NONE.withMemoryReservation(64L << 20), true))
                .containsExactly(new Cgroups.Write("memory.low", "67108864"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResourceFiles.memory(r, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory swappiness 10 cannot be applied: this host's memory controller is cgroup v2");
    }

    @Test
    void aMemoryLimitBelowTheReservationIsRefusedInDockerdsWords() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ResourceLimits(16L << 20, 0, 0,
                Resources.NONE.withMemoryReservation(32L << 20)))
                .hasMessage("Minimum memory limit can not be less than memory reservation limit, see usage");
        new ResourceLimits(0, 0, 0, Resources.NONE.withMemoryReservation(32L << 20)); // no limit: any reservation
    }

    @Test
    void deviceLimitsGoToV1FilesOneDeviceAWriteOrToOneV2IoMaxLinePerDevice(@TempDir Path group) throws IOException {
        BlockIoLimits b = BlockIoLimits.NONE.withWeight("/dev/vda", 300).withReadBps("/dev/vda", 1 << 20)
                .withWriteIops("/dev/vda", 100).withWriteBps("/dev/vdb", 4096);
        java.util.function.Function<String, String> numbers = path -> path.equals("/dev/vda") ? "254:0" : "254:16";
        assertThat(ResourceFiles.devices(b, false, group, numbers)).containsExactly(
                new Cgroups.Write("blkio.weight_device", "254:0 300"),
                new Cgroups.Write("blkio.throttle.read_bps_device", "254:0 1048576"),
                new Cgroups.Write("blkio.throttle.write_bps_device", "254:16 4096"),
                new Cgroups.Write("blkio.throttle.write_iops_device", "254:0 100"));
        assertThat(ResourceFiles.devices(b, true, group, numbers)).containsExactly(
                new Cgroups.Write("io.weight", "254:0 2930"),
                new Cgroups.Write("io.max", "254:0 rbps=1048576 wiops=100"),
                new Cgroups.Write("io.max", "254:16 wbps=4096"));
        Files.writeString(group.resolve("io.bfq.weight"), "default 100\n");
        Files.writeString(group.resolve("blkio.bfq.weight_device"), "");
        assertThat(ResourceFiles.devices(b, true, group, numbers)).first().isEqualTo(new Cgroups.Write("io.bfq.weight", "254:0 300"));
        assertThat(ResourceFiles.devices(b, false, group, numbers)).first()
                .isEqualTo(new Cgroups.Write("blkio.bfq.weight_device", "254:0 300"));
    }

    @Test
    void aBlockDeviceReadsAsItsNumbersAndAnythingElseIsRefusedByPath(@TempDir Path dir) throws IOException {
        // the host's first disk, whatever it is called here
        String disk;
        try (var names = Files.list(Path.of("/sys/block"))) {
            disk = names.map(p -> p.getFileName().toString()).filter(n -> Files.exists(Path.of("/dev", n))).sorted()
                    .findFirst().orElseThrow();
        }
        assertThat(DeviceNode.blockNumbers("/dev/" + disk))
                .isEqualTo(Files.readString(Path.of("/sys/block", disk, "dev")).strip());
        Path file = Files.writeString(dir.resolve("plain"), "");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceNode.blockNumbers(file.toString()))
                .hasMessageContaining(file + " is not a block device");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceNode.blockNumbers("/dev/null"))
                .hasMessageContaining("/dev/null is not a block device");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceNode.blockNumbers("/dev/no-such-disk"))
                .hasMessageContaining("/dev/no-such-disk: no such file or directory");
    }
}
