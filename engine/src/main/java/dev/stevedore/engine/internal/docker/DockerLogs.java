package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.internal.runtime.LineAssembler;
import okhttp3.Response;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A container's logs read from {@code GET /containers/{id}/logs?timestamps=true}: frames demultiplexed, the
 * daemon's timestamp taken off the front of every piece and used as the line's time, pieces joined into
 * lines of the bytes as they came (an unterminated last line stays so). Lines are read as the caller consumes them; a following stream blocks in between.
 * The output of an attach ({@link #attached}) is read the same way, without timestamps: a line's time is its arrival.
 *
 * <p>{@link #close()} aborts the response (closing its connection), which also ends a blocked read: the
 * stream then just ends.
 */
final class DockerLogs implements ContainerLogs {
    private final InputStream body;
    private final Closeable connection;
    private final boolean timestamps;
    /** "logs", or "output" for an attach's: for messages. */
    private final String what;
    private final String container;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean consumed = new AtomicBoolean();
    private final boolean tty;

    /** @param tty whether the container has a TTY: its log is one raw stream, each chunk a {@link LogLine} as it came */
    DockerLogs(Response response, String container, boolean tty) {
        this(response.body().byteStream(), response, container, tty, !tty, "logs");
    }

    private DockerLogs(InputStream body, Closeable connection, String container, boolean tty, boolean timestamps, String what) {
        this.what = what;
        this.body = body;
        this.connection = connection;
        this.timestamps = timestamps;
        this.container = container;
        this.tty = tty;
    }

    /** The output of an attach on {@code hijacked}: what the container writes, as it arrives, until it exits. */
    static DockerLogs attached(HijackedStream hijacked, String container, boolean tty) {
        return new DockerLogs(hijacked.input(), hijacked, container, tty, false, "output");
    }

    @Override
    public Stream<LogLine> lines() {
        if (!consumed.compareAndSet(false, true)) {
            throw new IllegalStateException("the log lines of container " + container + " were already consumed");
        }
        Iterator<LogLine> iterator = new LineIterator(new StreamFrames(body, tty));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                connection.close();
            } catch (IOException e) {
                // the connection is gone either way
            }
        }
    }

    /**
     * Where the timestamp in front of a piece ({@code 2024-05-01T10:00:00.123456789Z text}) ends: the index
     * of the space after it, or -1 when the piece does not start with one.
     */
    static int timestampEnd(byte[] payload) {
        int limit = Math.min(payload.length, 40);
        for (int i = 0; i < limit; i++) {
            if (payload[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    /** The timestamp before {@code end}, or {@code null} when those bytes are not one. */
    static Instant timestamp(byte[] payload, int end) {
        try {
            return Instant.parse(new String(payload, 0, end, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private final class LineIterator implements Iterator<LogLine> {
        private final StreamFrames frames;
        private final ArrayDeque<LogLine> ready = new ArrayDeque<>();
        private final LineAssembler assembler = new LineAssembler(ready::add);
        private boolean ended;

        LineIterator(StreamFrames frames) {
            this.frames = frames;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !ended) {
                StreamFrames.Frame frame;
                try {
                    frame = frames.next();
                } catch (IOException e) {
                    if (closed.get()) {
                        frame = null;
                    } else {
                        throw new ContainerEngineException("Reading the " + what + " of container " + container
                                + " failed: " + DockerConnector.reason(e) + "; check that the Docker daemon is still running", e);
                    }
                }
                if (frame == null) {
                    ended = true;
                    assembler.finish();
                    close();
                    break;
                }
                byte[] payload = frame.payload();
                if (tty) {
                    ready.add(new LogLine(frame.stream(), Instant.now(), payload));
                    continue;
                }
                int end = timestamps ? timestampEnd(payload) : -1;
                Instant time = end > 0 ? timestamp(payload, end) : null;
                if (time != null) {
                    assembler.accept(frame.stream(), payload, end + 1, payload.length - end - 1, time);
                } else {
                    assembler.accept(frame.stream(), payload, 0, payload.length, Instant.now());
                }
            }
            return !ready.isEmpty();
        }

        @Override
        public LogLine next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }
    }
}
