package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A kept container ({@code stevedore run -d --restart ...}) whose runs end after the JVM that started it is gone is
 * restarted as its policy says, with no engine open and no user command: a child JVM runs it and ends; this test
 * only reads the state directory through an engine of its own (opened before the container exists, so it owns and
 * reaps nothing of it) and watches the processes the restarts leave.
 */
class KeptRestartIT {
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path state;
    private ContainerEngine engine;
    private String id;

    @BeforeEach
    void openReader() {
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterEach
    void removeAndClose() {
        KeptChildren.removeAndClose(engine, id, this::awaitNoRespawner);
    }

    /** The child JVM, as {@code stevedore run -d}: {@code STATE IMAGE POLICY SCRIPT}; prints {@code kept ID PID}. */
    public static void main(String[] args) {
        try (ContainerEngine child = ContainerEngine.embedded(EngineSettings.fromEnvironment()
                .withStateDirectory(Path.of(args[0])))) {
            ContainerInfo kept = child.runContainer(ContainerSpec.builder(args[1]).cmd("sh", "-c", args[3])
                    .label(ContainerSpec.KEEP_LABEL, "true").restartPolicy(RestartPolicy.parse(args[2])).build());
            System.out.println("kept " + kept.id() + " " + kept.state().pid());
        }
    }

    /** Runs the kept container in a child JVM that then ends; returns its first run's pid. */
    private long runKeptInChildJvm(String policy, String script) throws IOException, InterruptedException {
        String report = KeptChildren.runChildJvm(KeptRestartIT.class, state.toString(),
                Testbed.get().plainRegistry() + "/library/busybox:latest", policy, script);
        String[] parts = report.split(" ");
        id = parts[1];
        return Long.parseLong(parts[2]);
    }

    /** The watcher of the container's last run, or the JVM it started, if one lives. */
    private Optional<ProcessHandle> respawner() {
        try {
            String[] parts = Files.readString(state.resolve("containers").resolve(id).resolve(KeptRestarts.RESPAWNER))
                    .strip().split(" ");
            return ProcessHandle.of(Long.parseLong(parts[0])).filter(ProcessHandle::isAlive);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Once no respawner lives, nothing more happens to the container by its policy. */
    private void awaitNoRespawner() {
        await("the restart JVMs end").atMost(PATIENCE).until(() -> respawner().isEmpty());
    }

    private static String sha256(String text) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void alwaysRestartsARunThatEndsWithNoJvmCountingOnWithANewPid() throws Exception {
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        try (EventSubscription subscription = engine.events(events::add)) {
            long firstPid = runKeptInChildJvm("always", "sleep 1; exit 1");

            await("two restarts by its policy").atMost(PATIENCE).until(() -> {
                ContainerInfo now = engine.inspectContainer(id);
                return now.restartCount() >= 2 && now.state().running();
            });
            ContainerInfo restarted = engine.inspectContainer(id);
            assertThat(restarted.state().pid()).isNotEqualTo(firstPid);
            // the restarting JVMs' starts are in their journals, as dockerd sends die then start
            await("their start events").atMost(PATIENCE).until(() -> events.stream()
                    .filter(e -> e.id().equals(id) && e.action() == EngineEvent.Action.START).count() >= 2);
            assertThat(events).filteredOn(e -> e.id().equals(id))
                    .extracting(EngineEvent::action).contains(EngineEvent.Action.DIE)
                    .doesNotContain(EngineEvent.Action.RESTART);
        }
    }

    @Test
    void onFailureOneRestartsOnceAndNoMore() throws Exception {
        runKeptInChildJvm("on-failure:1", "exit 3");

        await("one restart, then exited").atMost(PATIENCE).until(() -> {
            ContainerInfo now = engine.inspectContainer(id);
            return now.restartCount() == 1 && now.state().status() == dev.stevedore.engine.ContainerState.Status.EXITED;
        });
        awaitNoRespawner();
        ContainerInfo settled = engine.inspectContainer(id);
        assertThat(settled.restartCount()).isEqualTo(1);
        assertThat(settled.state().exitCode()).isEqualTo(3);
        assertThat(settled.state().running()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "unless-stopped"})
    void aUsersStopEndsItForGood(String policy) throws Exception {
        runKeptInChildJvm(policy, "sleep 2; exit 1");
        await("a restart by its policy").atMost(PATIENCE).until(() -> {
            ContainerInfo now = engine.inspectContainer(id);
            return now.restartCount() >= 1 && now.state().running();
        });

        engine.stopContainer(id, Duration.ZERO);
        int count = engine.inspectContainer(id).restartCount();
        awaitNoRespawner();

        ContainerInfo stopped = engine.inspectContainer(id);
        assertThat(stopped.state().running()).isFalse();
        assertThat(stopped.state().status()).isEqualTo(dev.stevedore.engine.ContainerState.Status.EXITED);
        assertThat(stopped.restartCount()).isEqualTo(count);
    }

    @Test
    void aPolicyGivenByUpdateWhileItRunsApplies() throws Exception {
        long firstPid = runKeptInChildJvm("no", "sleep 20; exit 1");

        ContainerInfo updated = engine.updateContainer(id,
                ContainerUpdate.none().withRestartPolicy(RestartPolicy.parse("on-failure:1")));
        // an exited one is only given the policy for later starts, as by dockerd
        assertThat(updated.state().running()).as("still running when updated").isTrue();

        await("a restart by the policy it was given").atMost(PATIENCE).until(() -> {
            ContainerInfo now = engine.inspectContainer(id);
            return now.restartCount() == 1 && now.state().pid() != firstPid;
        });
    }

    @Test
    void removalDuringTheBackoffLeavesNothingBehind() throws Exception {
        runKeptInChildJvm("always", "exit 1");
        String removed = id;
        // the backoff doubles at each restart, so a wait in it soon lasts long enough to be seen
        await("waiting out its backoff").atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() ->
                engine.inspectContainer(removed).state().status() == dev.stevedore.engine.ContainerState.Status.RESTARTING);
        ProcessHandle restarter = respawner().orElseThrow();
        // as the network manager names it (Attachments.vethName); a rootless one lies in the user's namespace
        String veth = "stvv" + sha256(removed + "/" + engine.inspectNetwork("bridge").id()).substring(0, 11);

        engine.removeContainer(removed, true);

        await("the restarting JVM ends").atMost(PATIENCE).until(() -> !restarter.isAlive());
        assertThatThrownBy(() -> engine.inspectContainer(removed)).isInstanceOf(ContainerNotFoundException.class);
        assertThat(state.resolve("containers").resolve(removed)).doesNotExist();
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")))
                .as("processes naming the container").noneMatch(line -> line.contains(removed));
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(removed);
        assertThat(Path.of("/sys/class/net", veth)).as("its veth on the default network").doesNotExist();
        assertThat(engine.inspectNetwork("bridge").containers()).doesNotContainKey(removed);
        id = null;
    }
}
