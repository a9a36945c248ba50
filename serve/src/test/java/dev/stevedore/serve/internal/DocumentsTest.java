package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerState;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void theStateCarriesWhatTestcontainersUnboxesAndGoZeroTimesForNever() {
        ContainerState created = new ContainerState(ContainerState.Status.CREATED, 0, 0, 0, false, null, null, null);

        var state = ContainerDocuments.state(created);

        assertThat(state.path("Status").asText()).isEqualTo("created");
        assertThat(state.path("Paused").isBoolean()).isTrue();
        assertThat(state.path("ExitCode").isInt()).isTrue();
        assertThat(state.path("StartedAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    }

    @Test
    void documentTimesAreGosRfc3339NanoAndLogTimesHaveNineDigits() {
        assertThat(Json.time(Instant.parse("2026-01-02T03:04:05.1Z"))).isEqualTo("2026-01-02T03:04:05.1Z");
        assertThat(Json.time(Instant.parse("2026-12-07T11:41:30.911668520Z"))).isEqualTo("2026-12-07T11:41:30.91166852Z");
        assertThat(Json.time(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(Json.time(null)).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(Json.logTime(Instant.parse("2026-01-02T03:04:05.1Z"))).isEqualTo("2026-01-02T03:04:05.100000000Z");
        assertThat(Json.seconds(Instant.parse("2026-01-02T03:04:05.1Z"))).isEqualTo("2026-01-02T03:04:05Z");
    }

    @Test
    void pullReferencesJoinNameTagAndDigest() {
        assertThat(ImageRoutes.reference("docker.io/library/busybox", "latest").familiar()).isEqualTo("busybox:latest");
        assertThat(ImageRoutes.reference("busybox:1.35", null).familiar()).isEqualTo("busybox:1.35");
        assertThat(ImageRoutes.reference("busybox", "sha256:" + "a".repeat(64)).digest()).isEqualTo("sha256:" + "a".repeat(64));
        assertThatThrownBy(() -> ImageRoutes.reference(null, "latest")).isInstanceOf(ApiException.class);
    }

    @Test
    void logParametersAreReadAsTheCliSendsThem() {
        assertThat(ContainerStreams.tail("all")).isEqualTo(-1);
        assertThat(ContainerStreams.tail("3")).isEqualTo(3);
        assertThat(ContainerStreams.tail("-1")).isEqualTo(-1);
        assertThat(ContainerStreams.tail("0")).isZero();
        assertThat(ContainerStreams.since("0")).isNull();
        assertThat(ContainerStreams.since("1700000000.000000123")).isEqualTo(Instant.ofEpochSecond(1700000000, 123));
        assertThat(ContainerStreams.since("2026-01-01T00:00:00Z")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThatThrownBy(() -> ContainerStreams.tail("many")).isInstanceOf(ApiException.class);
    }
}
