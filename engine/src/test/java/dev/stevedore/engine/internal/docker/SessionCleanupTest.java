package dev.stevedore.engine.internal.docker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SessionCleanupTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void objectsOfAGoneProcessOnThisHostAreAbandoned() {
        String host = Labels.hostName();
        String gone = new Labels.Owner(host, Long.MAX_VALUE / 2, Instant.ofEpochMilli(1)).toString();
        String alive = Labels.Owner.current().toString();
        String reusedPid = new Labels.Owner(host, ProcessHandle.current().pid(), Instant.ofEpochMilli(1)).toString();

        assertThat(SessionCleanup.abandoned(gone, NOW, host, NOW)).isTrue();
        assertThat(SessionCleanup.abandoned(alive, NOW.minus(Duration.ofDays(30)), host, NOW)).isFalse();
        assertThat(SessionCleanup.abandoned(reusedPid, NOW, host, NOW)).isTrue();
    }

    @Test
    void objectsOfOtherHostsGoOnlyAfterTheGracePeriod() {
        String foreign = new Labels.Owner("ci-runner-7", 1, Instant.ofEpochMilli(1)).toString();
        Instant old = NOW.minus(Duration.ofHours(Labels.FOREIGN_GRACE_HOURS + 1));
        Instant recent = NOW.minus(Duration.ofHours(1));

        assertThat(SessionCleanup.abandoned(foreign, old, Labels.hostName(), NOW)).isTrue();
        assertThat(SessionCleanup.abandoned(foreign, recent, Labels.hostName(), NOW)).isFalse();
        assertThat(SessionCleanup.abandoned(foreign, null, Labels.hostName(), NOW)).isFalse();
    }

    @Test
    void objectsWithoutAReadableOwnerAreKept() {
        assertThat(SessionCleanup.abandoned(null, NOW.minus(Duration.ofDays(300)), Labels.hostName(), NOW)).isFalse();
        assertThat(SessionCleanup.abandoned("garbage", NOW.minus(Duration.ofDays(300)), Labels.hostName(), NOW)).isFalse();
    }
}
