package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.internal.embedded.ContainerRecord.MountRecord;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.network.NetworkMode;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.LauncherError;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.ResourceLimits;
import dev.stevedore.engine.internal.runtime.Capability;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompFilter;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompPolicy;
import dev.stevedore.engine.internal.runtime.Signals;
import dev.stevedore.engine.internal.runtime.Syscalls;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Containers in the embedded engine: create, start, wait, stop, kill, remove, inspect, list, logs, exec
 * and copy, with Docker's semantics, on a state directory that several JVMs share.
 *
 * <p><b>Ownership.</b> The JVM that starts a container holds its {@link ContainerProcess}: the lifeline
 * to its supervisor, which kills the container when this JVM dies. That JVM (the owner) records the
 * exit in {@code state.json} (a JDK process-reaper callback, no thread of ours waits) and removes an
 * auto-remove container. Every other JVM reads the same files: a container whose {@code state.json}
 * says running is seen as exited as soon as its supervisor has written the {@code exit} file, or when
 * its process, owner and supervisor are all gone. Another JVM stops or kills a container by signalling
 * its first process directly, through a pidfd opened for the recorded pid and checked against the
 * recorded start time, so a recycled pid is never hit; it then waits for the {@code exit} file.
 *
 * <p><b>Leftovers.</b> Opening the engine reaps containers whose owner JVM died while they ran: they are
 * marked exited (with the code their supervisor recorded, else 137) as Docker keeps exited containers,
 * except auto-remove ones, which are removed; their cgroups are removed either way. Their processes
 * died with the lifeline and their mounts lived only in their own mount namespaces, so no process or
 * mount remains. Directories of removals and creates a dead JVM left halfway are deleted too.
 *
 * <p>On disk ({@link ContainerStore}): {@code containers/<id>/} with {@code config.json}
 * ({@link ContainerRecord}), {@code state.json} ({@link StateRecord}), the upper and work directories,
 * anonymous volumes, {@code stdout.log}/{@code stderr.log} (timestamped records, {@link ContainerLogStream}),
 * {@code hosts}, {@code hostname}, {@code resolv.conf} and the launcher's state files. Exec is
 * {@link ContainerExec}, copying {@link ContainerCopies}; the Docker rules that make a config are
 * {@link ContainerConfigs}.
 */
