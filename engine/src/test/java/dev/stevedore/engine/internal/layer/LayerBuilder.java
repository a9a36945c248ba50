package dev.stevedore.engine.internal.layer;

import com.github.luben.zstd.ZstdOutputStream;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/** Builds layer archives in tests with commons-compress, entry by entry, including hostile ones. */
final class LayerBuilder {
    static final Instant MTIME = Instant.parse("2021-03-04T05:06:07Z");

    private final List<Consumer<TarArchiveOutputStream>> steps = new ArrayList<>();

    static LayerBuilder layer() {
        return new LayerBuilder();
    }

    /** The entry being described: name, type and attributes, before it is written. */
    static final class Entry {
        final TarArchiveEntry tar;
        byte[] content = new byte[0];
        final Map<String, byte[]> rawPax = new LinkedHashMap<>();

        Entry(TarArchiveEntry tar) {
            this.tar = tar;
        }

        Entry mode(int mode) {
            tar.setMode(mode);
            return this;
        }

        Entry owner(int uid, int gid) {
            tar.setUserId(uid);
            tar.setGroupId(gid);
            return this;
        }

        Entry mtime(Instant time) {
            tar.setModTime(time.toEpochMilli());
            return this;
        }

        /** An xattr written as raw PAX bytes (binary values survive). */
        Entry xattr(String name, byte[] value) {
            rawPax.put("SCHILY.xattr." + name, value);
            return this;
        }

        /** Any PAX record, raw. */
        Entry pax(String key, byte[] value) {
            rawPax.put(key, value);
            return this;
        }
    }

    LayerBuilder dir(String name) {
        return dir(name, e -> { });
    }

    LayerBuilder dir(String name, Consumer<Entry> attributes) {
        return add(name, TarConstants.LF_DIR, e -> e.mode(0755), attributes);
    }

    LayerBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), e -> { });
    }

    LayerBuilder file(String name, byte[] content, Consumer<Entry> attributes) {
        return add(name, TarConstants.LF_NORMAL, e -> {
            e.mode(0644);
            e.content = content;
        }, attributes);
    }

    LayerBuilder symlink(String name, String target) {
        return add(name, TarConstants.LF_SYMLINK, e -> {
            e.mode(0777);
            e.tar.setLinkName(target);
        }, e -> { });
    }

    LayerBuilder hardlink(String name, String target) {
        return add(name, TarConstants.LF_LINK, e -> {
            e.mode(0644);
            e.tar.setLinkName(target);
        }, e -> { });
    }

    LayerBuilder device(String name, byte type, int major, int minor) {
        return add(name, type, e -> {
            e.mode(0666);
            e.tar.setDevMajor(major);
            e.tar.setDevMinor(minor);
        }, e -> { });
    }

    LayerBuilder fifo(String name) {
        return add(name, TarConstants.LF_FIFO, e -> e.mode(0644), e -> { });
    }

    /** A whiteout file {@code dir/.wh.name} (an empty regular file, as layers carry them). */
    LayerBuilder whiteout(String dir, String name) {
        return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, new byte[0], e -> { });
    }

    /** The opaque marker {@code dir/.wh..wh..opq}. */
    LayerBuilder opaque(String dir) {
        return file(dir + "/.wh..wh..opq", new byte[0], e -> { });
    }

    /** An entry with an arbitrary name given as raw PAX {@code path} bytes (NUL bytes, huge names). */
    LayerBuilder rawName(byte[] name, String content) {
        return add("placeholder", TarConstants.LF_NORMAL, e -> {
            e.mode(0644);
            e.content = content.getBytes(StandardCharsets.UTF_8);
            e.rawPax.put("path", name);
        }, e -> { });
    }

    private LayerBuilder add(String name, byte type, Consumer<Entry> defaults, Consumer<Entry> attributes) {
        steps.add(out -> {
            Entry e = new Entry(new TarArchiveEntry(name, type, true));
            e.tar.setModTime(MTIME.toEpochMilli());
            e.tar.setUserId(0);
            e.tar.setGroupId(0);
            defaults.accept(e);
            attributes.accept(e);
            try {
                if (!e.rawPax.isEmpty()) {
                    writeRawPax(out, e.rawPax);
                }
                e.tar.setSize(type == TarConstants.LF_NORMAL ? e.content.length : 0);
                out.putArchiveEntry(e.tar);
                if (type == TarConstants.LF_NORMAL) {
                    out.write(e.content);
                }
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        return this;
    }

    private static void writeRawPax(TarArchiveOutputStream out, Map<String, byte[]> records) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
            int body = 1 + key.length + 1 + r.getValue().length + 1; // " key=value\n"
            int length = body + String.valueOf(body).length();
            if (String.valueOf(length).length() != String.valueOf(body).length()) {
                length++;
            }
            data.write(String.valueOf(length).getBytes(StandardCharsets.US_ASCII));
            data.write(' ');
            data.write(key);
            data.write('=');
            data.write(r.getValue());
            data.write('\n');
        }
        TarArchiveEntry pax = new TarArchiveEntry("PaxHeaders/entry", TarConstants.LF_PAX_EXTENDED_HEADER_LC, true);
        pax.setModTime(MTIME.toEpochMilli()); // whole seconds: commons-compress adds no PAX header of its own
        pax.setSize(data.size());
        out.putArchiveEntry(pax);
        out.write(data.toByteArray());
        out.closeArchiveEntry();
    }

    /** The uncompressed tar. */
    byte[] tar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            out.setAddPaxHeadersForNonAsciiNames(true);
            for (Consumer<TarArchiveOutputStream> step : steps) {
                step.accept(out);
            }
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    byte[] gzip() {
        return gzip(tar());
    }

    byte[] zstd() {
        return zstd(tar());
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] zstd(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A gzip-compressed layer of one file of {@code size} zero bytes, built streaming (a decompression bomb). */
    static byte[] gzipBomb(long size) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(bytes, 1 << 16))) {
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry = new TarArchiveEntry("zeros");
            entry.setSize(size);
            out.putArchiveEntry(entry);
            byte[] zeros = new byte[1 << 20];
            for (long left = size; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(left, zeros.length));
            }
            out.closeArchiveEntry();
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The sha256 digest of {@code bytes}, for DiffIDs and blob digests. */
    static Digest digest(byte[] bytes) {
        return Digest.of(bytes);
    }
}
