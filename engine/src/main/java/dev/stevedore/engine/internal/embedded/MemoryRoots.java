package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.runtime.OrphanReaper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The in-memory roots in {@code /dev/shm} ({@link MemoryStorage}) as shared things: each keeps a record of its state
 * directory, and every JVM that uses one holds a shared lock on that record until it is done with it, so that a JVM
 * removes a root only when it holds the lock alone: closing its engine when the root is empty, or sweeping the root of
 * a deleted state directory ({@link MemoryRootSweep}). A JVM that dies releases its locks with it.
 *
 * <p>The record is {@code state-directory}: the state directory's real path, and the device of its parent directory
 * then (the file system its name lives in), so that a sweep can tell a deleted state directory (its parent, or the
 * nearest ancestor left, is on that device still) from one on a file system unmounted for now (the ancestor left is
 * the mount point, on another device).
 */
final class MemoryRoots {
    static final String RECORD = "state-directory";
    /** This JVM's shared locks, by root; guarded by the class, as a second lock of one JVM on a file is an error. */
    private static final Map<Path, FileLock> HELD = new HashMap<>();

    /** Makes a root again after a sweep removed it under a claim. */
    @FunctionalInterface
    interface Remake {
        void run() throws IOException;
    }

    /** What a root records of its state directory. */
    record Recorded(Path stateDirectory, long device) {
        /**
         * Whether the state directory is gone for good: certainly absent, with the nearest ancestor left on the file
         * system its name lived in (a state directory under a mount point unmounted now is not gone).
         */
        boolean stateDirectoryGone() {
            if (!Files.notExists(stateDirectory)) {
                return false;
            }
            Path ancestor = stateDirectory.getParent();
            while (ancestor != null && Files.notExists(ancestor)) {
                ancestor = ancestor.getParent();
            }
            try {
                return ancestor != null && Files.exists(ancestor) && MemoryRoots.device(ancestor) == device;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private MemoryRoots() {
    }

    /** Records {@code stateDirectory} in {@code root} unless recorded, and holds the root for this JVM. */
    static synchronized void claim(Path root, Path stateDirectory, Remake remake) throws IOException {
        Path record = root.resolve(RECORD);
        FileLock held = HELD.get(root);
        if (held != null && held.isValid() && Files.exists(record, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (held != null) {
            HELD.remove(root);
            held.channel().close();
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            if (attempt > 0) {
                remake.run();
            }
            record(root, stateDirectory);
            FileChannel channel = open(record);
            try {
                // waits while a sweep holds it; a record gone once the lock is ours was swept with its root: make it again
                FileLock lock = channel.lock(0, Long.MAX_VALUE, true);
                if (Files.exists(record, LinkOption.NOFOLLOW_LINKS)) {
                    HELD.put(root, lock);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            channel.close();
        }
        throw new IOException("the in-memory root " + root + " was swept away while being opened, three times");
    }

    /**
     * Removes {@code root} when nothing but its record is left in it and no other JVM holds it; else this JVM keeps
     * holding it. A root without a record (an older build's, or a configured place) goes when empty, as before.
     */
    static synchronized void removeIfUnused(Path root) {
        Path record = root.resolve(RECORD);
        try {
            if (!Files.exists(record, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(root);
                return;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, e -> !e.getFileName().toString().equals(RECORD))) {
                if (entries.iterator().hasNext()) {
                    return;
                }
            }
            FileLock held = HELD.remove(root);
            FileChannel channel = held != null ? held.channel() : open(record);
            if (held != null) {
                held.release();
            }
            FileLock alone = channel.tryLock(0, Long.MAX_VALUE, false);
            if (alone == null) {
                if (held != null) {
                    HELD.put(root, channel.lock(0, Long.MAX_VALUE, true)); // another JVM uses it: keep holding it
                } else {
                    channel.close();
                }
                return;
            }
            Files.deleteIfExists(record);
            Files.deleteIfExists(root);
            channel.close();
        } catch (IOException e) {
            // in use: not empty
        }
    }

    /**
     * Removes {@code root}, with what containers left in it, when no JVM holds it and {@code abandoned} still holds
     * with the root locked; its record goes last, so that a removal cut short is tried again by the next sweep.
     */
    static synchronized boolean removeAbandoned(Path root, Predicate<Recorded> abandoned) throws IOException {
        if (HELD.containsKey(root)) {
            return false;
        }
        Path record = root.resolve(RECORD);
        try (FileChannel channel = open(record)) {
            FileLock alone = channel.tryLock(0, Long.MAX_VALUE, false);
            Optional<Recorded> recorded = read(root);
            if (alone == null || recorded.isEmpty() || !abandoned.test(recorded.get())) {
                return false;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, e -> !e.getFileName().toString().equals(RECORD))) {
                for (Path entry : entries) {
                    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        OrphanReaper.delete(entry);
                    } else {
                        Files.delete(entry);
                    }
                }
            }
            Files.delete(record);
            Files.delete(root);
            return true;
        }
    }

    /** The record of {@code root}, or empty when it has none (made by an older build) or it is unreadable. */
    static Optional<Recorded> read(Path root) {
        try {
            String text = Files.readString(root.resolve(RECORD), StandardCharsets.UTF_8);
            int deviceLine = text.lastIndexOf('\n', text.length() - 2);
            if (!text.endsWith("\n") || deviceLine <= 0) {
                return Optional.empty();
            }
            return Optional.of(new Recorded(Path.of(text.substring(0, deviceLine)),
                    Long.parseLong(text.substring(deviceLine + 1, text.length() - 1))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Records {@code stateDirectory} in {@code root} unless it has a record. */
    static void record(Path root, Path stateDirectory) throws IOException {
        Path record = root.resolve(RECORD);
        if (Files.exists(record, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path real = MemoryStorage.real(stateDirectory);
        long device = real.getParent() == null ? 0 : device(real.getParent());
        // written whole under another name, then linked: a reader never sees half a record, a second writer keeps the first
        // named by process and time, not a random UUID: SecureRandom's first seeding costs an engine open tens of ms
        Path work = record.resolveSibling("." + RECORD + "." + ProcessHandle.current().pid() + "." + System.nanoTime());
        Files.writeString(work, real + "\n" + device + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        try {
            Files.createLink(record, work);
        } catch (FileAlreadyExistsException e) {
            // another JVM recorded the same state directory first
        } finally {
            Files.deleteIfExists(work);
        }
    }

    private static FileChannel open(Path record) throws IOException {
        try {
            return FileChannel.open(record, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IOException("the in-memory root " + record.getParent() + " lost its record", e);
        }
    }

    private static long device(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:dev")).longValue();
    }
}
