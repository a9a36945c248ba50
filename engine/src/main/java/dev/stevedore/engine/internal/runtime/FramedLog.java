package dev.stevedore.engine.internal.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
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

    /**
     * Reads a log forward from its start, record by record, as it grows, across its rotations (as {@code logs.c}
     * rotates: {@code FILE.N} oldest, ..., {@code FILE.1}, then {@code FILE}). The files are held open, so a rotation
     * while they are read loses nothing they hold; once {@code FILE} names a newer file than the one being read, that
     * one is read to its end (the supervisor writes no more to a file it rotated away) and the newer ones follow.
     * A file rotated out of the set before it was opened is gone, as in Docker. Not thread-safe.
     */
    public static final class Cursor implements AutoCloseable {
        /** Attempts at opening a consistent set of files while rotations keep moving them. */
        private static final int OPEN_ATTEMPTS = 20;
        private final Path file;
        /** The files still to read after the current one, oldest first, with their identities. */
        private final Deque<Opened> queue = new ArrayDeque<>();
        private Opened current;
        private long position;
        private byte[] pending = new byte[0];
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

        private record Opened(FileChannel channel, Object key) {
        }

        public Cursor(Path file) {
            this.file = file;
        }

        /** The complete records written since the last call; empty when there are none (yet). */
        public List<Record> poll() {
            List<Record> records = new ArrayList<>();
            try {
                if (current == null) {
                    if (!advance(null)) {
                        return records; // not written yet
                    }
                    next();
                }
                for (;;) {
                    readCurrent(records);
                    if (!queue.isEmpty()) {
                        next();
                        continue;
                    }
                    Object now = key(file);
                    if (now == null || now.equals(current.key())) {
                        return records; // the file being written (or, for a moment while it rotates, none)
                    }
                    readCurrent(records); // rotated away after its last write: this read finds its end
                    if (!advance(current.key())) {
                        return records;
                    }
                    next();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the container log " + file + ": " + e.getMessage(), e);
            }
        }

        private void readCurrent(List<Record> records) throws IOException {
            ByteArrayOutputStream fresh = new ByteArrayOutputStream();
            fresh.write(pending);
            for (;;) {
                buffer.clear();
                int n = current.channel().read(buffer, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                fresh.write(buffer.array(), 0, n);
            }
            byte[] bytes = fresh.toByteArray();
            int consumed = parse(bytes, records);
            pending = Arrays.copyOfRange(bytes, consumed, bytes.length);
        }

        /** Moves on to the oldest queued file: rotation cuts between records, so nothing of the one before is pending. */
        private void next() {
            closeQuietly(current);
            current = queue.pollFirst();
            position = 0;
            pending = new byte[0];
        }

        /**
         * Opens the files newer than the one with identity {@code after} (all when null or rotated out of the set) into
         * the queue; false when there is none (yet).
         */
        private boolean advance(Object after) throws IOException {
            for (int attempt = 0; ; attempt++) {
                List<Path> names = names();
                List<Object> before = keys(names);
                List<Opened> opened = new ArrayList<>();
                try {
                    // newest first: a rotation meanwhile shows as FILE's identity changing
                    for (int i = names.size() - 1; i >= 0; i--) {
                        try {
                            opened.add(0, new Opened(FileChannel.open(names.get(i), StandardOpenOption.READ), before.get(i)));
                        } catch (NoSuchFileException e) {
                            opened.add(0, null);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    opened.forEach(Cursor::closeQuietly);
                    throw e;
                }
                if (!before.equals(keys(names)) && attempt < OPEN_ATTEMPTS) {
                    opened.forEach(Cursor::closeQuietly);
                    continue;
                }
                int from = after == null ? 0 : before.indexOf(after) + 1;
                for (int i = 0; i < opened.size(); i++) {
                    Opened o = opened.get(i);
                    if (o != null && i >= from && o.key() != null) {
                        queue.addLast(o);
                    } else {
                        closeQuietly(o);
                    }
                }
                return !queue.isEmpty();
            }
        }

        /** FILE.N (the oldest there is) down to FILE.1, then FILE. */
        private List<Path> names() {
            List<Path> names = new ArrayList<>();
            for (int i = 1; Files.exists(rotated(i)); i++) {
                names.add(0, rotated(i));
            }
            names.add(file);
            return names;
        }

        private Path rotated(int n) {
            return file.resolveSibling(file.getFileName() + "." + n);
        }

        private static List<Object> keys(List<Path> names) {
            List<Object> keys = new ArrayList<>();
            names.forEach(name -> keys.add(key(name)));
            return keys;
        }

        /** The file's identity (device and inode), null when it is not there. */
        private static Object key(Path path) {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            } catch (IOException e) {
                return null;
            }
        }

        private static void closeQuietly(Opened opened) {
            if (opened != null) {
                try {
                    opened.channel().close();
                } catch (IOException e) {
                    // a read-only channel: nothing lost
                }
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
            closeQuietly(current);
            current = null;
            queue.forEach(Cursor::closeQuietly);
            queue.clear();
        }
    }
}
