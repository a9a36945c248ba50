package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runs this JVM started and their ends: the owner of a run records its exit in {@code state.json} (from the
 * JDK's process-reaper callback, or from whoever waits first), publishes its {@code DIE} and removes an auto-remove
 * container. Remembers the last auto-removed containers, so a wait that comes after the removal still gets the exit.
 */
final class OwnedRuns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedRuns.class);

    /** What recording an exit needs from the container service. */
    interface Removal {
        /** Deletes the container's directory and frees its name; its lock is held. */
        void deleteLocked(String id, ContainerRecord config);

        ContainerInfo info(String id, ContainerRecord config, StateRecord state);

        /** After the end of a run that is not removed: its restart policy may start it again. */
        void ended(String id, ContainerRecord config, StateRecord exited);
    }

    /**
     * A run this JVM started: its process (kept reachable: its lifeline), which run it is, whether it goes at its
     * exit, and its exit as recorded, once: whoever gets to the exit first records it, the others take that result.
     */
    record Owned(ContainerProcess process, long run, ContainerRecord config, AtomicBoolean recording,
                 CompletableFuture<ContainerState> recorded) {
        Owned(ContainerProcess process, long run, ContainerRecord config) {
            this(process, run, config, new AtomicBoolean(), new CompletableFuture<>());
        }

        boolean autoRemove() {
            return config.autoRemove();
        }
    }

    private final ContainerStore store;
    private final NetworkManager networks;
    private final EmbeddedEvents events;
    private final Removal removal;
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    /** Containers this JVM auto-removed, as they were when they ended. A few hundred, oldest dropped. */
    private final Map<String, ContainerInfo> autoRemoved = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ContainerInfo> eldest) {
                    return size() > 256;
                }
            });
    private final ExecutorService exits;

    OwnedRuns(ContainerStore store, NetworkManager networks, EmbeddedEvents events, Removal removal) {
        this.store = store;
        this.networks = networks;
        this.events = events;
        this.removal = removal;
        AtomicInteger threads = new AtomicInteger();
        this.exits = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stevedore-container-exit-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The run of {@code id} this JVM started, whichever it is. */
    Optional<Owned> get(String id) {
        return Optional.ofNullable(owned.get(id));
    }

    /** The run this JVM started if it is run {@code run} of the container, else empty (another JVM's run). */
    Optional<Owned> get(String id, long run) {
        Owned mine = owned.get(id);
        return mine != null && mine.run() == run ? Optional.of(mine) : Optional.empty();
    }

    /** Takes {@code mine} on: its exit is recorded when its process ends. */
    void add(String id, Owned mine) {
        owned.put(id, mine);
        mine.process().onExit().whenCompleteAsync((status, error) -> exited(id, mine, status), exits);
    }

    /** Forgets {@code mine} without recording anything (a start that is undone). */
    void remove(String id, Owned mine) {
        owned.remove(id, mine);
    }

    /** Forgets the run of {@code id} and closes its process (the container is being deleted). */
    void forget(String id) {
        Owned mine = owned.remove(id);
        if (mine != null) {
            mine.process().close();
        }
    }

    /** A container this JVM auto-removed, by id or name, as it was when it ended. */
    Optional<ContainerInfo> autoRemoved(String reference) {
        synchronized (autoRemoved) {
            ContainerInfo byId = autoRemoved.get(reference);
            if (byId != null) {
                return Optional.of(byId);
            }
            return autoRemoved.values().stream().filter(info -> info.name().equals(reference)).reduce((a, b) -> b);
        }
    }

    /**
     * Records the end of a run this JVM started and removes an auto-remove container. Once: the exit callback and
     * a waiting caller both get here, and the one that comes second takes the first one's result instead of
     * reading and locking everything again.
     *
     * @return the container's state after the exit
     */
    ContainerState exited(String id, Owned run, ExitStatus status) {
        if (!run.recording().compareAndSet(false, true)) {
            return run.recorded().join();
        }
        ContainerState state = null;
        try {
            state = recordExit(id, run, status);
            return state;
        } finally {
            run.recorded().complete(state != null ? state
                    : endedState(status != null ? status : ExitStatus.killedUnknown(), null));
        }
    }

    private ContainerState recordExit(String id, Owned run, ExitStatus status) {
        ExitStatus exit = status != null ? status : ExitStatus.killedUnknown();
        ContainerState result = null;
        CrossProcessLock lock;
        try {
            lock = store.lock(id);
        } catch (RuntimeException e) {
            if (!(e instanceof ContainerNotFoundException)) {
                LOG.warn("cannot record the exit of container {}: {}", id, e.toString());
            }
            owned.remove(id, run);
            run.process().close();
            return endedState(exit, null);
        }
        try {
            StateRecord state = store.readState(id).orElse(StateRecord.created());
            boolean ended = state.running() && state.run() == run.run();
            if (ended) {
                state = state.exited(exit);
                store.writeState(id, state);
                networks.stopContainer(id);
            }
            result = state.run() == run.run() ? state.toPublic() : endedState(exit, state.startedAt());
            owned.remove(id, run);
            run.process().close();
            if (ended) {
                // as it is now: renamed since its start, the die carries the new name
                RunEvents.ended(events, networks, id, store.readConfig(id).orElse(run.config()), exit);
            }
            Optional<ContainerRecord> config = run.autoRemove() ? store.readConfig(id) : Optional.empty();
            if (run.autoRemove() && config.isPresent() && !state.running() && state.run() == run.run()) {
                autoRemoved.put(id, removal.info(id, config.get(), state));
                removal.deleteLocked(id, config.get());
            } else if (ended) {
                removal.ended(id, store.readConfig(id).orElse(run.config()), state);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot record the exit of container {}: {}", id, e.toString());
        } finally {
            ContainerStore.closeQuietly(lock);
        }
        return result != null ? result : endedState(exit, null);
    }

    static ContainerState endedState(ExitStatus exit, String startedAt) {
        return new ContainerState(ContainerState.Status.EXITED, 0, exit.code(), exit.signal(), exit.oomKilled(), "",
                startedAt == null ? null : Instant.parse(startedAt), exit.finishedAt());
    }

    /**
     * Ends the runs this JVM started (their lifeline would once this JVM ends; closing the engine ends them now) and
     * records their exits; a kept container's run that still goes is let go: its supervisor records its exit.
     */
    void closeRuns(java.util.function.Predicate<String> kept) {
        for (Map.Entry<String, Owned> e : List.copyOf(owned.entrySet())) {
            ContainerProcess process = e.getValue().process();
            if (process.isAlive() && kept.test(e.getKey())) {
                process.detach();
                events.detached(e.getKey());
                continue;
            }
            process.close();
            exited(e.getKey(), e.getValue(), process.exitStatus().orElse(null));
        }
    }

    @Override
    public void close() {
        exits.shutdown();
        try {
            exits.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
