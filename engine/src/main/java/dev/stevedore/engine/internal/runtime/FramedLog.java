package dev.stevedore.engine.internal.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a container log as the supervisor writes it ({@code src/main/c/logs.c}): one record per line,
 * {@code <unix nanos> <F|P> <length>\n<bytes>\n}, F a full line without its newline, P a part of one
 * (a line longer than 16 KiB, or an unterminated last line). The supervisor appends whole batches of
 * records with one write, but a reader may still catch the end of a batch half written: a
 * {@link Cursor} only returns records whose final newline is there and picks up the rest next time.
 */
public final class FramedLog {
    private static final int MAX_HEADER = 64;
    private static final int MAX_RECORD = 1 << 20;

    private FramedLog() {
    }

    /**
     * One record.
     *
     * @param nanos   when the supervisor read it, in nanoseconds since the epoch
     * @param bytes   the line (or part) without its newline
     * @param partial whether the line continues in the next record (or ended the stream unterminated)
     */
    public record Record(long nanos, byte[] bytes, boolean partial) {
        public Instant time() {
            return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Record r && r.nanos == nanos && r.partial == partial && Arrays.equals(r.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(nanos) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return nanos + (partial ? " P " : " F ") + new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The output as the container wrote it: full lines with their newline, parts as they are. */
    public static String text(Path file) {
        StringBuilder text = new StringBuilder();
        try (Cursor cursor = new Cursor(file)) {
            for (Record record : cursor.poll()) {
                text.append(new String(record.bytes(), StandardCharsets.UTF_8));
                if (!record.partial()) {
                    text.append('\n');
                }
            }
        }
        return text.toString();
    }

    /** Reads a log file forward from its start, record by record, as it grows. Not thread-safe. */
    public static final class Cursor implements AutoCloseable {
        private final Path file;
        private FileChannel channel;
        private long position;
        private byte[] pending = new byte[0];
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

        public Cursor(Path file) {
            this.file = file;
        }

        /** The complete records written since the last call; empty when there are none (yet). */
        public List<Record> poll() {
            List<Record> records = new ArrayList<>();
            try {
                if (channel == null) {
                    try {
                        channel = FileChannel.open(file, StandardOpenOption.READ);
                    } catch (NoSuchFileException e) {
                        return records;
                    }
                }
                ByteArrayOutputStream fresh = new ByteArrayOutputStream();
                fresh.write(pending);
                for (;;) {
                    buffer.clear();
                    int n = channel.read(buffer, position);
                    if (n <= 0) {
                        break;
                    }
                    position += n;
                    fresh.write(buffer.array(), 0, n);
                }
                byte[] bytes = fresh.toByteArray();
                int consumed = parse(bytes, records);
                pending = Arrays.copyOfRange(bytes, consumed, bytes.length);
                return records;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the container log " + file + ": " + e.getMessage(), e);
            }
        }

        private int parse(byte[] bytes, List<Record> out) throws IOException {
            long base = position - bytes.length;
            int at = 0;
            while (at < bytes.length) {
                int newline = indexOf(bytes, (byte) '\n', at, Math.min(bytes.length, at + MAX_HEADER));
                if (newline < 0) {
                    if (bytes.length - at >= MAX_HEADER) {
                        throw damaged(base + at);
                    }
                    return at;
                }
                String[] header = new String(bytes, at, newline - at, StandardCharsets.US_ASCII).split(" ");
                long nanos;
                int length;
                try {
                    nanos = Long.parseLong(header[0]);
                    length = Integer.parseInt(header[2]);
                } catch (RuntimeException e) {
                    throw damaged(base + at);
                }
                if (header.length != 3 || !(header[1].equals("F") || header[1].equals("P")) || length < 0
                        || length > MAX_RECORD) {
                    throw damaged(base + at);
                }
                int end = newline + 1 + length;
                if (end >= bytes.length) {
                    return at; // the rest of this record is not written yet
                }
                if (bytes[end] != '\n') {
                    throw damaged(base + at);
                }
                out.add(new Record(nanos, Arrays.copyOfRange(bytes, newline + 1, end), header[1].equals("P")));
                at = end + 1;
            }
            return at;
        }

        private static IOException damaged(long offset) {
            return new IOException("the log is damaged at byte " + offset + " (no record header there)");
        }

        private static int indexOf(byte[] bytes, byte value, int from, int to) {
            for (int i = from; i < to; i++) {
                if (bytes[i] == value) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // a read-only channel: nothing lost
                }
            }
        }
    }
}
