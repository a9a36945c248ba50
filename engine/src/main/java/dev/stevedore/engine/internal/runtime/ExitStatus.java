package dev.stevedore.engine.internal.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * How a container's pid 1 ended: an exit code, or the signal that killed it.
 *
 * @param code       the exit code; {@code 128 + signal} when a signal killed it, as a shell and Docker report it
 * @param signal     the signal that killed it, or 0 when it exited
 * @param finishedAt when the supervisor reaped it
 * @param oomKilled  whether the kernel killed a process of the container for exceeding its memory limit
 */
public record ExitStatus(int code, int signal, Instant finishedAt, boolean oomKilled) {
    public ExitStatus {
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    static ExitStatus exited(int code, Instant finishedAt) {
        return new ExitStatus(code, 0, finishedAt, false);
    }

    static ExitStatus killed(int signal, Instant finishedAt) {
        return new ExitStatus(128 + signal, signal, finishedAt, false);
    }

    ExitStatus withOomKilled(boolean killed) {
        return new ExitStatus(code, signal, finishedAt, killed);
    }

    /** The end of a process whose supervisor was killed before it could tell: SIGKILL, now. */
    public static ExitStatus killedUnknown() {
        return killed(9, Instant.now());
    }

    /** Whether a signal ended the process. */
    public boolean signaled() {
        return signal != 0;
    }

    @Override
    public String toString() {
        return signaled() ? "killed by signal " + signal : "exited with code " + code;
    }
}
