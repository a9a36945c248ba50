package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.FileTrees;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.stevedore.engine.UnsafeLayerException;
import dev.stevedore.engine.internal.os.Privileges;
import dev.stevedore.engine.internal.store.Digest;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks one layer blob (tar, gzip- or zstd-compressed tar) into a fresh directory in the format
 * overlayfs reads as a lower layer, and returns the layer's DiffID (the sha256 of the uncompressed tar)
 * for the caller to check against the image config's {@code rootfs.diff_ids}.
 *
 * <p><b>Format.</b> A whiteout {@code .wh.NAME} becomes a character device 0:0 named NAME (owned as the
 * entry says); an opaque marker {@code .wh..wh..opq} sets {@code trusted.overlay.opaque=y} ({@code user.overlay.opaque}
 * rootless) on its directory,
 * wherever it appears among the directory's entries; other {@code .wh..wh.*} names are ignored and a bare
 * {@code .wh.} is an error. A whiteout meeting a name this same layer made leaves that name alone (a
 * whiteout deletes lower content only); a directory made over this layer's own whiteout becomes opaque.
 * Regular files are created with {@code O_CREAT|O_EXCL|O_NOFOLLOW}; symlinks keep their target text
 * verbatim and are never followed; hard links must point to a non-directory of this layer (a link into a
 * lower layer is refused, as containerd and Docker refuse it: overlay directories cannot share an inode
 * across layers); devices are made only by root outside a user namespace (otherwise skipped, logged at
 * debug), FIFOs always. Ownership is numeric (names ignored) and applied as {@link LayerOwners} says (as root at
 * once; rootless at the end, inside the user's namespace);
 * extended attributes come from PAX {@code SCHILY.xattr.*} records (kernel refusals for lack of support or
 * privilege are tolerated; {@code trusted.overlay.*} and {@code user.overlay.*} are never taken from an
 * archive); the mode, all of {@code 07777}, is set after ownership (chown clears setuid), and directory
 * modes and times after all entries.
 *
 * <p><b>Path safety.</b> Names are cleaned as {@link LayerPaths} describes: an absolute name is taken as
 * relative to the layer root (as Docker does), a {@code ..} that would climb out, a NUL byte, a name over
 * 4096 bytes or a component over 255 bytes is refused. Paths are then resolved component by component from
 * the layer root through directory descriptors opened with {@code O_NOFOLLOW}; an entry whose path passes
 * through a symlink is refused (so a layer that makes {@code a -> /etc} and then writes {@code a/passwd}
 * fails), and a symlink named {@code .} is refused (CVE-2021-29136). This userspace walk is safe because
 * the directory is fresh and nothing but this unpacker writes into it while it runs: no other process can
 * swap a directory for a link between the check and the use.
 *
 * <p><b>Failure.</b> A refused entry, a damaged archive (bad header, truncated stream) or a stream larger
 * than the limits is an {@link UnsafeLayerException} naming the layer and entry; an I/O error of the target
 * is an {@link IOException}. Either way the target directory is deleted: callers unpack into a temporary
 * directory and rename it into place on success.
 */
public final class LayerUnpacker {
    private static final int BUFFER = 1 << 16;
    private static final long PROGRESS_STEP = 1 << 20;

    private final Options options;

    /**
     * How an unpack may behave.
     *
     * @param maxBytes        the most uncompressed bytes a layer may have (a gzip bomb stops here)
     * @param maxEntries      the most archive entries a layer may have
     * @param owners          how files get the archive's uid/gid (see {@link LayerOwners})
     * @param createDevices   create character and block devices (needs root outside a user namespace)
     * @param opaqueAttribute the extended attribute that marks an opaque directory: {@code trusted.overlay.opaque},
     *                        or {@code user.overlay.opaque} for an overlay mounted with {@code userxattr} (rootless)
     */
    public record Options(long maxBytes, long maxEntries, LayerOwners.Factory owners, boolean createDevices,
                          String opaqueAttribute) {
        static final String TRUSTED_OPAQUE = "trusted.overlay.opaque";
        static final String USER_OPAQUE = "user.overlay.opaque";

        /** 64 GiB, one million entries, owners and devices as this process's privileges allow. */
        public static Options defaults() {
            boolean root = Privileges.isRoot();
            return new Options(64L << 30, 1_000_000, root ? LayerOwners::host : LayerOwners::none,
                    root && !Privileges.inUserNamespace(), TRUSTED_OPAQUE);
        }

        /**
         * For a rootless engine's overlay (mounted with {@code userxattr} in the user's namespace): owners applied
         * by {@code owners}, no devices, opaque directories marked with {@code user.overlay.opaque}.
         */
        public static Options rootless(LayerOwners.Factory owners) {
            return new Options(64L << 30, 1_000_000, owners, false, USER_OPAQUE);
        }

        public Options withMaxBytes(long bytes) {
            return new Options(bytes, maxEntries, owners, createDevices, opaqueAttribute);
        }

        public Options withMaxEntries(long entries) {
            return new Options(maxBytes, entries, owners, createDevices, opaqueAttribute);
        }

        public Options withCreateDevices(boolean devices) {
            return new Options(maxBytes, maxEntries, owners, devices, opaqueAttribute);
        }
    }

    public LayerUnpacker() {
        this(Options.defaults());
    }

    public LayerUnpacker(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** As {@link #unpack(Digest, InputStream, Path, List, LongConsumer)} for a bottom layer, without progress. */
    public Digest unpack(Digest layerDigest, InputStream blob, Path target) throws IOException {
        return unpack(layerDigest, blob, target, List.of(), bytes -> { });
    }

    /**
     * Unpacks {@code blob} into {@code target}, which must not exist yet (its parent must); the compression
     * is recognised from the stream's first bytes, whatever the media type claimed. {@code blob} is closed.
     *
     * @param layerDigest the blob's digest, for messages
     * @param lowerLayers the unpacked layers below this one, nearest first: directories this layer needs
     *                    without describing them copy owner, mode and attributes from there (empty for the
     *                    bottom layer)
     * @param progress    told the number of blob bytes consumed so far, about every MiB and at the end
     * @return the DiffID: the sha256 of the uncompressed tar stream, all of it
     * @throws UnsafeLayerException when the layer is refused or damaged; {@code target} is gone then
     * @throws IOException          when writing the target fails; {@code target} is gone then
     */
    public Digest unpack(Digest layerDigest, InputStream blob, Path target, List<Path> lowerLayers,
                         LongConsumer progress) throws IOException {
        return unpackLayer(layerDigest, blob, target, lowerLayers, progress).diffId();
    }

    /**
     * What an unpack found out about its layer.
     *
     * @param diffId      the sha256 of the uncompressed tar stream
     * @param contentSize the layer's size as Docker counts it ({@link LayerSizes})
     */
    public record Unpacked(Digest diffId, long contentSize) { }

    /** As {@link #unpack(Digest, InputStream, Path, List, LongConsumer)}, also counting the layer's content size. */
    public Unpacked unpackLayer(Digest layerDigest, InputStream blob, Path target, List<Path> lowerLayers,
                                LongConsumer progress) throws IOException {
        try {
            Files.createDirectory(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "a layer is unpacked into a fresh directory, and this one exists");
        }
        try (ProgressInputStream counted = new ProgressInputStream(blob, progress);
             LayerTree tree = LayerTree.open(target, options.owners().forLayer(), options.createDevices(),
                     options.opaqueAttribute(), new LowerLayers(lowerLayers))) {
            // The root of a lower layer is the container's "/": 0755 whatever the process umask is.
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            HashingInputStream tarStream = new HashingInputStream(decompress(counted), options.maxBytes());
            TarReader reader = new TarReader(new BufferedInputStream(tarStream, BUFFER), options.maxEntries());
            TarEntry entry;
            long contentSize = 0;
            while ((entry = reader.next()) != null) {
                contentSize += LayerSizes.contentSize(entry);
                tree.apply(entry, reader.content());
            }
            reader.drain();
            tree.finish();
            counted.report();
            return new Unpacked(new Digest("sha256", HexFormat.of().formatHex(tarStream.digest())), contentSize);
        } catch (LayerFault fault) {
            String entry = fault.entry();
            UnsafeLayerException refused = new UnsafeLayerException("layer " + layerDigest
                    + (entry == null ? "" : ", entry \"" + entry + "\"") + ": " + fault.getMessage()
                    + "; the layer was not unpacked (the image is damaged or hostile)",
                    layerDigest.toString(), entry, fault.getCause());
            deleteAfterFailure(target, refused);
            throw refused;
        } catch (Throwable failure) {
            deleteAfterFailure(target, failure);
            throw failure;
        }
    }

    /** Deletes a partial directory; a failure to do so is added to, never hides, the first one. */
    static void deleteAfterFailure(Path directory, Throwable failure) {
        try {
            FileTrees.deleteRecursively(directory);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The tar stream inside {@code raw}: gzip and zstd recognised by their first bytes, else the bytes as they are. */
    static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        try {
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                return new SourceGuard(new GZIPInputStream(in, BUFFER), "gzip");
            }
            if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                    && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
                return new SourceGuard(new ZstdInputStreamNoFinalizer(in), "zstd");
            }
        } catch (IOException e) {
            throw new LayerFault(null, "the compressed stream is damaged: " + e.getMessage(), e);
        }
        return new SourceGuard(in, "tar");
    }

    /** Turns read errors of the blob or decompressor into a fault: a broken stream is a broken layer. */
    private static final class SourceGuard extends FilterInputStream {
        private final String format;

        SourceGuard(InputStream in, String format) {
            super(in);
            this.format = format;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw broken(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw broken(e);
            }
        }

        private IOException broken(IOException e) {
            if (e instanceof java.io.InterruptedIOException || e instanceof java.nio.channels.ClosedByInterruptException) {
                return e; // the unpack was cancelled: nothing is wrong with the layer
            }
            throw new LayerFault(null, "the " + format + " stream is damaged or truncated (" + e + ")", e);
        }
    }

    /** Hashes and counts the uncompressed stream, and stops it at the size limit. */
    private static final class HashingInputStream extends FilterInputStream {
        private final MessageDigest sha = Digest.sha256();
        private final long limit;
        private long count;

        HashingInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > limit) {
                    throw new LayerFault(null, "the layer decompresses to more than " + limit
                            + " bytes, the limit (a decompression bomb?)");
                }
                sha.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, BUFFER)];
            int read = read(buf, 0, buf.length);
            return Math.max(read, 0);
        }

        byte[] digest() {
            return sha.digest();
        }
    }

    /** Counts blob bytes for progress events. */
    private static final class ProgressInputStream extends FilterInputStream {
        private final LongConsumer progress;
        private long count;
        private long reported;

        ProgressInputStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        private void advance(long n) {
            count += n;
            if (count - reported >= PROGRESS_STEP) {
                report();
            }
        }

        void report() {
            reported = count;
            progress.accept(count);
        }
    }
}
