package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.internal.runtime.ExitStatus;

import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * How this engine reaches one run of a container: through the process it started itself ({@link OwnedRun}), or, for
 * a run another JVM started, through a pidfd and the shared state files ({@link ForeignRun}).
 * {@link ContainerService} picks one per call, from {@code state.json}'s run and this JVM's own runs, and then asks
 * it without caring which it is.
 */
sealed interface RunningContainer permits OwnedRun, ForeignRun {

    /** The run's exit when this engine already knows it before the state files say so. */
    Optional<ExitStatus> knownExit();

    /** Waits up to {@code timeout} for the run's end: the state after it, or empty while it still runs. */
    Optional<ContainerState> await(Duration timeout);

    /**
     * Sends {@code signal}, waits {@code grace} for the end, then runs {@code beforeKill} and kills; returns once the
     * run has ended.
     */
    void stop(ContainerRecord config, int signal, Duration grace, Runnable beforeKill);

    /** Sends {@code signal} to the container's first process. */
    void signal(int signal);

    /** Ends the run for a forced removal (the caller holds the container's lock and deletes it next). */
    void endForRemoval(ContainerRecord config);

    /** The container's stdin. */
    OutputStream stdin(ContainerRecord config);

    /** Sets the window size of the container's terminal (a container with a tty). */
    void resize(ContainerRecord config, int rows, int columns);
}
