package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ContainerStats;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatsDocumentTest {
    private static final ContainerInfo WEB = new ContainerInfo("a".repeat(64), "web", "busybox", "sha256:" + "b".repeat(64),
            Instant.EPOCH, new ContainerState(ContainerState.Status.RUNNING, 42, 0, 0, false, "", Instant.EPOCH, null),
            List.of("sleep", "600"), List.of(), Map.of(), List.of(), Map.of(), ContainerSpec.builder("busybox").build());

    private static ContainerStats sample(long cpu, long pidsLimit) {
        return new ContainerStats(Instant.parse("2026-01-01T00:00:01Z"), cpu, cpu - 10, 10, 5_000_000_000L, 2, 4096, 1024,
                1 << 30, 3, pidsLimit, Map.of("eth0", new ContainerStats.Interface(1, 2, 0, 0, 3, 4, 0, 0)));
    }

    @Test
    void aSampleWithItsPreviousOneIsDockersStatsDocument() {
        ObjectNode doc = ContainerControlRoutes.document(WEB, sample(2000, 100), sample(1000, 100));
        assertThat(doc.path("name").asText()).isEqualTo("/web");
        assertThat(doc.path("cpu_stats").path("cpu_usage").path("total_usage").asLong()).isEqualTo(2000);
        assertThat(doc.path("precpu_stats").path("cpu_usage").path("total_usage").asLong()).isEqualTo(1000);
        assertThat(doc.path("cpu_stats").path("online_cpus").asInt()).isEqualTo(2);
        assertThat(doc.path("memory_stats").path("usage").asLong()).isEqualTo(4096);
        assertThat(doc.path("memory_stats").path("stats").path("inactive_file").asLong()).isEqualTo(1024);
        assertThat(doc.path("pids_stats").path("limit").asLong()).isEqualTo(100);
        assertThat(doc.path("networks").path("eth0").path("tx_packets").asLong()).isEqualTo(4);
    }

    @Test
    void noPidsLimitIsNoFieldBecauseGoReadsItUnsigned() {
        ObjectNode doc = ContainerControlRoutes.document(WEB, sample(2000, 0), null);
        assertThat(doc.path("pids_stats").has("limit")).isFalse();
        assertThat(doc.path("preread").asText()).isEqualTo("0001-01-01T00:00:00Z");
    }

    @Test
    void aContainerThatDoesNotRunGetsTheZeroedDocument() {
        ObjectNode doc = ContainerControlRoutes.document(WEB, null, null);
        assertThat(doc.path("read").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(doc.path("memory_stats").size()).isZero();
        assertThat(doc.has("networks")).isFalse();
    }
}
