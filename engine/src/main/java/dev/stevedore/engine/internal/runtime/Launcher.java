package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerStartException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts containers through the native launcher. {@link #start} returns once the container's
 * namespaces and root file system exist and its pid 1 waits at the barrier; the caller wires what it
 * needs (networking) and then {@linkplain ContainerProcess#release releases} it. {@link #startCreated}
 * returns as soon as pid 1 exists, so that the wiring and the root file system's set-up overlap.
 *
 * <p>A launcher process clones the container's pid 1 into its pid, uts, ipc and network namespaces
 * before it reads the spec: with {@link #extractedToWithSpare} one such process waits ahead, so a start
 * pays neither the spawn nor the network namespace's creation.
 *
 * <p>Thread-safe.
 */
public final class Launcher implements AutoCloseable {
    private final Path binary;
    private final List<String> arguments;
    private final boolean keepSpare;
    private final Cgroups cgroups;
    private final AtomicReference<Process> spare = new AtomicReference<>();
    private final Object refillLock = new Object();
    private ExecutorService refill;
    private volatile boolean closed;

    public Launcher(Path binary) {
        this(binary, List.of(), false);
    }

    private Launcher(Path binary, List<String> arguments, boolean keepSpare) {
        this.binary = Objects.requireNonNull(binary, "binary");
        this.arguments = List.copyOf(arguments);
        this.keepSpare = keepSpare;
        // rootless (launchers put in the user's namespace) only a subtree delegated to the user is the user's to write
        this.cgroups = arguments.isEmpty() ? HostCgroups.LAYOUT : HostCgroups.DELEGATED;
    }

    /** A launcher extracted into the engine's state directory (see {@link LauncherBinary}). */
    public static Launcher extractedTo(Path stateDirectory) {
        return new Launcher(LauncherBinary.extract(stateDirectory), List.of(), false);
    }

    /**
     * As {@link #extractedTo(Path)}, keeping one launcher process spawned ahead, waiting for its spec, so
     * that a start does not wait for the spawn (refilled in the background after each start). Close it to
     * end the spare; a spare also ends by itself when this JVM does (its stdin closes).
     */
    public static Launcher extractedToWithSpare(Path stateDirectory) {
        return new Launcher(LauncherBinary.extract(stateDirectory), List.of(), SPARES);
    }

    /**
     * As {@link #extractedToWithSpare(Path)}, each launcher started with {@code arguments} ahead of its mode (a
     * rootless engine's {@code --userns=...}, which puts every container in the user's namespace).
     */
    public static Launcher extractedToWithSpare(Path stateDirectory, List<String> arguments) {
        return new Launcher(LauncherBinary.extract(stateDirectory), arguments, SPARES);
    }

    /**
     * Whether launchers keep a spare: not when the system property {@code stevedore.launcher.spare} is {@code false},
     * as the CLI sets it for commands that start one container and exit — a spare spawned after that start (a launcher
     * and its clone in new namespaces) would only be torn down again, the JVM's close waiting for it.
     */
    private static final boolean SPARES = !"false".equals(System.getProperty("stevedore.launcher.spare"));

    /** The launcher binary this instance runs. */
    public Path binary() {
        return binary;
    }

    /**
     * Creates the container and stops it at the barrier, before its command runs.
     *
     * @return the container, whose {@link ContainerProcess#pid()} is its pid 1 seen from the host
     * @throws ContainerStartException when the launcher could not set the container up
     */
    public ContainerProcess start(RuntimeSpec spec) {
        return start(spec, false, true);
    }

    /**
     * Creates the container's first process in its namespaces and returns at once, while it still sets up
     * its root file system: the caller wires its network namespace meanwhile, then
     * {@linkplain ContainerProcess#release releases} it (the command runs once the setup is done too) and
     * calls {@link ContainerProcess#awaitStarted()}, which reports a failed setup.
     *
     * @return the container, whose {@link ContainerProcess#pid()} is its pid 1 seen from the host
     * @throws ContainerStartException when the launcher could not even create the process
     */
    public ContainerProcess startCreated(RuntimeSpec spec) {
        return start(spec, false, false);
    }

    /**
     * Creates the container and lets its command run as soon as it is set up, without a round trip at the
     * barrier: for callers with nothing to wire there. Call {@link ContainerProcess#awaitStarted()} next,
     * which reports a failed setup.
     *
     * @return the container once its first process exists (its command may already run, or even have ended)
     * @throws ContainerStartException when the launcher could not even create the process
     */
    public ContainerProcess startReleased(RuntimeSpec spec) {
        return start(spec, true, false);
    }

    private ContainerProcess start(RuntimeSpec spec, boolean release, boolean untilReady) {
        prepareDirectories(spec);
        RuntimeSpecChecks.requireDevicePolicy(spec, cgroups.devicePolicy() != Cgroups.DevicePolicy.NONE);
        Cgroups.Made made = createCgroups(spec);
        byte[] encoded = spec.encode(made);
        if (release) {
            // the supervisor keeps it until the container is ready, then lets it go at once
            byte[] go = Records.encode("go");
            encoded = java.util.Arrays.copyOf(encoded, encoded.length + go.length);
            System.arraycopy(go, 0, encoded, encoded.length - go.length, go.length);
        }
        Process process;
        try {
            process = spec.network() == RuntimeSpec.NetworkMode.HOST || !spec.sharedNamespaces().isEmpty()
                    ? spawn(spec.network() == RuntimeSpec.NetworkMode.HOST, spec.sharedNamespaces()) : takeProcess();
        } catch (IOException e) {
            Cgroups.remove(made.groups());
            throw new ContainerEngineException("cannot start the launcher " + binary + " for container "
                    + spec.stateDirectory() + ": " + e.getMessage() + " (is the state directory on a noexec mount?)", e);
        }
        ContainerProcess container = new ContainerProcess(process, spec, made.groups());
        try {
            OutputStream commands = process.getOutputStream();
            commands.write(encoded);
            commands.flush();
        } catch (IOException e) {
            // the launcher went away while reading the spec: its own report says why
        }
        if (untilReady) {
            container.awaitBarrier(ContainerProcess.SETUP_TIMEOUT);
        } else {
            container.awaitCreated(ContainerProcess.SETUP_TIMEOUT);
        }
        if (release) {
            container.releasedWithSpec();
        }
        return container;
    }

    /** Starts the container and releases it at once: for callers with nothing to wire at the barrier. */
    public ContainerProcess run(RuntimeSpec spec) {
        ContainerProcess container = startReleased(spec);
        try {
            container.awaitStarted();
            return container;
        } catch (RuntimeException e) {
            container.close();
            throw e;
        } finally {
            refillSpare();
        }
    }

    /**
     * Spawns the next spare launcher in the background, if this launcher keeps one and none waits. Call it
     * once a start is done: a spawn (and the clone of the spare's first process) made during a start takes
     * processor time from it.
     */
    public void refillSpare() {
        if (keepSpare && !closed && spare.get() == null) {
            refillSoon();
        }
    }

    /** A launcher process waiting for its spec: the spare, or a fresh one. */
    private Process takeProcess() throws IOException {
        Process process = spare.getAndSet(null);
        if (process != null && process.isAlive()) {
            return process;
        }
        if (process != null) {
            endSpare(process);
        }
        return spawn(false, List.of());
    }

    /**
     * A fresh launcher. {@code hostNetwork}: one that clones the container without a network namespace of its own
     * ({@code --net-host}), never a spare: a rootless launcher could not join the host's afterwards. {@code namespaces}:
     * the {@code --ns=} values of a container that shares namespaces ({@link RuntimeSpec#sharedNamespaces()}).
     */
    private Process spawn(boolean hostNetwork, List<String> namespaces) throws IOException {
        // stderr: the launcher opens its container's launcher.log itself once it has read the spec
        List<String> command = new java.util.ArrayList<>();
        command.add(binary.toString());
        command.addAll(arguments);
        if (hostNetwork) {
            command.add("--net-host");
        }
        namespaces.forEach(mode -> command.add("--ns=" + mode));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Path.of("/").toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        return builder.start();
    }

    private void refillSoon() {
        synchronized (refillLock) {
            if (refill == null) {
                refill = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "stevedore-launcher-spare");
                    t.setDaemon(true);
                    return t;
                });
            }
            refill.execute(() -> {
                if (closed || spare.get() != null) {
                    return;
                }
                try {
                    Process fresh = spawn(false, List.of());
                    if (closed || !spare.compareAndSet(null, fresh)) {
                        endSpare(fresh);
                    }
                } catch (IOException e) {
                    // the next start spawns its own and reports what fails
                }
            });
        }
    }

    /** Its spec never comes: it ends. Both of its pipes are closed here, not left to the garbage collector. */
    private static void endSpare(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            process.destroyForcibly();
        }
        try {
            process.getInputStream().close();
        } catch (IOException e) {
            // a pipe of a process that ends
        }
    }

    /** Ends the spare launcher process, if one waits. Containers already started are not affected. */
    @Override
    public void close() {
        closed = true;
        synchronized (refillLock) {
            if (refill != null) {
                refill.shutdown();
            }
        }
        Process process = spare.getAndSet(null);
        if (process != null) {
            endSpare(process);
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs a command inside a running container and waits for it (see {@link ExecRequest}).
     *
     * @param stdin   bytes for the command's standard input, then end of file; {@code null} for none
     * @param timeout how long before the command (and its process group) is killed; {@code null} for no limit
     * @param output  receives stdout and stderr as they come, on the calling thread
     * @throws ContainerEngineException when the launcher cannot be started or its pipe breaks
     */
    public ExecProcess.Outcome exec(ExecRequest request, byte[] stdin, Duration timeout, ExecProcess.Output output) {
        return ExecProcess.run(binary, request.forDevicePolicy(devicePolicyApplies()), stdin, null, null, timeout, output);
    }

    /**
     * As {@link #exec(ExecRequest, byte[], Duration, ExecProcess.Output)}, with a stream for stdin: read on a thread
     * of its own and passed on as it comes, its end being the command's end of file; {@code null} for none. The
     * stream is not closed here.
     */
    public ExecProcess.Outcome execStreamingStdin(ExecRequest request, InputStream stdin, Duration timeout, ExecProcess.Output output) {
        return ExecProcess.run(binary, request.forDevicePolicy(devicePolicyApplies()), null, stdin, null, timeout, output);
    }

    /**
     * As {@link #execStreamingStdin}, on a pseudo-terminal made in the container whose window follows {@code tty}: the
     * command's output comes as stdout only, a raw stream; {@code stdin} (or {@code null}) is typed on the terminal.
     */
    public ExecProcess.Outcome execOnTerminal(ExecRequest request, InputStream stdin, dev.stevedore.engine.Tty tty,
                                              Duration timeout, ExecProcess.Output output) {
        return ExecProcess.run(binary, request.forDevicePolicy(devicePolicyApplies()), null, stdin, tty, timeout, output);
    }

    /**
     * The spec {@link #exec} sends {@code launcher exec} for {@code request} with no stdin and no terminal: what a kept
     * run's native health runner sends it for each check, as this JVM would.
     *
     * @throws IOException when the container's cgroups cannot be read
     */
    public byte[] execSpec(ExecRequest request) throws IOException {
        return request.forDevicePolicy(devicePolicyApplies()).encode(StateFiles.readCgroups(request.stateDirectory()),
                false, null);
    }

    /** Whether this launcher's containers get a device policy (and so may keep CAP_MKNOD and "dev" tmpfs mounts). */
    public boolean devicePolicyApplies() {
        return cgroups.devicePolicy() != Cgroups.DevicePolicy.NONE;
    }

    /** Every container gets groups of its own (see {@link Cgroups}), recorded first so the reaper finds them. */
    private Cgroups.Made createCgroups(RuntimeSpec spec) {
        String name = Cgroups.groupName(spec.stateDirectory());
        Cgroups.Made made = cgroups.create(spec.limits(), name, spec.devices(), spec.privileged());
        if (made.groups().isEmpty()) {
            return made;
        }
        try {
            StateFiles.writeCgroups(spec.stateDirectory(), made.groups());
        } catch (IOException e) {
            Cgroups.remove(made.groups());
            throw new ContainerEngineException("cannot record the cgroups of container " + spec.stateDirectory() + ": " + e, e);
        }
        return made;
    }

    /**
     * Refuses, before anything is made, the limits a rootless engine's containers cannot have: those whose cgroup
     * controller is not delegated to the user (the message names the controller and how to delegate it).
     *
     * @throws ContainerEngineException naming the missing controller
     */
    public static void checkRootlessLimits(ResourceLimits limits, String containerName) {
        HostCgroups.DELEGATED.check(limits, containerName);
    }

    /**
     * What of {@code asked} this host's cgroups apply as root (see {@link ResourceFiles#supported}); the rest is
     * dropped, as dockerd drops it with a warning. Rootless, everything asked: {@link #checkRootlessLimits} refuses
     * what the delegated subtree lacks instead.
     *
     * @throws IllegalArgumentException for a cpuset naming CPUs or memory nodes this host does not have (dockerd's words)
     */
    public static dev.stevedore.engine.Resources applicable(dev.stevedore.engine.Resources asked) {
        ResourceFiles.checkAvailable(asked);
        return asked.any() && dev.stevedore.engine.internal.os.Privileges.isRoot()
                ? ResourceFiles.supported(asked, HostCgroups.LAYOUT) : asked;
    }

    /**
     * The cgroup layout this process's containers were given (detected on first use): the host's as root, the
     * subtree delegated to the user when rootless; for what acts on a running container's groups.
     */
    static Cgroups hostCgroups() {
        return dev.stevedore.engine.internal.os.Privileges.isRoot() ? HostCgroups.LAYOUT : HostCgroups.DELEGATED;
    }

    /** Detected once, when the first launcher of its kind is made. */
    private static final class HostCgroups {
        static final Cgroups LAYOUT = Cgroups.detect();
        static final Cgroups DELEGATED = DelegatedCgroups.detect();
    }

    private static void prepareDirectories(RuntimeSpec spec) {
        try {
            Files.createDirectories(spec.stateDirectory());
            StateFiles.writeOwner(spec.stateDirectory(), ProcessIdentity.current());
            for (Path layer : spec.layers()) {
                if (!Files.isDirectory(layer)) {
                    throw new ContainerEngineException("cannot start container " + spec.stateDirectory()
                            + ": its image layer directory " + layer + " does not exist; was the image removed?");
                }
            }
            for (RuntimeSpec.Mount mount : spec.mounts()) {
                if (mount instanceof RuntimeSpec.Bind bind && !Files.exists(bind.source())) {
                    throw new ContainerStartException("cannot start container " + spec.stateDirectory() + ": the source "
                            + bind.source() + " of its bind mount on " + bind.target() + " does not exist; create it first",
                            spec.stateDirectory().getFileName().toString(), List.of(),
                            new LauncherError("find the bind mount source", 2, bind.source().toString()));
                }
            }
            for (Path directory : List.of(spec.upperDirectory(), spec.workDirectory(), spec.rootfs())) {
                Files.createDirectories(directory);
            }
            for (Path log : List.of(spec.stdoutLog(), spec.stderrLog())) {
                Files.createDirectories(log.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot prepare the directories of container " + spec.stateDirectory()
                    + ": " + e.getMessage(), e);
        }
    }
}
