package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.os.Libc;

import java.io.IOException;

/**
 * The kernel refused a netlink request (or the socket failed): says what was being done, the
 * {@code errno} and the kernel's own explanation when it gave one.
 */
final class NetlinkException extends IOException {
    private static final long serialVersionUID = 1L;
    static final int ENODEV = 19;
    static final int EEXIST = 17;
    static final int ESRCH = 3;

    private final int errno;

    NetlinkException(String action, int errno, String kernelMessage) {
        super(action + " failed: " + Libc.describe(errno)
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : " (kernel: " + kernelMessage + ")"));
        this.errno = errno;
    }

    int errno() {
        return errno;
    }
}
