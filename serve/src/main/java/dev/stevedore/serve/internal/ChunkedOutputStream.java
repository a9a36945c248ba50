package dev.stevedore.serve.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A response body sent with {@code Transfer-Encoding: chunked}: every write is one chunk, flushed at once
 * (a progress line, a log frame, the answer of a wait must reach the client when it is written); close
 * writes the last, empty chunk and leaves the connection open.
 */
final class ChunkedOutputStream extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private boolean closed;

    ChunkedOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] data, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("the response stream is closed");
        }
        if (length == 0) {
            return; // an empty chunk would end the body
        }
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data, offset, length);
        out.write(CRLF);
        out.flush();
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            out.write(LAST);
            out.flush();
        }
    }
}
