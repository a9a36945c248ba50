package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Ready once the engine finds the container healthy: its health check (the container's, else its image's
 * {@code HEALTHCHECK}), run by the engine at its own interval and retries, as {@code docker compose up --wait} and
 * Testcontainers' {@code Wait.forHealthcheck()} have it: {@link Wait#healthCheck}. Immutable.
 *
 * <p>It wakes on the engine's {@code health_status} and {@code die} events and reads the status through
 * {@link ContainerInfo#health()}; no check of its own is run. A container that turns unhealthy or ends is not ready,
 * with its last check's output in the message.
 */
public final class HealthCheckWait implements WaitStrategy {
    private final Duration timeout;

    HealthCheckWait(Duration timeout) {
        this.timeout = timeout;
    }

    /** Its own timeout. */
    public HealthCheckWait timeout(Duration value) {
        return new HealthCheckWait(value);
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        ContainerEngine engine = container.engine();
        String id = container.id();
        Object changed = new Object();
        long deadline = System.nanoTime() + timeout.toNanos();
        // subscribed before the first look: a change in between wakes the loop instead of being missed
        try (EventSubscription ignored = engine.events(e -> {
            if (e.id().equals(id) && (e.action() == EngineEvent.Action.HEALTH_STATUS || e.action() == EngineEvent.Action.DIE)) {
                synchronized (changed) {
                    changed.notifyAll();
                }
            }
        })) {
            for (;;) {
                ContainerInfo info = engine.inspectContainer(id);
                ContainerHealth health = info.health();
                if (health == null) {
                    throw Waiting.notReady(container, "cannot be health-checked", description(),
                            "it has no health check (none given and none in its image, or NONE): give it one with "
                                    + "engineSpec(s -> s.healthCheck(...)), or wait with Wait.command(...) instead", null, null);
                }
                if (health.status() == ContainerHealth.Status.HEALTHY) {
                    return;
                }
                if (health.status() == ContainerHealth.Status.UNHEALTHY || !info.state().running()) {
                    throw Waiting.notReady(container, info.state().running() ? "is unhealthy" : "ended", description(),
                            lastOutput(health.log()), info.state().running() ? null : info.state().exitCode(), null);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw Waiting.notReady(container, "timed out after " + Waiting.seconds(timeout), description(),
                            lastOutput(health.log()), null, null);
                }
                synchronized (changed) {
                    // bounded: a status that changed between the look above and this wait is seen within a second
                    changed.wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + container.name() + " to be healthy", e);
        }
    }

    private static String lastOutput(List<ContainerHealth.Result> log) {
        if (log.isEmpty()) {
            return "no check has ended yet";
        }
        ContainerHealth.Result last = log.get(log.size() - 1);
        return "exit code " + last.exitCode() + ", output \"" + last.output().strip() + "\"";
    }

    @Override
    public String description() {
        return "the engine to find it healthy";
    }
}
