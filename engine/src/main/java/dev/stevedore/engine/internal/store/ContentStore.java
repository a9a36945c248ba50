package dev.stevedore.engine.internal.store;

import dev.stevedore.engine.ContentVerificationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Blobs by digest under {@code ROOT/blobs/sha256/<hex>}, written through {@code ROOT/ingest/} and
 * renamed into place only after their digest and size were verified. Safe across threads and JVMs: a
 * per-digest file lock makes sure each blob is downloaded once, and a reader never sees a partial blob.
 */
public final class ContentStore {
    private final Path root;
    private final Path blobs;
    private final Path ingest;
    private final Path locks;

    public ContentStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.ingest = root.resolve("ingest");
        this.locks = root.resolve("locks");
        try {
            for (Path dir : new Path[] {root, blobs, ingest, locks}) {
                Files.createDirectories(dir);
            }
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the content store in " + root, e);
        }
    }

    /** The store's root directory. */
    public Path root() {
        return root;
    }

    /** Where the blob lives (whether or not it is there yet). */
    public Path blobPath(Digest digest) {
        return blobs.resolve(digest.hex());
    }

    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    /** Opens a stored blob. */
    public InputStream openBlob(Digest digest) throws IOException {
        try {
            return Files.newInputStream(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("blob " + digest + " is not in the content store " + root);
        }
    }

    /** Reads a small stored blob (manifest, config) whole. */
    public byte[] readBlob(Digest digest) throws IOException {
        try (InputStream in = openBlob(digest)) {
            return in.readAllBytes();
        }
    }

    /** Writes the content of a blob; called at most once per {@link #ingest} and may be retried by the caller. */
    @FunctionalInterface
    public interface BlobSource {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Stores the blob {@code source} writes, if it hashes to {@code digest} and has {@code size} bytes
     * ({@code size < 0}: unknown). Holds a lock on the digest across JVMs while writing, so concurrent
     * callers wait and then find the blob present.
     *
     * @return {@code true} when the blob was written now, {@code false} when it was already stored
     * @throws ContentVerificationException when the content does not match; nothing is stored then
     */
    public boolean ingest(Digest digest, long size, BlobSource source) throws IOException {
        if (hasBlob(digest)) {
            return false;
        }
        try (FileChannel lockChannel = FileChannel.open(locks.resolve(digest.hex() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            if (hasBlob(digest)) {
                return false;
            }
            Path temp = ingest.resolve(digest.hex() + "." + UUID.randomUUID());
            try {
                MessageDigest sha = Digest.sha256();
                long written;
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                     CountingOutputStream counting = new CountingOutputStream(java.nio.channels.Channels.newOutputStream(channel), size);
                     DigestOutputStream out = new DigestOutputStream(counting, sha)) {
                    source.writeTo(out);
                    out.flush();
                    written = counting.count;
                    channel.force(true);
                }
                String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
                if (size >= 0 && written != size) {
                    throw new ContentVerificationException("blob " + digest + " should have " + size + " bytes but "
                            + written + " arrived; nothing was stored", digest.toString(), actual);
                }
                if (!actual.equals(digest.toString())) {
                    throw new ContentVerificationException("blob content hashes to " + actual + ", not to the expected "
                            + digest + "; nothing was stored", digest.toString(), actual);
                }
                try {
                    Files.move(temp, blobPath(digest), StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename " + temp + " into place atomically", e);
                }
                return true;
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Deletes a blob; readers that already opened it keep their view. */
    public void deleteBlob(Digest digest) throws IOException {
        Files.deleteIfExists(blobPath(digest));
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private final long limit;
        long count;

        CountingOutputStream(OutputStream out, long limit) {
            super(out);
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            checkRoom(1);
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkRoom(len);
            out.write(b, off, len);
            count += len;
        }

        private void checkRoom(int len) {
            if (limit >= 0 && count + len > limit) {
                throw new ContentVerificationException("blob is larger than the " + limit
                        + " bytes its descriptor declares; nothing was stored", null, null);
            }
        }
    }

    /** An {@link IOException} turned unchecked at construction, where no caller can handle it. */
    public static final class UncheckedIOException extends java.io.UncheckedIOException {
        private static final long serialVersionUID = 1L;

        UncheckedIOException(String message, IOException cause) {
            super(message, cause);
        }
    }
}
