package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Restart policies ({@link RestartPolicy}) of the containers this JVM runs: once the owner has recorded a run's
 * exit, the container is started again as its policy says, after Docker's backoff (100 ms, doubled at each restart,
 * at most a minute, back to 100 ms after a run of 10 s), as a new run of this JVM that counts in
 * {@code state.json}'s {@code restartCount}. While it waits, {@code state.json} says {@code restarting} (as dockerd's
 * inspect does), naming this JVM as the one that will start it: a reader finding that JVM gone, or this engine
 * closed, sees it exited. A stop or kill by a user leaves the file {@value #STOPPED_BY_USER} in
 * the container's directory (so a stop from another JVM counts too), and a stopped container is not restarted; a
 * start by a user removes it and sets the count back to 0, as dockerd does.
 */
final class ContainerRestarts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRestarts.class);
    static final String STOPPED_BY_USER = "stopped-by-user";
    private static final long FIRST_DELAY_MILLIS = 100;
    private static final long MAX_DELAY_MILLIS = 60_000;
    /** A run this long resets the backoff, as Docker's restart manager does. */
    private static final Duration STEADY_RUN = Duration.ofSeconds(10);

    /** Starts run {@code state.run() + 1} under the container's lock, with the restart count given. */
    interface Starter {
        void start(String id, ContainerRecord config, StateRecord state, int restartCount) throws IOException;
    }

    private final ContainerStore store;
    private final Starter starter;
    /** The delay before the next restart, per container; only this JVM restarts its runs, so memory suffices. */
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stevedore-container-restarts");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    /** The runs whose restart is scheduled, by container: settled back to exited when the engine closes first. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final ProcessIdentity self = ProcessIdentity.current();

    ContainerRestarts(ContainerStore store, Starter starter) {
        this.store = store;
        this.starter = starter;
    }

    /** Notes that a user stopped or killed the container: its policy does not restart it. */
    static void stoppedByUser(Path dir) {
        try {
            Files.write(dir.resolve(STOPPED_BY_USER), new byte[0]);
        } catch (IOException e) {
            // removed meanwhile: nothing to restart
        }
    }

    /** A start by a user: the container's policy applies again. */
    static void startedByUser(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(STOPPED_BY_USER));
    }

    static boolean wasStoppedByUser(Path dir) {
        return Files.exists(dir.resolve(STOPPED_BY_USER));
    }

    /**
     * Called by the owner, under the container's lock, once it recorded the end of run {@code state.run()}
     * ({@code state} is the exited state): schedules the restart its policy asks for, the container restarting
     * meanwhile.
     */
    void exited(String id, ContainerRecord config, StateRecord state) {
        RestartPolicy policy = config.spec().restartPolicy();
        if (closed || !policy.restartsAfter(state.exitCode(), state.restartCount(), wasStoppedByUser(store.directory(id)))) {
            delays.remove(id);
            return;
        }
        long delay = delays.merge(id, FIRST_DELAY_MILLIS, (before, first) -> Math.min(before * 2, MAX_DELAY_MILLIS));
        if (ranSteadily(state)) {
            delays.put(id, delay = FIRST_DELAY_MILLIS);
        }
        try {
            store.writeState(id, state.restarting(self.pid(), self.startTime()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot record that container {} restarts: {}", id, e.toString());
        }
        pending.put(id, state.run());
        timer.schedule(() -> restart(id, state.run(), state.restartCount() + 1), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * A user's stop: a container waiting for its restart is exited at once (its policy no longer applies, the
     * {@value #STOPPED_BY_USER} file says so already), as dockerd's stop cancels a restart.
     */
    void settle(String id) {
        Long run = pending.get(id);
        if (run != null) {
            settle(id, run);
        }
    }

    /** Writes run {@code run}'s state back to exited when it still says restarting. */
    private void settle(String id, long run) {
        CrossProcessLock lock;
        try {
            lock = store.lock(id);
        } catch (RuntimeException e) {
            return; // removed
        }
        try {
            StateRecord state = store.readState(id).orElse(null);
            if (state != null && state.restarting() && state.run() == run) {
                store.writeState(id, state.notRestarting());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot record that container {} no longer restarts: {}", id, e.toString());
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /**
     * A kept container whose run ended while no engine owned it (its {@code stevedore run} had ended), found by an
     * engine opening: as dockerd's restart of its containers when it comes back, it is started afresh (its count from
     * 0) when its policy says so. A stop by a user is honoured by {@code always} too, unlike dockerd at its restart:
     * every CLI command opens an engine, so an {@code always} that undid stops would undo every {@code stevedore stop}.
     */
    void foundEnded(String id, StateRecord exited) {
        if (closed) {
            return;
        }
        timer.execute(() -> {
            ContainerRecord config = store.readConfig(id).orElse(null);
            if (config != null && config.spec().restartPolicy().restartsAfter(exited.exitCode(), exited.restartCount(),
                    wasStoppedByUser(store.directory(id)))) {
                restart(id, exited.run(), 0);
            }
        });
    }

    private static boolean ranSteadily(StateRecord state) {
        if (state.startedAt() == null || state.finishedAt() == null) {
            return false;
        }
        return Duration.between(Instant.parse(state.startedAt()), Instant.parse(state.finishedAt())).compareTo(STEADY_RUN) >= 0;
    }

    private void restart(String id, long endedRun, int restartCount) {
        pending.remove(id, endedRun);
        if (closed) {
            return;
        }
        CrossProcessLock lock;
        try {
            lock = store.lock(id);
        } catch (RuntimeException e) {
            delays.remove(id); // removed while it waited (ContainerNotFoundException), or going
            return;
        }
        try {
            StateRecord state = store.readState(id).orElse(null);
            ContainerRecord config = store.readConfig(id).orElse(null);
            // a user started, stopped, updated or removed it meanwhile: theirs is the last word
            if (state == null || config == null || state.running() || state.run() != endedRun) {
                return;
            }
            if (!config.spec().restartPolicy().restartsAfter(state.exitCode(), state.restartCount(),
                    wasStoppedByUser(store.directory(id)))) {
                if (state.restarting()) {
                    store.writeState(id, state.notRestarting());
                }
                return;
            }
            starter.start(id, config, state, restartCount);
        } catch (IOException | RuntimeException e) {
            // as dockerd: a restart that fails leaves the container exited, with the error recorded by the start
            LOG.warn("cannot restart container {} as its restart policy says: {}", id, e.toString());
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /** No more restarts: the engine closes and ends its runs; those waiting for one are exited. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        pending.forEach(this::settle);
        pending.clear();
    }
}
