package dev.stevedore.engine.internal.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Linux calls the engine needs beyond {@link Libc}: pidfds (signal a process that cannot be a
 * recycled pid), {@code openat2} (resolve a path inside a container's root, the kernel keeping every
 * symlink and {@code ..} inside it), {@code fstatfs} and {@code statx} of a descriptor. The syscall
 * numbers are those every architecture shares since Linux 5.1.
 */
public final class Syscalls {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_OPENAT2 = 437;

    /** {@code openat2} resolve flags. */
    public static final long RESOLVE_NO_XDEV = 0x01;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_IN_ROOT = 0x10;

    public static final int ESRCH = 3;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff;

    private interface C extends Library {
        C INSTANCE = Native.load(Platform.C_LIBRARY_NAME, C.class);

        long syscall(long number, Object... args) throws LastErrorException;

        int fstatfs(int fd, byte[] buf) throws LastErrorException;

        int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) throws LastErrorException;
    }

    private Syscalls() {
    }

    /** A pidfd for {@code pid}; -1 when no such process exists. */
    public static int pidfdOpen(long pid) throws ErrnoException {
        try {
            return (int) C.INSTANCE.syscall(SYS_PIDFD_OPEN, (int) pid, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return -1;
            }
            throw new ErrnoException("pidfd_open", Long.toString(pid), e.getErrorCode());
        }
    }

    /** Sends {@code signal}; false when the process has ended meanwhile. */
    public static boolean pidfdSendSignal(int pidfd, int signal) throws ErrnoException {
        try {
            C.INSTANCE.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, null, 0);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return false;
            }
            throw new ErrnoException("pidfd_send_signal", "signal " + signal, e.getErrorCode());
        }
    }

    /**
     * Sends {@code signal} to exactly {@code process}: the pidfd is opened first and the start time
     * checked after, so a pid recycled in between is never signalled.
     *
     * @return false when the process has ended
     */
    public static boolean signal(ProcessIdentity process, int signal) throws ErrnoException {
        int pidfd = pidfdOpen(process.pid());
        if (pidfd < 0) {
            return false;
        }
        try {
            if (!process.isAlive()) {
                return false;
            }
            return pidfdSendSignal(pidfd, signal);
        } finally {
            Libc.close(pidfd);
        }
    }

    /**
     * {@code openat2(dirfd, path, flags, mode, resolve)}; {@link Libc#O_CLOEXEC} is always added.
     *
     * @throws ErrnoException naming {@code path} when the kernel refuses
     */
    public static int openat2(int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException {
        long[] how = {flags | Libc.O_CLOEXEC, mode, resolve};
        try {
            return (int) C.INSTANCE.syscall(SYS_OPENAT2, dirfd, Libc.cString(path.getBytes(StandardCharsets.UTF_8)), how,
                    (long) (how.length * Long.BYTES));
        } catch (LastErrorException e) {
            throw new ErrnoException("openat2", path, e.getErrorCode());
        }
    }

    /** The file system type ({@code f_type} of {@code statfs}, e.g. 0x9fa0 for proc) of what {@code fd} refers to. */
    public static long fileSystemType(int fd) throws ErrnoException {
        byte[] buf = new byte[120];
        try {
            C.INSTANCE.fstatfs(fd, buf);
        } catch (LastErrorException e) {
            throw new ErrnoException("fstatfs", "fd " + fd, e.getErrorCode());
        }
        return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(0);
    }

    /** The device {@code fd}'s file lives on, as one number (major in the high half). */
    public static long device(int fd) throws ErrnoException {
        ByteBuffer b = statx(fd);
        return ((long) b.getInt(136) << 32) | (b.getInt(140) & 0xffffffffL);
    }

    private static ByteBuffer statx(int fd) throws ErrnoException {
        byte[] buf = new byte[256];
        try {
            C.INSTANCE.statx(fd, new byte[] {0}, AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
        } catch (LastErrorException e) {
            throw new ErrnoException("statx", "fd " + fd, e.getErrorCode());
        }
        return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
    }

    /** {@code statx} of the file {@code fd} refers to (a symlink itself when opened with O_PATH|O_NOFOLLOW). */
    public static Libc.Stat fstat(int fd) throws ErrnoException {
        ByteBuffer b = statx(fd);
        return new Libc.Stat(b.getShort(28) & 0xffff, b.getInt(20), b.getInt(24), b.getLong(40), b.getInt(16),
                b.getLong(32), b.getLong(112), b.getInt(120), b.getInt(128), b.getInt(132));
    }
}
