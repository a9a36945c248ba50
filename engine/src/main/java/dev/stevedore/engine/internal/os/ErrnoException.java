package dev.stevedore.engine.internal.os;

import java.io.IOException;

/**
 * A libc call failed: carries the call, the file it was about and the {@code errno}, so callers can
 * react to a specific error ({@link Libc#ENOENT}, {@link Libc#EEXIST}, ...) and messages stay precise.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public ErrnoException(String call, String file, int errno) {
        super(call + "(" + file + ") failed: " + Libc.describe(errno));
        this.errno = errno;
    }

    /** The {@code errno} the call set. */
    public int errno() {
        return errno;
    }
}
