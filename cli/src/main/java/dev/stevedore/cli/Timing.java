package dev.stevedore.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A debugging aid for the CLI's speed: with {@code STEVEDORE_TIMING=1} in the environment (or the system property
 * {@code stevedore.timing=true}), the command prints on stderr, as it exits, when each phase of its run ended —
 * milliseconds since the JVM started (the JVM's own start up being the first phase) and the phase's own length.
 * Off, a mark is one read of a final static field, so the phases cost nothing measurable; nothing in the output a
 * script reads changes either way.
 */
final class Timing {
    /** Read once: {@link System#getenv} is a map lookup, and the JVM folds the constant into every {@link #mark}. */
    private static final boolean ON = "1".equals(System.getenv("STEVEDORE_TIMING"))
            || Boolean.getBoolean("stevedore.timing");
    private static final List<String> PHASES = ON ? new ArrayList<>() : null;
    private static final List<Long> ENDS = ON ? new ArrayList<>() : null;

    private Timing() {
    }

    static boolean on() {
        return ON;
    }

    /** Notes that the phase {@code name} ended now; threads may mark concurrently (the early engine open does). */
    static void mark(String name) {
        if (ON) {
            synchronized (PHASES) {
                PHASES.add(Thread.currentThread().getName() + "\0" + name);
                ENDS.add(System.nanoTime());
            }
        }
    }

    /** Prints the phases marked so far to {@code err}, once, when on. */
    static void print(PrintStream err) {
        if (!ON) {
            return;
        }
        // the JVM's start in the same clock as System.nanoTime: the uptime it reports, taken now
        long now = System.nanoTime();
        long start = now - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        synchronized (PHASES) {
            StringBuilder out = new StringBuilder("stevedore timing (ms since the JVM started, phase length):\n");
            // a phase's length is from the previous mark of its own thread (the early open overlaps the parsing)
            java.util.Map<String, Long> previous = new java.util.HashMap<>();
            String main = Thread.currentThread().getName();
            for (int i = 0; i < PHASES.size(); i++) {
                String[] phase = PHASES.get(i).split("\0", 2);
                long end = ENDS.get(i);
                long from = previous.getOrDefault(phase[0], start);
                previous.put(phase[0], end);
                out.append(String.format("  %7.1f %7.1f  %s%s%n", (end - start) / 1e6, (end - from) / 1e6, phase[1],
                        phase[0].equals(main) ? "" : " [thread " + phase[0] + "]"));
            }
            out.append(String.format("  %7.1f %7.1f  %s%n", (now - start) / 1e6,
                    (now - previous.getOrDefault(main, start)) / 1e6, "done, before System.exit"));
            PHASES.clear();
            ENDS.clear();
            err.print(out);
            err.flush();
        }
    }
}
