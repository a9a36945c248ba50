package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.LogLine;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cuts the bytes of stdout and stderr into lines, each stream on its own, without decoding them: a line may arrive in
 * several pieces (dockerd's frames split long log lines; an exec's output comes in whatever pieces the process wrote),
 * and is handed on whole, its {@code \n} included, so the lines' bytes together are the stream's bytes. What is left
 * at {@link #finish()} is a last line without a newline. A line takes the time of its first piece.
 *
 * <p>Not thread-safe.
 */
public final class LineAssembler {
    private final Consumer<LogLine> sink;
    private final Map<LogLine.Stream, Pending> pending = new EnumMap<>(LogLine.Stream.class);

    public LineAssembler(Consumer<LogLine> sink) {
        this.sink = sink;
    }

    private static final class Pending {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Instant time;
    }

    /** Adds {@code length} bytes of {@code stream} received at {@code time}; hands on every line they complete. */
    public void accept(LogLine.Stream stream, byte[] data, int offset, int length, Instant time) {
        Pending p = pending.computeIfAbsent(stream, s -> new Pending());
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (data[i] == '\n') {
                if (p.time == null) {
                    p.time = time;
                }
                p.bytes.write(data, start, i + 1 - start);
                emit(stream, p);
                start = i + 1;
            }
        }
        if (start < end) {
            if (p.time == null) {
                p.time = time;
            }
            p.bytes.write(data, start, end - start);
        }
    }

    /** Hands on what is left of each stream as a last line without a newline. */
    public void finish() {
        pending.forEach((stream, p) -> {
            if (p.bytes.size() > 0) {
                emit(stream, p);
            }
        });
    }

    private void emit(LogLine.Stream stream, Pending p) {
        Instant time = p.time;
        byte[] line = p.bytes.toByteArray();
        p.bytes.reset();
        p.time = null;
        sink.accept(new LogLine(stream, time, line));
    }
}
