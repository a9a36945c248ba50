package dev.stevedore.cli;

import dev.stevedore.docker.wire.DockerStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Times for people and from them, as docker words and reads them: {@code 3 days ago} (in {@link DockerStatus}'s
 * words), Go's time format, Go's durations and {@code --since}/{@code --until} points in time.
 */
final class Durations {
    private Durations() {
    }

    /**
     * Go's {@code time.Time.String()} of a whole second in this machine's zone, as docker prints {@code CreatedAt}
     * in its listings: {@code 2025-06-01 11:59:30 +0000 UTC}; null when {@code then} is unknown.
     */
    static String goTime(Instant then) {
        return then == null ? null : GO_TIME.format(then.atZone(java.time.ZoneId.systemDefault()));
    }

    private static final java.time.format.DateTimeFormatter GO_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx z", java.util.Locale.ROOT);

    /** {@code "3 days ago"}; {@code "N/A"} when {@code then} is unknown. */
    static String ago(Instant then, Instant now) {
        if (then == null) {
            return "N/A";
        }
        return DockerStatus.humanDuration(Duration.between(then, now)) + " ago";
    }

    /**
     * Reads a duration as Docker's options take it (Go's syntax): {@code 42s}, {@code 10m}, {@code 1h30m},
     * {@code 1.5h}, {@code 250ms}.
     *
     * @throws IllegalArgumentException when {@code text} is not such a duration
     */
    static Duration parse(String text) {
        return dev.stevedore.docker.wire.GoDuration.parse(text);
    }

    /**
     * {@code text} as Docker's {@code --since} and {@code --until} read it: a duration before {@code now} (10m,
     * 1h30m), or a point in time (2025-06-01T12:00:00Z, 2025-06-01, unix seconds with an optional fraction).
     *
     * @throws IllegalArgumentException saying what it takes, when {@code text} is neither
     */
    static java.time.Instant instant(String text, java.time.Instant now) {
        try {
            return now.minus(parse(text));
        } catch (IllegalArgumentException notADuration) {
            // a timestamp, then
        }
        try {
            if (text.matches("\\d+(\\.\\d{1,9})?")) {
                java.math.BigDecimal seconds = new java.math.BigDecimal(text);
                return java.time.Instant.ofEpochSecond(seconds.longValue(),
                        seconds.subtract(java.math.BigDecimal.valueOf(seconds.longValue())).movePointRight(9).longValue());
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d{2}:\\d{2}")) {
                return java.time.OffsetDateTime.parse(text).toInstant();
            }
            return java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither a duration (10m, 1h30m) nor a timestamp"
                    + " (2025-06-01T12:00:00Z, 2025-06-01, unix seconds)", e);
        }
    }
}
