package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.LogOptions;
import java.io.PrintWriter;

/**
 * A created container run in the foreground: started, its output copied line by line to the command's
 * stdout and stderr as it comes, waited for; removed afterwards when asked. If the user interrupts the
 * command (Ctrl-C), the container is stopped — and removed when asked — before the JVM exits.
 */
final class AttachedRun {
    private final ContainerEngine engine;
    private final String container;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean remove;
    private boolean removed;
    /** The state the interrupt stopped the container in, for when it removed the container too. */
    private ContainerState stopped;

    AttachedRun(ContainerEngine engine, String container, PrintWriter out, PrintWriter err, boolean remove) {
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
            copyOutput();
            return exitState().exitCode();
        } finally {
            interrupt.cancel();
            if (remove) {
                removeOnce();
            }
        }
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
