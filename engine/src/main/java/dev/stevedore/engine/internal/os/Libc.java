package dev.stevedore.engine.internal.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few Linux libc calls the engine needs that NIO does not offer: directory-fd relative file
 * creation ({@code openat}, {@code mkdirat}, {@code mknodat}, {@code symlinkat}, {@code linkat}),
 * ownership and mode without following links, {@code utimensat} and {@code statx}; extended attributes are
 * {@link Xattrs}.
 *
 * <p>File names are byte arrays, not strings: a layer's names are bytes, and passing them as bytes keeps
 * them exact whatever the JVM's file-name encoding is. Each wrapper appends the terminating NUL itself
 * and throws an {@link ErrnoException} naming the call, the file and the error. Linux on 64-bit CPUs only
 * (the {@code struct timespec} and {@code size_t} layouts assumed here are LP64).
 */
public final class Libc {
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_REMOVEDIR = 0x200;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;
    /** Differs between CPU families: the generic value, and the one of arm, arm64 and powerpc. */
    public static final int O_DIRECTORY;
    public static final int O_NOFOLLOW;

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int EOPNOTSUPP = 95;

    /** {@code utimensat}: leave this time as it is. */
    public static final long UTIME_OMIT = (1L << 30) - 2L;

    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int STATX_SIZE_OF_STRUCT = 256;

    static {
        if (!Platform.isLinux() || Native.LONG_SIZE != 8) {
            throw new UnsupportedOperationException("the native file operations need 64-bit Linux; this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
        }
        String arch = Platform.ARCH;
        boolean armOrPower = arch.startsWith("arm") || arch.equals("aarch64") || arch.startsWith("ppc");
        O_DIRECTORY = armOrPower ? 040000 : 0200000;
        O_NOFOLLOW = armOrPower ? 0100000 : 0400000;
    }

    private Libc() {
    }

    /** The calls, mapped directly (faster than an interface proxy); {@code errno} arrives as LastErrorException. */
    private static final class Raw {
        static {
            Native.register(Raw.class, Platform.C_LIBRARY_NAME);
        }

        static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

        static native int mknodat(int dirfd, byte[] path, int mode, long dev) throws LastErrorException;

        static native int symlinkat(byte[] target, int newdirfd, byte[] linkpath) throws LastErrorException;

        static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
                throws LastErrorException;

        static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

        static native int fchownat(int dirfd, byte[] path, int uid, int gid, int flags) throws LastErrorException;

        static native int fchown(int fd, int uid, int gid) throws LastErrorException;

        static native int fchmodat(int dirfd, byte[] path, int mode, int flags) throws LastErrorException;

        static native int fchmod(int fd, int mode) throws LastErrorException;

        static native int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

        static native int futimens(int fd, long[] times) throws LastErrorException;

        static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] statxbuf) throws LastErrorException;

        static native long write(int fd, Pointer buf, long count) throws LastErrorException;

        static native long readlinkat(int dirfd, byte[] path, byte[] buf, long size) throws LastErrorException;

        static native int syncfs(int fd) throws LastErrorException;

        static native int geteuid();

        static native Pointer fdopendir(int fd) throws LastErrorException;

        static native Pointer readdir(Pointer dir) throws LastErrorException;

        static native int closedir(Pointer dir) throws LastErrorException;

