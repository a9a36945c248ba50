package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.AdvancedResources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdvancedFilesTest {
    private static final AdvancedResources ASKED = AdvancedResources.NONE.withMemorySwap(128L << 20).withOomKillDisable(true)
            .withKernelMemory(64L << 20, 32L << 20);

    @Test
    void v1GetsTheSwapOomAndTcpFilesButNoKernelMemoryWrite() {
        assertThat(AdvancedFiles.memory(ASKED, 64L << 20, false)).containsExactly(
                new Cgroups.Write("memory.memsw.limit_in_bytes", Long.toString(128L << 20)),
                new Cgroups.Write("memory.oom_control", "1"),
                new Cgroups.Write("memory.kmem.tcp.limit_in_bytes", Long.toString(32L << 20)));
    }

    @Test
    void v2GetsTheSwapBeyondTheMemoryLimitAndMaxForUnlimited() {
        assertThat(AdvancedFiles.memory(AdvancedResources.NONE.withMemorySwap(128L << 20), 64L << 20, true))
                .containsExactly(new Cgroups.Write("memory.swap.max", Long.toString(64L << 20)));
        assertThat(AdvancedFiles.memory(AdvancedResources.NONE.withMemorySwap(-1), 64L << 20, true))
                .containsExactly(new Cgroups.Write("memory.swap.max", "max"));
        assertThatThrownBy(() -> AdvancedFiles.memory(ASKED, 64L << 20, true)).hasMessageContaining("cgroup v2");
    }

    @Test
    void theRealtimePeriodIsWrittenBeforeTheRuntime() {
        assertThat(AdvancedFiles.realtime(AdvancedResources.NONE.withCpuRealtime(500_000, 1000), false)).containsExactly(
                new Cgroups.Write("cpu.rt_period_us", "500000"), new Cgroups.Write("cpu.rt_runtime_us", "1000"));
    }

    @Test
    void deviceRulesAreRefusedWhereTheyAreNotV1Rules() {
        AdvancedResources rules = AdvancedResources.NONE.withDeviceCgroupRules(List.of("c 10:229 rwm"));
        AdvancedFiles.checkDeviceRules(rules, Cgroups.DevicePolicy.RULES);
        assertThatThrownBy(() -> AdvancedFiles.checkDeviceRules(rules, Cgroups.DevicePolicy.PROGRAM))
                .hasMessageContaining("--device-cgroup-rule [c 10:229 rwm] cannot be applied");
    }

    @Test
    void dockerdsRefusalsInItsWords() {
        assertThatThrownBy(() -> AdvancedResources.NONE.withMemorySwap(64L << 20).checkAgainst(0))
                .hasMessage("You should always set the Memory limit when using Memoryswap limit, see usage");
        assertThatThrownBy(() -> AdvancedResources.NONE.withMemorySwap(32L << 20).checkAgainst(64L << 20))
                .hasMessage("Minimum memoryswap limit should be larger than memory limit, see usage");
        assertThatThrownBy(() -> AdvancedResources.NONE.withCpuRealtime(1000, 2000))
                .hasMessage("cpu real-time runtime cannot be higher than cpu real-time period");
        assertThatThrownBy(() -> AdvancedResources.NONE.withDeviceCgroupRules(List.of("c 1:3")))
                .hasMessage("invalid device cgroup rule format: 'c 1:3'");
        assertThat(AdvancedResources.NONE.withOomKillDisable(true).warningsFor(0)).containsExactly("OOM killer is disabled"
                + " for the container, but no memory limit is set, this can result in the system running out of resources.");
    }
}
