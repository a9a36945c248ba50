package dev.stevedore.engine.internal.docker;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTest {

    @Test
    void labelsNameTheSessionAndTheOwningProcessAfterTheUsersOwn() {
        UUID session = UUID.randomUUID();

        Map<String, String> labels = Labels.forSession(session, Map.of("team", "a", Labels.SESSION, "forged"));

        assertThat(labels).containsEntry("team", "a").containsEntry(Labels.SESSION, session.toString());
        assertThat(Labels.Owner.parse(labels.get(Labels.OWNER))).contains(Labels.Owner.current());
        assertThat(Labels.sessionFilter(session)).isEqualTo("{\"label\":[\"dev.stevedore.session=" + session + "\"]}");
    }

    @Test
    void anObjectMarkedKeptGetsNoSessionOrOwnerLabelSoNoCleanupTouchesIt() {
        UUID session = UUID.randomUUID();

        assertThat(Labels.forSessionUnlessKept(session, Map.of("team", "a", Labels.KEEP, "true")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("team", "a", Labels.KEEP, "true"));
        assertThat(Labels.forSessionUnlessKept(session, Map.of("team", "a", Labels.KEEP, "false")))
                .containsEntry(Labels.SESSION, session.toString()).containsKey(Labels.OWNER);
    }

    @Test
    void ownerLabelRoundTrips() {
        Labels.Owner owner = new Labels.Owner("ci-7", 4242, Instant.ofEpochMilli(1_700_000_000_123L));

        assertThat(owner.toString()).isEqualTo("ci-7/4242/1700000000123");
        assertThat(Labels.Owner.parse(owner.toString())).contains(owner);
        assertThat(Labels.Owner.parse("garbage")).isEmpty();
        assertThat(Labels.Owner.parse("h/x/1")).isEmpty();
        assertThat(Labels.Owner.parse(null)).isEmpty();
    }

    @Test
    void thisProcessIsNotGone() {
        assertThat(Labels.Owner.current().isGone(Labels.hostName())).isFalse();
    }

    @Test
    void aProcessThatEndedIsGone() throws Exception {
        // a process that waits until told to end: `true` could be gone before its start time is read
        Process process = new ProcessBuilder("sleep", "60").start();
        Instant started = process.toHandle().info().startInstant().orElseThrow();
        process.destroy();
        process.waitFor();
        process.toHandle().onExit().get();

        assertThat(new Labels.Owner(Labels.hostName(), process.pid(), started).isGone(Labels.hostName())).isTrue();
    }

    @Test
    void aLivePidWithAnotherStartTimeIsAnotherProcessSoTheOwnerIsGone() {
        Labels.Owner current = Labels.Owner.current();
        Labels.Owner reusedPid = new Labels.Owner(current.host(), current.pid(), current.start().minusSeconds(3600));

        assertThat(reusedPid.isGone(current.host())).isTrue();
    }

    @Test
    void ownersOnOtherHostsAreNeverCertainlyGone() {
        assertThat(new Labels.Owner("elsewhere", 1, Instant.EPOCH).isGone("here")).isFalse();
    }
}
