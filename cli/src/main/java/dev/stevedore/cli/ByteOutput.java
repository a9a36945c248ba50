package dev.stevedore.cli;

import dev.stevedore.engine.LogLine;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A command's stdout or stderr for what a container wrote: the bytes go to the standard stream under the command's text
 * writer as they are, never through a charset (which turns bytes that are not UTF-8 into U+FFFD and would corrupt
 * {@code stevedore run img cat file > copy}). The text writer is flushed before each write, so what the command printed
 * before stays before. Thread-safe: an exec's stdout and stderr come from other threads.
 */
final class ByteOutput {
    private final PrintWriter text;
    private final OutputStream bytes;

    /**
     * @param text the command's writer for the same stream
     * @param raw  the stream under it
     */
    ByteOutput(PrintWriter text, OutputStream raw) {
        this.text = text;
        this.bytes = new BufferedOutputStream(raw, 64 * 1024);
    }

    /** Writes {@code line}'s bytes as the container wrote them, after {@code prefix} (ASCII, or empty). */
    synchronized void write(String prefix, LogLine line) {
        try {
            text.flush();
            if (!prefix.isEmpty()) {
                bytes.write(prefix.getBytes(StandardCharsets.UTF_8));
            }
            line.writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a container's output failed: " + e.getMessage(), e);
        }
    }

    /** Writes {@code line} and, when it had none, a newline: for output that goes on with a prefix on the next line. */
    synchronized void writeLine(String prefix, LogLine line) {
        write(prefix, line);
        if (!line.terminated()) {
            try {
                bytes.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("writing a container's output failed: " + e.getMessage(), e);
            }
        }
    }

    /** Writes {@code data} as it is. */
    synchronized void write(byte[] data) {
        try {
            text.flush();
            bytes.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a container's output failed: " + e.getMessage(), e);
        }
    }

    synchronized void flush() {
        try {
            bytes.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a container's output failed: " + e.getMessage(), e);
        }
    }
}
