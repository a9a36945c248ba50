package dev.stevedore.serve.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body sent with {@code Transfer-Encoding: chunked}: the chunks' data, ending (with -1) after the
 * last, empty chunk and its trailers have been read, so the connection is positioned at the next request.
 */
final class ChunkedInputStream extends InputStream {
    private static final int MAX_LINE = 8 * 1024;
    /** Trailer lines after the last chunk; a client that sends them without end is not a Docker client. */
    private static final int MAX_TRAILERS = 64;

    private final InputStream in;
    private long remaining;
    private boolean ended;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!nextChunk()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new EOFException("the client closed the connection inside a chunk of the request body");
        }
        remaining -= n;
        if (remaining == 0) {
            expectCrlf();
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return ended ? 0 : (int) Math.min(remaining, in.available());
    }

    /** Positions at data of a chunk; false at the end of the body. */
    private boolean nextChunk() throws IOException {
        if (ended) {
            return false;
        }
        if (remaining > 0) {
            return true;
        }
        String line = HttpParser.readLine(in, MAX_LINE);
        if (line == null) {
            throw new EOFException("the client closed the connection before the end of a chunked request body");
        }
        int semicolon = line.indexOf(';');
        String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
        try {
            remaining = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size \"" + line + "\" in a chunked request body");
        }
        if (remaining < 0) {
            throw new IOException("negative chunk size in a chunked request body");
        }
        if (remaining == 0) {
            // trailers, then the empty line; trailers carry nothing a Docker client needs
            int trailers = 0;
            for (String trailer = HttpParser.readLine(in, MAX_LINE); trailer != null && !trailer.isEmpty();
                 trailer = HttpParser.readLine(in, MAX_LINE)) {
                if (++trailers > MAX_TRAILERS) {
                    throw new IOException("more than " + MAX_TRAILERS + " trailer lines after a chunked request body");
                }
            }
            ended = true;
            return false;
        }
        return true;
    }

    private void expectCrlf() throws IOException {
        String rest = HttpParser.readLine(in, MAX_LINE);
        if (rest == null || !rest.isEmpty()) {
            throw new IOException("a chunk of the request body does not end with CRLF");
        }
    }
}
