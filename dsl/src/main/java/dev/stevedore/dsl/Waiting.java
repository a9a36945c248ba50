package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.awaitility.pollinterval.IterativePollInterval;

/**
 * The waiting behind every wait strategy, in the caller's thread, failing fast when the container exits, and turning
 * a timeout into a {@link ContainerNotReadyException} that says what was waited for, what was last seen and what the
 * container logged.
 *
 * <p>Two kinds: {@link #until} for checks that cost a request (exec, HTTP, a login): tried at once, then polled with
 * Awaitility from 10 ms backing off to 100 ms; {@link #untilSignalled} for conditions on what a log follower saw: the
 * follower {@linkplain Signal#fire() fires} on every line and the waiting thread looks again at once, with no poll
 * interval in between. Whether the container still runs is asked of the engine at most every 100 ms either way.
 *
 * <p>Public for {@link WaitStrategy} implementations outside this package (ready-made services of other modules, such as
 * {@code stevedore-postgres}'s login check, and users' own), so their timeouts and early exits read like the built-in ones.
 */
public final class Waiting {
    private static final Duration FIRST_POLL = Duration.ofMillis(10);
    private static final Duration LONGEST_POLL = Duration.ofMillis(100);
    private static final long EXIT_CHECK_NANOS = Duration.ofMillis(100).toNanos();

    /** Wakes a thread in {@link #untilSignalled} when what its condition reads has changed. */
    public static final class Signal {
        private long changes;

        /** A signal nobody fired yet. */
        public Signal() {
        }

        /** Says that the condition may hold now. */
        public synchronized void fire() {
            changes++;
            notifyAll();
        }

        private synchronized long changes() {
            return changes;
        }

        /** Waits until {@link #fire()} was called after {@code seen} was read, or {@code nanos} passed. */
        private synchronized void awaitChange(long seen, long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (changes == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** One look at the container: ready or not, with what was seen for the message. */
    @FunctionalInterface
    public interface Probe {
        /** Whether it is ready; may throw (counted as not ready, the exception noted as what was seen). */
        boolean ready(AtomicReference<String> observed) throws Exception;
    }

    private Waiting() {
    }

    /**
     * Waits until {@code probe} says ready: tried at once, then polled from 10 ms backing off to 100 ms.
     *
     * @param description what is waited for, in words that finish "waited for: ..."
     * @throws ContainerNotReadyException when it is not ready within {@code timeout} or the container exits meanwhile
     */
    public static void until(ContainerHandle container, Duration timeout, String description, Probe probe) {
        AtomicReference<String> observed = new AtomicReference<>("");
        long started = System.nanoTime();
        // a check made once something said "ready" (a log line) mostly passes at once: no polling machinery then
        if (readyNow(probe, observed)) {
            return;
        }
        Duration left = timeout.minusNanos(System.nanoTime() - started);
        ExitCheck exit = new ExitCheck(container);
        try {
            Awaitility.await(description)
                    .atMost(Math.max(0, left.toNanos()), TimeUnit.NANOSECONDS)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(new IterativePollInterval(d -> min(d.multipliedBy(2), LONGEST_POLL), FIRST_POLL))
                    .pollInSameThread()
                    .failFast("container exited", exit::exited)
                    .until(() -> {
                        try {
                            return probe.ready(observed);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw e;
                        } catch (Exception e) {
                            observed.set(e.getClass().getSimpleName() + ": " + e.getMessage());
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw notReady(container, "was not ready within " + seconds(timeout), description, observed.get(), null, e);
        } catch (TerminalFailureException e) {
            Integer exitCode = exitCode(container);
            throw notReady(container, "exited" + (exitCode != null ? " with code " + exitCode : "") + " while it was waited for",
                    description, observed.get(), exitCode, e);
        }
    }

    /**
     * Waits until {@code condition} holds, looking again whenever {@code signal} fires (and at least every 100 ms,
     * when it also asks whether the container still runs).
     *
     * @throws ContainerNotReadyException when it does not hold within {@code timeout} or the container exits meanwhile
     */
    public static void untilSignalled(ContainerHandle container, Duration timeout, String description, Signal signal, Probe condition) {
        AtomicReference<String> observed = new AtomicReference<>("");
        ExitCheck exit = new ExitCheck(container);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = signal.changes();
            if (readyNow(condition, observed)) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw notReady(container, "was not ready within " + seconds(timeout), description, observed.get(), null, null);
            }
            if (exit.exited()) {
                Integer exitCode = exitCode(container);
                throw notReady(container, "exited" + (exitCode != null ? " with code " + exitCode : "") + " while it was waited for",
                        description, observed.get(), exitCode, null);
            }
            try {
                signal.awaitChange(seen, Math.min(left, EXIT_CHECK_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + description, e);
            }
        }
    }

    private static boolean readyNow(Probe probe, AtomicReference<String> observed) {
        try {
            return probe.ready(observed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + observed.get(), e);
        } catch (Exception e) {
            observed.set(e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
    }

    static ContainerNotReadyException notReady(ContainerHandle container, String problem, String description, String observed,
                                               Integer exitCode, Throwable cause) {
        String awaited = observed == null || observed.isEmpty() ? description : description + " (last seen: " + observed + ")";
        return new ContainerNotReadyException(container.name(), container.image(), problem, awaited,
                container.lastLogLines(ContainerNotReadyException.LOG_LINES), exitCode, cause);
    }

    /** Sleeps for a bounded, short pause; keeps the interrupt. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** Asks the engine whether the container still runs, at most every 100 ms. */
    private static final class ExitCheck {
        private final ContainerHandle container;
        private long lastAsked = System.nanoTime() - EXIT_CHECK_NANOS;

        ExitCheck(ContainerHandle container) {
            this.container = container;
        }

        boolean exited() {
            long now = System.nanoTime();
            if (now - lastAsked < EXIT_CHECK_NANOS) {
                return false;
            }
            lastAsked = now;
            try {
                return !container.info().state().running();
            } catch (ContainerNotFoundException e) {
                return true;
            }
        }
    }

    private static Integer exitCode(ContainerHandle container) {
        try {
            ContainerInfo info = container.info();
            return info.state().running() ? null : info.state().exitCode();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
