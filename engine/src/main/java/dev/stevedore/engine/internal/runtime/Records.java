package dev.stevedore.engine.internal.runtime;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's wire format, both directions: {@code <key> <len1> <len2> ...\n} followed by each field's
 * bytes and a newline. Lengths make every field self-delimiting, so paths with spaces or newlines
 * travel unharmed; fields may hold anything but NUL (they become C strings). The C side is
 * {@code src/main/c/records.c}.
 */
final class Records {
    static final int MAX_FIELDS = 8;
    static final int MAX_FIELD_BYTES = 1 << 20;
    private static final int MAX_HEADER = 256;

    private Records() {
    }

    /** One record: a key and its fields. */
    record Record(String key, List<String> fields) {
        Record {
            fields = List.copyOf(fields);
        }

        String field(int index) {
            if (index >= fields.size()) {
                throw new IllegalStateException("launcher record \"" + key + "\" has " + fields.size()
                        + " field(s), field " + index + " was expected");
            }
            return fields.get(index);
        }
    }

    /** Appends one record to {@code out}. */
    static void write(ByteArrayOutputStream out, String key, String... fields) {
        if (fields.length > MAX_FIELDS) {
            throw new IllegalArgumentException("record " + key + " has more than " + MAX_FIELDS + " fields");
        }
        byte[][] bytes = new byte[fields.length][];
        StringBuilder header = new StringBuilder(key);
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].indexOf('\0') >= 0) {
                throw new IllegalArgumentException("record " + key + " field " + i + " contains a NUL character");
            }
            bytes[i] = fields[i].getBytes(StandardCharsets.UTF_8);
            if (bytes[i].length > MAX_FIELD_BYTES) {
                throw new IllegalArgumentException("record " + key + " field " + i + " is longer than 1 MiB");
            }
            header.append(' ').append(bytes[i].length);
        }
        header.append('\n');
        out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (byte[] field : bytes) {
            out.writeBytes(field);
            out.write('\n');
        }
    }

    /** Encodes one record on its own. */
    static byte[] encode(String key, String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, key, fields);
        return out.toByteArray();
    }

    /** Encodes a record of one binary field (any bytes, NUL included), for data the launcher relays. */
    static byte[] encodeData(String key, byte[] data, int offset, int length) {
        if (length > MAX_FIELD_BYTES) {
            throw new IllegalArgumentException("record " + key + " data is longer than 1 MiB");
        }
        byte[] header = (key + " " + length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[header.length + length + 1];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(data, offset, out, header.length, length);
        out[out.length - 1] = '\n';
        return out;
    }

    /** A record with its fields as the bytes that came: for data records (output that may hold any byte). */
    record RawRecord(String key, List<byte[]> fields) {
        RawRecord {
            fields = List.copyOf(fields);
        }

        /** As text, for records that carry text. */
        Record text() {
            return new Record(key, fields.stream().map(f -> new String(f, StandardCharsets.UTF_8)).toList());
        }
    }

    /** Reads records from a stream; blocking, not thread-safe. */
    static final class Reader {
        private final InputStream in;

        Reader(InputStream in) {
            this.in = in;
        }

        /** The next record, or {@code null} at a clean end of stream. */
        Record next() throws IOException {
            RawRecord raw = nextRaw();
            return raw == null ? null : raw.text();
        }

        /** The next record with its fields as bytes, or {@code null} at a clean end of stream. */
        RawRecord nextRaw() throws IOException {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            for (;;) {
                int b = in.read();
                if (b < 0) {
                    if (header.size() == 0) {
                        return null;
                    }
                    throw new EOFException("launcher output ended inside a record header");
                }
                if (b == '\n') {
                    break;
                }
                if (header.size() >= MAX_HEADER) {
                    throw new IOException("launcher output has a record header longer than " + MAX_HEADER + " bytes");
                }
                header.write(b);
            }
            String[] parts = header.toString(StandardCharsets.US_ASCII).split(" ", -1);
            if (parts[0].isEmpty() || parts.length - 1 > MAX_FIELDS) {
                throw new IOException("launcher output has a malformed record header: " + header);
            }
            List<byte[]> fields = new ArrayList<>(parts.length - 1);
            for (int i = 1; i < parts.length; i++) {
                int length;
                try {
                    length = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    throw new IOException("launcher output has a malformed record header: " + header, e);
                }
                if (length < 0 || length > MAX_FIELD_BYTES) {
                    throw new IOException("launcher output has a field length out of range: " + header);
                }
                byte[] field = in.readNBytes(length);
                if (field.length != length || in.read() != '\n') {
                    throw new EOFException("launcher output ended inside record \"" + parts[0] + "\"");
                }
                fields.add(field);
            }
            return new RawRecord(parts[0], fields);
        }
    }
}
