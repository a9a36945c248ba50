package dev.stevedore.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A container's health check, as Docker's {@code HEALTHCHECK} and {@code docker run --health-*} describe it: a test
 * the engine runs in the running container (as an exec) every {@link #interval}, whose exit code 0 means healthy.
 * What it gives is {@link ContainerInfo#health()}; each change of status is an {@link EngineEvent.Action#HEALTH_STATUS}.
 *
 * <p>Durations of zero (and retries of zero) mean Docker's defaults: 30 s interval, 30 s timeout, no start period, 5 s
 * start interval, 3 retries. Immutable; start from {@link #shell}, {@link #command} or {@link #NONE} and refine with the
 * {@code with*} methods.
 *
 * @param test          {@code ["CMD", arg...]} (run as is), {@code ["CMD-SHELL", "command"]} (run by {@code /bin/sh -c}),
 *                      {@code ["NONE"]} (no check, not even the image's), or empty for the image's test with these
 *                      timings (as dockerd merges {@code docker run --health-interval 5s} without {@code --health-cmd}:
 *                      each zero here takes the image's value; no check when the image has none)
 * @param interval      time between the end of one check and the start of the next
 * @param timeout       time a check may take; one that takes longer is killed and counts as failed (exit code -1)
 * @param startPeriod   time after the start during which failures do not count towards {@code retries} (a success
 *                      within it makes the container healthy at once)
 * @param startInterval time between checks during the start period (Docker API 1.44's {@code StartInterval})
 * @param retries       failures in a row (outside the start period) that make a container unhealthy
 */
public record HealthCheck(List<String> test, Duration interval, Duration timeout, Duration startPeriod,
                          Duration startInterval, int retries) {
    /** Docker's default interval and timeout: 30 seconds. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** Docker's default start interval: 5 seconds. */
    public static final Duration DEFAULT_START_INTERVAL = Duration.ofSeconds(5);
    /** Docker's default retries: 3. */
    public static final int DEFAULT_RETRIES = 3;
    /** No health check, not even the image's ({@code --no-healthcheck}, {@code HEALTHCHECK NONE}). */
    public static final HealthCheck NONE = new HealthCheck(List.of("NONE"), null, null, null, null, 0);

    public HealthCheck {
        Objects.requireNonNull(test, "test");
        test = List.copyOf(test);
        if (!test.isEmpty() && !List.of("CMD", "CMD-SHELL", "NONE").contains(test.get(0))) {
            throw new IllegalArgumentException("health check test " + test + " does not start with CMD, CMD-SHELL or NONE");
        }
        if (!test.isEmpty() && !test.get(0).equals("NONE") && test.size() < 2) {
            throw new IllegalArgumentException("health check test " + test + " names no command after " + test.get(0));
        }
        interval = zeroIfNull(interval, "interval");
        timeout = zeroIfNull(timeout, "timeout");
        startPeriod = zeroIfNull(startPeriod, "start period");
        startInterval = zeroIfNull(startInterval, "start interval");
        if (retries < 0) {
            throw new IllegalArgumentException("health check retries " + retries + " is negative");
        }
    }

    private static Duration zeroIfNull(Duration value, String what) {
        if (value == null) {
            return Duration.ZERO;
        }
        if (value.isNegative()) {
            throw new IllegalArgumentException("health check " + what + " " + value + " is negative");
        }
        // as dockerd: a non-zero interval, timeout or start period under 1 ms is refused
        if (!value.isZero() && value.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("health check " + what + " " + value + " is less than one millisecond");
        }
        return value;
    }

    /** A check run by the container's shell: {@code ["CMD-SHELL", command]} ({@code --health-cmd}). */
    public static HealthCheck shell(String command) {
        return new HealthCheck(List.of("CMD-SHELL", command), null, null, null, null, 0);
    }

    /** A check run as it is, without a shell: {@code ["CMD", args...]}. */
    public static HealthCheck command(String... args) {
        List<String> test = new java.util.ArrayList<>(List.of("CMD"));
        test.addAll(List.of(args));
        return new HealthCheck(test, null, null, null, null, 0);
    }

    /**
     * An image's {@code HEALTHCHECK}; {@code null} for none. The shell form without its marker, as some image configs
     * hold it, becomes {@code CMD-SHELL}.
     */
    public static HealthCheck of(ImageConfig.Healthcheck image) {
        if (image == null || image.test().isEmpty()) {
            return null;
        }
        List<String> test = image.test();
        if (!List.of("CMD", "CMD-SHELL", "NONE").contains(test.get(0))) {
            test = List.of("CMD-SHELL", String.join(" ", test));
        }
        return new HealthCheck(test, image.interval(), image.timeout(), image.startPeriod(), null, image.retries());
    }

    public HealthCheck withInterval(Duration value) {
        return new HealthCheck(test, value, timeout, startPeriod, startInterval, retries);
    }

    public HealthCheck withTimeout(Duration value) {
        return new HealthCheck(test, interval, value, startPeriod, startInterval, retries);
    }

    public HealthCheck withStartPeriod(Duration value) {
        return new HealthCheck(test, interval, timeout, value, startInterval, retries);
    }

    public HealthCheck withStartInterval(Duration value) {
        return new HealthCheck(test, interval, timeout, startPeriod, value, retries);
    }

    public HealthCheck withRetries(int value) {
        return new HealthCheck(test, interval, timeout, startPeriod, startInterval, value);
    }

    /** Whether this turns health checks off ({@code NONE}). */
    public boolean disabled() {
        return !test.isEmpty() && test.get(0).equals("NONE");
    }

    /**
     * This check with the image's {@code image} filling in what it leaves out (an empty test, zero timings), as dockerd
     * merges a container's check with its image's; this one as it is when the image has none or this is {@code NONE}.
     */
    public HealthCheck mergedWith(HealthCheck image) {
        if (image == null || disabled()) {
            return this;
        }
        return new HealthCheck(test.isEmpty() ? image.test : test, interval.isZero() ? image.interval : interval,
                timeout.isZero() ? image.timeout : timeout, startPeriod.isZero() ? image.startPeriod : startPeriod,
                startInterval.isZero() ? image.startInterval : startInterval, retries == 0 ? image.retries : retries);
    }

    /** The command the engine runs in the container: {@code /bin/sh -c command} for {@code CMD-SHELL}; empty for {@code NONE}. */
    public List<String> command() {
        if (test.isEmpty()) {
            return List.of();
        }
        return switch (test.get(0)) {
            case "CMD" -> test.subList(1, test.size());
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", test.get(1));
            default -> List.of();
        };
    }

    /** The interval in effect: {@link #interval}, or the default 30 s. */
    public Duration effectiveInterval() {
        return interval.isZero() ? DEFAULT_INTERVAL : interval;
    }

    /** The timeout in effect: {@link #timeout}, or the default 30 s. */
    public Duration effectiveTimeout() {
        return timeout.isZero() ? DEFAULT_INTERVAL : timeout;
    }

    /** The start interval in effect: {@link #startInterval}, or the default 5 s. */
    public Duration effectiveStartInterval() {
        return startInterval.isZero() ? DEFAULT_START_INTERVAL : startInterval;
    }

    /** The retries in effect: {@link #retries}, or the default 3. */
    public int effectiveRetries() {
        return retries == 0 ? DEFAULT_RETRIES : retries;
    }
}
