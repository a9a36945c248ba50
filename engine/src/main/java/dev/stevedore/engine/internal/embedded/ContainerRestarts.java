package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.RestartPolicy;
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
 * {@code state.json}'s {@code restartCount}. A stop or kill by a user leaves the file {@value #STOPPED_BY_USER} in
 * the container's directory (so a stop from another JVM counts too), and a stopped container is not restarted; a
 * start by a user removes it and sets the count back to 0, as dockerd does.
 *
 * <p>While a restart is due, the file {@value #RESTART_DUE} is in the container's directory: the status mapping
 * reads it ({@code restarting} between two runs, as dockerd's), whoever schedules the restart writes it, and the start
 * or a user's stop removes it.
 */
final class ContainerRestarts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRestarts.class);
    static final String STOPPED_BY_USER = "stopped-by-user";
    /** Present while a restart by the container's policy is due: its status is {@code restarting}. */
    static final String RESTART_DUE = "restart-due";
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

    ContainerRestarts(ContainerStore store, Starter starter) {
        this.store = store;
        this.starter = starter;
    }

    /** Notes that a user stopped or killed the container: its policy does not restart it. */
    static void stoppedByUser(Path dir) {
        try {
            Files.write(dir.resolve(STOPPED_BY_USER), new byte[0]);
            Files.deleteIfExists(dir.resolve(RESTART_DUE));
        } catch (IOException e) {
            // removed meanwhile: nothing to restart
        }
    }

    /** A start by a user: the container's policy applies again. */
    static void startedByUser(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(STOPPED_BY_USER));
        Files.deleteIfExists(dir.resolve(RESTART_DUE));
    }

    /** Whether a restart by the container's policy is due: between two runs, its status is {@code restarting}. */
    static boolean restartDue(Path dir) {
        return Files.exists(dir.resolve(RESTART_DUE));
    }

    private static void restartDue(Path dir, boolean due) {
        try {
            if (due) {
                Files.write(dir.resolve(RESTART_DUE), new byte[0]);
            } else {
                Files.deleteIfExists(dir.resolve(RESTART_DUE));
            }
        } catch (IOException e) {
            // removed meanwhile: no status to show
        }
    }

    static boolean wasStoppedByUser(Path dir) {
        return Files.exists(dir.resolve(STOPPED_BY_USER));
    }

    /**
     * Called by the owner once it recorded the end of run {@code state.run()} ({@code state} is the exited state):
     * schedules the restart its policy asks for.
     */
    void exited(String id, ContainerRecord config, StateRecord state) {
        RestartPolicy policy = config.spec().restartPolicy();
        if (closed || !policy.restartsAfter(state.exitCode(), state.restartCount(), wasStoppedByUser(store.directory(id)))) {
            delays.remove(id);
            restartDue(store.directory(id), false);
            return;
        }
        restartDue(store.directory(id), true);
        long delay = delays.merge(id, FIRST_DELAY_MILLIS, (before, first) -> Math.min(before * 2, MAX_DELAY_MILLIS));
        if (ranSteadily(state)) {
            delays.put(id, delay = FIRST_DELAY_MILLIS);
        }
        timer.schedule(() -> restart(id, state.run(), state.restartCount() + 1), delay, TimeUnit.MILLISECONDS);
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
            restartDue(store.directory(id), false); // started now, or not at all
            StateRecord state = store.readState(id).orElse(null);
            ContainerRecord config = store.readConfig(id).orElse(null);
            // a user started, stopped, updated or removed it meanwhile: theirs is the last word
            if (state == null || config == null || state.running() || state.run() != endedRun
                    || !config.spec().restartPolicy().restartsAfter(state.exitCode(), state.restartCount(),
                    wasStoppedByUser(store.directory(id)))) {
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

    /** No more restarts: the engine closes and ends its runs. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        // the restarts due are not made: those containers stay exited
        for (String id : delays.keySet()) {
            try {
                restartDue(store.directory(id), false);
            } catch (RuntimeException gone) {
                // removed meanwhile
            }
        }
    }
}
