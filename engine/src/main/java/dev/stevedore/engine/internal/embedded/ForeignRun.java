package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.Signals;
import dev.stevedore.engine.internal.runtime.Syscalls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A run another JVM started: signalled through a pidfd opened for the recorded pid and checked against the recorded
 * start time (a recycled pid is never hit); its end is read from the shared state files, which its owner, or its
 * supervisor's {@code exit} file, bring up to date.
 *
 * <p>Its stdin is reachable only when it was kept with a shared stdin ({@code docker run -di}): its supervisor then
 * reads the FIFO {@code stdin} in the container's directory (the launcher's stdinshare.c).
 *
 * @param currentState the container's state as it is now ({@code ContainerService}'s reading of the files)
 * @param directory    the container's directory
 */
record ForeignRun(String id, StateRecord state, Function<String, StateRecord> currentState, NetworkManager networks,
                  Path directory) implements RunningContainer {
    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    @Override
    public Optional<ExitStatus> knownExit() {
        return Optional.empty();
    }

    @Override
    public Optional<ContainerState> await(Duration timeout) {
        // The end shows in files another JVM writes: read them with a backoff from 1 to 50 ms.
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1_000_000;
        for (;;) {
            StateRecord now = currentState.apply(id);
            if (!now.running()) {
                return Optional.of(now.toPublic());
            }
            if (System.nanoTime() >= deadline) {
                return Optional.empty();
            }
            LockSupport.parkNanos(Math.min(pause, Math.max(0, deadline - System.nanoTime())));
            pause = Math.min(pause * 2, 50_000_000);
        }
    }

    @Override
    public void stop(ContainerRecord config, int signal, Duration grace, Runnable beforeKill) {
        // Its owner, if it still runs, records the end; a kept container's port proxy process is stopped here, so
        // its ports are free when stop returns, not a moment later when the proxy sees the end itself.
        if (!delivered(signal) || awaitEnd(grace)) {
            if (awaitEnd(KILL_WAIT)) {
                networks.unpublish(id);
            }
            return;
        }
        beforeKill.run();
        delivered(Signals.SIGKILL);
        if (!awaitEnd(KILL_WAIT)) {
            throw new ContainerEngineException("container " + config.name() + " (pid " + state.pid() + ") did not end "
                    + KILL_WAIT.toSeconds() + " s after SIGKILL; is it stuck in the kernel (uninterruptible I/O)?");
        }
        networks.unpublish(id);
    }

    @Override
    public void signal(int signal) {
        delivered(signal);
    }

    @Override
    public void endForRemoval(ContainerRecord config) {
        if (delivered(Signals.SIGKILL) && !awaitEnd(KILL_WAIT)) {
            throw new ContainerEngineException("cannot remove container " + config.name() + ": its process "
                    + state.pid() + " did not end " + KILL_WAIT.toSeconds() + " s after SIGKILL");
        }
    }

    @Override
    public OutputStream stdin(ContainerRecord config) {
        Path shared = directory.resolve("stdin");
        if (!config.spec().stdinOnce() && Files.exists(shared)) {
            try {
                // read-write: opening a FIFO so never waits for a reader (its supervisor holds it while pid 1 runs)
                return Channels.newOutputStream(FileChannel.open(shared, StandardOpenOption.READ, StandardOpenOption.WRITE));
            } catch (IOException e) {
                throw new ContainerEngineException("cannot attach to the stdin of container " + config.name() + " ("
                        + id.substring(0, 12) + "): opening its shared stdin " + shared + " failed: " + e.getMessage(), e);
            }
        }
        throw new ContainerEngineException("cannot attach to the stdin of container " + config.name() + " ("
                + id.substring(0, 12) + "): it was started by another process (pid " + state.ownerPid() + "), and the"
                + " embedded engine reaches a container's stdin only from the process that started it — write to it"
                + " from there, or start it from this process");
    }

    @Override
    public void resize(ContainerRecord config, int rows, int columns) {
        throw new ContainerEngineException("cannot resize the terminal of container " + config.name() + " ("
                + id.substring(0, 12) + "): it was started by another process (pid " + state.ownerPid() + "), and the"
                + " embedded engine reaches a container's terminal only from the process that started it");
    }

    /** Signals the container's first process; false when it has already ended. */
    private boolean delivered(int signal) {
        try {
            return Syscalls.signal(new ProcessIdentity(state.pid(), state.pidStart()), signal);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot send signal " + signal + " to the container process " + state.pid()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the container no longer runs; false when it still does after {@code timeout}. */
    private boolean awaitEnd(Duration timeout) {
        return await(timeout).isPresent();
    }
}