final class ContainerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerService.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final int LAST_LOG_LINES = 20;
    /** A create (image pulled first) writes config.json within this time after making the directory. */
    private static final Duration HALF_CREATED_GRACE = Duration.ofMinutes(10);

    private final EngineSettings settings;
    private final EngineMode mode;
    private final ImageService images;
    private final ContainerStore store;
    private final Volumes volumes;
    private final Path temp;
    private final ContainerCopies copies;
    private volatile Launcher launcher;
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    /** Containers this engine created: closing it removes them (but kept ones), as a test wants. */
    private final Set<String> createdHere = ConcurrentHashMap.newKeySet();
    /**
     * Containers this JVM auto-removed, as they were when they ended: a wait issued after the removal (a
     * fast container ends before its caller waits) still gets the exit. A few hundred, oldest dropped.
     */
    private final Map<String, ContainerInfo> autoRemoved = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ContainerInfo> eldest) {
                    return size() > 256;
                }
            });
    private final ExecutorService exits;
    private final ProcessIdentity self = ProcessIdentity.current();
    private final NetworkManager networks;

    /**
     * A container this JVM started: its process (kept reachable: its lifeline), which run it is, whether
     * it goes at its exit, and its exit as recorded, once: whoever gets to the exit first records it, the
     * others take that result.
     */
    private record Owned(ContainerProcess process, long run, boolean autoRemove,
                         java.util.concurrent.atomic.AtomicBoolean recording,
                         java.util.concurrent.CompletableFuture<ContainerState> recorded) {
        Owned(ContainerProcess process, long run, boolean autoRemove) {
            this(process, run, autoRemove, new java.util.concurrent.atomic.AtomicBoolean(),
                    new java.util.concurrent.CompletableFuture<>());
        }
    }

    ContainerService(EngineSettings settings, ImageService images, NetworkManager networks, EngineMode mode) {
        this.settings = settings;
        this.mode = mode;
        this.images = images;
        this.networks = networks;
        this.store = new ContainerStore(settings.stateDirectory(),
                MemoryStorage.root(settings.stateDirectory()).map(root -> root.resolve("containers")).orElse(null));
        this.volumes = new Volumes(settings.stateDirectory());
        this.temp = settings.stateDirectory().resolve("tmp");
        this.copies = new ContainerCopies(store, this::launcher, this::currentState, temp);
        AtomicInteger threads = new AtomicInteger();
        this.exits = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stevedore-container-exit-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        reap();
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

    // ---- create -----------------------------------------------------------------------------------

    ContainerInfo create(ContainerSpec spec) {
        if (spec.name() != null) {
            ContainerStore.validateName(spec.name());
            store.nameOwner(spec.name()).filter(id -> Files.isDirectory(store.directory(id))).ifPresent(id -> {
                throw nameInUse(spec.name(), id);
            });
        }
        ImageReference reference = ImageReference.parse(spec.image());
        ImageService.RunnableImage runnable = images.runnable(reference, spec.pullPolicy(), settings.platform());
        ImageConfig image = runnable.image().config();
        String networkMode = mode.networkMode(spec, ContainerConfigs.networkMode(spec, image));
        mode.checkLimits(spec);
        ContainerConfigs.Command command = ContainerConfigs.command(spec, image);
        String workingDir = ContainerConfigs.workingDir(spec, image);
        String stopSignal = ContainerConfigs.stopSignal(spec, image);
        List<Mount> mounts = ContainerConfigs.mounts(spec, image);
        new ResourceLimits(spec.memoryBytes(), ContainerConfigs.nanoCpus(spec.cpus()), spec.pidsLimit()); // validates

        String id = ContainerStore.newId();
        Path dir = store.directory(id);
        String name = null;
        try {
            boolean kept = "true".equals(spec.labels().get(ContainerSpec.KEEP_LABEL));
            dir = store.createDirectory(id, kept);
            name = reserveName(spec.name(), id);
            boolean hostNetwork = NetworkMode.of(networkMode) == NetworkMode.HOST;
            String hostname = ContainerConfigs.hostname(spec, id, hostNetwork, hostNetwork ? hostHostname() : null);
            List<MountRecord> made = makeMounts(dir, mounts, spec.image());
            writeHostname(dir, hostname);
            NetworkManager.ContainerNetworking network = networks.prepareContainer(id, name, hostname, networkMode,
                    spec.networkAliases(), !kept);
            ContainerRecord config = new ContainerRecord(1, id, name, spec.image(), reference.toString(), runnable.image().id(),
                    runnable.image().manifestDigest(), Instant.now().toString(),
                    runnable.layerDirectories().stream().map(Path::toString).toList(), command.entrypoint(), command.cmd(),
                    ContainerConfigs.env(spec, image), workingDir, ContainerConfigs.user(spec, image), hostname,
                    ContainerConfigs.labels(spec, image), made, spec.readOnlyRootfs(),
                    spec.shmSizeBytes() > 0 ? spec.shmSizeBytes() : RuntimeSpec.DEFAULT_SHM_SIZE, spec.memoryBytes(),
                    ContainerConfigs.nanoCpus(spec.cpus()), spec.pidsLimit(), networkMode,
                    ContainerConfigs.exposedPorts(spec, image), stopSignal, ContainerConfigs.stopTimeout(spec).toMillis(),
                    spec.autoRemove(), spec);
            validate(dir, config, network);
            copies.copyUp(dir, config);
            store.writeConfig(id, config); // no state.json yet: a container without one is created
            createdHere.add(id);
            return info(id, config, StateRecord.created());
        } catch (IOException | RuntimeException e) {
            discard(id, name);
            if (e instanceof ContainerEngineException engine) {
                throw engine;
            }
            throw new ContainerEngineException("cannot create a container of " + spec.image() + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** What the launcher would refuse at start (a hostname, a mount over /proc) is refused now, at create. */
    private void validate(Path dir, ContainerRecord config, NetworkManager.ContainerNetworking network) {
        try {
            runtimeSpec(dir, config, network);
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("cannot create a container of " + config.image() + ": "
                    + e.getMessage().replace("runtime spec for " + dir + ": ", ""), e);
        }
    }

    private String reserveName(String requested, String id) {
        if (requested != null) {
            if (!store.reserveName(requested, id)) {
                throw nameInUse(requested, store.nameOwner(requested).orElse("?"));
            }
            return requested;
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            String generated = ContainerNames.generate(attempt >= 10);
            if (store.reserveName(generated, id)) {
                return generated;
            }
        }
        throw new ContainerEngineException("cannot find a free generated name for container " + id);
    }

    private static ContainerEngineException nameInUse(String name, String id) {
        return new ContainerEngineException("the container name \"" + name + "\" is already in use by container "
                + id.substring(0, Math.min(12, id.length())) + "; remove that container or choose another name");
    }

    private void discard(String id, String name) {
        try {
            store.delete(id);
        } catch (IOException e) {
            LOG.warn("cannot delete the half-created container {}: {}", id, e.toString());
        }
        try {
            networks.removeContainer(id);
        } catch (RuntimeException e) {
            LOG.warn("cannot release the network settings of the half-created container {}: {}", id, e.toString());
        }
        if (name != null) {
            store.releaseName(name, id);
        }
    }

    private List<MountRecord> makeMounts(Path dir, List<Mount> mounts, String image) {
        List<MountRecord> made = new ArrayList<>();
        int anonymous = 0;
        for (Mount mount : mounts) {
            switch (mount.type()) {
                case BIND -> {
                    if (!Files.exists(Path.of(mount.source()))) {
                        throw new ContainerEngineException("the source " + mount.source() + " of the bind mount on "
                                + mount.target() + " (container of " + image + ") does not exist; create it first");
                    }
                    made.add(new MountRecord("bind", mount.source(), mount.target(), mount.readOnly(), "", ""));
                }
                case VOLUME -> {
                    Path data = mount.source().isEmpty() ? Volumes.anonymous(dir, anonymous++) : volumes.named(mount.source());
                    made.add(new MountRecord("volume", data.toString(), mount.target(), mount.readOnly(), "", mount.source()));
                }
                case TMPFS -> made.add(new MountRecord("tmpfs", "", mount.target(), mount.readOnly(),
                        mount.readOnly() && !mount.options().contains("ro") ? join("ro", mount.options()) : mount.options(), ""));
            }
        }
        return made;
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + "," + b;
    }

    private static String hostHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The hostname file; /etc/hosts and /etc/resolv.conf are the network manager's (it keeps hosts current). */
    private static void writeHostname(Path dir, String hostname) throws IOException {
        Files.writeString(dir.resolve("hostname"), hostname + "\n");
        Files.setPosixFilePermissions(dir.resolve("hostname"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    // ---- start ------------------------------------------------------------------------------------

    void start(String reference) {
        String id = store.resolve(reference);
        CrossProcessLock lock = store.lock(id);
        ContainerRecord config;
        try {
            config = config(id);
            StateRecord state = effective(id, store.readState(id).orElse(StateRecord.created()));
            if (state.running()) {
                return; // Docker: starting a running container changes nothing
            }
            Path dir = store.directory(id);
            OrphanReaper.clearRun(dir);
            // read once: each read takes the networks' lock, which every engine on the machine shares
            NetworkManager.ContainerNetworking network = networks.networking(id);
            RuntimeSpec spec = runtimeSpec(dir, config, network);
            // Bridge networks are wired at the barrier, before the command runs; host and none have nothing
            // to wire there, so their command runs as soon as it is set up (no round trip).
            boolean wire = network.mode() == NetworkMode.BRIDGE;
            ContainerProcess process;
            try {
                // either way the launcher returns once the container's first process exists: the network
                // is wired and the state recorded while that process sets up the root file system
                process = wire ? launcher().startCreated(spec) : launcher().startReleased(spec);
            } catch (ContainerStartException e) {
                throw failedStart(id, config, state, e);
            }
            boolean keep = "true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL));
            Optional<ProcessIdentity> identity = ProcessIdentity.of(process.pid());
            try {
                if (wire) {
                    networks.startContainer(id, process.pid());
                    // a kept container outlives this JVM: so must its ports, served by a process of their own
                    networks.publish(id, NetworkManager.portsToPublish(config.spec().ports(), config.spec().publishAllPorts(),
                            config.exposedPorts()), keep ? identity.orElseThrow(() -> new ContainerEngineException(
                                    "its process " + process.pid() + " ended before it was released")) : null);
                }
            } catch (RuntimeException e) {
                process.close(); // never released: its command never ran
                networks.stopContainer(id);
                // its first process sets up the root file system meanwhile: when that failed, wiring failed
                // for it (its namespace went with it), and the launcher's report is what the caller needs
                Optional<ContainerStartException> setup = process.reportedFailure();
                throw failedStart(id, config, state, setup.orElseGet(() -> new ContainerStartException("cannot connect "
                        + "container " + config.name() + " to its network: " + e.getMessage(), id, List.of(), e)));
            }
            long run = state.run() + 1;
            try {
                store.writeState(id, state.started(run, process.pid(), identity.map(ProcessIdentity::startTime).orElse(0L),
                        self.pid(), self.startTime(), Instant.now()));
            } catch (IOException | RuntimeException e) {
                process.close(); // never released: its command never ran
                networks.stopContainer(id);
                throw e;
            }
            Owned mine = new Owned(process, run, config.autoRemove());
            if (keep) {
                process.keepAfterOwner();
            }
            owned.put(id, mine);
            process.onExit().whenCompleteAsync((status, error) -> exited(id, mine, status), exits);
            try {
                if (wire) {
                    process.release();
                }
                process.awaitStarted();
            } catch (ContainerStartException e) {
                process.close();
                owned.remove(id, mine);
                networks.stopContainer(id);
                throw failedStart(id, config, store.readState(id).orElse(state), e);
            }
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

    /** Records a failed start as Docker does (created, with the exit code and error) and says why, with the logs. */
    private ContainerStartException failedStart(String id, ContainerRecord config, StateRecord state, ContainerStartException e)
            throws IOException {
        int code = e.getCause() instanceof LauncherError error ? error.dockerExitCode() : 125;
        List<String> lastLines = lastLogLines(id);
        store.writeState(id, state.failedToStart(code, e.getMessage()));
        if (config.autoRemove()) {
            deleteLocked(id, config);
        }
        String message = "container " + config.name() + " (" + id.substring(0, 12) + ") of " + config.image()
                + " could not start: " + e.getMessage()
                + (lastLines.isEmpty() ? "" : "; its last output: " + String.join(" | ", lastLines));
        return new ContainerStartException(message, id, lastLines, e.getCause());
    }

    private List<String> lastLogLines(String id) {
        Path dir = store.directory(id);
        try (ContainerLogStream logs = new ContainerLogStream(dir.resolve("stdout.log"), dir.resolve("stderr.log"),
                LogOptions.all().withTail(LAST_LOG_LINES), () -> false)) {
            return logs.lines().map(LogLine::text).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static RuntimeSpec runtimeSpec(Path dir, ContainerRecord config, NetworkManager.ContainerNetworking network) {
        RuntimeSpec.Builder builder = RuntimeSpec.builder(dir, config.layers().stream().map(Path::of).toList(), config.command())
                .env(ContainerConfigs.processEnv(config.hostname(), config.env()))
                .workingDirectory(config.workingDir())
                .user(config.user(), List.of())
                .hostname(config.hostname())
                .network(network.mode() == NetworkMode.HOST ? RuntimeSpec.NetworkMode.HOST : RuntimeSpec.NetworkMode.NONE_LOOPBACK)
                .shmSize(config.shmSizeBytes())
                .readonlyRootfs(config.readOnlyRootfs())
                .etcFiles(network.hostsFile(), dir.resolve("hostname"), network.resolvConf())
                .limits(new ResourceLimits(config.memoryBytes(), config.nanoCpus(), config.pidsLimit()))
                .openStdin(config.spec().openStdin())
                .seccomp(seccomp(config));
        addMounts(builder, config);
        return builder.build();
    }

    /** The container's system-call filter: its options compiled for Docker's capabilities on this host. */
    static SeccompFilter seccomp(ContainerRecord config) {
        return SeccompPolicy.filter(config.spec().securityOpts(), Capability.containerDefaults()).orElse(null);
    }

    static void addMounts(RuntimeSpec.Builder builder, ContainerRecord config) {
        for (MountRecord mount : config.mounts()) {
            if (mount.type().equals("tmpfs")) {
                builder.mount(new RuntimeSpec.Tmpfs(mount.target(), mount.options()));
            } else {
                builder.mount(new RuntimeSpec.Bind(Path.of(mount.source()), mount.target(), mount.readOnly()));
            }
        }
    }

    // ---- exit -------------------------------------------------------------------------------------

    /**
     * Records the end of a run this JVM started and removes an auto-remove container. Once: the exit
     * callback and a waiting caller both get here, and the one that comes second takes the first one's
     * result instead of reading and locking everything again.
     *
     * @return the container's state after the exit
     */
    private ContainerState exited(String id, Owned run, ExitStatus status) {
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
            if (state.running() && state.run() == run.run()) {
                state = state.exited(exit);
                store.writeState(id, state);
                networks.stopContainer(id);
            }
            result = state.run() == run.run() ? state.toPublic() : endedState(exit, state.startedAt());
            owned.remove(id, run);
            run.process().close();
            Optional<ContainerRecord> config = run.autoRemove() ? store.readConfig(id) : Optional.empty();
            if (config.isPresent() && !state.running() && state.run() == run.run()) {
                autoRemoved.put(id, info(id, config.get(), state));
                deleteLocked(id, config.get());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot record the exit of container {}: {}", id, e.toString());
        } finally {
            ContainerStore.closeQuietly(lock);
        }
        return result != null ? result : endedState(exit, null);
    }

    private static ContainerState endedState(ExitStatus exit, String startedAt) {
        return new ContainerState(ContainerState.Status.EXITED, 0, exit.code(), exit.signal(), exit.oomKilled(), "",
                startedAt == null ? null : Instant.parse(startedAt), exit.finishedAt());
    }

    /**
     * The state as it is now: a running state whose run has visibly ended (the supervisor wrote its exit,
     * or process, owner and supervisor are all gone) reads as exited, before its owner records it.
     */
    private StateRecord effective(String id, StateRecord state) {
        if (!state.running()) {
            return state;
        }
        Owned mine = owned.get(id);
        if (mine != null && mine.run() == state.run()) {
            Optional<ExitStatus> known = mine.process().exitStatus();
            if (known.isPresent()) {
                return state.exited(known.get());
            }
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

    // ---- inspect, list ----------------------------------------------------------------------------

    ContainerInfo inspect(String reference) {
        String id = store.resolve(reference);
        return info(id, config(id), currentState(id));
    }

    private ContainerRecord config(String id) {
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
            if (config.isEmpty() || (!all && !state.running()) || !matches(config.get().labels(), labels)) {
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

    /** The names of the containers, in any state, that mount the named volume {@code volume}. */
    List<String> mountersOf(String volume) {
        List<String> names = new ArrayList<>();
        for (String id : store.ids()) {
            store.readConfig(id).filter(c -> c.mounts().stream().anyMatch(m -> volume.equals(m.volume())))
                    .ifPresent(c -> names.add(c.name()));
        }
        return names;
    }

    /** Whether {@code labels} has every one of {@code wanted} (an empty or null wanted value: any value). */
    static boolean matches(Map<String, String> labels, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String value = labels.get(e.getKey());
            if (value == null || !(e.getValue() == null || e.getValue().isEmpty() || e.getValue().equals(value))) {
                return false;
            }
        }
        return true;
    }

    private ContainerInfo info(String id, ContainerRecord config, StateRecord state) {
        Map<String, String> addresses;
        try {
            addresses = networks.addresses(id);
        } catch (ContainerEngineException e) {
            addresses = Map.of(config.networkMode(), ""); // being removed right now
        }
        return new ContainerInfo(id, config.name(), config.image(), config.imageId(), Instant.parse(config.created()),
                state.toPublic(), config.command(), config.env(), config.labels(),
                state.running() ? networks.ports(id) : List.of(), addresses, config.spec());
    }

    // ---- wait, stop, kill, remove -----------------------------------------------------------------

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

    ContainerState await(String reference, Duration timeout) {
        String id;
        try {
            id = store.resolve(reference);
        } catch (ContainerNotFoundException e) {
            // ended and auto-removed before the caller came to wait: Docker's wait for "removed" gives its exit too
            return autoRemoved(reference).map(ContainerInfo::state).orElseThrow(() -> e);
        }
        Owned mine = owned.get(id);
        if (mine != null) {
            Optional<ExitStatus> status = mine.process().waitFor(timeout);
            if (status.isEmpty()) {
                return currentState(id).toPublic();
            }
            return exited(id, mine, status.get());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1_000_000;
        for (;;) {
            StateRecord state = currentState(id);
            if (!state.running() || System.nanoTime() >= deadline) {
                return state.toPublic();
            }
            LockSupport.parkNanos(Math.min(pause, Math.max(0, deadline - System.nanoTime())));
            pause = Math.min(pause * 2, 50_000_000);
        }
    }

    void stop(String reference, Duration grace) {
        String id = store.resolve(reference);
        ContainerRecord config = config(id);
        StateRecord state = currentState(id);
        if (!state.running()) {
            return; // Docker: stopping a stopped container does nothing
        }
        Duration wait = grace != null ? grace : Duration.ofMillis(config.stopTimeoutMillis());
        int signal = Signals.parse(config.stopSignal());
        Owned mine = owned.get(id);
        if (mine != null && mine.run() == state.run()) {
            ExitStatus status = mine.process().stop(signal, wait);
            exited(id, mine, status);
            return;
        }
        // Its owner, if it still runs, records the end; a kept container's port proxy process is stopped here, so
        // its ports are free when stop returns, not a moment later when the proxy sees the end itself.
        if (!signalRemote(state, signal) || awaitEnd(id, wait)) {
            if (awaitEnd(id, KILL_WAIT)) {
                networks.unpublish(id);
            }
            return;
        }
        signalRemote(state, Signals.SIGKILL);
        if (!awaitEnd(id, KILL_WAIT)) {
            throw new ContainerEngineException("container " + config.name() + " (pid " + state.pid() + ") did not end "
                    + KILL_WAIT.toSeconds() + " s after SIGKILL; is it stuck in the kernel (uninterruptible I/O)?");
        }
        networks.unpublish(id);
    }

    void kill(String reference, String signal) {
        String id = store.resolve(reference);
        int number;
        try {
            number = Signals.parse(signal);
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("cannot kill container " + reference + ": " + e.getMessage());
        }
        StateRecord state = currentState(id);
        if (!state.running()) {
            throw new ContainerEngineException("cannot kill container " + reference + ": it is not running");
        }
        Owned mine = owned.get(id);
        if (mine != null && mine.run() == state.run()) {
            mine.process().signal(number);
        } else {
            signalRemote(state, number);
        }
    }

    /** Signals another JVM's container; false when its process has already ended. */
    private static boolean signalRemote(StateRecord state, int signal) {
        try {
            return Syscalls.signal(new ProcessIdentity(state.pid(), state.pidStart()), signal);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot send signal " + signal + " to the container process " + state.pid()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Waits (polling the shared files) until the container no longer runs; false when it still does. */
    private boolean awaitEnd(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1_000_000;
        while (currentState(id).running()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 50_000_000);
        }
        return true;
    }

    void remove(String reference, boolean force) {
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
                Owned mine = owned.get(id);
                if (mine != null && mine.run() == state.run()) {
                    if ("true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL))) {
                        mine.process().signal(Signals.SIGKILL); // cutting its lifeline does not end a kept container
                    }
                    mine.process().close();
                    owned.remove(id, mine);
                } else if (signalRemote(state, Signals.SIGKILL) && !awaitEnd(id, KILL_WAIT)) {
                    throw new ContainerEngineException("cannot remove container " + config.name() + ": its process "
                            + state.pid() + " did not end " + KILL_WAIT.toSeconds() + " s after SIGKILL");
                }
            }
            deleteLocked(id, config);
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /** Deletes the container's directory (its upper layer, anonymous volumes, logs) and frees its name. Lock held. */
    private void deleteLocked(String id, ContainerRecord config) {
        try {
            OrphanReaper.removeCgroups(store.directory(id));
            store.delete(id);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot remove container " + config.name() + " (" + id + "): "
                    + e.getMessage(), e);
        } finally {
            store.releaseName(config.name(), id);
            Owned mine = owned.remove(id);
            if (mine != null) {
                mine.process().close();
            }
            networks.removeContainer(id);
        }
    }

    // ---- logs -------------------------------------------------------------------------------------

    ContainerLogs logs(String reference, LogOptions options) {
        String id = store.resolve(reference);
        Path dir = store.directory(id);
        config(id);
        return new ContainerLogStream(dir.resolve("stdout.log"), dir.resolve("stderr.log"), options, () -> {
            try {
                return currentState(id).running();
            } catch (ContainerEngineException e) {
                return false; // removed while followed
            }
        });
    }

    // ---- exec and copy ----------------------------------------------------------------------------

    ExecResult exec(String reference, ExecSpec spec) {
        String id = store.resolve(reference);
        ContainerRecord config = config(id);
        StateRecord state = currentState(id);
        if (!state.running()) {
            throw notRunning("exec in", config, state);
        }
        Optional<ExecResult> result = ContainerExec.run(launcher(), store.directory(id), config, state, spec);
        return result.orElseThrow(() -> notRunning("exec in", config, currentState(id)));
    }

    /**
     * The stdin of a container this JVM started with an open stdin. Another JVM's container is refused: its
     * supervisor's command pipe (the only way to its stdin) belongs to the JVM that started it.
     */
    java.io.OutputStream attachStdin(String reference) {
        String id = store.resolve(reference);
        ContainerRecord config = config(id);
        if (!config.spec().openStdin()) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + config.name() + " ("
                    + id.substring(0, 12) + "): it was created without an open stdin — create it with openStdin(true) "
                    + "(docker run -i, stevedore run -i)");
        }
        StateRecord state = currentState(id);
        if (!state.running()) {
            throw notRunning("attach to the stdin of", config, state);
        }
        Owned mine = owned.get(id);
        if (mine == null || mine.run() != state.run()) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + config.name() + " ("
                    + id.substring(0, 12) + "): it was started by another process (pid " + state.ownerPid() + "), and the"
                    + " embedded engine reaches a container's stdin only from the process that started it — write to it"
                    + " from there, or start it from this process");
        }
        return mine.process().stdin(config.spec().stdinOnce());
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

    // ---- networks ---------------------------------------------------------------------------------

    private boolean runsNow(String id) {
        try {
            return currentState(id).running();
        } catch (ContainerEngineException e) {
            return false; // removed meanwhile
        }
    }

    /** A container as connect and disconnect need it: its id, name and, while it runs, its first process. */
    NetworkService.ContainerLookup.Container networkView(String reference) {
        String id = store.resolve(reference);
        ContainerRecord config = config(id);
        StateRecord state = currentState(id);
        return new NetworkService.ContainerLookup.Container(id, config.name(), state.running() ? state.pid() : 0);
    }

    // ---- reaping ----------------------------------------------------------------------------------

    /** Settles what JVMs that died left: see the class comment. */
    private void reap() {
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
                if (recorded.isEmpty() || !recorded.get().running() || OrphanReaper.ownerAlive(dir)
                        || OrphanReaper.supervisorAlive(dir)) {
                    continue;
                }
                CrossProcessLock lock;
                try {
                    lock = store.lock(id);
                } catch (ContainerNotFoundException e) {
                    continue;
                }
                try {
                    StateRecord state = store.readState(id).orElseThrow();
                    if (!state.running() || OrphanReaper.ownerAlive(dir) || OrphanReaper.supervisorAlive(dir)) {
                        continue;
                    }
                    ExitStatus exit = OrphanReaper.recordedExit(dir).orElse(ExitStatus.killedUnknown());
                    OrphanReaper.removeCgroups(dir);
                    ContainerRecord config = store.readConfig(id).orElseThrow();
                    // a test's container goes with the JVM that ran it; one kept for a user (run -d) stays, exited
                    if (config.autoRemove() || !"true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL))) {
                        deleteLocked(id, config);
                    } else {
                        store.writeState(id, state.exited(exit));
                    }
                } finally {
                    ContainerStore.closeQuietly(lock);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot reap container {} left by a JVM that ended: {}", id, e.toString());
            }
        }
        try {
            // A half-created container (its directory exists) is not gone: its network settings come first.
            networks.reap(id -> !Files.isDirectory(store.directory(id)), this::runsNow);
        } catch (RuntimeException e) {
            LOG.warn("cannot release the networks of containers that ended: {}", e.toString());
        }
        store.sweepStaleNames();
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

    /**
     * Kills the containers this JVM started (their lifeline would once this JVM ends; closing the engine
     * ends them now) and records their exits.
     */
    @Override
    public void close() {
        for (Map.Entry<String, Owned> e : new LinkedHashMap<>(owned).entrySet()) {
            ContainerProcess process = e.getValue().process();
            if (process.isAlive() && keeps(e.getKey())) {
                // its supervisor records the exit; the next engine to look reads it from there
                process.detach();
                continue;
            }
            process.close();
            exited(e.getKey(), e.getValue(), process.exitStatus().orElse(null));
        }
        for (String id : createdHere) {
            if (Files.isDirectory(store.directory(id)) && !keeps(id)) {
                try {
                    remove(id, true);
                } catch (RuntimeException e) {
                    LOG.warn("cannot remove container {} while closing the engine: {}", id, e.toString());
                }
            }
        }
        exits.shutdown();
        try {
            exits.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Launcher spawned = launcher;
        if (spawned != null) {
            spawned.close();
        }
        store.close();
    }

    private boolean keeps(String id) {
        try {
            return store.readConfig(id).map(c -> "true".equals(c.spec().labels().get(ContainerSpec.KEEP_LABEL))).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
