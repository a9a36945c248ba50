package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health checks and events of a kept container ({@code stevedore run -d --health-cmd ...}) once the JVM that started it
 * is gone: a child JVM runs it and ends; the run's native watcher ({@link KeptWatchers}, {@code launcher kept}) checks
 * it from then on. This test only reads the state directory through engines of its own (the first opened before the
 * container exists, so it owns nothing of it). Run as root ({@link KeptHealthIT}) and as an ordinary user
 * ({@link RootlessKeptHealthIT}).
 */
abstract class KeptHealthScenarios {
    static final Duration PATIENCE = Duration.ofMinutes(3);
    /** Healthy while /tmp/ok exists; ends with exit 3 once a line is written into /tmp/end. */
    static final String SCRIPT = "mkfifo /tmp/end; touch /tmp/ok; read x < /tmp/end; exit 3";
    static final String CHECK = "test -f /tmp/ok";

    @TempDir
    Path state;
    ContainerEngine engine;
    String id;

    @BeforeEach
    void openReader() {
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterEach
    void removeAndClose() {
        KeptChildren.removeAndClose(engine, id,
                () -> await("its watcher ends with the run").atMost(PATIENCE).until(() -> watchers(id).isEmpty()));
    }

    /** The child JVM, as {@code stevedore run -d}: {@code STATE IMAGE SCRIPT CHECK INTERVAL-MS TIMEOUT-MS RETRIES}. */
    public static void main(String[] args) {
        try (ContainerEngine child = ContainerEngine.embedded(EngineSettings.fromEnvironment()
                .withStateDirectory(Path.of(args[0])))) {
            HealthCheck check = HealthCheck.shell(args[3]).withInterval(Duration.ofMillis(Long.parseLong(args[4])))
                    .withTimeout(Duration.ofMillis(Long.parseLong(args[5]))).withRetries(Integer.parseInt(args[6]));
            ContainerInfo kept = child.runContainer(ContainerSpec.builder(args[1]).cmd("sh", "-c", args[2])
                    .label(ContainerSpec.KEEP_LABEL, "true").label("kept-health-test", "yes").healthCheck(check).build());
            System.out.println("kept " + kept.id());
        }
    }

    /** Runs the kept, checked container in a child JVM that then ends. */
    void runKeptInChildJvm(String script, String check, long intervalMs, long timeoutMs, int retries)
            throws IOException, InterruptedException {
        String report = KeptChildren.runChildJvm(KeptHealthScenarios.class, state.toString(), image(), script, check,
                Long.toString(intervalMs), Long.toString(timeoutMs), Integer.toString(retries));
        id = report.split(" ")[1];
    }

    static String image() {
        return Testbed.get().plainRegistry() + "/library/busybox:latest";
    }

    /** The native watchers of the container's runs that live. */
    static List<ProcessHandle> watchers(String id) {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> a.length >= 2 && a[0].equals("kept")
                && a[1].endsWith(id)).orElse(false)).toList();
    }

    private ContainerHealth health() {
        return engine.inspectContainer(id).health();
    }

    @Test
    void healthyThenUnhealthyWithNoJvmLeftThenItsDieRecorded() throws Exception {
        List<EngineEvent> live = new CopyOnWriteArrayList<>();
        Instant since = Instant.now();
        try (EventSubscription subscription = engine.events(live::add)) {
            runKeptInChildJvm(SCRIPT, CHECK, 1000, 30_000, 2);
            assertThat(watchers(id)).as("the run's watcher, its JVM gone").hasSize(1);

            await("healthy, checked with no JVM").atMost(PATIENCE)
                    .until(() -> health().status() == ContainerHealth.Status.HEALTHY);
            assertThat(engine.exec(id, ExecSpec.of("rm", "/tmp/ok")).exitCode()).isZero();
            await("unhealthy after two failures in a row").atMost(PATIENCE)
                    .until(() -> health().status() == ContainerHealth.Status.UNHEALTHY);

            try (ContainerEngine fresh = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
                ContainerHealth read = fresh.inspectContainer(id).health();
                assertThat(read.status()).isEqualTo(ContainerHealth.Status.UNHEALTHY);
                assertThat(read.failingStreak()).isGreaterThanOrEqualTo(2);
                // the success before them may have left the last five already on a loaded machine
                assertThat(read.log()).hasSizeBetween(2, ContainerHealth.LOG_ENTRIES);
                assertThat(read.log()).extracting(ContainerHealth.Result::exitCode).endsWith(1, 1);
                assertThat(read.log()).allSatisfy(r -> assertThat(r.end()).isAfterOrEqualTo(r.start()));
            }

            // its exit code is not asserted: the container may end, killing it, before it has exited itself
            engine.exec(id, ExecSpec.of("sh", "-c", "echo > /tmp/end"));
            await("its end").atMost(PATIENCE).until(() -> !engine.inspectContainer(id).state().running());
            await("the watcher ends with the run").atMost(PATIENCE).until(() -> watchers(id).isEmpty());
            await("its die reported to the open subscription").atMost(PATIENCE).until(() -> live.stream()
                    .anyMatch(e -> e.id().equals(id) && e.action() == EngineEvent.Action.DIE));
            // the journaled die and the one the subscription saw from the exit file are the same event: sent once
            List<EngineEvent> replayed = engine.pastEvents(since, null).stream().filter(e -> e.id().equals(id)).toList();
            assertThat(live).filteredOn(e -> e.id().equals(id) && e.action() == EngineEvent.Action.DIE).hasSize(1);
            assertThat(live).filteredOn(e -> e.id().equals(id) && e.action() == EngineEvent.Action.HEALTH_STATUS)
                    .extracting(EngineEvent::detail).containsExactly("healthy", "unhealthy");

            // what `events --since` replays after the fact, with dockerd's attributes
            assertThat(replayed).filteredOn(e -> e.action() == EngineEvent.Action.HEALTH_STATUS)
                    .extracting(EngineEvent::detail).containsExactly("healthy", "unhealthy");
            EngineEvent die = replayed.stream().filter(e -> e.action() == EngineEvent.Action.DIE).findFirst().orElseThrow();
            assertThat(die.attributes()).containsEntry(EngineEvent.EXIT_CODE, "3").containsEntry("kept-health-test", "yes")
                    .containsEntry(EngineEvent.IMAGE, image())
                    .containsEntry(EngineEvent.NAME, engine.inspectContainer(id).name());
            assertThat(replayed).filteredOn(e -> e.action() == EngineEvent.Action.DIE).hasSize(1);
        }
    }

    @Test
    void aCheckPastItsTimeoutFailsWithDockerdsWords() throws Exception {
        runKeptInChildJvm(SCRIPT, "sleep 600", 1000, 1000, 1);

        await("unhealthy by its timeout").atMost(PATIENCE)
                .until(() -> health().status() == ContainerHealth.Status.UNHEALTHY);
        ContainerHealth.Result last = health().log().get(health().log().size() - 1);
        assertThat(last.exitCode()).isEqualTo(-1);
        assertThat(last.output()).isEqualTo("Health check exceeded timeout (1s)");
        assertThat(Duration.between(last.start(), last.end())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        // each timed-out check is killed, its process group with it: at most the one in flight is left
        await("three checks timed out").atMost(PATIENCE).until(() -> health().log().size() >= 3);
        assertThat(health().log()).extracting(ContainerHealth.Result::exitCode).containsOnly(-1);
        assertThat(engine.exec(id, ExecSpec.of("ps", "-o", "args")).stdout().lines()
                .filter(line -> line.contains("sleep 600"))).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aForcedRemovalLeavesNoWatcherBehind() throws Exception {
        runKeptInChildJvm(SCRIPT, CHECK, 1000, 30_000, 3);
        await("healthy").atMost(PATIENCE).until(() -> health().status() == ContainerHealth.Status.HEALTHY);
        List<ProcessHandle> running = watchers(id);
        assertThat(running).hasSize(1);
        String removed = id;

        engine.removeContainer(removed, true);

        await("its watcher ends").atMost(PATIENCE).until(() -> running.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")))
                .as("processes naming the container").noneMatch(line -> line.contains(removed));
        assertThat(state.resolve("containers").resolve(removed)).doesNotExist();
    }
}
