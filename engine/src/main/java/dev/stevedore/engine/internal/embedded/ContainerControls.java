package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerStats;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.internal.runtime.ContainerCgroups;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.ResourceLimits;
import dev.stevedore.engine.internal.runtime.Signals;
import dev.stevedore.engine.internal.store.CrossProcessLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * What changes a container in place: kill (a signal), rename, pause and unpause (the cgroup freezer), a stats sample,
 * and new limits (update). Each writes what it changes to {@code config.json} under the container's
 * lock, so every JVM on the state directory sees it, and publishes Docker's event for it.
 */
final class ContainerControls {
    /** Reads a container's config, and its state as it is now. */
    interface Lookup {
        ContainerRecord config(String id);

        StateRecord state(String id);

        ContainerInfo info(String id, ContainerRecord config, StateRecord state);

        /** The running container as this engine reaches it (its own process, or another JVM's). */
        RunningContainer reach(String id);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ContainerControls.class);
    /** How long a SIGKILL may take to end a container (an uninterruptible sleep in the kernel) before kill returns. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private final ContainerStore store;
    private final EmbeddedEvents events;
    private final Lookup lookup;
    private final KeptRestarts kept;
    /** Rootless: the user's namespace, whose ids {@code top} shows; null as root. */
    private final NamespacedFiles inNamespace;

    ContainerControls(ContainerStore store, EmbeddedEvents events, Lookup lookup, KeptRestarts kept,
                      NamespacedFiles inNamespace) {
        this.inNamespace = inNamespace;
        this.kept = kept;
        this.store = store;
        this.events = events;
        this.lookup = lookup;
    }

    /**
     * Publishes Docker's event for what was done with a container without changing its record (top, export, a copy,
     * a commit, a resize), once it is done.
     */
    void announce(String reference, EngineEvent.Action action, Map<String, String> more) {
        String id = store.resolve(reference);
        events.container(action, id, lookup.config(id), more);
    }

