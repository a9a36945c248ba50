package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ContainerStats;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.EngineEvent;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Changing a container in place, on every engine: kill that returns once it no longer runs, rename, pause and
 * unpause, a stats sample, new limits, a gzip tar copied in, and the events of all of these in the engine's record.
 */
public abstract class ControlsContract extends EngineContract {

    @Test
    void sigkillReturnsOnceTheContainerNoLongerRuns() {
        ContainerInfo c = started(busybox("sleep 600"));
        engine.killContainer(c.id(), "KILL");
        ContainerState state = engine.inspectContainer(c.id()).state();
        assertThat(state.running()).as("running right after a SIGKILL returned").isFalse();
        assertThat(state.exitCode()).isEqualTo(137);
    }

    @Test
    void renameFreesTheOldNameAndRefusesATakenOne() {
        String before = uniqueName("before");
        String after = uniqueName("after");
        ContainerInfo c = engine.createContainer(busybox("sleep 600").name(before).build());
        ContainerInfo other = engine.createContainer(busybox("true").name(uniqueName("other")).build());
        assertThatThrownBy(() -> engine.renameContainer(c.id(), other.name())).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("already in use");
        engine.renameContainer(before, after);
        assertThat(engine.inspectContainer(c.id()).name()).isEqualTo(after);
        ContainerInfo reused = engine.createContainer(busybox("true").name(before).build());
        assertThat(reused.id()).isNotEqualTo(c.id());
    }

    @Test
    void pauseFreezesTheContainerUntilUnpause() {
        ContainerInfo c = started(busybox("i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done"));
        await().atMost(PATIENCE).until(() -> logTexts(c.id()).size() > 2);
        engine.pauseContainer(c.id());
        ContainerState paused = engine.inspectContainer(c.id()).state();
        assertThat(paused.status()).isEqualTo(ContainerState.Status.PAUSED);
        assertThat(paused.running()).isTrue();
        assertThatThrownBy(() -> engine.pauseContainer(c.id())).hasMessageContaining("already paused");
        int frozenAt = logTexts(c.id()).size();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).until(() -> logTexts(c.id()).size() == frozenAt);
        engine.unpauseContainer(c.id());
        assertThat(engine.inspectContainer(c.id()).state().status()).isEqualTo(ContainerState.Status.RUNNING);
        await().atMost(PATIENCE).until(() -> logTexts(c.id()).size() > frozenAt + 2);
        engine.stopContainer(c.id(), Duration.ZERO);
    }

    @Test
    void statsAreASampleOfTheRunningContainer() {
        ContainerInfo c = started(busybox("while true; do :; done"));
        ContainerStats first = engine.stats(c.id());
        await().atMost(PATIENCE).until(() -> engine.stats(c.id()).cpuTotalNanos() > first.cpuTotalNanos());
        ContainerStats second = engine.stats(c.id());
        assertThat(second.systemCpuNanos()).isGreaterThan(first.systemCpuNanos());
        assertThat(second.onlineCpus()).isPositive();
        assertThat(second.memoryUsageBytes()).isPositive();
        assertThat(second.memoryLimitBytes()).isGreaterThanOrEqualTo(second.memoryUsageBytes());
        assertThat(second.pids()).isPositive();
        engine.killContainer(c.id(), "KILL");
        assertThatThrownBy(() -> engine.stats(c.id())).isInstanceOf(ContainerEngineException.class).hasMessageContaining("not running");
    }

    @Test
    void updateSetsLimitsOnARunningContainer() {
        ContainerInfo c = started(busybox("sleep 600"));
        ContainerInfo updated = engine.updateContainer(c.id(), ContainerUpdate.none().withMemoryBytes(64L << 20)
                .withNanoCpus(500_000_000L).withPidsLimit(100));
        assertThat(updated.spec().memoryBytes()).isEqualTo(64L << 20);
        assertThat(updated.spec().cpus()).isEqualTo(0.5);
        assertThat(updated.spec().pidsLimit()).isEqualTo(100);
        ContainerStats stats = engine.stats(c.id());
        assertThat(stats.memoryLimitBytes()).as("the limit applies to the running container").isEqualTo(64L << 20);
        assertThat(stats.pidsLimit()).isEqualTo(100);
    }

    @Test
    void updatedLimitsHoldAcrossStopAndStart() {
        ContainerInfo c = started(busybox("sleep 600"));
        engine.updateContainer(c.id(), ContainerUpdate.none().withMemoryBytes(64L << 20).withNanoCpus(500_000_000L));
        engine.stopContainer(c.id(), Duration.ZERO);
        engine.startContainer(c.id());
        ContainerInfo restarted = engine.inspectContainer(c.id());
        assertThat(restarted.state().running()).as("running again after stop and start").isTrue();
        assertThat(restarted.spec().cpus()).isEqualTo(0.5);
        assertThat(restarted.spec().memoryBytes()).isEqualTo(64L << 20);
        assertThat(engine.stats(c.id()).memoryLimitBytes()).as("the updated limit applies to the new run").isEqualTo(64L << 20);
    }

    @Test
    void aGzipTarIsExtractedAsAPlainOne() throws IOException {
        ContainerInfo c = started(busybox("sleep 600"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            byte[] data = "zipped\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("small.txt");
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        assertThat(bytes.size()).as("smaller than one tar record: read as a tar it looks empty").isLessThan(512);
        engine.copyToContainer(c.id(), "/tmp", new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(engine.exec(c.id(), dev.stevedore.engine.ExecSpec.of("cat", "/tmp/small.txt")).stdout()).isEqualTo("zipped\n");
    }

    @Test
    void theRecordReplaysWhatHappenedToAContainer() {
        Instant since = Instant.now().minusSeconds(1);
        ContainerInfo c = started(busybox("sleep 600").name(uniqueName("record")));
        engine.pauseContainer(c.id());
        engine.unpauseContainer(c.id());
        engine.renameContainer(c.id(), uniqueName("renamed"));
        engine.killContainer(c.id(), "KILL");
        engine.removeContainer(c.id(), false);
        await().atMost(PATIENCE).until(() -> actions(since, c.id()).contains(EngineEvent.Action.DESTROY));
        assertThat(actions(since, c.id())).containsExactly(EngineEvent.Action.CREATE, EngineEvent.Action.START,
                EngineEvent.Action.PAUSE, EngineEvent.Action.UNPAUSE, EngineEvent.Action.RENAME, EngineEvent.Action.KILL,
                EngineEvent.Action.DIE, EngineEvent.Action.DESTROY);
        assertThat(engine.pastEvents(Instant.now().plusSeconds(60), null)).as("nothing after the future").isEmpty();
    }

    private List<EngineEvent.Action> actions(Instant since, String id) {
        return engine.pastEvents(since, Instant.now()).stream()
                .filter(e -> e.type() == EngineEvent.Type.CONTAINER && e.id().equals(id)).map(EngineEvent::action).toList();
    }
}
