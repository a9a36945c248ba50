package dev.stevedore.docker.wire;

/**
 * File modes as Docker's API carries them (Go's {@code os.FileMode}: the type and the set-id bits as high bits) and as
 * Linux keeps them ({@code st_mode}): Docker's path stat ({@code X-Docker-Container-Path-Stat}) is read and written in
 * Go's, the engine works in {@code st_mode}.
 */
public final class GoFileMode {
    private static final long DIR = 1L << 31;
    private static final long SYMLINK = 1L << 27;
    private static final long DEVICE = 1L << 26;
    private static final long PIPE = 1L << 25;
    private static final long SOCKET = 1L << 24;
    private static final long SETUID = 1L << 23;
    private static final long SETGID = 1L << 22;
    private static final long CHAR_DEVICE = 1L << 21;
    private static final long STICKY = 1L << 20;

    private static final int S_IFMT = 0170000;

    private GoFileMode() {
    }

    /** {@code mode} (an {@code st_mode}: type and permission bits) as Go's {@code os.FileMode}. */
    public static long fromPosix(int mode) {
        long go = mode & 0777;
        if ((mode & 04000) != 0) {
            go |= SETUID;
        }
        if ((mode & 02000) != 0) {
            go |= SETGID;
        }
        if ((mode & 01000) != 0) {
            go |= STICKY;
        }
        switch (mode & S_IFMT) {
            case 0040000 -> go |= DIR;
            case 0120000 -> go |= SYMLINK;
            case 0020000 -> go |= DEVICE | CHAR_DEVICE;
            case 0060000 -> go |= DEVICE;
            case 0010000 -> go |= PIPE;
            case 0140000 -> go |= SOCKET;
            default -> { }
        }
        return go;
    }

    /** Go's {@code os.FileMode} {@code go} as an {@code st_mode}; a mode of no type Go names is a regular file's. */
    public static int toPosix(long go) {
        int mode = (int) (go & 0777);
        if ((go & SETUID) != 0) {
            mode |= 04000;
        }
        if ((go & SETGID) != 0) {
            mode |= 02000;
        }
        if ((go & STICKY) != 0) {
            mode |= 01000;
        }
        if ((go & DIR) != 0) {
            mode |= 0040000;
        } else if ((go & SYMLINK) != 0) {
            mode |= 0120000;
        } else if ((go & CHAR_DEVICE) != 0) {
            mode |= 0020000;
        } else if ((go & DEVICE) != 0) {
            mode |= 0060000;
        } else if ((go & PIPE) != 0) {
            mode |= 0010000;
        } else if ((go & SOCKET) != 0) {
            mode |= 0140000;
        } else {
            mode |= 0100000;
        }
        return mode;
    }
}
