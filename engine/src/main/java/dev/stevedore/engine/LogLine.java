package dev.stevedore.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One line a container wrote, as the bytes it wrote: the line's bytes with the newline that ended it, or without one
 * when the output ended (or, on a terminal, paused) before a newline came. Written one after another, the
 * {@link #bytes()} of a container's lines are its output byte for byte, binary output included; {@link #text()} is
 * the line decoded for matching and reading.
 *
 * <p>For a container with a TTY a line is a chunk of the terminal's stream as it came: it may hold several newlines,
 * or none, and its {@link #text()} drops a final newline as a line's does, so join the chunks' {@link #bytes()} to
 * rebuild what the terminal showed. Immutable: the bytes are copied in and out.
 *
 * @param stream which stream it came from
 * @param time   when the engine received it
 * @param bytes  what the container wrote, the terminating {@code \n} included when there was one
 */
public record LogLine(Stream stream, Instant time, byte[] bytes) {

    /** The streams of a container's output. */
    public enum Stream { STDOUT, STDERR }

    /** @throws NullPointerException when {@code stream} or {@code bytes} is null */
    public LogLine {
        Objects.requireNonNull(stream, "stream");
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    /**
     * A whole line of text: its UTF-8 bytes and a newline.
     *
     * @param text the line without its terminator
     */
    public LogLine(Stream stream, Instant time, String text) {
        this(stream, time, (Objects.requireNonNull(text, "text") + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** What the container wrote, byte for byte, the terminating newline included when there was one (a copy). */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether the line ended with a newline: false for an output's unterminated last line (and a terminal's prompt). */
    public boolean terminated() {
        return bytes.length > 0 && bytes[bytes.length - 1] == '\n';
    }

    /**
     * The line without its terminator ({@code \n}, or {@code \r\n}), decoded as UTF-8; bytes that are not UTF-8 read as
     * U+FFFD. For matching and showing; copy output with {@link #bytes()} or {@link #writeTo}.
     */
    public String text() {
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length--;
        }
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Writes the line's bytes, exactly as the container wrote them, to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogLine other && other.stream == stream && Objects.equals(other.time, time)
                && Arrays.equals(other.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return (stream.hashCode() * 31 + Objects.hashCode(time)) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "LogLine[stream=" + stream + ", time=" + time + ", text=" + text() + (terminated() ? "" : " (unterminated)") + "]";
    }
}
