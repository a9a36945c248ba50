package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ContainerState.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A container's life through the public API: create, find, start, wait, exit codes, stop with a grace
 * period, kill with a named signal, remove, list by labels, and a start that cannot work.
 */
public abstract class LifecycleContract extends EngineContract {

    @Test
    void createdContainerIsFoundByIdPrefixAndName() {
        String name = uniqueName("contract-create");

        ContainerInfo created = engine.createContainer(busybox("exit 0").name(name).label("role", "probe").build());

        assertThat(created.id()).matches("[0-9a-f]{64}");
        assertThat(created.name()).isEqualTo(name);
        assertThat(created.state().status()).isEqualTo(Status.CREATED);
        assertThat(created.image()).isEqualTo(busyboxImage());
        assertThat(created.imageId()).startsWith("sha256:");
        assertThat(created.labels()).containsEntry("role", "probe").containsEntry(RUN_LABEL, run);
        assertThat(created.command()).containsExactly("sh", "-c", "exit 0");
        assertThat(engine.inspectContainer(created.shortId()).id()).isEqualTo(created.id());
        assertThat(engine.inspectContainer(name).id()).isEqualTo(created.id());

        engine.removeContainer(name, false);

        assertThatThrownBy(() -> engine.inspectContainer(created.id())).isInstanceOf(ContainerNotFoundException.class);
    }

