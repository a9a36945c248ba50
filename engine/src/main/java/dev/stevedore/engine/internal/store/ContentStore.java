package dev.stevedore.engine.internal.store;

import dev.stevedore.engine.ContentVerificationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Blobs by digest under {@code ROOT/blobs/sha256/<hex>}, written through {@code ROOT/ingest/} and
 * renamed into place only after their digest and size were verified. Safe across threads and JVMs: a
 * per-digest file lock makes sure each blob is downloaded once, and a reader never sees a partial blob.
 */
public final class ContentStore {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");
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
        try (CrossProcessLock ignored = CrossProcessLock.acquire(lockFile(digest))) {
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
        try (CrossProcessLock ignored = CrossProcessLock.acquire(lockFile(digest))) {
            Files.deleteIfExists(blobPath(digest));
        }
    }

    /** The digests of every stored blob. */
    public Set<Digest> blobs() throws IOException {
        Set<Digest> all = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(blobs)) {
            for (Path blob : dir) {
                String name = blob.getFileName().toString();
                if (HEX.matcher(name).matches()) {
                    all.add(new Digest("sha256", name));
                }
            }
        }
        return all;
    }

    /**
     * Deletes every blob not in {@code keep}, and ingest files that no writer holds any more (left by a
     * JVM that died mid-download). The caller makes sure no pull is between storing its blobs and
     * recording its image (see the engine's store collector), or that pull would lose blobs.
     *
     * @return the number of bytes freed
     */
    public long deleteUnreferenced(Set<Digest> keep) throws IOException {
        long freed = 0;
        for (Digest digest : blobs()) {
            if (keep.contains(digest)) {
                continue;
            }
            try (CrossProcessLock ignored = CrossProcessLock.acquire(lockFile(digest))) {
                Path blob = blobPath(digest);
                long size = Files.exists(blob) ? Files.size(blob) : 0;
                if (Files.deleteIfExists(blob)) {
                    freed += size;
                }
            }
        }
        return freed + deleteAbandonedIngests();
    }

    /**
     * Deletes the ingest files no writer holds any more: those of a JVM that died (or was killed) while it wrote a
     * blob. A writer holds its digest's lock while its file exists, so this is safe at any time.
     *
     * @return the number of bytes freed
     */
    public long deleteAbandonedIngests() throws IOException {
        long freed = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(ingest)) {
            for (Path partial : dir) {
                String name = partial.getFileName().toString();
                int dot = name.indexOf('.');
                if (dot != 64 || !HEX.matcher(name.substring(0, 64)).matches()) {
                    continue;
                }
                try (CrossProcessLock held = CrossProcessLock.tryAcquire(lockFile(new Digest("sha256", name.substring(0, 64))))) {
                    if (held != null) {
                        long size = Files.exists(partial) ? Files.size(partial) : 0;
                        if (Files.deleteIfExists(partial)) {
                            freed += size;
                        }
                    }
                } catch (IllegalStateException busyInThisThread) {
                    // This thread is ingesting it: not stale.
                }
            }
        }
        return freed;
    }

    private Path lockFile(Digest digest) {
        return locks.resolve(digest.hex() + ".lock");
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