    void rename(String reference, String newName) {
        String name = newName != null && newName.startsWith("/") ? newName.substring(1) : newName;
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("renaming container " + reference + ": the new name is empty");
        }
        ContainerStore.validateName(name);
        String id = store.resolve(reference);
        CrossProcessLock lock = store.lock(id);
        try {
            ContainerRecord config = lookup.config(id);
            if (config.name().equals(name)) {
                throw new ContainerEngineException("renaming container " + config.name() + ": the name \"" + name
                        + "\" is already in use by this container — choose another");
            }
            if (!store.reserveName(name, id)) {
                throw new ContainerEngineException("renaming container " + config.name() + " failed: the container name \"/"
                        + name + "\" is already in use by container " + store.nameOwner(name).orElse("?")
                        + " — remove (or rename) that container to be able to reuse that name");
            }
            try {
                store.writeConfig(id, config.withName(name));
            } catch (IOException | RuntimeException e) {
                store.releaseName(name, id);
                throw new ContainerEngineException("renaming container " + config.name() + " to " + name + " failed: " + e, e);
            }
            store.releaseName(config.name(), id);
            events.container(EngineEvent.Action.RENAME, id, config.withName(name), Map.of("oldName", "/" + config.name()));
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /**
     * Sends a signal; a SIGKILL returns once the container no longer runs (as dockerd's), so an inspect right after
     * says exited.
     */
    void kill(String reference, String signal) {
        String id = store.resolve(reference);
        int number;
        try {
            number = Signals.parse(signal);
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("cannot kill container " + reference + ": " + e.getMessage());
        }
        if (!lookup.state(id).running()) {
            throw new ContainerEngineException("cannot kill container " + reference + ": it is not running");
        }
        RunningContainer run = lookup.reach(id);
        ContainerRecord config = lookup.config(id);
        ContainerRestarts.stoppedByUser(store.directory(id)); // as dockerd: a killed container is not restarted
        // published first, as Docker's "kill" comes before the "die" the signal causes
        events.container(EngineEvent.Action.KILL, id, config, Map.of("signal", Integer.toString(number)));
        run.signal(number);
        if (number == Signals.SIGKILL || number == Signals.parse(config.stopSignal())) {
            thaw(id); // as Docker: the signal that ends a paused container is delivered, not left pending
        }
        if (number == Signals.SIGKILL) {
            run.await(KILL_WAIT);
        }
    }

    /** Thaws the container if it is paused (a frozen process takes no signal). */
    void thaw(String id) {
        if (paused(id)) {
            try {
                pause(id, false);
            } catch (ContainerEngineException e) {
                LOG.debug("cannot thaw container {}: {}", id, e.toString()); // it ended meanwhile
            }
        }
    }

    /** Freezes or thaws the container's processes. */
    void pause(String reference, boolean paused) {
        String id = store.resolve(reference);
        CrossProcessLock lock = store.lock(id);
        try {
            ContainerRecord config = lookup.config(id);
            StateRecord state = lookup.state(id);
            String what = config.name() + " (" + id.substring(0, 12) + ")";
            if (!state.running()) {
                throw new ContainerEngineException("Container " + id + " is not running — start it before " + (paused
                        ? "pausing" : "unpausing") + " it");
            }
            ContainerCgroups cgroups = ContainerCgroups.of(store.directory(id));
            if (cgroups.frozen() == paused) {
                throw new ContainerEngineException(paused ? "Container " + id + " is already paused"
                        : "Container " + id + " is not paused");
            }
            cgroups.freeze(paused, what);
            events.container(paused ? EngineEvent.Action.PAUSE : EngineEvent.Action.UNPAUSE, id, config, Map.of());
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /** Whether the running container {@code id} can be frozen at all (no freezer: rootless on cgroup v1). */
    boolean freezable(String id) {
        return ContainerCgroups.of(store.directory(id)).freezable();
    }

    /** Whether the running container {@code id} is frozen. */
    boolean paused(String id) {
        return ContainerCgroups.of(store.directory(id)).frozen();
    }

    ContainerStats stats(String reference) {
        String id = store.resolve(reference);
        ContainerRecord config = lookup.config(id);
        StateRecord state = lookup.state(id);
        if (!state.running()) {
            throw ContainerService.notRunning("read the stats of", config, state);
        }
        return ContainerCgroups.of(store.directory(id)).sample(state.pid());
    }

    dev.stevedore.engine.ContainerTop top(String reference, String psArgs) {
        String id = store.resolve(reference);
        ContainerRecord config = lookup.config(id);
        StateRecord state = lookup.state(id);
        if (!state.running()) {
            throw ContainerService.notRunning("list the processes of", config, state);
        }
        return dev.stevedore.engine.internal.runtime.ProcessTable.of(state.pid(), psArgs,
                config.name() + " (" + id.substring(0, 12) + ")", inNamespace == null ? null : inNamespace.owners());
    }

    ContainerInfo update(String reference, ContainerUpdate update) {
        String id = store.resolve(reference);
        CrossProcessLock lock = store.lock(id);
        try {
            ContainerRecord config = lookup.config(id);
            // as dockerd: what the host cannot apply is dropped (the caller sees it kept the old value, and warns)
            update = update.withResources(Launcher.applicable(update.resources()));
            ContainerRecord updated = config.withLimits(update.memoryBytes().orElse(config.memoryBytes()),
                    update.nanoCpus().orElse(config.nanoCpus()),
                    update.pidsLimit().isPresent() ? update.pidsLimit().getAsLong() : config.pidsLimit(),
                    config.spec().resources().updatedBy(update.resources()));
            if (update.restartPolicy().isPresent()) {
                updated = updated.withRestartPolicy(update.restartPolicy().get());
            }
            new ResourceLimits(updated.memoryBytes(), updated.nanoCpus(), updated.pidsLimit()); // validates, as at create
            long swap = updated.spec().resources().advanced().memorySwap();
            if (update.memoryBytes().isPresent() && update.resources().advanced().memorySwap() == 0 && swap > 0
                    && updated.memoryBytes() > swap) {
                // dockerd's words; the kernel would refuse a memory limit above the memory+swap limit with EINVAL
                throw new IllegalArgumentException("Memory limit should be smaller than already set memoryswap limit,"
                        + " update the memoryswap at the same time");
            }
            StateRecord state = lookup.state(id);
            if (state.running() && update.changesLimits()) {
                ContainerCgroups.of(store.directory(id)).update(update, updated.spec().resources(),
                        config.name() + " (" + id.substring(0, 12) + ")");
            }
            try {
                store.writeConfig(id, updated);
            } catch (IOException e) {
                throw new ContainerEngineException("updating container " + config.name() + ": its new limits apply now but"
                        + " could not be recorded for later starts: " + e, e);
            }
            if (update.restartPolicy().isPresent()) {
                kept.policyChanged(id, updated, state);
            }
            events.container(EngineEvent.Action.UPDATE, id, updated, Map.of());
            return lookup.info(id, updated, lookup.state(id));
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }
}