    @Test
    void unknownContainerIsNotFoundByAnyOperation() {
        String nobody = uniqueName("no-such-container");

        assertThatThrownBy(() -> engine.inspectContainer(nobody)).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.startContainer(nobody)).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.stopContainer(nobody, Duration.ofSeconds(1))).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.removeContainer(nobody, true)).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.waitContainer(nobody, Duration.ofSeconds(1))).isInstanceOf(ContainerNotFoundException.class);
    }

    @Test
    void exitCodeIsReportedOnceTheContainerExits() {
        Instant before = Instant.now().minusSeconds(1);
        ContainerInfo container = started(busybox("exit 3"));

        ContainerState state = exited(container.id());

        assertThat(state.status()).isEqualTo(Status.EXITED);
        assertThat(state.exitCode()).isEqualTo(3);
        assertThat(state.signal()).isZero();
        assertThat(state.startedAt()).isAfter(before);
        // dockerd stamps StartedAt after the start returns and FinishedAt from the exit event: for a process
        // this quick, FinishedAt can come out a few microseconds earlier
        assertThat(state.finishedAt()).isAfterOrEqualTo(state.startedAt().minusMillis(100));
        assertThat(engine.inspectContainer(container.id()).state()).isEqualTo(state);
    }

    @Test
    void waitReturnsTheRunningStateWhenTheTimeoutPassesFirst() {
        ContainerInfo container = started(busybox("sleep 600"));
        long start = System.nanoTime();

        ContainerState state = engine.waitContainer(container.id(), Duration.ofMillis(300));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(60));
        assertThat(state.status()).isEqualTo(Status.RUNNING);
        assertThat(state.pid()).isPositive();
        engine.removeContainer(container.id(), true);
    }

    @Test
    void specReachesTheProcessEnvWorkingDirUserAndHostname() {
        ContainerInfo container = started(busybox("echo \"$GREETING\"; pwd; id -u; hostname")
                .env("GREETING", "hello contract").workingDir("/tmp").user("65534").hostname("contract-host"));

        assertThat(exited(container.id()).exitCode()).isZero();

        assertThat(logTexts(container.id())).containsExactly("hello contract", "/tmp", "65534", "contract-host");
        assertThat(engine.inspectContainer(container.id()).env()).contains("GREETING=hello contract");
    }

    @Test
    void entrypointReplacesTheImagesAndCmdBecomesItsArguments() {
        ContainerInfo container = started(busybox("unused").entrypoint("echo", "from the entrypoint").cmd("and its argument"));

        exited(container.id());

        assertThat(logTexts(container.id())).containsExactly("from the entrypoint and its argument");
        assertThat(container.command()).containsExactly("echo", "from the entrypoint", "and its argument");
    }

    @Test
    void stopSendsTheStopSignalAndReturnsWhenTheContainerExits() {
        ContainerInfo container = started(busybox("trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.1; done"));
        await().atMost(PATIENCE).until(() -> logTexts(container.id()).contains("ready"));
        long start = System.nanoTime();

        engine.stopContainer(container.id(), Duration.ofSeconds(20));

        // exit code 0 and "got TERM" below say the signal ended it, not the 20 s grace's kill; the bound only says
        // the stop did not wait for the grace (at load 15 a stop takes seconds)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        ContainerState state = engine.inspectContainer(container.id()).state();
        assertThat(state.status()).isEqualTo(Status.EXITED);
        assertThat(state.exitCode()).isZero();
        assertThat(logTexts(container.id())).containsExactly("ready", "got TERM");
    }

    @Test
    void stopKillsAContainerThatIgnoresTheSignalOnceTheGraceRunsOut() {
        ContainerInfo container = started(busybox("trap '' TERM; echo ready; while true; do sleep 0.1; done"));
        await().atMost(PATIENCE).until(() -> logTexts(container.id()).contains("ready"));
        long start = System.nanoTime();

        engine.stopContainer(container.id(), Duration.ofSeconds(1));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(60));
        ContainerState state = engine.inspectContainer(container.id()).state();
        assertThat(state.status()).isEqualTo(Status.EXITED);
        assertThat(state.exitCode()).isEqualTo(137);
        assertThat(state.signal()).isEqualTo(9);
    }

    @Test
    void stoppingAnExitedContainerDoesNothing() {
        ContainerInfo container = started(busybox("exit 4"));
        exited(container.id());

        engine.stopContainer(container.id(), Duration.ofSeconds(1));

        assertThat(engine.inspectContainer(container.id()).state().exitCode()).isEqualTo(4);
    }

    @Test
    void killSendsTheNamedSignal() {
        ContainerInfo trapping = started(busybox("trap 'echo got USR1; exit 42' USR1; echo ready; while true; do sleep 0.1; done"));
        ContainerInfo plain = started(busybox("echo ready; while true; do sleep 0.1; done"));
        await().atMost(PATIENCE).until(() -> logTexts(trapping.id()).contains("ready") && logTexts(plain.id()).contains("ready"));

        engine.killContainer(trapping.id(), "SIGUSR1");
        engine.killContainer(plain.id(), "KILL");

        assertThat(exited(trapping.id()).exitCode()).isEqualTo(42);
        assertThat(logTexts(trapping.id())).containsExactly("ready", "got USR1");
        ContainerState killed = exited(plain.id());
        assertThat(killed.exitCode()).isEqualTo(137);
        assertThat(killed.signal()).isEqualTo(9);
    }

    @Test
    void removeRefusesARunningContainerUnlessForced() {
        ContainerInfo container = started(busybox("sleep 600"));

        assertThatThrownBy(() -> engine.removeContainer(container.id(), false))
                .isInstanceOf(ContainerEngineException.class)
                .isNotInstanceOf(ContainerNotFoundException.class);
        assertThat(engine.inspectContainer(container.id()).state().running()).isTrue();

        engine.removeContainer(container.id(), true);

        assertThatThrownBy(() -> engine.inspectContainer(container.id())).isInstanceOf(ContainerNotFoundException.class);
    }

    @Test
    void listFiltersByLabelsAndRunningStateNewestFirst() {
        String tier = uniqueName("tier");
        ContainerInfo running = started(busybox("sleep 600").label(tier, "a"));
        ContainerInfo done = started(busybox("exit 0").label(tier, "b"));
        exited(done.id());

        assertThat(engine.containers(true, Map.of(RUN_LABEL, run, tier, "a"))).extracting(ContainerInfo::id)
                .containsExactly(running.id());
        assertThat(engine.containers(true, Map.of(RUN_LABEL, run, tier, ""))).extracting(ContainerInfo::id)
                .containsExactly(done.id(), running.id());
        assertThat(engine.containers(false, Map.of(RUN_LABEL, run, tier, ""))).extracting(ContainerInfo::id)
                .containsExactly(running.id());
        assertThat(engine.containers(true, Map.of(tier, "c"))).isEmpty();
        engine.removeContainer(running.id(), true);
    }

    @Test
    void missingEntrypointFailsTheStartWithTheReason() {
        ContainerInfo container = engine.createContainer(busybox("unused").entrypoint("/no/such/program").build());

        assertThatThrownBy(() -> engine.startContainer(container.id()))
                .isInstanceOfSatisfying(ContainerStartException.class, e -> {
                    assertThat(e.getMessage()).contains("/no/such/program");
                    assertThat(e.containerId()).isEqualTo(container.id());
                });
        assertThat(engine.inspectContainer(container.id()).state().running()).isFalse();
    }

    @Test
    void autoRemovedContainerIsGoneAfterItExits() {
        ContainerInfo container = engine.createContainer(busybox("exit 0").autoRemove(true).build());
        assertThat(engine.inspectContainer(container.id()).state().status()).isEqualTo(Status.CREATED);

        engine.startContainer(container.id());

        await().atMost(PATIENCE).untilAsserted(() -> assertThatThrownBy(() -> engine.inspectContainer(container.id()))
                .isInstanceOf(ContainerNotFoundException.class));
    }
}
