package dev.stevedore.serve.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** A request body of a known length ({@code Content-Length}): reads that many bytes of the connection, no more. */
final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long length) {
        this.in = in;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the client closed the connection " + remaining + " bytes before the end of the request body");
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new EOFException("the client closed the connection " + remaining + " bytes before the end of the request body");
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(remaining, in.available());
    }
}
