package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.LogLine;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the daemon's output stream of a container without a TTY (logs, attach, exec): frames of
 * {@code [type, 0, 0, 0, size (uint32, big endian)]} followed by {@code size} bytes, type 1 for stdout,
 * 2 for stderr (0, stdin echoed, counts as stdout; 3 is an error from the daemon, raised). A TTY stream has
 * no frames; it is recognised by its first bytes not forming a frame header, and read as stdout.
 *
 * <p>Not thread-safe; one reader per stream.
 */
final class StreamFrames {
    /** One frame's payload and where it came from. */
    record Frame(LogLine.Stream stream, byte[] payload) {
    }

    private static final int HEADER = 8;
    private static final int RAW_CHUNK = 8192;
    /** A frame larger than this is not a frame but a TTY stream's bytes, or damage. */
    private static final int MAX_FRAME = 64 << 20;

    private final PushbackInputStream in;
    private Boolean multiplexed;

    StreamFrames(InputStream in) {
        this.in = new PushbackInputStream(in, HEADER);
    }

    /**
     * A stream known to be a TTY's (or not): no sniffing, which would wait for 8 bytes and hold back a shell's short
     * prompt.
     */
    StreamFrames(InputStream in, boolean tty) {
        this(in);
        this.multiplexed = !tty;
    }

    /** The next frame, or {@code null} at the end of the stream. */
    Frame next() throws IOException {
        if (multiplexed == null) {
            byte[] start = in.readNBytes(HEADER);
            if (start.length == 0) {
                return null;
            }
            multiplexed = start.length == HEADER && isHeader(start);
            in.unread(start);
        }
        if (!multiplexed) {
            byte[] chunk = new byte[RAW_CHUNK];
            int n = in.read(chunk);
            if (n < 0) {
                return null;
            }
            return new Frame(LogLine.Stream.STDOUT, java.util.Arrays.copyOf(chunk, n));
        }
        while (true) {
            byte[] header = in.readNBytes(HEADER);
            if (header.length == 0) {
                return null;
            }
            if (header.length < HEADER) {
                throw new EOFException("the stream ended inside a frame header (" + header.length + " of 8 bytes)");
            }
            int size = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            if (size < 0 || size > MAX_FRAME) {
                throw new IOException("a stream frame claims " + Integer.toUnsignedString(size) + " bytes; the stream is damaged");
            }
            byte[] payload = in.readNBytes(size);
            if (payload.length < size) {
                throw new EOFException("the stream ended inside a frame (" + payload.length + " of " + size + " bytes)");
            }
            switch (header[0]) {
                case 0, 1 -> {
                    return new Frame(LogLine.Stream.STDOUT, payload);
                }
                case 2 -> {
                    return new Frame(LogLine.Stream.STDERR, payload);
                }
                case 3 -> throw new ContainerEngineException("the Docker daemon reported an error in the stream: "
                        + new String(payload, StandardCharsets.UTF_8).strip());
                default -> {
                    // an unknown stream type carries nothing a caller asked for
                }
            }
        }
    }

    private static boolean isHeader(byte[] b) {
        return b[0] >= 0 && b[0] <= 3 && b[1] == 0 && b[2] == 0 && b[3] == 0;
    }
}
