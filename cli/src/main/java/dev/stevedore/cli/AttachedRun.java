package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.LogOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * A created container run in the foreground: started, its output copied line by line to the command's
 * stdout and stderr as it comes, with {@code -i} the command's stdin copied to the container's as it comes (its end
 * closing the container's stdin), waited for; removed afterwards when asked. If the user interrupts the
 * command (Ctrl-C), the container is stopped — and removed when asked — before the JVM exits.
 */
final class AttachedRun {
    private final ContainerEngine engine;
    private final String container;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean remove;
    private final InputStream stdin;
    private boolean removed;
    /** The state the interrupt stopped the container in, for when it removed the container too. */
    private ContainerState stopped;

    /** @param stdin what to feed the container's stdin (created with an open stdin), or {@code null} */
    AttachedRun(ContainerEngine engine, String container, PrintWriter out, PrintWriter err, boolean remove, InputStream stdin) {
        this.stdin = stdin;
        this.engine = engine;
        this.container = container;
        this.out = out;
        this.err = err;
        this.remove = remove;
    }

    /**
     * Starts the container and returns its exit code once it exited and its output is copied.
     *
     * @throws dev.stevedore.engine.ContainerStartException when it could not be started (then it is removed
     *                                                       too when asked)
     */
    int run(ShutdownHooks hooks) {
        ShutdownHooks.Registration interrupt = hooks.register("stevedore-stop-" + Ids.shortId(container), this::interrupted);
        try {
            engine.startContainer(container);
            if (stdin != null) {
                feedStdin();
            }
            copyOutput();
            return exitState().exitCode();
        } finally {
            interrupt.cancel();
            if (remove) {
                removeOnce();
            }
        }
    }

    /**
     * Copies stdin on a thread of its own (a terminal's read blocks until a line is typed); a container that ended
     * first takes no more, and the thread ends with the JVM when it waits on a terminal.
     */
    private void feedStdin() {
        Thread feeder = new Thread(() -> {
            try (OutputStream target = engine.attachStdin(container)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = stdin.read(buffer); n >= 0; n = stdin.read(buffer)) {
                    target.write(buffer, 0, n);
                }
            } catch (IOException | ContainerEngineException e) {
                // the container ended (or was removed) before its input did: the rest has nowhere to go
            }
        }, "stevedore-run-stdin");
        feeder.setDaemon(true);
        feeder.start();
    }

    private void copyOutput() {
        try (ContainerLogs logs = engine.logs(container, LogOptions.all().following())) {
            LogsCommand.copy(logs, out, err, false, true);
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
