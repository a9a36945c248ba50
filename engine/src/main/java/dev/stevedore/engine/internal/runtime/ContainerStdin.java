package dev.stevedore.engine.internal.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The standard input of a container's pid 1, written through its supervisor with the supervisor's flow control:
 * at most {@link #WINDOW} bytes may wait in the supervisor unwritten, and a writer beyond that waits for the
 * supervisor's "stdin-ack" reports. The supervisor therefore never blocks on a container that does not read; its
 * writer does. Holds no thread: while waiting, the writer reads the reports that have arrived (through
 * {@link Link#pumpReports()}), acknowledgements among them. Thread-safe; writers are served in order.
 */
final class ContainerStdin {
    /** The most stdin the supervisor may hold unwritten: the launcher's STDIN_WINDOW. */
    static final int WINDOW = 256 * 1024;
    /** The most bytes in one "stdin" record. */
    static final int CHUNK = 64 * 1024;

    /** What this needs of the process it belongs to. */
    interface Link {
        /** Sends a record to the supervisor; false when it is gone. */
        boolean send(byte[] record);

        /** Reads the reports already waiting, without blocking. */
        void pumpReports() throws IOException;

        /** Whether the container has ended or its supervisor is gone. */
        boolean ended();
    }

    private final Link link;
    private final boolean open;
    private final String containerId;
    private final Object lock = new Object();
    /** Bytes the supervisor has written to pid 1 (or dropped): updated by whoever reads the reports. */
    private final AtomicLong acknowledged = new AtomicLong();
    // guarded by lock
    private long sent;
    private boolean closed;

    ContainerStdin(Link link, boolean open, String containerId) {
        this.link = link;
        this.open = open;
        this.containerId = containerId;
    }

    /** A "stdin-ack" report: the supervisor has passed on {@code bytes} more. */
    void acknowledge(long bytes) {
        acknowledged.addAndGet(bytes);
    }

    /**
     * Writes to pid 1's standard input, in order with other writers, waiting for room in the window.
     *
     * @throws IOException when the container has ended, its stdin was closed, or the wait was interrupted
     */
    void write(byte[] bytes, int offset, int length) throws IOException {
        if (!open) {
            throw new IllegalStateException("container " + containerId + " was started without an open stdin");
        }
        Objects.checkFromIndexSize(offset, length, bytes.length);
        synchronized (lock) {
            while (length > 0) {
                if (closed) {
                    throw new IOException("the stdin of container " + containerId + " is closed");
                }
                int n = Math.min(length, CHUNK);
                awaitRoom(n);
                if (!link.send(Records.encodeData("stdin", bytes, offset, n))) {
                    throw ended();
                }
                sent += n;
                offset += n;
                length -= n;
            }
        }
    }

    /**
     * The standard input as an unbuffered stream. Closing it ends pid 1's stdin ({@link #close()}) when
     * {@code closeEndsStdin}; otherwise it only lets go.
     */
    OutputStream stream(boolean closeEndsStdin) {
        return new OutputStream() {
            private volatile boolean streamClosed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (streamClosed) {
                    throw new IOException("this stdin stream of container " + containerId + " is closed");
                }
                ContainerStdin.this.write(b, off, len);
            }

            @Override
            public void close() {
                if (!streamClosed) {
                    streamClosed = true;
                    if (closeEndsStdin) {
                        ContainerStdin.this.close();
                    }
                }
            }
        };
    }

    /** Ends pid 1's stdin once what was written has reached it. Idempotent; nothing happens once it has ended. */
    void close() {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                if (open) {
                    link.send(Records.encode("stdin-close"));
                }
            }
        }
    }

    // call with lock held
    private void awaitRoom(int wanted) throws IOException {
        long pause = 50_000;
        for (;;) {
            if (hasRoom(wanted)) {
                return;
            }
            if (link.ended()) {
                throw ended();
            }
            link.pumpReports();
            if (hasRoom(wanted)) {
                return;
            }
            if (link.ended()) {
                throw ended();
            }
            LockSupport.parkNanos(pause);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing to the stdin of container " + containerId);
            }
            pause = Math.min(pause * 2, 5_000_000);
        }
    }

    private boolean hasRoom(int wanted) {
        return WINDOW - (sent - acknowledged.get()) >= wanted;
    }

    private IOException ended() {
        return new IOException("container " + containerId + " has ended: its stdin takes no more");
    }
}
