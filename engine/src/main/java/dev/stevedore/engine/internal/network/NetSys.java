package dev.stevedore.engine.internal.network;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The socket and namespace calls the network code needs that the JDK does not offer: raw netlink
 * sockets and {@code setns}. Direct-mapped (faster than an interface proxy); errors arrive as
 * {@link LastErrorException} carrying {@code errno}. Linux only.
 */
final class NetSys {
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 02000000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int CLONE_NEWNET = 0x40000000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 02000000;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    static {
        Native.register(NetSys.class, Platform.C_LIBRARY_NAME);
    }

    private NetSys() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    static native long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

    static native int setsockopt(int fd, int level, int option, byte[] value, int length) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Closes a socket or namespace handle; nothing is ever pending on those, so a failure changes nothing. */
    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // See above.
        }
    }
}
