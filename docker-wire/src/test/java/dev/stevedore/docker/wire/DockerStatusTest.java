package dev.stevedore.docker.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The status texts and elapsed times as dockerd words them (moby's State.String, go-units' HumanDuration). */
class DockerStatusTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void elapsedTimesAreWordedAsGoUnitsWordsThem() {
        assertThat(DockerStatus.humanDuration(Duration.ofMillis(999))).isEqualTo("Less than a second");
        assertThat(DockerStatus.humanDuration(Duration.ofSeconds(-30))).isEqualTo("Less than a second");
        assertThat(DockerStatus.humanDuration(Duration.ofMillis(1500))).isEqualTo("1 second");
        assertThat(DockerStatus.humanDuration(Duration.ofSeconds(59))).isEqualTo("59 seconds");
        assertThat(DockerStatus.humanDuration(Duration.ofSeconds(119))).isEqualTo("About a minute");
        assertThat(DockerStatus.humanDuration(Duration.ofSeconds(120))).isEqualTo("2 minutes");
        assertThat(DockerStatus.humanDuration(Duration.ofMinutes(59).plusSeconds(59))).isEqualTo("59 minutes");
        assertThat(DockerStatus.humanDuration(Duration.ofMinutes(89).plusSeconds(59))).isEqualTo("About an hour");
        // hours are rounded, half away from zero
        assertThat(DockerStatus.humanDuration(Duration.ofMinutes(90))).isEqualTo("2 hours");
        assertThat(DockerStatus.humanDuration(Duration.ofMinutes(150).minusNanos(1))).isEqualTo("2 hours");
        assertThat(DockerStatus.humanDuration(Duration.ofMinutes(47 * 60 + 29))).isEqualTo("47 hours");
        assertThat(DockerStatus.humanDuration(Duration.ofMinutes(47 * 60 + 30))).isEqualTo("2 days");
        assertThat(DockerStatus.humanDuration(Duration.ofDays(13).plusHours(23))).isEqualTo("13 days");
        assertThat(DockerStatus.humanDuration(Duration.ofDays(14))).isEqualTo("2 weeks");
        assertThat(DockerStatus.humanDuration(Duration.ofDays(59))).isEqualTo("8 weeks");
        assertThat(DockerStatus.humanDuration(Duration.ofDays(60))).isEqualTo("2 months");
        assertThat(DockerStatus.humanDuration(Duration.ofDays(729))).isEqualTo("24 months");
        assertThat(DockerStatus.humanDuration(Duration.ofDays(730))).isEqualTo("2 years");
        // years from the hours as they are: 3 years less half an hour is not rounded up to 3
        assertThat(DockerStatus.humanDuration(Duration.ofDays(3 * 365).minusMinutes(29))).isEqualTo("2 years");
    }

    @Test
    void runningContainersAreUpWithTheirHealth() {
        Instant started = NOW.minusSeconds(3);
        assertThat(DockerStatus.of("running", 0, started, null, null, NOW)).isEqualTo("Up 3 seconds");
        assertThat(DockerStatus.of("running", 0, NOW.minusSeconds(150), null, "healthy", NOW))
                .isEqualTo("Up 2 minutes (healthy)");
        assertThat(DockerStatus.of("running", 0, started, null, "unhealthy", NOW)).isEqualTo("Up 3 seconds (unhealthy)");
        assertThat(DockerStatus.of("running", 0, started, null, "starting", NOW))
                .isEqualTo("Up 3 seconds (health: starting)");
        assertThat(DockerStatus.of("running", 0, NOW.minusMillis(300), null, null, NOW)).isEqualTo("Up Less than a second");
    }

    @Test
    void pausedAndRestartingContainersLeaveTheirHealthOut() {
        assertThat(DockerStatus.of("paused", 0, NOW.minusSeconds(1), null, "healthy", NOW)).isEqualTo("Up 1 second (Paused)");
        assertThat(DockerStatus.of("restarting", 1, NOW.minusSeconds(60), NOW.minusSeconds(4), "unhealthy", NOW))
                .isEqualTo("Restarting (1) 4 seconds ago");
    }

    @Test
    void stoppedContainersSayHowTheyEnded() {
        assertThat(DockerStatus.of("exited", 1, NOW.minusSeconds(60), NOW.minusSeconds(5), null, NOW))
                .isEqualTo("Exited (1) 5 seconds ago");
        assertThat(DockerStatus.of("exited", 137, NOW.minusSeconds(9000), NOW.minusSeconds(7200), null, NOW))
                .isEqualTo("Exited (137) 2 hours ago");
        assertThat(DockerStatus.of("created", 0, null, null, null, NOW)).isEqualTo("Created");
        // a start that failed leaves no start time: dockerd words it "Created", whatever its exit code
        assertThat(DockerStatus.of("exited", 127, null, NOW.minusSeconds(5), null, NOW)).isEqualTo("Created");
        assertThat(DockerStatus.of("exited", 0, NOW.minusSeconds(5), null, null, NOW)).isEmpty();
        assertThat(DockerStatus.of("removing", 0, NOW.minusSeconds(5), NOW, null, NOW)).isEqualTo("Removal In Progress");
        assertThat(DockerStatus.of("dead", 0, NOW.minusSeconds(5), NOW, null, NOW)).isEqualTo("Dead");
    }
}
