package dev.stevedore.engine.internal.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extended attributes through libc ({@code security.capability}, {@code trusted.overlay.*}, {@code user.*}), as
 * layers carry them: on a file itself, never following a final symlink, except {@link #fsetxattr} on an open file.
 * Names of files are bytes, as in {@link Libc}; each call throws an {@link ErrnoException} naming the call, the
 * file and the attribute.
 */
public final class Xattrs {
    private static final int ERANGE = 34;

    private Xattrs() {
    }

    /** The calls, mapped directly as {@link Libc}'s are; bound on the first of them. */
    private static final class Raw {
        static {
            Native.register(Raw.class, Platform.C_LIBRARY_NAME);
        }

        static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags) throws LastErrorException;

        static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags)
                throws LastErrorException;

        static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

        static native long llistxattr(byte[] path, byte[] list, long size) throws LastErrorException;

        static native int lremovexattr(byte[] path, byte[] name) throws LastErrorException;
    }

    public static void fsetxattr(int fd, byte[] file, String attribute, byte[] value) throws ErrnoException {
        try {
            Raw.fsetxattr(fd, Libc.c(attribute), value, value.length, 0);
        } catch (LastErrorException e) {
            throw fail("fsetxattr", file, attribute, e.getErrorCode());
        }
    }

    /** Sets an extended attribute on {@code path} itself, not following a final symlink. */
    public static void lsetxattr(byte[] path, String attribute, byte[] value) throws ErrnoException {
        try {
            Raw.lsetxattr(Libc.cString(path), Libc.c(attribute), value, value.length, 0);
        } catch (LastErrorException e) {
            throw fail("lsetxattr", path, attribute, e.getErrorCode());
        }
    }

    /** Reads an extended attribute of {@code path} itself; {@code null} when it is not set. */
    public static byte[] lgetxattr(byte[] path, String attribute) throws ErrnoException {
        byte[] cpath = Libc.cString(path);
        byte[] cname = Libc.c(attribute);
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                long size = Raw.lgetxattr(cpath, cname, null, 0);
                byte[] value = new byte[(int) size];
                long read = Raw.lgetxattr(cpath, cname, value, value.length);
                return Arrays.copyOf(value, (int) read);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.ENODATA) {
                    return null;
                }
                if (e.getErrorCode() != ERANGE) { // ERANGE: it grew between the calls; ask again
                    throw fail("lgetxattr", path, attribute, e.getErrorCode());
                }
            }
        }
        throw fail("lgetxattr", path, attribute, ERANGE);
    }

    /** Removes an extended attribute of {@code path} itself; a missing one is fine. */
    public static void lremovexattr(byte[] path, String attribute) throws ErrnoException {
        try {
            Raw.lremovexattr(Libc.cString(path), Libc.c(attribute));
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Libc.ENODATA) {
                throw fail("lremovexattr", path, attribute, e.getErrorCode());
            }
        }
    }

    /** The names of the extended attributes of {@code path} itself. */
    public static List<String> llistxattr(byte[] path) throws ErrnoException {
        byte[] cpath = Libc.cString(path);
        try {
            long size = Raw.llistxattr(cpath, null, 0);
            byte[] list = new byte[(int) size];
            long read = Raw.llistxattr(cpath, list, list.length);
            List<String> names = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < read; i++) {
                if (list[i] == 0) {
                    names.add(new String(list, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return names;
        } catch (LastErrorException e) {
            throw new ErrnoException("llistxattr", Libc.display(path), e.getErrorCode());
        }
    }

    private static ErrnoException fail(String call, byte[] file, String attribute, int errno) {
        return new ErrnoException(call, Libc.display(file) + ", " + attribute, errno);
    }
}
