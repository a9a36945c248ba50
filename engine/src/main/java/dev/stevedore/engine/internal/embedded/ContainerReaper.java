package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Settles, when an engine opens, what JVMs that died left: containers whose owner died while they ran are marked
 * exited (with the code their supervisor recorded, else 137) as Docker keeps exited containers, except auto-remove
 * and unkept ones, which are removed; their cgroups are removed either way (their processes died with the lifeline
 * and their mounts lived only in their own mount namespaces). Directories of removals and creates a dead JVM left
 * halfway, stale helper directories and temporary files are deleted too. A removed container's end is published as
 * a {@code DIE} and {@code DESTROY}, since the JVM that would have published it is gone; a kept one's end was
 * reported when it happened, to the subscriptions then open ({@link JournalTail}). A kept one whose run ended so is
 * handed to {@code kept}, so that its restart policy applies now that an engine has found it.
 */
final class ContainerReaper {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerReaper.class);
    /** A create (image pulled first) writes config.json within this time after making the directory. */
    private static final Duration HALF_CREATED_GRACE = Duration.ofMinutes(10);

    private final ContainerStore store;
    private final NetworkManager networks;
    private final EmbeddedEvents events;
    private final OwnedRuns.Removal removal;
    private final Path temp;
    private final java.util.function.BiConsumer<String, StateRecord> keptEnded;

    ContainerReaper(ContainerStore store, NetworkManager networks, EmbeddedEvents events, OwnedRuns.Removal removal,
                    Path temp, java.util.function.BiConsumer<String, StateRecord> keptEnded) {
        this.keptEnded = keptEnded;
        this.store = store;
        this.networks = networks;
        this.events = events;
        this.removal = removal;
        this.temp = temp;
    }

    /** @param runsNow whether a container (by id) runs now, for the networks' reaping */
    void reap(Predicate<String> runsNow) {
        store.sweepTrash();
        deleteStaleTemporaryFiles();
        Instant halfCreated = Instant.now().minus(HALF_CREATED_GRACE);
        for (String id : store.ids()) {
            Path dir = store.directory(id);
            try {
                if (!Files.exists(dir.resolve("config.json"))) {
                    // a JVM died while creating it (a create in progress writes config.json within its grace)
                    if (Files.getLastModifiedTime(dir).toInstant().isBefore(halfCreated)) {
                        store.delete(id);
                    }
                    continue;
                }
                reapHelpers(dir);
                Optional<StateRecord> recorded = store.readState(id);
                if (recorded.isPresent() && ended(recorded.get(), dir)) {
                    reapOrphan(id, dir);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot reap container {} left by a JVM that ended: {}", id, e.toString());
            }
        }
        try {
            // A half-created container (its directory exists) is not gone: its network settings come first.
            networks.reap(id -> !Files.isDirectory(store.directory(id)), runsNow);
        } catch (RuntimeException e) {
            LOG.warn("cannot release the networks of containers that ended: {}", e.toString());
        }
        store.sweepStaleNames();
    }

    private void reapOrphan(String id, Path dir) throws IOException {
        CrossProcessLock lock;
        try {
            lock = store.lock(id);
        } catch (ContainerNotFoundException e) {
            return;
        }
        try {
            StateRecord state = store.readState(id).orElseThrow();
            if (!ended(state, dir)) {
                return;
            }
            ExitStatus exit = OrphanReaper.recordedExit(dir).orElse(ExitStatus.killedUnknown());
            OrphanReaper.removeCgroups(dir);
            ContainerRecord config = store.readConfig(id).orElseThrow();
            // a test's container goes with the JVM that ran it; one kept for a user (run -d) stays, exited
            if (config.autoRemove() || !"true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL))) {
                // nobody reported its end (a kept run's end is reported by the subscriptions that watched it)
                RunEvents.ended(events, networks, id, config, exit);
                removal.deleteLocked(id, config);
            } else {
                StateRecord exited = state.exited(exit);
                store.writeState(id, exited);
                keptEnded.accept(id, exited);
            }
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /**
     * Whether a run or restart no live process takes care of is recorded: a running one whose owner and supervisor
     * are gone, or a restarting one whose JVM (the one that would restart it) is gone; either unless the watcher of
     * a kept container's run, or the JVM it started, settles it ({@link KeptRestarts}).
     */
    private static boolean ended(StateRecord state, Path dir) throws IOException {
        if (state.restarting()) {
            return !new ProcessIdentity(state.ownerPid(), state.ownerStart()).isAlive() && !KeptRestarts.respawnerAlive(dir);
        }
        return state.running() && !OrphanReaper.ownerAlive(dir) && !OrphanReaper.supervisorAlive(dir)
                && !KeptRestarts.respawnerAlive(dir);
    }

    private static void reapHelpers(Path dir) throws IOException {
        try (var helpers = Files.newDirectoryStream(dir, ".helper-*")) {
            for (Path helper : helpers) {
                if (OrphanReaper.isOrphan(helper)) {
                    OrphanReaper.delete(helper);
                }
            }
        }
    }

    private void deleteStaleTemporaryFiles() {
        if (!Files.isDirectory(temp)) {
            return;
        }
        Instant old = Instant.now().minus(Duration.ofHours(1));
        try (var files = Files.newDirectoryStream(temp)) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(old)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            // nothing to sweep
        }
    }
}
