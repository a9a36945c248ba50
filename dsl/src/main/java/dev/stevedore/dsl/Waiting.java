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
 * The polling behind every wait strategy: Awaitility, polled in the caller's thread from 10 ms backing off to
 * 250 ms, failing fast when the container exits, and turning a timeout into a {@link ContainerNotReadyException}
 * that says what was waited for, what was last seen and what the container logged.
 */
final class Waiting {
    private static final Duration FIRST_POLL = Duration.ofMillis(10);
    private static final Duration LONGEST_POLL = Duration.ofMillis(250);

    /** One look at the container: ready or not, with what was seen for the message. */
    @FunctionalInterface
    interface Probe {
        /** Whether it is ready; may throw (counted as not ready, the exception noted as what was seen). */
        boolean ready(AtomicReference<String> observed) throws Exception;
    }

    private Waiting() {
    }

    static void until(ContainerHandle container, Duration timeout, String description, Probe probe) {
        AtomicReference<String> observed = new AtomicReference<>("");
        try {
            Awaitility.await(description)
                    .atMost(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(new IterativePollInterval(d -> min(d.multipliedBy(2), LONGEST_POLL), FIRST_POLL))
                    .pollInSameThread()
                    .failFast("container exited", () -> exited(container))
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

    private static boolean exited(ContainerHandle container) {
        try {
            return !container.info().state().running();
        } catch (ContainerNotFoundException e) {
            return true;
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
