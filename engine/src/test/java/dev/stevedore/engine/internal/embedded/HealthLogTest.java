package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerHealth.Result;
import dev.stevedore.engine.ContainerHealth.Status;
import dev.stevedore.engine.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HealthLogTest {
    private static final Instant STARTED = Instant.parse("2026-12-07T05:00:00Z");
    private static final HealthCheck CHECK = HealthCheck.shell("true").withRetries(2);

    private static Result at(int second, int exitCode) {
        Instant start = STARTED.plusSeconds(second);
        return new Result(start, start.plusMillis(100), exitCode, "out " + second);
    }

    @Test
    void noResultYetIsStarting() {
        assertThat(HealthLog.derive(CHECK, STARTED, true, List.of()).status()).isEqualTo(Status.STARTING);
    }

    @Test
    void aSuccessIsHealthyAndRetriesFailuresInARowUnhealthy() {
        assertThat(HealthLog.derive(CHECK, STARTED, true, List.of(at(1, 0))).status()).isEqualTo(Status.HEALTHY);
        ContainerHealth one = HealthLog.derive(CHECK, STARTED, true, List.of(at(1, 0), at(2, 1)));
        assertThat(one.status()).isEqualTo(Status.HEALTHY);
        assertThat(one.failingStreak()).isEqualTo(1);
        ContainerHealth two = HealthLog.derive(CHECK, STARTED, true, List.of(at(1, 0), at(2, 1), at(3, -1)));
        assertThat(two.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(two.failingStreak()).isEqualTo(2);
        assertThat(HealthLog.derive(CHECK, STARTED, true, List.of(at(1, 1), at(2, 1), at(3, 0))).failingStreak()).isZero();
    }

    @Test
    void failuresWhileStartingInTheStartPeriodDoNotCount() {
        HealthCheck check = CHECK.withStartPeriod(Duration.ofSeconds(10));
        ContainerHealth inPeriod = HealthLog.derive(check, STARTED, true, List.of(at(1, 1), at(2, 1), at(3, 1)));
        assertThat(inPeriod.status()).isEqualTo(Status.STARTING);
        assertThat(inPeriod.failingStreak()).isZero();
        assertThat(HealthLog.derive(check, STARTED, true, List.of(at(1, 1), at(11, 1), at(12, 1))).status())
                .isEqualTo(Status.UNHEALTHY);
        // once healthy, a failure counts even within the start period, as dockerd's
        assertThat(HealthLog.derive(check, STARTED, true, List.of(at(1, 0), at(2, 1))).failingStreak()).isEqualTo(1);
    }

    @Test
    void aContainerThatNoLongerRunsIsUnhealthyWithItsLog() {
        ContainerHealth stopped = HealthLog.derive(CHECK, STARTED, false, List.of(at(1, 0)));
        assertThat(stopped.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(stopped.failingStreak()).isZero();
        assertThat(stopped.log()).hasSize(1);
    }

    @Test
    void theLogShowsTheLastFiveAndTheFileKeepsEnoughForTheStreak(@TempDir Path dir) throws Exception {
        List<Result> all = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            all.add(at(i, i == 0 ? 0 : 1));
            HealthLog.append(dir, all.get(i), 100);
        }
        List<Result> read = HealthLog.read(dir);
        assertThat(read).hasSize(80).isEqualTo(all);
        ContainerHealth health = HealthLog.derive(CHECK.withRetries(100), STARTED, true, read);
        assertThat(health.status()).isEqualTo(Status.HEALTHY);
        assertThat(health.failingStreak()).isEqualTo(79);
        assertThat(health.log()).containsExactlyElementsOf(all.subList(75, 80));
        HealthLog.append(dir, at(90, 1), 3);
        assertThat(HealthLog.read(dir)).hasSize(HealthLog.KEPT);
    }

    @Test
    void outputIsCutAt4096BytesOnACharacterBoundary(@TempDir Path dir) throws Exception {
        String big = "é".repeat(3000); // two bytes each
        HealthLog.append(dir, new Result(STARTED, STARTED, 0, big), 3);
        assertThat(HealthLog.read(dir).get(0).output()).isEqualTo("é".repeat(2048));
        assertThat(HealthLog.truncate("x" + big)).hasSize(2047 + 1);
    }

    @Test
    void timeoutsAreWrittenAsGoWritesDurations() {
        assertThat(HealthMonitor.goDuration(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(HealthMonitor.goDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(HealthMonitor.goDuration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(HealthMonitor.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(HealthMonitor.goDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
    }
}
