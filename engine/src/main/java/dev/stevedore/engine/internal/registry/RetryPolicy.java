package dev.stevedore.engine.internal.registry;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import javax.net.ssl.SSLException;

/**
 * When to try a registry request again and how long to wait first: on 429 and 5xx answers and on
 * connections that broke or stalled, with exponential backoff; a {@code Retry-After} the registry sends
 * is honoured, and one longer than {@link #maxDelay} ends the retries (a rate limit that long is not
 * waited out silently).
 *
 * @param maxAttempts  attempts in all, the first included
 * @param initialDelay the wait before the second attempt
 * @param factor       how much each further wait grows
 * @param maxDelay     the longest single wait
 */
record RetryPolicy(int maxAttempts, Duration initialDelay, double factor, Duration maxDelay) {

    /** Five attempts, waiting 1, 2, 4 and 8 seconds in between, as dockerd does five. */
    static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), 2, Duration.ofSeconds(30));

    /** Whether an HTTP status is worth another attempt. */
    static boolean retryable(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /**
     * Whether a failed exchange is worth another attempt: a reset or stalled connection is; a refused
     * connection, an unknown host or a TLS failure are not, since trying again gives the same answer.
     */
    static boolean retryable(IOException e) {
        if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException
                || e instanceof SSLException) {
            return false;
        }
        return e instanceof SocketTimeoutException || e instanceof SocketException || e instanceof EOFException
                || e.getClass() == IOException.class; // OkHttp's "unexpected end of stream" and friends
    }

    /**
     * How long to wait before attempt number {@code attempt} (2 for the first retry), or {@code null}
     * when no further attempt should be made.
     */
    Duration delayBefore(int attempt, Duration retryAfter) {
        if (attempt > maxAttempts) {
            return null;
        }
        if (retryAfter != null) {
            return retryAfter.compareTo(maxDelay) > 0 ? null : retryAfter;
        }
        double millis = initialDelay.toMillis() * Math.pow(factor, attempt - 2);
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }

    /** A {@code Retry-After} value: seconds, or an HTTP date; {@code null} when absent or unreadable. */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
