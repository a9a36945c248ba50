package dev.stevedore.engine.internal.runtime;

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
}
