package dev.stevedore.engine.internal.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict, streaming reader of the tar dialects image layers use: POSIX ustar, PAX extended headers
 * and GNU long names (what Go's {@code archive/tar}, GNU tar and BSD tar write).
 *
 * <p>Our own rather than commons-compress's because a layer needs the archive's exact bytes: commons-compress
 * decodes PAX values as UTF-8, which corrupts binary extended attributes such as {@code security.capability}
 * (file capabilities), and decodes names with a charset. This reader hands out raw bytes, checks every header
 * checksum, refuses what it does not understand (sparse files, multi-volume archives) and never reads past
 * the limits it was given. Every problem is a {@link LayerFault} naming the entry.
 */
final class TarReader {
    private static final int BLOCK = 512;
    /** A PAX header or GNU long name bigger than this is no honest archive. */
    private static final int MAX_META_SIZE = 1 << 20;
    private static final byte[] ZERO_BLOCK = new byte[BLOCK];

    private final InputStream in;
    private final long maxEntries;
    private final byte[] header = new byte[BLOCK];
    private long entries;
    private long remaining;
    private long padding;
    private String current;
    private boolean ended;

    TarReader(InputStream in, long maxEntries) {
        this.in = in;
        this.maxEntries = maxEntries;
    }

    /** The next member, or {@code null} at the end of the archive. Skips what the caller did not read of the last one. */
    TarEntry next() throws IOException {
        if (ended) {
            return null;
        }
        skipRest();
        Map<String, byte[]> pax = new LinkedHashMap<>();
        byte[] longName = null;
        byte[] longLink = null;
        boolean pendingMeta = false;
        while (true) {
            if (!readBlock(header)) {
                if (pendingMeta) {
                    throw new LayerFault(current, "the archive ends right after an extended header; it is truncated");
                }
                // A stream that ends on a block boundary without the two zero blocks: Go's reader accepts it too.
                ended = true;
                return null;
            }
            if (Arrays.equals(header, ZERO_BLOCK)) {
                if (pendingMeta) {
                    throw new LayerFault(current, "an extended header is followed by the end of the archive");
                }
                ended = true;
                return null;
            }
            if (!checksumMatches(header)) {
                throw new LayerFault(null, "tar header " + (entries + 1) + " has a bad checksum"
                        + (entries == 0 ? ": this is not a tar archive" : ": the archive is damaged"));
            }
            if (++entries > maxEntries) {
                throw new LayerFault(null, "the archive has more than " + maxEntries + " entries, the limit");
            }
            char type = (char) (header[156] & 0xff);
            String headerName = new String(cString(header, 0, 100), StandardCharsets.UTF_8);
            current = headerName;
            long size = number(header, 124, 12, "size");
            switch (type) {
                case 'x' -> {
                    // A second extended header replaces the first, as Go's archive/tar (Docker, containerd)
                    // and GNU tar read it: merging would make this reader see another file than they do.
                    pax = new LinkedHashMap<>();
                    parsePax(readMeta(size), pax);
                    pendingMeta = true;
                }
                case 'g' -> {
                    readMeta(size); // global PAX defaults: ignored, as containerd does
                }
                case 'L' -> {
                    longName = trimAtNul(readMeta(size));
                    pendingMeta = true;
                }
                case 'K' -> {
                    longLink = trimAtNul(readMeta(size));
                    pendingMeta = true;
                }
                default -> {
                    return entry(type, size, pax, longName, longLink);
                }
            }
        }
    }

    /** The content of the member {@link #next()} returned last; reading past its end gives EOF. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new LayerFault(current, "the archive ends inside this entry's content; it is truncated");
                }
                remaining -= n;
                return n;
            }
        };
    }

    /** Reads everything after the end-of-archive marker, so a digest over the stream covers all of it. */
    long drain() throws IOException {
        byte[] buf = new byte[65536];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
        }
        return total;
    }

    private TarEntry entry(char type, long size, Map<String, byte[]> pax, byte[] longName, byte[] longLink)
            throws IOException {
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        byte[] name = cString(header, 0, 100);
        if (ustar) {
            byte[] prefix = cString(header, 345, 155);
            if (prefix.length > 0) {
                byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
                joined[prefix.length] = '/';
                System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
                name = joined;
            }
        }
        if (longName != null) {
            name = longName;
        }
        byte[] link = longLink != null ? longLink : cString(header, 157, 100);
        int mode = (int) (number(header, 100, 8, "mode") & 07777);
        long uid = number(header, 108, 8, "uid");
        long gid = number(header, 116, 8, "gid");
        long mtime = number(header, 136, 12, "mtime");
        int mtimeNanos = 0;
        long devMajor = 0;
        long devMinor = 0;
        if (type == TarEntry.CHAR_DEVICE || type == TarEntry.BLOCK_DEVICE) {
            devMajor = number(header, 329, 8, "devmajor");
            devMinor = number(header, 337, 8, "devminor");
        }
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> record : pax.entrySet()) {
            String key = record.getKey();
            byte[] value = record.getValue();
            switch (key) {
                case "path" -> name = value;
                case "linkpath" -> link = value;
                case "uid" -> uid = paxNumber(key, value);
                case "gid" -> gid = paxNumber(key, value);
                case "size" -> size = paxNumber(key, value);
                case "mtime" -> {
                    long[] time = paxTime(value);
                    mtime = time[0];
                    mtimeNanos = (int) time[1];
                }
                default -> {
                    if (key.startsWith("SCHILY.xattr.")) {
                        xattrs.put(key.substring("SCHILY.xattr.".length()), value);
                    } else if (key.startsWith("GNU.sparse.")) {
                        throw new LayerFault(new String(name, StandardCharsets.UTF_8),
                                "sparse files are not supported in image layers");
                    }
                }
            }
        }
        current = new String(name, StandardCharsets.UTF_8);
        if (size < 0) {
            throw new LayerFault(current, "the entry declares a negative size");
        }
        char normalized = switch (type) {
            case '0', '\0', '7' -> name.length > 0 && name[name.length - 1] == '/' && type == '\0'
                    ? TarEntry.DIRECTORY : TarEntry.REGULAR;
            case '1', '2', '3', '4', '5', '6' -> type;
            case 'S' -> throw new LayerFault(current, "sparse files are not supported in image layers");
            default -> throw new LayerFault(current, "tar entry type '" + printable(type)
                    + "' is not one an image layer may hold (regular, directory, link, symlink, device, fifo)");
        };
        // Only regular files carry data; the other types are header-only whatever their size field says,
        // as Go's archive/tar reads them.
        boolean hasContent = normalized == TarEntry.REGULAR;
        remaining = hasContent ? size : 0;
        padding = hasContent ? (BLOCK - size % BLOCK) % BLOCK : 0;
        return new TarEntry(name, link, normalized, mode, uid, gid, hasContent ? size : 0, mtime, mtimeNanos,
                devMajor, devMinor, xattrs);
    }

    private void skipRest() throws IOException {
        long toSkip = remaining + padding;
        remaining = 0;
        padding = 0;
        byte[] buf = new byte[(int) Math.min(65536, Math.max(toSkip, 1))];
        while (toSkip > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, toSkip));
            if (n < 0) {
                throw new LayerFault(current, "the archive ends inside this entry's content; it is truncated");
            }
            toSkip -= n;
        }
    }

    private byte[] readMeta(long size) throws IOException {
        if (size > MAX_META_SIZE) {
            throw new LayerFault(current, "an extended header of " + size + " bytes is larger than the "
                    + MAX_META_SIZE + " allowed");
        }
        byte[] data = new byte[(int) size];
        readFully(data, data.length);
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        readFully(new byte[(int) pad], (int) pad);
        return data;
    }

    private boolean readBlock(byte[] block) throws IOException {
        int got = 0;
        while (got < BLOCK) {
            int n = in.read(block, got, BLOCK - got);
            if (n < 0) {
                if (got == 0) {
                    return false;
                }
                throw new LayerFault(current, "the archive ends inside a tar header; it is truncated");
            }
            got += n;
        }
        return true;
    }

    private void readFully(byte[] data, int length) throws IOException {
        int got = 0;
        while (got < length) {
            int n = in.read(data, got, length - got);
            if (n < 0) {
                throw new LayerFault(current, "the archive ends inside an extended header; it is truncated");
            }
            got += n;
        }
    }

    private void parsePax(byte[] data, Map<String, byte[]> into) {
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            long length = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9' && space - pos < 10) {
                length = length * 10 + (data[space] - '0');
                space++;
            }
            if (space == pos || space >= data.length || data[space] != ' ' || length < 5
                    || pos + length > data.length || data[(int) (pos + length - 1)] != '\n') {
                throw new LayerFault(current, "a PAX extended header record is malformed");
            }
            int end = (int) (pos + length - 1);
            int equals = space + 1;
            while (equals < end && data[equals] != '=') {
                equals++;
            }
            if (equals == end || equals == space + 1) {
                throw new LayerFault(current, "a PAX extended header record has no key=value");
            }
            String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
            into.put(key, Arrays.copyOfRange(data, equals + 1, end));
            pos = end + 1;
        }
    }

    private long paxNumber(String key, byte[] value) {
        String text = new String(value, StandardCharsets.US_ASCII);
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new LayerFault(current, "PAX record " + key + "=\"" + text + "\" is no non-negative number");
        }
        return Long.parseLong(text);
    }

    private long[] paxTime(byte[] value) {
        String text = new String(value, StandardCharsets.US_ASCII);
        int dot = text.indexOf('.');
        String whole = dot < 0 ? text : text.substring(0, dot);
        String fraction = dot < 0 ? "" : text.substring(dot + 1);
        boolean negative = whole.startsWith("-");
        String digits = negative ? whole.substring(1) : whole;
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || !fraction.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new LayerFault(current, "PAX time \"" + text + "\" is malformed");
        }
        long seconds = Long.parseLong(digits);
        String nanoDigits = (fraction + "000000000").substring(0, 9);
        long nanos = Long.parseLong(nanoDigits);
        if (negative) {
            seconds = -seconds;
            if (nanos > 0) {
                seconds -= 1;
                nanos = 1_000_000_000L - nanos;
            }
        }
        return new long[] {seconds, nanos};
    }

    /** A numeric header field: octal text, or base-256 when the top bit of the first byte is set (GNU, star). */
    private long number(byte[] h, int offset, int length, String field) {
        if ((h[offset] & 0x80) != 0) {
            boolean negative = (h[offset] & 0x40) != 0;
            int invert = negative ? 0xff : 0;
            long value = 0;
            for (int i = 0; i < length; i++) {
                int b = (h[offset + i] & 0xff) ^ invert;
                if (i == 0) {
                    b &= 0x7f;
                }
                if ((value >>> 56) != 0) {
                    throw new LayerFault(current, "the " + field + " field of a tar header overflows");
                }
                value = (value << 8) | b;
            }
            if (value < 0) {
                throw new LayerFault(current, "the " + field + " field of a tar header overflows");
            }
            return negative ? ~value : value;
        }
        int i = offset;
        int end = offset + length;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < end && h[i] != ' ' && h[i] != 0) {
            int d = h[i] - '0';
            if (d < 0 || d > 7 || ++digits > 21) {
                throw new LayerFault(current, "the " + field + " field of a tar header is not an octal number");
            }
            value = (value << 3) | d;
            i++;
        }
        while (i < end) {
            if (h[i] != ' ' && h[i] != 0) {
                throw new LayerFault(current, "the " + field + " field of a tar header is not an octal number");
            }
            i++;
        }
        return value;
    }

    private static boolean checksumMatches(byte[] h) {
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        long stored = 0;
        int i = 148;
        while (i < 156 && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        int digits = 0;
        while (i < 156 && h[i] >= '0' && h[i] <= '7') {
            stored = (stored << 3) | (h[i] - '0');
            i++;
            digits++;
        }
        return digits > 0 && (stored == unsigned || stored == signed);
    }

    private static byte[] cString(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(h, offset, end);
    }

    private static byte[] trimAtNul(byte[] data) {
        return cString(data, 0, data.length);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }
}
