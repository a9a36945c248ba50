package dev.stevedore.cli;

import dev.stevedore.engine.ContainerStats;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatsCommandTest {

    private static ContainerStats sample(long cpu, long system, long usage, long cache) {
        return new ContainerStats(Instant.EPOCH, cpu, cpu, 0, system, 4, usage, cache, 1L << 30, 1, 0, Map.of());
    }

    @Test
    void cpuIsTheContainersShareOfTheHostBetweenTwoSamplesTimesTheCpus() {
        // a quarter of the host's time on a 4-CPU host: one CPU busy, 100 %
        assertThat(StatsCommand.cpu(sample(0, 0, 0, 0), sample(250, 1000, 0, 0))).isCloseTo(100.0, within(0.001));
        assertThat(StatsCommand.cpu(null, sample(250, 1000, 0, 0))).as("no previous sample").isZero();
        assertThat(StatsCommand.cpu(sample(10, 1000, 0, 0), sample(10, 1000, 0, 0))).as("no time passed").isZero();
    }

    @Test
    void memoryLeavesOutTheInactivePageCacheAsDockerStatsDoes() {
        assertThat(StatsCommand.memory(sample(0, 0, 5000, 1000))).isEqualTo(4000);
        assertThat(StatsCommand.memory(sample(0, 0, 500, 1000))).as("more cache than usage: usage").isEqualTo(500);
    }

    @Test
    void sizesAreGosBinaryUnitsWithFourDigits() {
        assertThat(StatsCommand.binary(0)).isEqualTo("0B");
        assertThat(StatsCommand.binary(64L << 20)).isEqualTo("64MiB");
        assertThat(StatsCommand.binary(1_462_763)).isEqualTo("1.395MiB");
        assertThat(StatsCommand.binary(8_189_288_448L)).isEqualTo("7.627GiB");
    }
}
