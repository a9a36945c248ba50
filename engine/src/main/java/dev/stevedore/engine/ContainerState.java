package dev.stevedore.engine;

import java.time.Instant;

/**
 * Where a container is in its life, as {@code docker inspect}'s {@code State} says it.
 *
 * @param status     created, running, paused (running, its processes frozen), exited (or removing while it goes),
 *                   restarting (exited, waiting for its restart policy's next start)
 * @param pid        the host pid of its first process while running; 0 otherwise
 * @param exitCode   the exit code once exited (128 + signal when a signal ended it); 0 before
 * @param signal     the signal that ended it, 0 when it exited by itself
 * @param oomKilled  whether the kernel killed it for exceeding its memory limit
 * @param error      why it failed to start, or empty
 * @param startedAt  when it was last started, or {@code null}
 * @param finishedAt when it last exited, or {@code null}
 */
public record ContainerState(Status status, long pid, int exitCode, int signal, boolean oomKilled, String error,
                             Instant startedAt, Instant finishedAt) {

    /**
     * The states Docker names. {@code RESTARTING}: its run ended and its restart policy starts it again after the
     * backoff (no process meanwhile, so not {@link #running()}; dockerd's {@code State.Running} is true then).
     */
    public enum Status { CREATED, RUNNING, PAUSED, EXITED, REMOVING, DEAD, RESTARTING }

    public ContainerState {
        error = error == null ? "" : error;
    }

    /** Whether its process exists: running, or paused (Docker's {@code State.Running} is true for both). */
    public boolean running() {
        return status == Status.RUNNING || status == Status.PAUSED;
    }

    /** Whether its processes are frozen ({@link ContainerEngine#pauseContainer}). */
    public boolean paused() {
        return status == Status.PAUSED;
    }

    /** This state with its status {@link Status#PAUSED} (from a running one) or back. */
    public ContainerState withPaused(boolean paused) {
        if (!running()) {
            return this;
        }
        return new ContainerState(paused ? Status.PAUSED : Status.RUNNING, pid, exitCode, signal, oomKilled, error,
                startedAt, finishedAt);
    }
}
