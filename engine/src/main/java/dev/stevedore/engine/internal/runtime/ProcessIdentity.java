package dev.stevedore.engine.internal.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process that cannot be confused with a later one reusing its pid: the pid plus its start time
 * (field 22 of {@code /proc/PID/stat}, in clock ticks since boot).
 */
public record ProcessIdentity(long pid, long startTime) {

    /** This JVM. */
    public static ProcessIdentity current() {
        return of(ProcessHandle.current().pid())
                .orElseThrow(() -> new IllegalStateException("cannot read /proc/self/stat: is this Linux?"));
    }

    /** The live (not zombie) process with this pid, if there is one. */
    public static Optional<ProcessIdentity> of(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        // comm may contain spaces and parentheses: fields are counted after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
            return Optional.empty();
        }
        return Optional.of(new ProcessIdentity(pid, Long.parseLong(fields[19])));
    }

    /**
     * Whether every thread of this process has ended, so that what it held (its sockets, its files) is released.
     * Stricter than {@code !isAlive()}: a multithreaded process's main thread shows as a zombie while its other
     * threads are still exiting and the descriptors they share are still open.
     */
    public boolean hasEnded() {
        Path proc = Path.of("/proc", Long.toString(pid));
        Optional<ProcessIdentity> live = of(pid);
        if (live.isPresent()) {
            return !live.get().equals(this); // running, unless the pid now belongs to a later process
        }
        String[] threads = proc.resolve("task").toFile().list();
        return threads == null || threads.length <= 1;
    }

    /** Whether this very process still runs. */
    public boolean isAlive() {
        return of(pid).map(this::equals).orElse(false);
    }
}
