package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.LauncherBinary;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.runtime.LogRotation;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.Signals;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers in the embedded engine: create, start, wait, stop, kill, remove, inspect, list, exec and copy, with Docker's semantics, on a state directory that several JVMs share.
 *
 * <p><b>Ownership.</b> The JVM that starts a container holds its
 * {@link dev.stevedore.engine.internal.runtime.ContainerProcess}: the lifeline to its supervisor, which kills the
 * container when this JVM dies. That JVM (the owner) records the exit in {@code state.json} (a JDK process-reaper
 * callback, no thread of ours waits), publishes its {@code DIE} and removes an auto-remove container
 * ({@link OwnedRuns}). Every other JVM reads the same files: a container whose {@code state.json} says running is
 * seen as exited as soon as its supervisor has written the {@code exit} file, or when its process, owner and
 * supervisor are all gone. Each call that acts on a running container picks once how it reaches it
 * ({@link #reach}): through this JVM's process ({@link OwnedRun}) or, for another JVM's run, through a pidfd and
 * the state files ({@link ForeignRun}).
 *
 * <p><b>Parts.</b> Creating is {@link ContainerCreation}, starting {@link ContainerStart}, settling what dead JVMs
 * left {@link ContainerReaper}, exec {@link ContainerExec}, copying {@link ContainerCopies}, kill, rename, pause,
 * stats and update {@link ContainerControls}, logs, attach, stdin and resize {@link ContainerStdio}; the Docker rules that
 * make a config are {@link ContainerConfigs}. Every create, start, end and removal is published
 * ({@link EmbeddedEvents}).
 *
 * <p>On disk ({@link ContainerStore}): {@code containers/<id>/} with {@code config.json}
 * ({@link ContainerRecord}), {@code state.json} ({@link StateRecord}), the upper and work directories,
 * {@code stdout.log}/{@code stderr.log} (timestamped records, {@link ContainerLogStream}; for log driver {@code none}
 * the attach-only {@code attach-stdout.log}/{@code attach-stderr.log}, {@link ContainerStdio}),
 * {@code hosts}, {@code hostname}, {@code resolv.conf} and the launcher's state files.
 *
 * <p>Past 500 lines with one job, as the one place that orders a container's life (create, start, stop, remove, the
 * registry of runs and their removal, restarts by policy); the work of each step is in the classes it names
 * (ContainerStart, ContainerControls, ContainerExec, ContainerChanges, ContainerRestarts, OwnedRuns, ContainerStdio),
 * and the next step to move out is the create path.
 */
final class ContainerService implements AutoCloseable, OwnedRuns.Removal, JournalTail.UnownedRuns,
        ContainerControls.Lookup {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerService.class);

    private final EngineSettings settings;
    private final EngineMode mode;
    private final ContainerStore store;
    private final ContainerCopies copies;
    private final NetworkManager networks;
    private final EmbeddedEvents events;
    private final OwnedRuns runs;
    private final ContainerCreation creation;
    private final Volumes volumes;
    private final ContainerStart starts;
    private final ContainerControls controls;
    private final ContainerChanges changes;
    private final ContainerStdio stdio;
    private final ContainerRestarts restarts;
    private final KeptRestarts kept;
    private final HealthMonitor health;
    private final KeptWatchers watchers;
    private volatile Launcher launcher;
    /** Containers this engine created: closing it removes them (but kept ones), as a test wants. */
    private final Set<String> createdHere = ConcurrentHashMap.newKeySet();

    ContainerService(EngineSettings settings, ImageService images, NetworkManager networks, EmbeddedEvents events,
                     EngineMode mode) {
        this.settings = settings;
        this.mode = mode;
        this.networks = networks;
        this.events = events;
        this.store = new ContainerStore(settings.stateDirectory(),
                MemoryStorage.root(settings.stateDirectory()).map(root -> root.resolve("containers")).orElse(null));
        Path temp = settings.stateDirectory().resolve("tmp");
        NamespacedFiles inNamespace = mode.namespacedFiles(temp);
        this.copies = new ContainerCopies(store, this::launcher, this::currentState, this::await, temp, mode::copyUp, inNamespace);
        this.runs = new OwnedRuns(store, networks, events, this);
        this.volumes = Volumes.of(settings.stateDirectory());
        this.creation = new ContainerCreation(settings, images, store, volumes, networks, copies, mode, v -> events.publish(
                EngineEvent.Type.VOLUME, EngineEvent.Action.CREATE, v, Map.of("driver", RunEvents.LOCAL_DRIVER)));
        this.kept = new KeptRestarts(settings.stateDirectory(), store, networks,
                () -> LauncherBinary.extract(settings.stateDirectory()));
        this.starts = new ContainerStart(store, networks, runs, events, this::launcher, this, this::currentState, kept);
        this.controls = new ContainerControls(store, events, this, kept, inNamespace);
        this.changes = new ContainerChanges(store, copies, this, controls, inNamespace);
        this.stdio = new ContainerStdio(store, this, controls);
        this.health = new HealthMonitor(this::exec, (id, config, status) -> events.container(
                EngineEvent.Action.HEALTH_STATUS, id, config, Map.of(), status.dockerName()));
        this.watchers = new KeptWatchers(settings.stateDirectory().resolve("events"), store,
                () -> LauncherBinary.extract(settings.stateDirectory()), this::checkSpec);
        this.restarts = new ContainerRestarts(store, this::startRun, kept::handOver);
        new ContainerReaper(store, networks, events, this, temp, restarts::foundEnded).reap(this::runsNow);
        volumes.sweepTrash();
        events.unownedRuns(this);
    }

    /** Rename, pause, stats and update. */
    ContainerControls controls() {
        return controls;
    }

    /** Diff, export and commit. */
    ContainerChanges changes() {
        return changes;
    }

    /** Logs, attach, stdin and the terminal's size. */
    ContainerStdio stdio() {
        return stdio;
    }

    private Launcher launcher() {
        Launcher l = launcher;
        if (l == null) {
            synchronized (this) {
                if (launcher == null) {
                    launcher = Launcher.extractedToWithSpare(settings.stateDirectory(), mode.launcherArguments());
                }
                l = launcher;
            }
        }
        return l;
    }

    /** How this engine reaches run {@code state.run()} of the container: its own process, or another JVM's. */
    private RunningContainer reach(String id, StateRecord state) {
        return runs.get(id, state.run()).<RunningContainer>map(mine -> new OwnedRun(id, mine, runs))
                .orElseGet(() -> new ForeignRun(id, state, this::currentState, networks, store.directory(id)));
    }

    // ---- runs no engine owns (for the event feed) -------------------------------------------------

    @Override
    public List<String> running() {
        List<String> unowned = new ArrayList<>();
        for (String id : store.ids()) {
            try {
                if (store.readState(id).map(StateRecord::running).orElse(false)
                        && !OrphanReaper.ownerAlive(store.directory(id))) {
                    unowned.add(id);
                }
            } catch (IOException | RuntimeException e) {
                // being removed right now
            }
        }
        return unowned;
    }

    @Override
    public Path directory(String id) {
        return store.directory(id);
    }

    @Override
    public Optional<EngineEvent> ended(String id) {
        try {
            Optional<ExitStatus> exit = OrphanReaper.recordedExit(store.directory(id));
            Optional<ContainerRecord> config = exit.isPresent() ? store.readConfig(id) : Optional.empty();
            return config.map(c -> EmbeddedEvents.containerEvent(EngineEvent.Action.DIE, id, c,
                    Map.of(EngineEvent.EXIT_CODE, Integer.toString(exit.get().code()))));
        } catch (RuntimeException e) {
            return Optional.empty(); // removed meanwhile
        }
    }

    // ---- create, start ----------------------------------------------------------------------------

    ContainerInfo create(ContainerSpec spec) {
        spec.logConfig().requireEmbedded();
        LogRotation.of(spec.logConfig()); // its options judged at create, not at the first start
        ContainerRecord config = creation.create(spec);
        createdHere.add(config.id());
        events.container(EngineEvent.Action.CREATE, config.id(), config, Map.of());
        return info(config.id(), config, StateRecord.created()).withWarnings(ContainerCreation.warnings(spec));
    }

    void start(String reference) {
        String id = store.resolve(reference);
        CrossProcessLock lock = store.lock(id);
        try {
            ContainerRecord config = config(id);
            StateRecord state = effective(id, store.readState(id).orElse(StateRecord.created()));
            if (state.running()) {
                return; // Docker: starting a running container changes nothing
            }
            ContainerRestarts.startedByUser(store.directory(id));
            startRun(id, config, state, 0);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot start container " + id + ": " + e.getMessage(), e);
        } finally {
            ContainerStore.closeQuietly(lock);
            Launcher spawned = launcher;
            if (spawned != null) {
                spawned.refillSpare();
            }
        }
    }

    /** Run {@code run} of a kept container ended while no engine owned it: its restart policy applies ({@link KeptRestarts}). */
    java.util.concurrent.CompletableFuture<String> restartKept(String id, long run) {
        return kept.restartEnded(id, run, restarts, this::currentState);
    }

    // ---- state ------------------------------------------------------------------------------------

    /**
     * The state as it is now: a running state whose run has visibly ended (this JVM saw its process end, its
     * supervisor wrote its exit, or process, owner and supervisor are all gone) reads as exited, before its owner
     * records it.
     */
    private StateRecord effective(String id, StateRecord state) {
        if (state.restarting() && !new ProcessIdentity(state.ownerPid(), state.ownerStart()).isAlive()) {
            return state.notRestarting(); // the JVM that would restart it is gone
        }
        if (!state.running()) {
            return state;
        }
        Optional<ExitStatus> known = reach(id, state).knownExit();
        if (known.isPresent()) {
            return state.exited(known.get());
        }
        Path dir = store.directory(id);
        Optional<ExitStatus> recorded = OrphanReaper.recordedExit(dir);
        if (recorded.isPresent()) {
            return state.exited(recorded.get());
        }
        if (new ProcessIdentity(state.pid(), state.pidStart()).isAlive()) {
            return state;
        }
        try {
            if (!OrphanReaper.supervisorAlive(dir) && !OrphanReaper.ownerAlive(dir)) {
                return state.exited(ExitStatus.killedUnknown());
            }
        } catch (IOException e) {
            // unreadable state files: keep what state.json says
        }
        return state;
    }

    private StateRecord currentState(String id) {
        return effective(id, store.readState(id).orElse(StateRecord.created()));
    }

    private boolean runsNow(String id) {
        try {
            return currentState(id).running();
        } catch (ContainerEngineException e) {
            return false; // removed meanwhile
        }
    }

    // ---- inspect, list ----------------------------------------------------------------------------

    ContainerInfo inspect(String reference) {
        String id = store.resolve(reference);
        return info(id, config(id), currentState(id));
    }

    @Override
    public RunningContainer reach(String id) {
        return reach(id, currentState(id));
    }

    @Override
    public StateRecord state(String id) {
        return currentState(id);
    }

    @Override
    public ContainerRecord config(String id) {
        return store.readConfig(id).orElseThrow(() -> new ContainerNotFoundException(id));
    }

    List<ContainerInfo> list(boolean all, Map<String, String> labels) {
        List<ContainerInfo> result = new ArrayList<>();
        for (String id : store.ids()) {
            Optional<ContainerRecord> config;
            StateRecord state;
            try {
                config = store.readConfig(id);
                state = currentState(id);
            } catch (ContainerEngineException e) {
                continue; // being removed right now
            }
            // as dockerd's list: a container between two runs of its restart policy is listed with the running ones
            if (config.isEmpty() || (!all && !state.running() && !state.restarting()) || !ContainerStore.matches(config.get().labels(), labels)) {
                continue;
            }
            result.add(info(id, config.get(), state));
        }
        result.sort(Comparator.comparing(ContainerInfo::created).reversed());
        return result;
    }

    /** The containers, in any state, created from the image with this id. */
    List<ContainerInfo> usersOf(String imageId) {
        return list(true, Map.of()).stream().filter(c -> c.imageId().equals(imageId)).toList();
    }

    /** The names of the containers, in any state, that mount the volume {@code volume}. */
    List<String> mountersOf(String volume) {
        return store.mountersOf(volume);
    }

    /** Starts a run (by a user, or by its restart policy) and its health checks, on a fresh health log. */
    private void startRun(String id, ContainerRecord config, StateRecord state, int restartCount) throws IOException {
        HealthMonitor.reset(store.directory(id));
        starts.start(id, config, state, restartCount);
        if (HealthMonitor.check(config) != null || KeptWatchers.kept(config)) { // the state read back only when needed
            store.readState(id).filter(StateRecord::running).ifPresent(started -> {
                health.started(id, started.run(), config, Instant.parse(started.startedAt()), store.directory(id));
                if (KeptWatchers.kept(config)) {
                    watchers.started(id, config, started);
                }
            });
        }
    }

    /** The spec of the exec that runs a kept run's check ({@link KeptWatchers}), as {@link #exec} would send it. */
    private byte[] checkSpec(String id, ContainerRecord config, StateRecord state, List<String> command) throws IOException {
        List<String> linkEnv = LinkEnvironment.of(config, store, this::currentState, networks);
        return launcher().execSpec(ContainerExec.request(store.directory(id), config, state,
                new ExecSpec(command, List.of(), null, null, null, null, null), store.seccompCache(), linkEnv));
    }

    @Override
    public ContainerInfo info(String id, ContainerRecord config, StateRecord state) {
        Map<String, String> addresses;
        Map<String, String> statics;
        Map<String, List<String>> aliases;
        try {
            addresses = networks.addresses(id);
            statics = networks.staticAddresses(id);
            aliases = networks.aliases(id);
        } catch (ContainerEngineException e) {
            addresses = Map.of(config.networkMode(), ""); // being removed right now
            statics = Map.of();
            aliases = Map.of();
        }
        if (SharedNamespaces.networkOwner(config) != null) {
            addresses = Map.of(); // another container's network stack: none of its own, as dockerd shows it
        }
        boolean paused = state.running() && controls.paused(id);
        return new ContainerInfo(id, config.name(), config.image(), config.imageId(), Instant.parse(config.created()),
                state.toPublic().withPaused(paused), config.command(), config.env(), config.labels(),
                state.running() ? networks.ports(id) : List.of(), addresses, config.spec(), statics, state.restartCount(),
                config.mounts().stream().map(ContainerRecord.MountRecord::toPublic).toList(), aliases,
                health(id, config, state));
    }

    /** Its health from its check and the results of its current (or last) run; {@code null} without a check. */
    private ContainerHealth health(String id, ContainerRecord config, StateRecord state) {
        HealthCheck check = HealthMonitor.check(config);
        if (check == null || state.startedAt() == null || state.startedAt().isEmpty()) {
            return null; // as dockerd: a container never started has no State.Health
        }
        return HealthLog.derive(check, Instant.parse(state.startedAt()), state.running(), HealthLog.read(store.directory(id)));
    }

    @Override
    public void ended(String id, ContainerRecord config, StateRecord exited) {
        health.ended(id);
        watchers.letGo(id);
        restarts.exited(id, config, exited);
    }

    // ---- wait, stop, kill, remove -----------------------------------------------------------------

    /** A container this JVM auto-removed, by id or name, as it was when it ended. */
    Optional<ContainerInfo> autoRemoved(String reference) {
        return runs.autoRemoved(reference);
    }

    ContainerState await(String reference, Duration timeout) {
        String id;
        try {
            id = store.resolve(reference);
        } catch (ContainerNotFoundException e) {
            // ended and auto-removed before the caller came to wait: Docker's wait for "removed" gives its exit too
            return autoRemoved(reference).map(ContainerInfo::state).orElseThrow(() -> e);
        }
        // a run of this JVM's is waited for by its process even before state.json names it (a start under way)
        RunningContainer run = runs.get(id).<RunningContainer>map(mine -> new OwnedRun(id, mine, runs))
                .orElseGet(() -> new ForeignRun(id, store.readState(id).orElse(StateRecord.created()), this::currentState,
                        networks, store.directory(id)));
        return run.await(timeout).orElseGet(() -> currentState(id).toPublic());
    }

    void stop(String reference, Duration grace) {
        String id = store.resolve(reference);
        ContainerRecord config = config(id);
        // before anything ends it, and also while it waits for a restart: its policy no longer applies
        ContainerRestarts.stoppedByUser(store.directory(id));
        // Under the container's lock: a restart by its policy that is under way holds it while it starts, so that
        // start ends first and its run is stopped below rather than missed; a restart still waiting ends here, from
        // whichever JVM owns it, as dockerd's stop cancels a pending restart.
        StateRecord state;
        CrossProcessLock lock = store.lock(id);
        try {
            StateRecord recorded = store.readState(id).orElse(null);
            if (recorded != null && recorded.restarting()) {
                store.writeState(id, recorded.notRestarting());
            }
            state = currentState(id);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot record the stop of container " + id + ": " + e.getMessage(), e);
        } finally {
            ContainerStore.closeQuietly(lock);
        }
        if (!state.running()) {
            return; // Docker: stopping a stopped container does nothing
        }
        Duration wait = grace != null ? grace : Duration.ofMillis(config.stopTimeoutMillis());
        controls.thaw(id); // a frozen process takes no signal: Docker's stop of a paused container thaws it
        events.container(EngineEvent.Action.KILL, id, config, Map.of(EngineEvent.SIGNAL, Integer.toString(Signals.parse(config.stopSignal()))));
        // the grace ran out: dockerd reports its SIGKILL as a second kill
        reach(id, state).stop(config, Signals.parse(config.stopSignal()), wait, () -> events.container(
                EngineEvent.Action.KILL, id, config, Map.of(EngineEvent.SIGNAL, Integer.toString(Signals.SIGKILL))));
        events.container(EngineEvent.Action.STOP, id, config, Map.of());
    }

    /** Stops and starts it again, as {@code docker restart}, and records the restart. */
    void restart(String reference, Duration grace) {
        stop(reference, grace);
        start(reference);
        controls.announce(reference, EngineEvent.Action.RESTART, Map.of());
    }

    void kill(String reference, String signal) {
        controls.kill(reference, signal);
    }

    /** Removes the container; with {@code removeVolumes} its anonymous volumes no other container mounts, too. */
    void remove(String reference, boolean force, boolean removeVolumes) {
        String id = store.resolve(reference);
        CrossProcessLock lock = store.lock(id);
        try {
            ContainerRecord config = config(id);
            StateRecord state = currentState(id);
            if (state.running()) {
                if (!force) {
                    throw new ContainerEngineException("cannot remove container " + config.name() + " (" + id.substring(0, 12)
                            + "): it is running — stop it first, or remove it with force");
                }
                ContainerRestarts.stoppedByUser(store.directory(id));
                reach(id, state).endForRemoval(config);
            }
            delete(id, config, removeVolumes);
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /** As {@link #remove} with its volumes: an auto-remove container, or one that goes with its JVM. Lock held. */
    @Override
    public void deleteLocked(String id, ContainerRecord config) {
        delete(id, config, true);
    }

    /** Deletes the container's directory (its upper layer, logs) and frees its name. Lock held. */
    private void delete(String id, ContainerRecord config, boolean removeVolumes) {
        try {
            OrphanReaper.removeCgroups(store.directory(id));
            store.delete(id);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot remove container " + config.name() + " (" + id + "): "
                    + e.getMessage(), e);
        } finally {
            store.releaseName(config.name(), id);
            runs.forget(id);
            networks.removeContainer(id);
        }
        if (removeVolumes) { // after the directory went: the container no longer counts as a user
            volumes.removeAnonymous(Volumes.unnamedMounts(config), store::mountersOf)
                    .forEach(v -> events.publish(EngineEvent.Type.VOLUME, EngineEvent.Action.DESTROY, v,
                            Map.of("driver", RunEvents.LOCAL_DRIVER)));
        }
        events.container(EngineEvent.Action.DESTROY, id, config, Map.of());
    }

    // ---- exec and copy ----------------------------------------------------------------------------

    ExecResult exec(String reference, ExecSpec spec) {
        String id = store.resolve(reference);
        ContainerRecord config = config(id);
        StateRecord state = currentState(id);
        if (!state.running()) {
            throw notRunning("exec in", config, state);
        }
        // as dockerd's: an exec's create, start and end, under an id of its own
        // (with the command after the action's name: "exec_start: sh -c true")
        Map<String, String> exec = Map.of(EngineEvent.EXEC_ID, ContainerStore.newId());
        String command = String.join(" ", spec.command());
        events.container(EngineEvent.Action.EXEC_CREATE, id, config, exec, command);
        events.container(EngineEvent.Action.EXEC_START, id, config, exec, command);
        // as dockerd's: an exec gets the links' variables too, and fails when a linked container no longer runs
        List<String> linkEnv = LinkEnvironment.of(config, store, this::currentState, networks);
        Optional<ExecResult> result = ContainerExec.run(launcher(), store.directory(id), config, state, spec,
                store.seccompCache(), linkEnv);
        result.ifPresent(r -> events.container(EngineEvent.Action.EXEC_DIE, id, config,
                Map.of(EngineEvent.EXEC_ID, exec.get(EngineEvent.EXEC_ID), EngineEvent.EXIT_CODE, Integer.toString(r.exitCode()))));
        return result.orElseThrow(() -> notRunning("exec in", config, currentState(id)));
    }

    static ContainerEngineException notRunning(String action, ContainerRecord config, StateRecord state) {
        return new ContainerEngineException("cannot " + action + " container " + config.name() + " ("
                + config.id().substring(0, 12) + "): it is not running (" + state.status()
                + (state.status().equals(StateRecord.EXITED) ? ", exit code " + state.exitCode() : "") + ") — start it first");
    }

    void copyTo(String reference, String directory, InputStream tar) {
        String id = store.resolve(reference);
        copies.copyTo(id, config(id), directory, tar);
    }

    InputStream copyFrom(String reference, String path) {
        String id = store.resolve(reference);
        return copies.copyFrom(id, config(id), path);
    }

    Optional<dev.stevedore.engine.ContainerPathStat> stat(String reference, String path) {
        String id = store.resolve(reference);
        return copies.stat(id, config(id), path);
    }

    // ---- networks ---------------------------------------------------------------------------------

    /** A container as connect and disconnect need it: its id, name and, while it runs, its first process. */
    NetworkService.ContainerLookup.Container networkView(String reference) {
        String id = store.resolve(reference);
        ContainerRecord config = config(id);
        StateRecord state = currentState(id);
        return new NetworkService.ContainerLookup.Container(id, config.name(), state.running() ? state.pid() : 0);
    }

    /**
     * Ends the containers this JVM started (kept ones are let go) and removes those this engine created, but kept
     * ones.
     */
    @Override
    public void close() {
        restarts.close(); // the runs ended below are not started again
        health.close();
        watchers.close(); // after the checks stopped: the kept runs' watchers take over
        runs.closeRuns(this::keeps);
        for (String id : createdHere) {
            if (Files.isDirectory(store.directory(id)) && !keeps(id)) {
                try {
                    remove(id, true, true);
                } catch (RuntimeException e) {
                    LOG.warn("cannot remove container {} while closing the engine: {}", id, e.toString());
                }
            }
        }
        runs.close();
        Launcher spawned = launcher;
        if (spawned != null) {
            spawned.close();
        }
        store.close();
        volumes.close();
    }

    private boolean keeps(String id) {
        try {
            return store.readConfig(id).map(c -> "true".equals(c.spec().labels().get(ContainerSpec.KEEP_LABEL))).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
