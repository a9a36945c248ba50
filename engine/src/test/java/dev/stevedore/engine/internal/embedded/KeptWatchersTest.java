package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What the JVM writes for a kept run's native health runner (kept.c reads it with one sscanf). */
class KeptWatchersTest {
    private static final Instant STARTED = Instant.parse("2026-12-07T05:00:00.000000123Z");

    @Test
    void timingsCarryDockersDefaultsInNanosecondsAndDockerdsTimeoutWords() {
        assertThat(KeptWatchers.timings(HealthCheck.shell("true"), STARTED)).isEqualTo(
                "30000000000 30000000000 0 5000000000 3 " + (STARTED.getEpochSecond() * 1_000_000_000L + 123) + "\n"
                        + "Health check exceeded timeout (30s)\n");
    }

    @Test
    void timingsCarryWhatTheCheckAsks() {
        HealthCheck check = HealthCheck.shell("true").withInterval(Duration.ofSeconds(2))
                .withTimeout(Duration.ofMillis(1500)).withStartPeriod(Duration.ofSeconds(10))
                .withStartInterval(Duration.ofMillis(500)).withRetries(7);
        assertThat(KeptWatchers.timings(check, STARTED)).startsWith("2000000000 1500000000 10000000000 500000000 7 ")
                .endsWith("\nHealth check exceeded timeout (1.5s)\n");
    }
}
