package dev.stevedore.engine.internal.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessIdentityTest {

    @Test
    void aRunningProcessHasNotEndedAndOneThatWasReapedHas() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessIdentity identity = ProcessIdentity.of(sleep.pid()).orElseThrow();
            assertThat(identity.isAlive()).isTrue();
            assertThat(identity.hasEnded()).isFalse();

            sleep.destroyForcibly();
            assertThat(sleep.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(identity.isAlive()).isFalse();
            assertThat(identity.hasEnded()).isTrue();
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aPidTakenByALaterProcessCountsAsEnded() {
        ProcessIdentity self = ProcessIdentity.current();
        ProcessIdentity earlier = new ProcessIdentity(self.pid(), self.startTime() - 1);

        assertThat(self.hasEnded()).isFalse();
        assertThat(earlier.hasEnded()).isTrue();
    }
}
