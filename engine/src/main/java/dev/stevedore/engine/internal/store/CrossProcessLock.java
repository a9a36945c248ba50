package dev.stevedore.engine.internal.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A lock on a file that holds across threads of this JVM <em>and</em> across JVMs sharing a state
 * directory. {@link FileChannel#lock()} alone is per JVM (a second thread gets an
 * {@code OverlappingFileLockException} instead of waiting), so each lock file also has a JVM-wide
 * read-write lock in front of it; shared holders in one JVM share one shared file lock.
 *
 * <p>Not reentrant: a thread that holds a lock and asks for it again gets an {@link IllegalStateException}.
 * The lock file is left in place when released: deleting it would race with the next holder.
 */
public final class CrossProcessLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, Holder> HOLDERS = new ConcurrentHashMap<>();
    private static final java.time.Duration POLL_LIMIT = java.time.Duration.ofMinutes(30);
    private static final long POLL_INTERVAL_MS = 20;

    private final Holder holder;
    private final boolean shared;
    private FileChannel channel;
    private FileLock fileLock;
    private boolean closed;

    private static final class Holder {
        final Path file;
        final ReentrantReadWriteLock local = new ReentrantReadWriteLock();
        int users;
        // For shared holders of this JVM: one shared file lock, counted.
        int sharedHolders;
        FileChannel sharedChannel;
        FileLock sharedLock;

        Holder(Path file) {
            this.file = file;
        }
    }

    private CrossProcessLock(Holder holder, boolean shared) {
        this.holder = holder;
        this.shared = shared;
    }

    /** Waits for and takes the exclusive lock on {@code lockFile} (created if missing). */
    public static CrossProcessLock acquire(Path lockFile) throws IOException {
        return acquire(lockFile, false, true);
    }

    /** Waits for and takes a shared lock on {@code lockFile}: other shared holders may hold it too. */
    public static CrossProcessLock acquireShared(Path lockFile) throws IOException {
        return acquire(lockFile, true, true);
    }

    /** Takes the exclusive lock if nobody holds it now; {@code null} when someone does. */
    public static CrossProcessLock tryAcquire(Path lockFile) throws IOException {
        return acquire(lockFile, false, false);
    }

    private static CrossProcessLock acquire(Path lockFile, boolean shared, boolean wait) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        Holder holder = HOLDERS.compute(key, (k, h) -> {
            Holder result = h == null ? new Holder(k) : h;
            result.users++;
            return result;
        });
        CrossProcessLock lock = new CrossProcessLock(holder, shared);
        boolean ok = false;
        try {
            if (holder.local.isWriteLockedByCurrentThread() || holder.local.getReadHoldCount() > 0) {
                throw new IllegalStateException("this thread already holds the lock " + key);
            }
            if (!lock.lockLocally(wait)) {
                return null;
            }
            try {
                ok = shared ? lock.lockFileShared() : lock.lockFileExclusive(wait);
            } finally {
                if (!ok) {
                    lock.unlockLocally();
                }
            }
            return ok ? lock : null;
        } finally {
            if (!ok) {
                release(holder);
            }
        }
    }

    private boolean lockLocally(boolean wait) throws InterruptedIOException {
        ReentrantReadWriteLock.WriteLock write = holder.local.writeLock();
        ReentrantReadWriteLock.ReadLock read = holder.local.readLock();
        try {
            if (shared) {
                read.lockInterruptibly();
                return true;
            }
            if (wait) {
                write.lockInterruptibly();
                return true;
            }
            return write.tryLock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lock " + holder.file);
        }
    }

    private void unlockLocally() {
        if (shared) {
            holder.local.readLock().unlock();
        } else {
            holder.local.writeLock().unlock();
        }
    }

    private boolean lockFileExclusive(boolean wait) throws IOException {
        FileChannel ch = FileChannel.open(holder.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock l = wait ? waitFor(ch, false) : ch.tryLock();
            if (l == null) {
                ch.close();
                return false;
            }
            channel = ch;
            fileLock = l;
            return true;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private boolean lockFileShared() throws IOException {
        synchronized (holder) {
            if (holder.sharedHolders == 0) {
                FileChannel ch = FileChannel.open(holder.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                try {
                    holder.sharedLock = waitFor(ch, true);
                    holder.sharedChannel = ch;
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
            }
            holder.sharedHolders++;
            return true;
        }
    }

    /**
     * Waits for the file lock. Linux checks blocking POSIX locks for deadlocks per process, not per thread, so two
     * JVMs whose threads wait on each other's locks crosswise (thread A1 holds x and waits for y, B1 holds y, B2 waits
     * for x) get {@code EDEADLK} ("Resource deadlock avoided") though no thread waits for itself. Such a wait goes on
     * by polling instead, which the kernel does not check, for at most {@link #POLL_LIMIT}.
     */
    private static FileLock waitFor(FileChannel ch, boolean shared) throws IOException {
        try {
            return ch.lock(0, Long.MAX_VALUE, shared);
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("deadlock")) {
                throw e;
            }
            long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                FileLock l = ch.tryLock(0, Long.MAX_VALUE, shared);
                if (l != null) {
                    return l;
                }
                try {
                    Thread.sleep(POLL_INTERVAL_MS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a file lock");
                }
            }
            throw new IOException("waited " + POLL_LIMIT.toMinutes() + " minutes for a file lock that another process holds", e);
        }
    }

    private static void release(Holder holder) {
        HOLDERS.compute(holder.file, (k, h) -> {
            if (h == null) {
                return null;
            }
            h.users--;
            return h.users == 0 ? null : h;
        });
    }

    /** Releases the lock; closing twice is harmless. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (shared) {
                synchronized (holder) {
                    if (--holder.sharedHolders == 0) {
                        try {
                            holder.sharedLock.release();
                        } finally {
                            holder.sharedChannel.close();
                            holder.sharedLock = null;
                            holder.sharedChannel = null;
                        }
                    }
                }
            } else {
                try {
                    fileLock.release();
                } finally {
                    channel.close();
                }
            }
        } finally {
            unlockLocally();
            release(holder);
        }
    }
}
