package dev.stevedore.serve.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A connection's input that, while a timeout is set, closes the connection through its {@link Watchdog.Deadline} when
 * one read waits longer than that: the request body of a client that stops sending (a chunked body that never ends,
 * a Content-Length never reached) ends instead of holding a thread forever. Without a timeout set (the request head,
 * which has a deadline of its own, and hijacked streams, whose stdin may rightly stay silent) reads wait as long as
 * they must.
 */
final class TimedInputStream extends FilterInputStream {
    private final Watchdog.Deadline deadline;
    private volatile Duration timeout;

    TimedInputStream(InputStream in, Watchdog.Deadline deadline) {
        super(in);
        this.deadline = deadline;
    }

    /** Each read from now on may wait at most {@code perRead}; {@code null}: as long as it must. */
    void timeout(Duration perRead) {
        this.timeout = perRead;
    }

    @Override
    public int read() throws IOException {
        return timed(in::read);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return timed(() -> in.read(buffer, offset, length));
    }

    private interface Read {
        int call() throws IOException;
    }

    private int timed(Read read) throws IOException {
        Duration limit = timeout;
        if (limit == null) {
            return read.call();
        }
        deadline.arm(limit, "reading the request body");
        try {
            return read.call();
        } finally {
            deadline.disarm();
        }
    }
}
