package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.LogLine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cuts the bytes of stdout and stderr into lines, each stream on its own: a line may arrive in several
 * frames (the daemon splits long log lines; exec output comes in whatever pieces the process wrote), and
 * is decoded only once whole, so a UTF-8 character split between frames stays intact. A line takes the
 * time of its first piece. {@code \n} ends a line; a {@code \r} before it is dropped.
 *
 * <p>Not thread-safe.
 */
final class LineAssembler {
    private final Consumer<LogLine> sink;
    private final Map<LogLine.Stream, Pending> pending = new EnumMap<>(LogLine.Stream.class);

    LineAssembler(Consumer<LogLine> sink) {
        this.sink = sink;
    }

    private static final class Pending {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Instant time;
    }

    /** Adds {@code length} bytes of {@code stream} received at {@code time}; hands on every line they complete. */
    void accept(LogLine.Stream stream, byte[] data, int offset, int length, Instant time) {
        Pending p = pending.computeIfAbsent(stream, s -> new Pending());
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (data[i] == '\n') {
                if (p.bytes.size() == 0 && p.time == null) {
                    p.time = time;
                }
                p.bytes.write(data, start, i - start);
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

    /** Hands on what is left of each stream as a last line without terminator. */
    void finish() {
        pending.forEach((stream, p) -> {
            if (p.bytes.size() > 0) {
                emit(stream, p);
            }
        });
    }

    private void emit(LogLine.Stream stream, Pending p) {
        byte[] line = p.bytes.toByteArray();
        int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
        Instant time = p.time;
        p.bytes.reset();
        p.time = null;
        sink.accept(new LogLine(stream, time, new String(line, 0, length, StandardCharsets.UTF_8)));
    }
}
