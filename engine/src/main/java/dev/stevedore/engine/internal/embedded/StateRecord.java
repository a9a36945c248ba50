package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.internal.runtime.ExitStatus;

import java.time.Instant;
import java.util.Locale;

/**
 * A container's {@code state.json}: where it is in its life. Rewritten (atomically) at each transition
 * by the JVM that makes it; the JVM that started a container (its owner) records its exit.
 *
 * @param status     {@code created}, {@code running}, {@code exited}, or {@code restarting} (exited, its restart
 *                   policy's next start due; {@code ownerPid} is then the JVM that will make it)
 * @param run        counts the starts: a late report about an earlier run is told apart from the current one
 * @param pid        the host pid of the container's first process while running, else 0
 * @param pidStart   that process's start time (clock ticks since boot), to recognise it
 * @param ownerPid   the JVM that started it (its lifeline holder), else 0
 * @param ownerStart that JVM's start time
 * @param exitCode   the exit code of the last run (128 + signal when a signal ended it)
 * @param signal     the signal that ended the last run, or 0
 * @param oomKilled  whether the kernel killed a process of the last run for exceeding the memory limit
 * @param error      why the last start failed, or empty
 * @param startedAt  ISO instant of the last start, or null
 * @param finishedAt ISO instant of the last exit, or null
 * @param restartCount the restarts by its restart policy since a user last started it
 */
record StateRecord(int version, String status, long run, long pid, long pidStart, long ownerPid, long ownerStart,
                   int exitCode, int signal, boolean oomKilled, String error, String startedAt, String finishedAt,
                   int restartCount) {

    static final String CREATED = "created";
    static final String RUNNING = "running";
    static final String EXITED = "exited";
    static final String RESTARTING = "restarting";

    StateRecord {
        error = error == null ? "" : error;
    }

    static StateRecord created() {
        return new StateRecord(1, CREATED, 0, 0, 0, 0, 0, 0, 0, false, "", null, null, 0);
    }

    boolean running() {
        return status.equals(RUNNING);
    }

    boolean restarting() {
        return status.equals(RESTARTING);
    }

    /** The exited state of a run whose restart policy starts it again, by the JVM {@code owner}, after the backoff. */
    StateRecord restarting(long owner, long ownerStartTime) {
        return new StateRecord(1, RESTARTING, run, 0, 0, owner, ownerStartTime, exitCode, signal, oomKilled, error,
                startedAt, finishedAt, restartCount);
    }

    /** Exited, its restart given up (a user's stop, an update, the engine that would restart it gone). */
    StateRecord notRestarting() {
        return new StateRecord(1, EXITED, run, 0, 0, 0, 0, exitCode, signal, oomKilled, error, startedAt, finishedAt,
                restartCount);
    }

    /** Run {@code newRun}, started by a user ({@code restarts} 0) or by its restart policy (the count so far). */
    StateRecord started(long newRun, long newPid, long newPidStart, long owner, long ownerStartTime, Instant at,
                        int restarts) {
        return new StateRecord(1, RUNNING, newRun, newPid, newPidStart, owner, ownerStartTime, 0, 0, false, "", at.toString(),
                null, restarts);
    }

    StateRecord exited(ExitStatus exit) {
        return new StateRecord(1, EXITED, run, 0, 0, 0, 0, exit.code(), exit.signal(), exit.oomKilled(), error, startedAt,
                exit.finishedAt().toString(), restartCount);
    }

    StateRecord failedToStart(int code, String message) {
        return new StateRecord(1, CREATED, run, 0, 0, 0, 0, code, 0, false, message, startedAt, finishedAt,
                restartCount);
    }

    ContainerState toPublic() {
        ContainerState.Status s = ContainerState.Status.valueOf(status.toUpperCase(Locale.ROOT));
        return new ContainerState(s, running() ? pid : 0, exitCode, signal, oomKilled, error, parse(startedAt),
                parse(finishedAt));
    }

    private static Instant parse(String instant) {
        return instant == null ? null : Instant.parse(instant);
    }
}
