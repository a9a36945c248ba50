package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * A created container run in the foreground: started, its output copied line by line to the command's
 * stdout and stderr as it comes (the bytes as the container wrote them), with {@code -i} the command's stdin copied to the container's as it comes (its end
 * closing the container's stdin), waited for; removed afterwards when asked. If the user interrupts the
 * command (Ctrl-C), the container is stopped — and removed when asked — before the JVM exits.
 *
 * <p>A container with a tty ({@code -t}) is given the user's window size at start and on every change, its output is
 * copied as the raw stream it is, and with {@code -i} typing the detach keys stops feeding and following and leaves
 * it running (the caller has put the user's terminal in raw mode, so Ctrl-C reaches the container as a byte).
 */
final class AttachedRun {
    private final ContainerEngine engine;
    private final String container;
    private final ByteOutput out;
    private final ByteOutput errOutput;
    private final PrintWriter err;
    private final boolean remove;
    private final InputStream stdin;
    private final DetachKeys detachKeys;
    private volatile ContainerLogs following;
    private volatile boolean detached;
    private boolean removed;
    /** The state the interrupt stopped the container in, for when it removed the container too. */
    private ContainerState stopped;

    /**
     * @param out        where the container's stdout goes, byte for byte
     * @param errOutput  where its stderr goes, byte for byte
     * @param err        the command's own messages
     * @param stdin      what to feed the container's stdin (created with an open stdin), or {@code null}
     * @param detachKeys for a container with a tty, the keys that detach from it; {@code null} without a tty
     */
    AttachedRun(ContainerEngine engine, String container, ByteOutput out, ByteOutput errOutput, PrintWriter err,
                boolean remove, InputStream stdin, DetachKeys detachKeys) {
        this.detachKeys = detachKeys;
        this.stdin = stdin;
        this.engine = engine;
        this.container = container;
        this.out = out;
        this.errOutput = errOutput;
        this.err = err;
        this.remove = remove;
    }

    /**
     * Starts the container ({@code stevedore run}, or {@code start -a} of a created or stopped one) and returns its exit
     * code once it exited and this run's output is copied (not an earlier run's). The output is attached before the
     * start, as {@code docker run} attaches, so nothing the container writes is missed.
     *
     * @throws dev.stevedore.engine.ContainerStartException when it could not be started (then it is removed
     *                                                       too when asked)
     */
    int run(ShutdownHooks hooks) {
        ShutdownHooks.Registration interrupt = hooks.register("stevedore-stop-" + Ids.shortId(container), this::interrupted);
        try {
            ContainerLogs output = engine.attach(container);
            try {
                engine.startContainer(container);
            } catch (RuntimeException e) {
                output.close();
                throw e;
            }
            Timing.mark("container started");
            return follow(output);
        } finally {
            interrupt.cancel();
            if (remove && !detached) {
                removeOnce();
                Timing.mark("container removed");
            }
        }
    }

    /**
     * {@code stevedore attach}: to the running container, its output from now on, until it exits (its exit code) or
     * the detach keys are typed (0, it runs on).
     */
    int attach() {
        return follow(engine.attach(container));
    }

    /** Whether the detach keys ended it (the container runs on). */
    boolean detached() {
        return detached;
    }

    private int follow(ContainerLogs output) {
        if (detachKeys != null) {
            keepWindowSize();
        }
        if (stdin != null) {
            feedStdin(detachKeys == null ? stdin : detachKeys.watch(stdin));
        }
        copyOutput(output);
        Timing.mark("output copied to its end");
        if (detached) {
            return 0;
        }
        int exitCode = exitState().exitCode();
        Timing.mark("exit code read");
        return exitCode;
    }

    /**
     * Copies stdin on a thread of its own (a terminal's read blocks until a line is typed); a container that ended
     * first takes no more, and the thread ends with the JVM when it waits on a terminal.
     */
    private void feedStdin(InputStream input) {
        Thread feeder = new Thread(() -> {
            OutputStream stdinOfContainer;
            try {
                stdinOfContainer = engine.attachStdin(container);
            } catch (ContainerEngineException e) {
                if (!stillRuns()) {
                    return; // it ended before its input was reached (sh -c 'exit 4'): nothing to feed, nothing to say
                }
                // attach to another process's container on the embedded engine: the output can still be followed
                err.println("stevedore: " + e.getMessage() + "; its output is shown all the same\r");
                err.flush();
                return;
            }
            try (OutputStream target = stdinOfContainer) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = input.read(buffer); n >= 0; n = input.read(buffer)) {
                    target.write(buffer, 0, n);
                }
                if (input instanceof DetachKeys.Watching watching && watching.detached()) {
                    detached = true;
                    ContainerLogs logs = following;
                    if (logs != null) {
                        logs.close();
                    }
                }
            } catch (IOException | ContainerEngineException e) {
                // the container ended (or was removed) before its input did: the rest has nowhere to go
            }
        }, "stevedore-run-stdin");
        feeder.setDaemon(true);
        feeder.start();
    }

    private void copyOutput(ContainerLogs output) {
        try (ContainerLogs logs = output) {
            following = logs;
            if (detached) {
                return;
            }
            if (detachKeys != null) {
                LogsCommand.copyRaw(logs, out);
            } else {
                LogsCommand.copy(logs, out, errOutput, false, true);
            }
        }
    }

    /** The container's terminal takes the user's window size now and on every change. */
    private void keepWindowSize() {
        int[] size = RawTerminal.size();
        resize(size[0], size[1]);
        RawTerminal.onResize(this::resize);
    }

    private void resize(int rows, int columns) {
        try {
            engine.resizeContainer(container, rows, columns);
        } catch (ContainerEngineException e) {
            // ended meanwhile: its terminal has no size to keep
        }
    }

    private ContainerState exitState() {
        try {
            return Containers.awaitExit(engine, container);
        } catch (ContainerNotFoundException e) {
            synchronized (this) {
                if (stopped == null) {
                    throw e;
                }
                return stopped;
            }
        }
    }

    private boolean stillRuns() {
        try {
            return engine.inspectContainer(container).state().running();
        } catch (ContainerEngineException gone) {
            return false;
        }
    }

    /** On Ctrl-C: the container gets its stop signal and grace period, as {@code docker stop} gives it. */
    private void interrupted() {
        try {
            engine.stopContainer(container, null);
            ContainerState state = engine.inspectContainer(container).state();
            synchronized (this) {
                stopped = state;
            }
            if (remove) {
                removeOnce();
            }
        } catch (ContainerEngineException e) {
            err.println("stevedore: stopping container " + Ids.shortId(container) + " after the interrupt failed: "
                    + e.getMessage() + " — 'stevedore ps -a' shows whether it still runs");
            err.flush();
        }
    }

    /** Both the interrupt and the normal end remove; whichever comes second waits for the first and does nothing. */
    private synchronized void removeOnce() {
        if (removed) {
            return;
        }
        removed = true;
        try {
            engine.removeContainer(container, true);
        } catch (ContainerNotFoundException gone) {
            // Removed already, by the engine or another command: what was asked for is done.
        }
    }
}
