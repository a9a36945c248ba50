package dev.stevedore.docker.wire;

import java.time.Duration;
import java.time.Instant;

/**
 * The container "Status" text that {@code docker ps} shows and {@code GET /containers/json} carries ({@code Up 3
 * seconds}, {@code Up 2 minutes (healthy)}, {@code Exited (1) 5 seconds ago}, {@code Restarting (1) 2 seconds ago},
 * {@code Created}, {@code Up 1 second (Paused)}), worded by dockerd's rules and written once here for the command line
 * and for serve, so the two cannot drift apart.
 */
public final class DockerStatus {
    private static final long HOURS_PER_DAY = 24;

    private DockerStatus() {
    }

    /**
     * The status text of a container.
     *
     * @param state      docker's {@code State.Status}: {@code created}, {@code running}, {@code paused},
     *                   {@code restarting}, {@code removing}, {@code exited} or {@code dead}
     * @param exitCode   its last exit code
     * @param startedAt  when it last started, or {@code null} when it never did
     * @param finishedAt when it last exited, or {@code null} when it never did
     * @param health     {@code starting}, {@code healthy} or {@code unhealthy}; {@code null} without a health check
     * @param now        the time the text is for
     */
    public static String of(String state, long exitCode, Instant startedAt, Instant finishedAt, String health,
                            Instant now) {
        switch (state) {
            case "paused":
                return "Up " + since(startedAt, now) + " (Paused)";
            case "restarting":
                return "Restarting (" + exitCode + ") " + since(finishedAt, now) + " ago";
            case "running":
                // dockerd shows the health only of a running container, a starting one's with its "health: " prefix
                return "Up " + since(startedAt, now)
                        + (health == null ? "" : health.equals("starting") ? " (health: starting)" : " (" + health + ")");
            case "removing":
                return "Removal In Progress";
            case "dead":
                return "Dead";
            default:
                // a container that never started is "Created" whatever its state says (dockerd words a failed
                // start so); one that started but has no end recorded has no text at all
                if (startedAt == null) {
                    return "Created";
                }
                return finishedAt == null ? "" : "Exited (" + exitCode + ") " + since(finishedAt, now) + " ago";
        }
    }

    private static String since(Instant then, Instant now) {
        return humanDuration(then == null ? Duration.ZERO : Duration.between(then, now));
    }

    /**
     * An elapsed time as docker words it (go-units' {@code HumanDuration}): {@code Less than a second}, {@code 1
     * second}, {@code 45 seconds}, {@code About a minute}, {@code 5 minutes}, {@code About an hour} (hours rounded to
     * the nearest), {@code 47 hours}, {@code 13 days}, {@code 8 weeks}, {@code 23 months}, {@code 2 years}. A
     * negative one (clock skew) reads as less than a second.
     */
    public static String humanDuration(Duration elapsed) {
        long seconds = elapsed.isNegative() ? 0 : elapsed.getSeconds();
        if (seconds < 1) {
            return "Less than a second";
        }
        if (seconds == 1) {
            return "1 second";
        }
        if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = seconds / 60;
        if (minutes == 1) {
            return "About a minute";
        }
        if (minutes < 60) {
            return minutes + " minutes";
        }
        // rounded to the nearest hour, half away from zero; the whole duration decides, nanoseconds included
        long hours = elapsed.plusMinutes(30).toHours();
        if (hours == 1) {
            return "About an hour";
        }
        if (hours < 2 * HOURS_PER_DAY) {
            return hours + " hours";
        }
        if (hours < 14 * HOURS_PER_DAY) {
            return hours / HOURS_PER_DAY + " days";
        }
        if (hours < 60 * HOURS_PER_DAY) {
            return hours / HOURS_PER_DAY / 7 + " weeks";
        }
        if (hours < 730 * HOURS_PER_DAY) {
            return hours / HOURS_PER_DAY / 30 + " months";
        }
        // the years count the hours as they are, not rounded
        return elapsed.toHours() / HOURS_PER_DAY / 365 + " years";
    }
}
