package dev.stevedore.engine;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The health of a container with a {@link HealthCheck}, as dockerd's {@code State.Health}: its status, how many checks
 * in a row failed, and the last five results.
 *
 * @param status        where it stands
 * @param failingStreak checks in a row that failed (outside the start period), 0 after a success
 * @param log           the last results, oldest first (at most five)
 */
public record ContainerHealth(Status status, int failingStreak, List<Result> log) {
    /** How many results {@link #log} keeps, as dockerd. */
    public static final int LOG_ENTRIES = 5;
    /** How much of a check's output a {@link Result} keeps, in bytes, as dockerd. */
    public static final int MAX_OUTPUT = 4096;

    public ContainerHealth {
        Objects.requireNonNull(status, "status");
        log = List.copyOf(log);
    }

    /** A health status as dockerd names it ({@link #dockerName()}). */
    public enum Status {
        /** No check has succeeded yet, and fewer than {@code retries} failed in a row. */
        STARTING,
        /** The last check succeeded, or fewer than {@code retries} failed since one did. */
        HEALTHY,
        /** {@code retries} checks in a row failed, or the container is not running. */
        UNHEALTHY;

        /** {@code starting}, {@code healthy} or {@code unhealthy}. */
        public String dockerName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status dockerd names {@code name}. */
        public static Status fromDockerName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One check's result.
     *
     * @param start    when it started
     * @param end      when it ended
     * @param exitCode its exit code; -1 when it timed out or could not be run
     * @param output   its stdout and stderr, at most {@link #MAX_OUTPUT} bytes
     */
    public record Result(Instant start, Instant end, int exitCode, String output) {
        public Result {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            output = output == null ? "" : output;
        }
    }
}
