package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Restart policies of kept containers ({@link ContainerSpec#KEEP_LABEL}, {@code stevedore run -d}) once no JVM owns
 * them: each start of such a container with a policy writes into its directory the command that restarts it
 * ({@value #COMMAND}: this JVM's java, its class path and {@link KeptRestartMain}) and starts a watcher,
 * {@code launcher respawn}, which waits for the run's supervisor to end and then runs that command, unless a user
 * stopped or removed the container. The JVM it starts opens an engine and, under the container's lock, settles the
 * ended run ({@link #restartEnded}) and hands it to the one policy decision and backoff ({@link ContainerRestarts}),
 * so exactly one restart is made whoever comes first: the owner that still held the run, this JVM, or an engine
 * opening meanwhile, which leaves a run alone while its {@value #RESPAWNER} lives ({@link ContainerReaper}).
 */
final class KeptRestarts {
    private static final Logger LOG = LoggerFactory.getLogger(KeptRestarts.class);
    /** The restart command, its arguments separated by NUL bytes. */
    static final String COMMAND = "respawn";
    /** The watcher's identity (pid and start time), kept by the JVM it executes. */
    static final String RESPAWNER = "respawner";
    /** A short-lived JVM: its start is most of its cost, so no optimizing compiler and the simplest collector. */
    private final Path stateDirectory;
    private final ContainerStore store;
    private final NetworkManager networks;
    private final Supplier<Path> launcher;

    KeptRestarts(Path stateDirectory, ContainerStore store, NetworkManager networks, Supplier<Path> launcher) {
        this.stateDirectory = stateDirectory;
        this.store = store;
        this.networks = networks;
        this.launcher = launcher;
    }

    /**
     * Run {@code run} of a container has started (its lock held): a kept one with a restart policy gets its restart
     * command and the watcher of this run; one without gets neither (a command left by an earlier policy is removed).
     */
    void started(String id, ContainerRecord config, ContainerProcess process, long run) {
        // else it ended already, as the container did: its owner (this JVM) records it, and restarts it or hands the
        // restart over when it closes first (handOver)
        prepare(id, config, run, ProcessIdentity.of(process.supervisorPid()));
    }

    /**
     * Its restart policy was updated (its lock held): from {@code no}, a running kept container gets what a start
     * with that policy would have given it; to {@code no}, its watcher finds no command to run.
     */
    void policyChanged(String id, ContainerRecord updated, StateRecord state) {
        if (!state.running() || respawnerAlive(store.directory(id))) {
            prepare(id, updated, state.run(), Optional.empty()); // the command only: the watcher runs it
            return;
        }
        try {
            prepare(id, updated, state.run(), OrphanReaper.supervisor(store.directory(id)));
        } catch (IOException e) {
            LOG.warn("cannot read the supervisor of container {}: {}", id, e.toString());
        }
    }

    private void prepare(String id, ContainerRecord config, long run, Optional<ProcessIdentity> supervisor) {
        if (!"true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL))) {
            return;
        }
        Path dir = store.directory(id);
        try {
            if (config.spec().restartPolicy().equals(RestartPolicy.NO)) {
                Files.deleteIfExists(dir.resolve(COMMAND));
                return;
            }
            writeCommand(dir, command(stateDirectory, id, run));
            if (supervisor.isPresent()) {
                watch(dir, List.of(Long.toString(supervisor.get().pid()), Long.toString(supervisor.get().startTime())));
            }
        } catch (IOException | RuntimeException e) {
            // the container runs; only a restart with no JVM left is lost (the next engine to open makes it)
            LOG.warn("cannot prepare the restart of container {} once no JVM owns it: {}", id, e.toString());
        }
    }

    /**
     * This JVM's engine closes (or has closed) with the restart of a container due: a kept one's restart is made by
     * a JVM of its own, now, as its watcher would have made it had it seen the run end.
     */
    void handOver(String id) {
        Path dir = store.directory(id);
        if (!Files.exists(dir.resolve(COMMAND))) {
            return; // not kept, or without a policy: the restart goes with the engine, as it always did
        }
        try {
            watch(dir, List.of());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot hand the restart of container {} over to a JVM of its own: {}", id, e.toString());
        }
    }

    /** Starts {@code launcher respawn DIR ARGS...} and names it the container's respawner. */
    private void watch(Path dir, List<String> supervisor) throws IOException {
        List<String> command = new ArrayList<>(List.of(launcher.get().toString(), "respawn", dir.toString()));
        command.addAll(supervisor);
        Process watcher = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Optional<ProcessIdentity> identity = ProcessIdentity.of(watcher.pid());
        if (identity.isPresent()) {
            Files.writeString(dir.resolve(RESPAWNER), identity.get().pid() + " " + identity.get().startTime());
        }
    }

    /** Whether the watcher of the container's last run, or the JVM it started, still lives. */
    static boolean respawnerAlive(Path dir) {
        try {
            String[] parts = Files.readString(dir.resolve(RESPAWNER)).strip().split(" ");
            return new ProcessIdentity(Long.parseLong(parts[0]), Long.parseLong(parts[1])).isAlive();
        } catch (IOException | RuntimeException e) {
            return false; // none: no policy, or a container kept before watchers
        }
    }

    /**
     * Run {@code run} of a kept container ended while no engine owned it (called in the JVM its watcher started):
     * records its end if nobody did, then applies its restart policy, unless someone else has moved it on.
     *
     * @param current the container's effective state (a running state whose run visibly ended reads as exited)
     * @return what was done, once done (the restart made after its backoff, or nothing)
     */
    CompletableFuture<String> restartEnded(String id, long run, ContainerRestarts restarts,
                                           Function<String, StateRecord> current) {
        CrossProcessLock lock;
        try {
            lock = store.lock(id);
        } catch (ContainerNotFoundException e) {
            return CompletableFuture.completedFuture("container " + id + " was removed: nothing to restart");
        }
        try {
            StateRecord state = store.readState(id).orElse(null);
            ContainerRecord config = store.readConfig(id).orElse(null);
            if (state == null || config == null || state.run() != run) {
                return CompletableFuture.completedFuture("container " + id + " was started again since run " + run
                        + ": nothing to do");
            }
            StateRecord exited;
            if (state.running()) {
                exited = current.apply(id);
                if (exited.running()) {
                    return CompletableFuture.completedFuture("run " + run + " of container " + id + " still runs");
                }
                store.writeState(id, exited);
                networks.stopContainer(id);
            } else if (state.restarting()) {
                if (new ProcessIdentity(state.ownerPid(), state.ownerStart()).isAlive()) {
                    return CompletableFuture.completedFuture("process " + state.ownerPid() + " restarts container " + id);
                }
                exited = state.notRestarting(); // the JVM that was to restart it closed or died first
            } else if (state.status().equals(StateRecord.EXITED)) {
                exited = state; // recorded by its owner, which closed before it restarted it
            } else {
                return CompletableFuture.completedFuture("run " + run + " of container " + id + " never started");
            }
            int count = exited.restartCount();
            return restarts.exited(id, config, exited).thenApply(nothing -> {
                StateRecord now = store.readState(id).orElse(null);
                return now != null && now.run() > run ? "restarted container " + id + " (run " + now.run()
                        + ", restart " + now.restartCount() + ")"
                        : "container " + id + " not restarted (exit code " + exited.exitCode() + ", restarts " + count
                        + ", policy " + config.spec().restartPolicy() + ")";
            });
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /** {@code java [options] -cp CLASSPATH KeptRestartMain STATE ID RUN}, from what this JVM runs with. */
    static List<String> command(Path stateDirectory, String id, long run) {
        return ThisJvm.command(KeptRestartMain.class, List.of(),
                List.of(stateDirectory.toAbsolutePath().toString(), id, Long.toString(run)));
    }

    private static void writeCommand(Path dir, List<String> command) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String argument : command) {
            bytes.writeBytes(argument.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
        }
        Path temp = dir.resolve("." + COMMAND + ".tmp");
        Files.write(temp, bytes.toByteArray());
        Files.move(temp, dir.resolve(COMMAND), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
