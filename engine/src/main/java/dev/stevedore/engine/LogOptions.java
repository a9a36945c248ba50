package dev.stevedore.engine;

import java.time.Instant;

/**
 * Which of a container's logs to read.
 *
 * @param stdout include standard output
 * @param stderr include standard error
 * @param follow keep reading until the container exits (or the stream is closed)
 * @param tail   only the last {@code tail} lines of what is already there; negative for all
 * @param since  only lines written at or after this instant; {@code null} for all
 */
public record LogOptions(boolean stdout, boolean stderr, boolean follow, int tail, Instant since) {

    /** Both streams, everything so far, no following. */
    public static LogOptions all() {
        return new LogOptions(true, true, false, -1, null);
    }

    public LogOptions following() {
        return new LogOptions(stdout, stderr, true, tail, since);
    }

    public LogOptions withTail(int lines) {
        return new LogOptions(stdout, stderr, follow, lines, since);
    }

    public LogOptions withSince(Instant instant) {
        return new LogOptions(stdout, stderr, follow, tail, instant);
    }
}
