package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.embedded.ContainerRecord.MountRecord;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.network.NetworkMode;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.LauncherError;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.ResourceLimits;
import dev.stevedore.engine.internal.runtime.DeviceNode;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;
import dev.stevedore.engine.internal.runtime.PrivilegedMode;
import dev.stevedore.engine.internal.os.Privileges;
import dev.stevedore.engine.Ulimit;
import dev.stevedore.engine.Capability;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompFilter;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompPolicy;
import dev.stevedore.engine.internal.store.CrossProcessLock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Starting a container: under its lock, the launcher starts its first process (held at the barrier when a bridge
 * network is wired first), the network is wired and its ports published, the run is recorded in {@code state.json}
 * and taken on by {@link OwnedRuns}, and the command is released. Each step adds its undoing to one {@link Undo};
 * a failure takes back what was done and records the failed start as Docker does (created, with the exit code and
 * the error), with the container's last output in the message.
 */
final class ContainerStart {
    private static final int LAST_LOG_LINES = 20;

    private final ContainerStore store;
    private final NetworkManager networks;
    private final OwnedRuns runs;
    private final EmbeddedEvents events;
    private final Supplier<Launcher> launcher;
    private final OwnedRuns.Removal removal;
    private final Function<String, StateRecord> states;
    private final ProcessIdentity self = ProcessIdentity.current();

    private final KeptRestarts kept;

    /** {@code states}: another container's state as it is now, for the namespaces a container shares. */
    ContainerStart(ContainerStore store, NetworkManager networks, OwnedRuns runs, EmbeddedEvents events,
                   Supplier<Launcher> launcher, OwnedRuns.Removal removal, Function<String, StateRecord> states,
                   KeptRestarts kept) {
        this.kept = kept;
        this.states = states;
        this.store = store;
        this.networks = networks;
        this.runs = runs;
        this.events = events;
        this.launcher = launcher;
        this.removal = removal;
    }

    /**
     * Starts run {@code state.run() + 1} of the container; the caller holds its lock and has checked that it does not
     * run ({@code state} is its effective state). {@code restartCount} is 0 for a start by a user, else the count of
     * restarts by its policy with this one.
     */
    void start(String id, ContainerRecord config, StateRecord state, int restartCount) throws IOException {
        Path dir = store.directory(id);
        OrphanReaper.clearRun(dir);
        // read once: each read takes the networks' lock, which every engine on the machine shares
        NetworkManager.ContainerNetworking network = networks.networking(id);
        String networkOwner = SharedNamespaces.networkOwner(config);
        if (networkOwner != null) {
            // as dockerd: the hosts and resolv.conf of the container whose network stack it shares
            NetworkManager.ContainerNetworking owner = networks.networking(networkOwner);
            network = new NetworkManager.ContainerNetworking(NetworkMode.NONE, owner.hostsFile(), owner.resolvConf());
        }
        RuntimeSpec spec;
        try {
            spec = withDevices(runtimeSpec(dir, config, network, SharedNamespaces.launcherModes(config, store, states),
                    store, LinkEnvironment.of(config, store, states, networks)),
                    config);
        } catch (ContainerEngineException e) {
            // a --device that is no device node: created, not started, as dockerd records it
            throw failedStart(id, config, state, new ContainerStartException(e.getMessage(), id, List.of(), e));
        }
        // Bridge networks are wired at the barrier, before the command runs; host and none have nothing
        // to wire there, so their command runs as soon as it is set up (no round trip), unless a none one has a host
        // relay to start first.
        boolean wire = network.mode() == NetworkMode.BRIDGE
                || network.mode() == NetworkMode.NONE && !config.spec().exposedHostPorts().isEmpty();
        boolean keep = "true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL));
        StateRecord before = state;
        try (Undo undo = new Undo("start of container " + config.name())) {
            // either way the launcher returns once the container's first process exists: the network is wired
            // and the state recorded while that process sets up the root file system
            ContainerProcess process = wire ? launcher.get().startCreated(spec) : launcher.get().startReleased(spec);
            undo.add(() -> {
                process.close(); // never released (or its start failed): its command is not running
                networks.stopContainer(id);
            });
            Optional<ProcessIdentity> identity = ProcessIdentity.of(process.pid());
            if (wire) {
                wire(id, config, process, keep, identity);
            }
            long run = state.run() + 1;
            StateRecord started = state.started(run, process.pid(), identity.map(ProcessIdentity::startTime).orElse(0L),
                    self.pid(), self.startTime(), Instant.now(), restartCount);
            store.writeState(id, started);
            before = started;
            OwnedRuns.Owned mine = new OwnedRuns.Owned(process, run, config);
            if (keep) {
                // docker's run -di: no attach feeds it now, a later one from any process may (ForeignRun.stdin)
                process.keepAfterOwner(config.spec().openStdin() && !config.spec().stdinOnce());
            }
            runs.add(id, mine);
            undo.add(() -> runs.remove(id, mine));
            if (wire) {
                process.release();
            }
            process.awaitStarted();
            undo.keep();
            kept.started(id, config, process, run);
        } catch (ContainerStartException e) {
            throw failedStart(id, config, before, e);
        }
        RunEvents.started(events, networks, id, config);
    }

