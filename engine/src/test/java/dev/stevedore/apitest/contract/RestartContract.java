package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.RestartPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restart policies, on every engine: {@code on-failure:N} restarts a failing command N times and counts them,
 * {@code always} restarts one that succeeded too, a user's stop or kill is never undone by a restart, and each
 * restart is a die then a start in the event feed.
 *
 * <p>Runs on the embedded engine as root and rootless, and on dockerd ({@code *RestartContractIT}).
 */
public abstract class RestartContract extends EngineContract {
    /** Long enough for a restart that should not come: Docker's backoff after two restarts is 400 ms. */
    private static final Duration QUIET = Duration.ofMillis(2500);

    @Test
    void onFailureRestartsAFailingCommandItsCountOfTimes() {
        ContainerInfo c = started(busybox("echo ran; exit 3").restartPolicy(RestartPolicy.parse("on-failure:2")));
        await("restart count 2 and exited").atMost(PATIENCE).until(() -> {
            ContainerInfo now = engine.inspectContainer(c.id());
            return now.restartCount() == 2 && !now.state().running();
        });
        await("no third restart").during(QUIET).atMost(QUIET.multipliedBy(4)).until(() -> {
            ContainerInfo now = engine.inspectContainer(c.id());
            return now.restartCount() == 2 && !now.state().running();
        });
        ContainerInfo ended = engine.inspectContainer(c.id());
        assertThat(ended.state().exitCode()).isEqualTo(3);
        assertThat(ended.spec().restartPolicy()).isEqualTo(new RestartPolicy(RestartPolicy.Kind.ON_FAILURE, 2));
        assertThat(logTexts(c.id())).as("one run and two restarts").containsExactly("ran", "ran", "ran");
    }

    @Test
    void aContainerBetweenTwoRunsIsRestartingUntilAStopEndsIt() {
        ContainerInfo c = started(busybox("exit 1").restartPolicy(RestartPolicy.parse("always")));
        // the backoff doubles from 100 ms: a few restarts in, each wait is long enough to be seen
        java.util.concurrent.atomic.AtomicReference<ContainerState> seen = new java.util.concurrent.atomic.AtomicReference<>();
        await("seen between two runs").atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> {
            seen.set(engine.inspectContainer(c.id()).state());
            return seen.get().status() == ContainerState.Status.RESTARTING;
        });
        ContainerState waiting = seen.get();
        assertThat(waiting.running()).as("no process while it waits").isFalse();
        assertThat(waiting.exitCode()).isEqualTo(1);
        assertThat(engine.containers(false, java.util.Map.of(RUN_LABEL, run))).as("listed with the running ones, as by dockerd")
                .extracting(ContainerInfo::id).contains(c.id());
        engine.stopContainer(c.id(), Duration.ofSeconds(5));
        await("exited after the stop, and stays so").during(QUIET).atMost(QUIET.multipliedBy(4))
                .until(() -> engine.inspectContainer(c.id()).state().status() == ContainerState.Status.EXITED);
    }

    @Test
    void onFailureLeavesASuccessfulCommandEnded() {
        ContainerInfo c = started(busybox("exit 0").restartPolicy(RestartPolicy.parse("on-failure")));
        exited(c.id());
        await("no restart after exit 0").during(QUIET).atMost(QUIET.multipliedBy(4))
                .until(() -> engine.inspectContainer(c.id()).restartCount() == 0);
    }

    @Test
    void alwaysRestartsACommandThatSucceededUntilAUserStopsIt() {
        ContainerInfo c = started(busybox("echo ran; sleep 0.2").restartPolicy(RestartPolicy.parse("always")));
        await("two restarts").atMost(PATIENCE).until(() -> engine.inspectContainer(c.id()).restartCount() >= 2);
        // a stop may find it between two runs: dockerd then cancels the restart, as the embedded engine does
        engine.stopContainer(c.id(), Duration.ofSeconds(5));
        int count = engine.inspectContainer(c.id()).restartCount();
        await("not restarted after the stop").during(QUIET).atMost(QUIET.multipliedBy(4)).until(() -> {
            ContainerInfo now = engine.inspectContainer(c.id());
            return !now.state().running() && now.restartCount() == count;
        });
    }

    @Test
    void aStopOrAKillIsNotUndoneByTheRestartPolicy() {
        ContainerInfo stopped = started(busybox("sleep 600").restartPolicy(RestartPolicy.parse("always")));
        ContainerInfo killed = started(busybox("sleep 600").restartPolicy(RestartPolicy.parse("unless-stopped")));
        engine.stopContainer(stopped.id(), Duration.ofSeconds(1));
        engine.killContainer(killed.id(), "KILL");
        for (ContainerInfo c : List.of(stopped, killed)) {
            await("stays ended").during(QUIET).atMost(QUIET.multipliedBy(4)).until(() -> {
                ContainerInfo now = engine.inspectContainer(c.id());
                return !now.state().running() && now.restartCount() == 0;
            });
        }
        // a start by the user runs it again, its count from 0
        engine.startContainer(killed.id());
        ContainerInfo again = engine.inspectContainer(killed.id());
        assertThat(again.state().running()).isTrue();
        assertThat(again.restartCount()).isZero();
        engine.stopContainer(killed.id(), Duration.ZERO);
    }

    @Test
    void updateGivesACreatedContainerARestartPolicy() {
        ContainerInfo c = engine.createContainer(busybox("exit 4").build());
        ContainerInfo updated = engine.updateContainer(c.id(),
                ContainerUpdate.none().withRestartPolicy(RestartPolicy.parse("on-failure:1")));
        assertThat(updated.spec().restartPolicy()).hasToString("on-failure:1");
        engine.startContainer(c.id());
        await("one restart and exited").atMost(PATIENCE).until(() -> {
            ContainerInfo now = engine.inspectContainer(c.id());
            return now.restartCount() == 1 && !now.state().running();
        });
        assertThat(engine.inspectContainer(c.id()).spec().restartPolicy()).hasToString("on-failure:1");
    }

    @Test
    void aRestartIsADieThenAStartInTheEvents() {
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        ContainerInfo c;
        try (EventSubscription ignored = engine.events(events::add)) {
            c = engine.createContainer(busybox("exit 5").restartPolicy(RestartPolicy.parse("on-failure:1")).build());
            engine.startContainer(c.id());
            await("the second die").atMost(PATIENCE).until(() -> actions(events, c.id()).stream()
                    .filter(a -> a == EngineEvent.Action.DIE).count() == 2);
        }
        assertThat(actions(events, c.id())).containsExactly(EngineEvent.Action.CREATE, EngineEvent.Action.START,
                EngineEvent.Action.DIE, EngineEvent.Action.START, EngineEvent.Action.DIE);
        assertThat(events.stream().filter(e -> e.id().equals(c.id()) && e.action() == EngineEvent.Action.DIE))
                .allSatisfy(e -> assertThat(e.attributes()).containsEntry(EngineEvent.EXIT_CODE, "5"));
    }

    private static List<EngineEvent.Action> actions(List<EngineEvent> events, String id) {
        return events.stream().filter(e -> e.type() == EngineEvent.Type.CONTAINER && e.id().equals(id))
                .map(EngineEvent::action).toList();
    }
}