        static native Pointer strerror(int errnum);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** {@code bytes} followed by a NUL, as C wants a string. */
    public static byte[] cString(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /** {@code s} in UTF-8 followed by a NUL. */
    static byte[] c(String s) {
        return cString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A file name for messages: UTF-8, with control characters escaped. */
    public static String display(byte[] name) {
        String s = new String(name, StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                b.append(String.format("\\x%02x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** The text of an errno value, e.g. {@code "No such file or directory (errno 2)"}. */
    public static String describe(int errno) {
        try {
            Pointer text = Raw.strerror(errno);
            return (text == null ? "error" : text.getString(0)) + " (errno " + errno + ")";
        } catch (UnsatisfiedLinkError e) {
            return "errno " + errno;
        }
    }

    private static ErrnoException fail(String call, byte[] file, LastErrorException e) {
        return new ErrnoException(call, display(file), e.getErrorCode());
    }

    private static ErrnoException fail(String call, String file, LastErrorException e) {
        return new ErrnoException(call, file, e.getErrorCode());
    }

    // ---- calls ------------------------------------------------------------------------------------

    public static int openat(int dirfd, byte[] name, int flags, int mode) throws ErrnoException {
        try {
            return Raw.openat(dirfd, cString(name), flags | O_CLOEXEC, mode);
        } catch (LastErrorException e) {
            throw fail("openat", name, e);
        }
    }

    /** Opens a path of the host (no dirfd), for the root of a tree the caller owns. */
    public static int open(String path, int flags) throws ErrnoException {
        try {
            return Raw.openat(AT_FDCWD, c(path), flags | O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw fail("open", path, e);
        }
    }

    /** Closes quietly: a failing close of a directory or read-only descriptor loses nothing. */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            Raw.close(fd);
        } catch (LastErrorException ignored) {
            // EINTR/EBADF: the descriptor is gone either way.
        }
    }

    /** Closes a descriptor that was written to, reporting the error (NFS and quota errors surface here). */
    public static void closeChecked(int fd, byte[] name) throws ErrnoException {
        try {
            Raw.close(fd);
        } catch (LastErrorException e) {
            throw fail("close", name, e);
        }
    }

    public static void mkdirat(int dirfd, byte[] name, int mode) throws ErrnoException {
        try {
            Raw.mkdirat(dirfd, cString(name), mode);
        } catch (LastErrorException e) {
            throw fail("mkdirat", name, e);
        }
    }

    /** {@code mknodat}; {@code mode} includes the file type ({@link #S_IFCHR}, ...). */
    public static void mknodat(int dirfd, byte[] name, int mode, long major, long minor) throws ErrnoException {
        try {
            Raw.mknodat(dirfd, cString(name), mode, makedev(major, minor));
        } catch (LastErrorException e) {
            throw fail("mknodat", name, e);
        }
    }

    /** glibc's {@code makedev}: 32-bit major and minor into a 64-bit {@code dev_t}. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0x00000fffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0x000000ffL);
    }

    public static void symlinkat(byte[] target, int dirfd, byte[] name) throws ErrnoException {
        try {
            Raw.symlinkat(cString(target), dirfd, cString(name));
        } catch (LastErrorException e) {
            throw fail("symlinkat", name, e);
        }
    }

    /** {@code linkat} without {@code AT_SYMLINK_FOLLOW}: a link to a symlink links the symlink itself. */
    public static void linkat(int olddirfd, byte[] oldname, int newdirfd, byte[] newname) throws ErrnoException {
        try {
            Raw.linkat(olddirfd, cString(oldname), newdirfd, cString(newname), 0);
        } catch (LastErrorException e) {
            throw fail("linkat", newname, e);
        }
    }

    public static void unlinkat(int dirfd, byte[] name, int flags) throws ErrnoException {
        try {
            Raw.unlinkat(dirfd, cString(name), flags);
        } catch (LastErrorException e) {
            throw fail("unlinkat", name, e);
        }
    }

    /** Changes the owner of {@code name} itself, never of what a symlink points to. */
    public static void lchownat(int dirfd, byte[] name, int uid, int gid) throws ErrnoException {
        try {
            Raw.fchownat(dirfd, cString(name), uid, gid, AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw fail("fchownat", name, e);
        }
    }

    public static void fchown(int fd, byte[] name, int uid, int gid) throws ErrnoException {
        try {
            Raw.fchown(fd, uid, gid);
        } catch (LastErrorException e) {
            throw fail("fchown", name, e);
        }
    }

    /**
     * {@code fchmodat} (which always follows a final symlink on Linux): the caller must know {@code name}
     * is no symlink, e.g. because it just created it in a directory only it writes.
     */
    public static void fchmodat(int dirfd, byte[] name, int mode) throws ErrnoException {
        try {
            Raw.fchmodat(dirfd, cString(name), mode, 0);
        } catch (LastErrorException e) {
            throw fail("fchmodat", name, e);
        }
    }

    public static void fchmod(int fd, byte[] name, int mode) throws ErrnoException {
        try {
            Raw.fchmod(fd, mode);
        } catch (LastErrorException e) {
            throw fail("fchmod", name, e);
        }
    }

    /** Sets access and modification time of {@code name} itself (a symlink's own times, never its target's). */
    public static void lutimensat(int dirfd, byte[] name, long atimeSeconds, long atimeNanos, long mtimeSeconds,
                                  long mtimeNanos) throws ErrnoException {
        try {
            Raw.utimensat(dirfd, cString(name), new long[] {atimeSeconds, atimeNanos, mtimeSeconds, mtimeNanos},
                    AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw fail("utimensat", name, e);
        }
    }

    public static void futimens(int fd, byte[] name, long atimeSeconds, long atimeNanos, long mtimeSeconds,
                                long mtimeNanos) throws ErrnoException {
        try {
            Raw.futimens(fd, new long[] {atimeSeconds, atimeNanos, mtimeSeconds, mtimeNanos});
        } catch (LastErrorException e) {
            throw fail("futimens", name, e);
        }
    }

    /** What {@code statx} says about a file: type and permission bits, owner, size, link count, device numbers. */
    public record Stat(int mode, int uid, int gid, long size, int nlink, long inode, long mtimeSeconds,
                       int mtimeNanos, int rdevMajor, int rdevMinor) {
        /** The file type bits ({@link #S_IFREG}, {@link #S_IFDIR}, ...). */
        public int type() {
            return mode & S_IFMT;
        }

        public boolean isDirectory() {
            return type() == S_IFDIR;
        }

        public boolean isSymlink() {
            return type() == S_IFLNK;
        }

        /** The bits a chmod sets: permissions plus setuid, setgid and sticky. */
        public int permissions() {
            return mode & 07777;
        }
    }

    /** {@code statx} of {@code name} itself (never following a final symlink); {@code null} when it does not exist. */
    public static Stat lstatat(int dirfd, byte[] name) throws ErrnoException {
        byte[] buf = new byte[STATX_SIZE_OF_STRUCT];
        try {
            Raw.statx(dirfd, cString(name), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOENT) {
                return null;
            }
            throw fail("statx", name, e);
        }
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        return new Stat(b.getShort(28) & 0xffff, b.getInt(20), b.getInt(24), b.getLong(40), b.getInt(16),
                b.getLong(32), b.getLong(112), b.getInt(120), b.getInt(128), b.getInt(132));
    }

    /** {@code statx} of a host path itself; {@code null} when it does not exist. */
    public static Stat lstat(String path) throws ErrnoException {
        return lstatat(AT_FDCWD, path.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes all of native memory {@code buf[0..count)} to {@code fd}. */
    public static void writeFully(int fd, byte[] name, Pointer buf, long count) throws ErrnoException {
        long done = 0;
        while (done < count) {
            try {
                done += Raw.write(fd, buf.share(done), count - done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 4 /* EINTR */) {
                    throw fail("write", name, e);
                }
            }
        }
    }

    /** The target text of a symlink, as bytes. */
    public static byte[] readlinkat(int dirfd, byte[] name) throws ErrnoException {
        byte[] buf = new byte[4097];
        try {
            long n = Raw.readlinkat(dirfd, cString(name), buf, buf.length);
            return Arrays.copyOf(buf, (int) n);
        } catch (LastErrorException e) {
            throw fail("readlinkat", name, e);
        }
    }

    /** Flushes the whole file system {@code fd} lives on to disk. */
    public static void syncfs(int fd, String what) throws ErrnoException {
        try {
            Raw.syncfs(fd);
        } catch (LastErrorException e) {
            throw fail("syncfs", what, e);
        }
    }

    public static int geteuid() {
        return Raw.geteuid();
    }

    /**
     * The names in the directory {@code name} (relative to {@code dirfd}), without {@code .} and {@code ..};
     * the directory is opened without following a symlink.
     */
    public static List<byte[]> listDirectory(int dirfd, byte[] name) throws ErrnoException {
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
        Pointer dir;
        try {
            dir = Raw.fdopendir(fd);
        } catch (LastErrorException e) {
            close(fd);
            throw fail("fdopendir", name, e);
        }
        List<byte[]> names = new ArrayList<>();
        try {
            while (true) {
                Pointer entry;
                try {
                    entry = Raw.readdir(dir);
                } catch (LastErrorException e) {
                    throw fail("readdir", name, e);
                }
                if (entry == null) {
                    return names;
                }
                // struct dirent on 64-bit Linux: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
                int recordLength = entry.getShort(16) & 0xffff;
                byte[] raw = entry.getByteArray(19, Math.max(0, recordLength - 19));
                int len = 0;
                while (len < raw.length && raw[len] != 0) {
                    len++;
                }
                byte[] child = Arrays.copyOf(raw, len);
                if (!(len == 1 && child[0] == '.') && !(len == 2 && child[0] == '.' && child[1] == '.')) {
                    names.add(child);
                }
            }
        } finally {
            try {
                Raw.closedir(dir);
            } catch (LastErrorException ignored) {
                // closedir closes fd; nothing was written through it.
            }
        }
    }
}