    /**
     * Connects the container to its networks and publishes its ports; a kept container outlives this JVM, so its
     * ports are served by a process of their own, which watches {@code identity} (a rootless engine's ports always are).
     */
    private void wire(String id, ContainerRecord config, ContainerProcess process, boolean keep,
                      Optional<ProcessIdentity> identity) {
        try {
            networks.startContainer(id, process.pid());
            if (!config.spec().exposedHostPorts().isEmpty()) {
                networks.relayHostPorts(id, identity.orElseThrow(() -> new ContainerEngineException(
                        "its process " + process.pid() + " ended before it was released")));
            }
            List<PortBinding> ports = NetworkManager.portsToPublish(config.spec().ports(), config.spec().publishAllPorts(),
                    config.exposedPorts());
            if (!ports.isEmpty()) {
                networks.publish(id, ports, identity.orElseThrow(() -> new ContainerEngineException(
                        "its process " + process.pid() + " ended before it was released")), keep);
            }
        } catch (RuntimeException e) {
            // its first process sets up the root file system meanwhile: when that failed, wiring failed for it (its
            // namespace went with it), and the launcher's report is what the caller needs: closing first reads every
            // report it made, which may still be on its way when the namespace is already gone
            process.close();
            throw process.reportedFailure().orElseGet(() -> new ContainerStartException("cannot connect container "
                    + config.name() + " to its network: " + e.getMessage(), id, List.of(), e));
        }
    }

    /** Records a failed start as Docker does (created, with the exit code and error) and says why, with the logs. */
    private ContainerStartException failedStart(String id, ContainerRecord config, StateRecord state,
                                                ContainerStartException e) throws IOException {
        int code = e.getCause() instanceof LauncherError error ? error.dockerExitCode() : 125;
        List<String> lastLines = lastLogLines(id);
        store.writeState(id, state.failedToStart(code, e.getMessage()));
        if (config.autoRemove()) {
            removal.deleteLocked(id, config);
        }
        String message = "container " + config.name() + " (" + id.substring(0, 12) + ") of " + config.image()
                + " could not start: " + e.getMessage()
                + (lastLines.isEmpty() ? "" : "; its last output: " + String.join(" | ", lastLines));
        return new ContainerStartException(message, id, lastLines, e.getCause());
    }

    private List<String> lastLogLines(String id) {
        Path dir = store.directory(id);
        try (ContainerLogStream logs = new ContainerLogStream(dir.resolve("stdout.log"), dir.resolve("stderr.log"), false,
                LogOptions.all().withTail(LAST_LOG_LINES), () -> false)) {
            return logs.lines().map(LogLine::text).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * The launcher's spec; {@code namespaces}: its {@code --ns=} modes ({@link SharedNamespaces#launcherModes});
     * {@code linkEnv}: its links' variables ({@link LinkEnvironment}), which its own environment overrides.
     */
    static RuntimeSpec runtimeSpec(Path dir, ContainerRecord config, NetworkManager.ContainerNetworking network,
                                   List<String> namespaces, ContainerStore store, List<String> linkEnv) {
        RuntimeSpec.Builder builder = RuntimeSpec.builder(dir, store.rootLayers(config), config.command())
                .env(ContainerConfigs.processEnv(config.hostname(), config.spec().tty(), linkEnv, config.env()))
                .workingDirectory(config.workingDir())
                .user(config.user(), List.of())
                .hostname(config.hostname())
                .network(network.mode() == NetworkMode.HOST ? RuntimeSpec.NetworkMode.HOST : RuntimeSpec.NetworkMode.NONE_LOOPBACK)
                .shmSize(config.shmSizeBytes())
                .readonlyRootfs(config.readOnlyRootfs())
                .etcFiles(network.hostsFile(), dir.resolve("hostname"), network.resolvConf())
                .limits(new ResourceLimits(config.memoryBytes(), config.nanoCpus(), config.pidsLimit(),
                        config.spec().resources()))
                .openStdin(config.spec().openStdin())
                .tty(config.spec().tty())
                .capabilities(capabilities(config))
                .ulimits(ulimits(config))
                .seccomp(seccomp(config, store.seccompCache()))
                .sharedNamespaces(namespaces)
                .process(config.spec().groupAdd(), config.spec().domainname(), config.spec().sysctls(), config.spec().init(),
                        config.spec().oomScoreAdj());
        ContainerStdio.outputFiles(builder, dir, config.spec());
        addMounts(builder, config);
        if (config.spec().privileged()) {
            PrivilegedMode.apply(builder, config.spec().securityOpts());
        }
        return builder.build();
    }

    /**
     * {@code spec} with the container's {@code --device} nodes, looked at now (at start, as dockerd does).
     *
     * @throws ContainerEngineException in dockerd's words for a host path that is no device node
     */
    static RuntimeSpec withDevices(RuntimeSpec spec, ContainerRecord config) {
        if (config.spec().devices().isEmpty() && !config.spec().privileged()) {
            return spec;
        }
        List<DeviceNode> requested = config.spec().devices().stream().map(DeviceNode::of).toList();
        return spec.withDevices(config.spec().privileged()
                ? PrivilegedMode.devices(Path.of("/dev"), requested, !Privileges.isRoot()) : requested);
    }

    /**
     * The container's system-call filter: its options compiled for its capabilities on this host, or read from
     * {@code seccompCache} where an engine before this one kept it (a one-command JVM then compiles nothing).
     */
    static SeccompFilter seccomp(ContainerRecord config, Path seccompCache) {
        if (config.spec().privileged()) {
            return null; // as dockerd: a privileged container runs unconfined
        }
        return SeccompPolicy.filter(config.spec().securityOpts(), capabilities(config), seccompCache).orElse(null);
    }

    /** The capabilities of the container's root processes (its first and its execs): the defaults with its adjustments. */
    static Set<Capability> capabilities(ContainerRecord config) {
        if (config.spec().privileged()) {
            return java.util.EnumSet.allOf(Capability.class);
        }
        return Capability.adjusted(Capability.containerDefaults(), config.spec().capAdd(), config.spec().capDrop());
    }

    /** The container's {@code --ulimit}s, for its first process and its execs. */
    static List<Ulimit> ulimits(ContainerRecord config) {
        return config.spec().ulimits().stream().map(Ulimit::parse).toList();
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
}
