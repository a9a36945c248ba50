package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.internal.runtime.FramedLog;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A container's log files read as lines: the parts of a long line joined, stdout and stderr merged by
 * the time the supervisor read them, each line the bytes the container wrote (its newline included; an unterminated
 * last line without one), {@code since} and {@code tail} applied to what is there, then (when
 * following) new lines as they land, until the container has ended and everything is read, or the
 * stream is closed. Works the same from any JVM: it only reads the files and asks whether the
 * container still runs. A terminal's log (a container with a tty) is not cut into lines: each record the supervisor
 * wrote is one {@link LogLine}, a chunk of the raw stream as it came, so prompts and cursor movement pass at once.
 */
final class ContainerLogStream implements ContainerLogs {
    private static final long MAX_PAUSE_NANOS = 20_000_000;
    private static final long MIN_PAUSE_NANOS = 1_000_000;

    private final LogOptions options;
    private final BooleanSupplier running;
    private final List<Source> sources = new ArrayList<>();
    private final Deque<LogLine> ready = new ArrayDeque<>();
    private volatile boolean closed;
    /** Held while the files are read: close() never pulls a file away from under a read. */
    private final java.util.concurrent.locks.ReentrantLock reading = new java.util.concurrent.locks.ReentrantLock();
    private boolean cursorsClosed;
    private boolean historyRead;
    private boolean ended;
    private boolean consumed;

    /** One stream's file, read forward, with the parts of an unfinished line. */
    private static final class Source {
        final LogLine.Stream stream;
        final boolean raw;
        final FramedLog.Cursor cursor;
        final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        long partialNanos = -1;

        Source(LogLine.Stream stream, Path file, boolean raw) {
            this.stream = stream;
            this.raw = raw;
            this.cursor = new FramedLog.Cursor(file);
        }

        /** Complete lines since the last call; at the end of the stream an unfinished line is handed on unterminated. */
        List<Timed> lines(boolean atEnd) {
            List<Timed> lines = new ArrayList<>();
            for (FramedLog.Record record : cursor.poll()) {
                if (partialNanos < 0) {
                    partialNanos = record.nanos();
                }
                partial.writeBytes(record.bytes());
                if (!record.partial()) {
                    partial.write('\n');
                }
                if (!record.partial() || raw) {
                    lines.add(take());
                }
            }
            if (atEnd && partialNanos >= 0) {
                lines.add(take());
            }
            return lines;
        }

        private Timed take() {
            Timed line = new Timed(partialNanos, new LogLine(stream, instant(partialNanos), partial.toByteArray()));
            partial.reset();
            partialNanos = -1;
            return line;
        }
    }

    private record Timed(long nanos, LogLine line) {
    }

    /**
     * @param terminal whether the container has a tty: records are raw chunks, not lines
     * @param running  whether the container still runs (asked when a follow reaches the end of the files)
     */
    ContainerLogStream(Path stdout, Path stderr, boolean terminal, LogOptions options, BooleanSupplier running) {
        this.options = options;
        this.running = running;
        if (options.stdout()) {
            sources.add(new Source(LogLine.Stream.STDOUT, stdout, terminal));
        }
        if (options.stderr()) {
            sources.add(new Source(LogLine.Stream.STDERR, stderr, terminal));
        }
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    @Override
    public synchronized Stream<LogLine> lines() {
        if (consumed) {
            throw new IllegalStateException("the lines of a ContainerLogs can be consumed once; ask for the logs again");
        }
        consumed = true;
        Spliterator<LogLine> lines = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                Spliterator.ORDERED | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super LogLine> action) {
                LogLine next = next();
                if (next == null) {
                    return false;
                }
                action.accept(next);
                return true;
            }
        };
        return StreamSupport.stream(lines, false).onClose(this::close);
    }

    /** The next line, blocking while following; null at the end. */
    private LogLine next() {
        reading.lock();
        try {
            LogLine line = read();
            if (line == null) {
                closeCursors();
            }
            return line;
        } finally {
            reading.unlock();
        }
    }

    private LogLine read() {
        if (closed) {
            return null;
        }
        if (!historyRead) {
            historyRead = true;
            readHistory();
        }
        long pause = MIN_PAUSE_NANOS;
        while (ready.isEmpty() && !ended && !closed) {
            // an interrupted reader stops following (its caller is cancelling); the flag stays set for it to see
            if (!options.follow() || Thread.currentThread().isInterrupted()) {
                ended = true;
                break;
            }
            // ask before reading: a container that has ended has written everything by then
            boolean stillRunning = running.getAsBoolean();
            collect(!stillRunning);
            if (!ready.isEmpty()) {
                break;
            }
            if (!stillRunning) {
                ended = true;
                break;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
        }
        return closed ? null : ready.pollFirst();
    }

    private void readHistory() {
        boolean atEnd = !options.follow() || !running.getAsBoolean();
        List<Timed> lines = new ArrayList<>();
        for (Source source : sources) {
            lines.addAll(source.lines(atEnd));
        }
        lines.sort(Comparator.comparingLong(Timed::nanos));
        List<LogLine> history = new ArrayList<>();
        for (Timed line : lines) {
            if (options.since() == null || !line.line().time().isBefore(options.since())) {
                history.add(line.line());
            }
        }
        if (options.tail() >= 0 && history.size() > options.tail()) {
            history = history.subList(history.size() - options.tail(), history.size());
        }
        ready.addAll(history);
        if (!options.follow() || atEnd) {
            ended = true;
        }
    }

    private void collect(boolean atEnd) {
        List<Timed> lines = new ArrayList<>();
        for (Source source : sources) {
            lines.addAll(source.lines(atEnd));
        }
        lines.sort(Comparator.comparingLong(Timed::nanos));
        lines.forEach(line -> ready.add(line.line()));
    }

    @Override
    public void close() {
        closed = true;
        // a reader parked in a follow sees the flag within one pause and closes the files itself
        if (reading.tryLock()) {
            try {
                closeCursors();
            } finally {
                reading.unlock();
            }
        }
    }

    private void closeCursors() {
        if (!cursorsClosed) {
            cursorsClosed = true;
            sources.forEach(source -> source.cursor.close());
        }
    }
}
