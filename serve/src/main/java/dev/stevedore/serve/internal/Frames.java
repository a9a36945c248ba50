package dev.stevedore.serve.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Docker's multiplexed stream, as the daemon writes a container's output when it has no TTY: each piece is an
 * 8-byte header (stream type, three zero bytes, the payload length as a big-endian uint32) and the payload.
 * Stream types: 0 stdin (read as stdout), 1 stdout, 2 stderr, 3 a system error the client raises.
 */
final class Frames {
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int SYSTEM_ERROR = 3;
    /** API 1.42 and newer name the multiplexed stream by its own content type. */
    static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
    static final String RAW = "application/vnd.docker.raw-stream";

    private Frames() {
    }

    /** The 8-byte header of a frame of {@code length} bytes on {@code stream}. */
    static byte[] header(int stream, int length) {
        return new byte[] {(byte) stream, 0, 0, 0, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    /** Writes one frame, header and payload in one write, and flushes it: the client sees it at once. */
    static void write(OutputStream out, int stream, byte[] payload) throws IOException {
        write(out, stream, payload, true);
    }

    /** Writes one frame; without {@code flush} it may wait in {@code out}'s buffer (a history read in one go). */
    static void write(OutputStream out, int stream, byte[] payload, boolean flush) throws IOException {
        byte[] frame = new byte[8 + payload.length];
        System.arraycopy(header(stream, payload.length), 0, frame, 0, 8);
        System.arraycopy(payload, 0, frame, 8, payload.length);
        synchronized (out) {
            out.write(frame);
            if (flush) {
                out.flush();
            }
        }
    }

    /** The content type for the stream at the client's API version. */
    static String contentType(String apiVersion) {
        return apiVersion == null || DockerApiVersions.atLeast(apiVersion, 1, 42) ? MULTIPLEXED : RAW;
    }
}
