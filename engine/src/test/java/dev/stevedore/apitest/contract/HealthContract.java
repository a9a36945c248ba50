package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Docker's health checks the same on every engine: a check that passes turns the container healthy, one that fails
 * turns it unhealthy after its retries, one that outlasts its timeout fails in dockerd's words, {@code NONE} (and no
 * check) gives no health at all, and a stopped container is unhealthy; each check is an exec with dockerd's
 * {@code exec_*} events and each change of status a {@code health_status} event. Waits are generous (load 15 on 2
 * cores): only the order of things is asserted, never their timing.
 */
public abstract class HealthContract extends EngineContract {
    private static final Duration HEALTH_PATIENCE = Duration.ofSeconds(90);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private ContainerHealth healthOf(String id) {
        return engine.inspectContainer(id).health();
    }

    @Test
    void aPassingCheckTurnsTheContainerHealthyAndSaysSoInEvents() {
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        try (EventSubscription ignored = engine.events(events::add)) {
            ContainerInfo box = started(busybox("sleep 600")
                    .healthCheck(HealthCheck.shell("echo ok-$((1+1))").withInterval(SECOND)));
            assertThat(engine.inspectContainer(box.id()).spec().healthCheck().test())
                    .containsExactly("CMD-SHELL", "echo ok-$((1+1))");

            await().atMost(HEALTH_PATIENCE).until(() -> healthOf(box.id()).status() == ContainerHealth.Status.HEALTHY);

            ContainerHealth health = healthOf(box.id());
            assertThat(health.failingStreak()).isZero();
            assertThat(health.log()).isNotEmpty().hasSizeLessThanOrEqualTo(5).allSatisfy(r -> {
                assertThat(r.exitCode()).isZero();
                assertThat(r.output()).isEqualTo("ok-2\n");
                assertThat(r.end()).isAfterOrEqualTo(r.start());
            });
            await().atMost(HEALTH_PATIENCE).until(() -> events.stream().anyMatch(e -> e.id().equals(box.id())
                    && e.action() == EngineEvent.Action.HEALTH_STATUS));
            List<EngineEvent> mine = events.stream().filter(e -> e.id().equals(box.id())).toList();
            assertThat(mine).filteredOn(e -> e.action() == EngineEvent.Action.HEALTH_STATUS)
                    .extracting(EngineEvent::detail).containsExactly("healthy");
            // as dockerd 20.10 sends them for its checks: the command after the action, as /bin/sh -c runs it
            assertThat(mine).filteredOn(e -> e.action() == EngineEvent.Action.EXEC_START).first()
                    .extracting(EngineEvent::detail).isEqualTo("/bin/sh -c echo ok-$((1+1))");
            assertThat(mine).filteredOn(e -> e.action() == EngineEvent.Action.EXEC_DIE).first()
                    .satisfies(e -> assertThat(e.attributes()).containsEntry(EngineEvent.EXIT_CODE, "0")
                            .containsKey(EngineEvent.EXEC_ID));

            engine.stopContainer(box.id(), SECOND);
            // dockerd 20.10: a container that no longer runs is unhealthy, its log as it was
            ContainerHealth stopped = healthOf(box.id());
            assertThat(stopped.status()).isEqualTo(ContainerHealth.Status.UNHEALTHY);
            assertThat(stopped.log()).isNotEmpty();
            engine.removeContainer(box.id(), true);
        }
    }

    @Test
    void aFailingCheckTurnsTheContainerUnhealthyAfterItsRetries() {
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        try (EventSubscription ignored = engine.events(events::add)) {
            ContainerInfo box = started(busybox("sleep 600")
                    .healthCheck(HealthCheck.command("sh", "-c", "echo sick >&2; exit 3").withInterval(SECOND).withRetries(2)));

            await().atMost(HEALTH_PATIENCE).until(() -> healthOf(box.id()).status() == ContainerHealth.Status.UNHEALTHY);

            ContainerHealth health = healthOf(box.id());
            assertThat(health.failingStreak()).isGreaterThanOrEqualTo(2);
            assertThat(health.log()).allSatisfy(r -> {
                assertThat(r.exitCode()).isEqualTo(3);
                assertThat(r.output()).isEqualTo("sick\n");
            });
            await().atMost(HEALTH_PATIENCE).until(() -> events.stream().anyMatch(e -> e.id().equals(box.id())
                    && e.action() == EngineEvent.Action.HEALTH_STATUS));
            assertThat(events).filteredOn(e -> e.id().equals(box.id()) && e.action() == EngineEvent.Action.HEALTH_STATUS)
                    .extracting(EngineEvent::detail).containsExactly("unhealthy");
            engine.removeContainer(box.id(), true);
        }
    }

    @Test
    void aCheckThatOutlastsItsTimeoutFailsInDockersWords() {
        ContainerInfo box = started(busybox("sleep 600").healthCheck(HealthCheck.shell("sleep 30")
                .withInterval(SECOND).withTimeout(SECOND).withRetries(1)));

        await().atMost(HEALTH_PATIENCE).until(() -> healthOf(box.id()).status() == ContainerHealth.Status.UNHEALTHY);

        assertThat(healthOf(box.id()).log()).first().satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(-1);
            assertThat(r.output()).isEqualTo("Health check exceeded timeout (1s)");
        });
        engine.removeContainer(box.id(), true);
    }

    @Test
    void withoutACheckOrWithNoneThereIsNoHealth() {
        ContainerInfo plain = started(busybox("sleep 600"));
        ContainerInfo none = started(busybox("sleep 600").healthCheck(HealthCheck.NONE));

        assertThat(engine.inspectContainer(plain.id()).health()).isNull();
        assertThat(engine.inspectContainer(none.id()).health()).isNull();
        assertThat(engine.inspectContainer(none.id()).spec().healthCheck().disabled()).isTrue();
        engine.removeContainer(plain.id(), true);
        engine.removeContainer(none.id(), true);
    }
}
