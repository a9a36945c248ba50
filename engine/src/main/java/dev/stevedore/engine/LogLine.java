package dev.stevedore.engine;

import java.time.Instant;

/**
 * One line a container wrote, without its line terminator.
 *
 * @param stream which stream it came from
 * @param time   when the engine received it
 * @param text   the line, decoded as UTF-8
 */
public record LogLine(Stream stream, Instant time, String text) {

    /** The streams of a container's output. */
    public enum Stream { STDOUT, STDERR }
}
