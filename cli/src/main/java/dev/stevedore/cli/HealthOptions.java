package dev.stevedore.cli;

import dev.stevedore.engine.HealthCheck;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The health check options of {@code run} and {@code create}, with the docker CLI's names, duration syntax (Go's:
 * {@code 30s}, {@code 1m30s}, {@code 500ms}) and rules: timings without {@code --health-cmd} keep the image's test, and
 * {@code --no-healthcheck} goes with none of the others.
 */
final class HealthOptions {
    @Option(names = "--health-cmd", paramLabel = "CMD", description = "Command to run to check health (by /bin/sh -c).")
    String command;

    @Option(names = "--health-interval", paramLabel = "DURATION", description = "Time between checks (default 30s).")
    String interval;

    @Option(names = "--health-timeout", paramLabel = "DURATION", description = "Longest a check may run (default 30s).")
    String timeout;

    @Option(names = "--health-retries", paramLabel = "N", description = "Failures in a row that make it unhealthy (default 3).")
    Integer retries;

    @Option(names = "--health-start-period", paramLabel = "DURATION",
            description = "Time after the start in which failures do not count (default 0s).")
    String startPeriod;

    @Option(names = "--health-start-interval", paramLabel = "DURATION",
            description = "Time between checks during the start period (default 5s).")
    String startInterval;

    @Option(names = "--no-healthcheck", description = "Disable any health check, the image's too.")
    boolean none;

    /** The check the options ask for; {@code null} when they ask for nothing. */
    HealthCheck check(Function<String, RuntimeException> usageError) {
        boolean timings = interval != null || timeout != null || retries != null || startPeriod != null || startInterval != null;
        if (none) {
            if (command != null || timings) {
                throw usageError.apply("--no-healthcheck conflicts with --health-* options"); // the docker CLI's words
            }
            return HealthCheck.NONE;
        }
        if (command == null && !timings) {
            return null;
        }
        if (retries != null && retries < 0) {
            throw usageError.apply("--health-retries cannot be negative");
        }
        try {
            return new HealthCheck(command == null ? List.of() : List.of("CMD-SHELL", command),
                    duration("--health-interval", interval, usageError), duration("--health-timeout", timeout, usageError),
                    duration("--health-start-period", startPeriod, usageError),
                    duration("--health-start-interval", startInterval, usageError), retries == null ? 0 : retries);
        } catch (IllegalArgumentException e) {
            throw usageError.apply(e.getMessage());
        }
    }

    private static Duration duration(String option, String text, Function<String, RuntimeException> usageError) {
        if (text == null) {
            return null;
        }
        boolean negative = text.startsWith("-"); // Go's durations may be negative; the docker CLI refuses them after
        Duration d;
        try {
            d = Durations.parse(negative ? text.substring(1) : text);
        } catch (IllegalArgumentException e) {
            throw usageError.apply("invalid argument \"" + text + "\" for \"" + option + "\" flag: " + e.getMessage());
        }
        if (negative && !d.isZero()) {
            throw usageError.apply(option + " cannot be negative"); // the docker CLI's words
        }
        return d;
    }
}
