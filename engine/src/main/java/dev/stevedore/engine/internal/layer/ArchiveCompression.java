package dev.stevedore.engine.internal.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A tar stream as a client sends it to be extracted: plain, or compressed with gzip, bzip2, xz or zstd, told apart by
 * their magic numbers as dockerd's {@code archive.DetectCompression} does. Read compressed bytes as a tar and a small
 * archive looks like an empty one (its first 512 bytes are no header), a larger one like a corrupt one.
 */
public final class ArchiveCompression {
    private static final byte[] GZIP = {0x1f, (byte) 0x8b, 0x08};
    private static final byte[] BZIP2 = {0x42, 0x5a, 0x68};
    private static final byte[] XZ = {(byte) 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00};
    private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

    private ArchiveCompression() {
    }

    /** The compression {@code magic} (the stream's first bytes) names: gzip, bzip2, xz, zstd, or none. */
    public static String detect(byte[] magic) {
        if (startsWith(magic, GZIP)) {
            return "gzip";
        }
        if (startsWith(magic, BZIP2)) {
            return "bzip2";
        }
        if (startsWith(magic, XZ)) {
            return "xz";
        }
        if (startsWith(magic, ZSTD)) {
            return "zstd";
        }
        return "none";
    }

    /** The tar stream inside {@code in}, decompressed when its first bytes say it is compressed. */
    public static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        buffered.mark(XZ.length);
        byte[] magic = buffered.readNBytes(XZ.length);
        buffered.reset();
        return switch (detect(magic)) {
            case "gzip" -> new GzipCompressorInputStream(buffered, true); // concatenated members, as Go's reader
            case "bzip2" -> new BZip2CompressorInputStream(buffered, true);
            case "xz" -> new XZCompressorInputStream(buffered, true);
            case "zstd" -> new ZstdInputStreamNoFinalizer(buffered);
            default -> buffered;
        };
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
