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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * start by a user removes it and sets the count back to 0, as dockerd does. The backoff is kept in the container's
 * directory ({@value #DELAY}), since a kept container's restarts are made by a new JVM each ({@link KeptRestarts}).
 */
final class ContainerRestarts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRestarts.class);
    static final String STOPPED_BY_USER = "stopped-by-user";
    /** The delay before the container's next restart, in milliseconds: the backoff so far. */
    static final String DELAY = "restart-delay";
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
    /** Takes a restart this engine will not make (it closes): a kept container's goes to a JVM of its own. */
    private final java.util.function.Consumer<String> handOver;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stevedore-container-restarts");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    /** The runs whose restart is scheduled, by container: settled back to exited when the engine closes first. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    /** What {@link #exited} promised for the restarts scheduled: completed when they are made, or dropped at close. */
    private final Set<CompletableFuture<Void>> promised = ConcurrentHashMap.newKeySet();
    private final ProcessIdentity self = ProcessIdentity.current();

    ContainerRestarts(ContainerStore store, Starter starter, java.util.function.Consumer<String> handOver) {
        this.store = store;
        this.starter = starter;
        this.handOver = handOver;
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
        Files.deleteIfExists(dir.resolve(DELAY));
    }

    static boolean wasStoppedByUser(Path dir) {
        return Files.exists(dir.resolve(STOPPED_BY_USER));
    }

    /**
     * Called under the container's lock once the end of run {@code state.run()} is recorded ({@code state} is the
     * exited state), by its owner or, for a kept container no JVM owned, by the JVM its end started: schedules the
     * restart its policy asks for, the container restarting meanwhile.
     *
     * @return completed once the restart is made (or failed, or was given up), at once when none is due
     */
    CompletableFuture<Void> exited(String id, ContainerRecord config, StateRecord state) {
        RestartPolicy policy = config.spec().restartPolicy();
        Path dir = store.directory(id);
        if (!policy.restartsAfter(state.exitCode(), state.restartCount(), wasStoppedByUser(dir))) {
            forgetDelay(dir);
            return CompletableFuture.completedFuture(null);
        }
        if (closed) {
            handOver.accept(id); // an exit recorded while the engine closes
            return CompletableFuture.completedFuture(null);
        }
        long delay = ranSteadily(state) ? FIRST_DELAY_MILLIS
                : readDelay(dir).map(before -> Math.min(before * 2, MAX_DELAY_MILLIS)).orElse(FIRST_DELAY_MILLIS);
        try {
            Files.writeString(dir.resolve(DELAY), Long.toString(delay));
            store.writeState(id, state.restarting(self.pid(), self.startTime()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot record that container {} restarts: {}", id, e.toString());
        }
        pending.put(id, state.run());
        CompletableFuture<Void> done = new CompletableFuture<>();
        promised.add(done);
        done.whenComplete((nothing, error) -> promised.remove(done));
        try {
            timer.schedule(() -> {
                try {
                    restart(id, state.run(), state.restartCount() + 1);
                } finally {
                    done.complete(null);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the engine closed since the check above: as for a restart pending at its close (the lock is held)
            pending.remove(id, state.run());
            try {
                store.writeState(id, state.notRestarting());
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot record that container {} no longer restarts: {}", id, e.toString());
            }
            handOver.accept(id);
            done.complete(null);
        }
        return done;
    }

    private static Optional<Long> readDelay(Path dir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve(DELAY)).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // none yet: the first restart
        }
    }

    private static void forgetDelay(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(DELAY));
        } catch (IOException e) {
            // removed meanwhile
        }
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
            settle(id, endedRun);
            handOver.accept(id);
            return;
        }
        CrossProcessLock lock;
        try {
            lock = store.lock(id);
        } catch (RuntimeException e) {
            return; // removed while it waited (ContainerNotFoundException), or going
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
        pending.forEach((id, run) -> {
            settle(id, run);
            handOver.accept(id);
        });
        pending.clear();
        promised.forEach(done -> done.complete(null));
    }
}
