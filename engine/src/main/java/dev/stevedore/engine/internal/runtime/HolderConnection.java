package dev.stevedore.engine.internal.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A connection to the user's namespace holder ({@code launcher userns-hold}, engine/src/main/c/usernet.c): the
 * JVM's lifeline to it (the holder lives while anyone is connected) and the way to ask it for what only a process
 * inside the user's namespaces can make, such as an rtnetlink socket there, which arrives as a descriptor
 * ({@code SCM_RIGHTS}). The JDK's unix sockets cannot receive descriptors, so this one is JNA's. Requests are
 * answered one at a time, in order; callers share the connection (methods are synchronized).
 */
final class HolderConnection implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int ENOENT = 2;
    private static final int ECONNREFUSED = 111;
    private static final int EINTR = 4;

    static {
        Native.register(HolderConnection.class, Platform.C_LIBRARY_NAME);
    }

    private static native int socket(int domain, int type, int protocol) throws LastErrorException;

    private static native int connect(int fd, byte[] address, int length) throws LastErrorException;

    private static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    private static native long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    /** A reply: the record, and the descriptor that came with it (-1 when none did). */
    record Reply(Records.Record record, int fd) {
    }

    private final int fd;
    private final Deque<Integer> received = new ArrayDeque<>();
    private final Records.Reader reader;
    private boolean closed;

    private HolderConnection(int fd) {
        this.fd = fd;
        this.reader = new Records.Reader(new Input());
    }

    /**
     * Connects to the holder listening on {@code socket}; null when nobody listens there (no socket file, or one a
     * holder that ended left behind).
     */
    static HolderConnection tryConnect(Path socket) throws IOException {
        byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
        if (path.length >= 108) {
            throw new IOException("the socket path " + socket + " is longer than a unix socket allows (107 bytes); "
                    + "set XDG_RUNTIME_DIR to a shorter directory");
        }
        byte[] address = new byte[2 + 108]; // sockaddr_un: family, path NUL-terminated
        address[0] = (byte) AF_UNIX; // little- and big-endian alike: the family is a native short
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN) {
            address[0] = 0;
            address[1] = (byte) AF_UNIX;
        }
        System.arraycopy(path, 0, address, 2, path.length);
        int fd;
        try {
            fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a unix socket: errno " + e.getErrorCode(), e);
        }
        try {
            connect(fd, address, address.length);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            if (e.getErrorCode() == ENOENT || e.getErrorCode() == ECONNREFUSED) {
                return null;
            }
            throw new IOException("cannot connect to " + socket + ": errno " + e.getErrorCode(), e);
        }
        return new HolderConnection(fd);
    }

    /** What the holder says first on a connection: its process id, and whether slirp4netns routes its namespace out. */
    record Greeting(long pid, boolean outbound) {
    }

    /** Reads the holder's greeting, the first record on a connection. */
    synchronized Greeting greeting() throws IOException {
        Records.Record greeting = reader.next();
        if (greeting == null || !greeting.key().equals("holder")) {
            throw new IOException("the user's namespace holder did not greet (" + (greeting == null ? "it hung up" : greeting.key()) + ")");
        }
        return new Greeting(Long.parseLong(greeting.field(0)), greeting.field(1).equals("outbound"));
    }

    /** Sends one request and reads its reply. */
    synchronized Reply request(String key, String... fields) throws IOException {
        if (closed) {
            throw new IOException("the connection to the user's namespace holder is closed");
        }
        byte[] bytes = Records.encode(key, fields);
        int off = 0;
        while (off < bytes.length) {
            byte[] rest = off == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, off, bytes.length);
            try {
                off += (int) send(fd, rest, rest.length, MSG_NOSIGNAL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new IOException("the user's namespace holder is gone (errno " + e.getErrorCode() + ")", e);
                }
            }
        }
        Records.Record reply = reader.next();
        if (reply == null) {
            throw new IOException("the user's namespace holder hung up");
        }
        Integer passed = received.pollFirst();
        while (!received.isEmpty()) {
            closeQuietly(received.pollFirst()); // never asked for
        }
        if (reply.key().equals("error")) {
            if (passed != null) {
                closeQuietly(passed);
            }
            throw new IOException(reply.field(0));
        }
        return new Reply(reply, passed == null ? -1 : passed);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(fd);
        }
    }

    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // nothing is pending on a socket we only read
        }
    }

    /** The connection's bytes, with every descriptor that arrives set aside in {@link #received}. */
    private final class Input extends InputStream {
        private static final int CONTROL = 64;
        private final Memory data = new Memory(4096);
        private final Memory control = new Memory(CONTROL);
        private final Memory iov = new Memory(16);
        private final Memory message = new Memory(56);
        private int position;
        private int limit;

        /** Byte by byte from a buffer that one {@code recvmsg} fills: replies are a few bytes each. */
        @Override
        public int read() throws IOException {
            if (position == limit) {
                limit = receive();
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return -1;
                }
            }
            return data.getByte(position++) & 0xff;
        }

        private int receive() throws IOException {
            // struct iovec { base, len } and struct msghdr on LP64 Linux: name, namelen, iov, iovlen, control,
            // controllen, flags at 0, 8, 16, 24, 32, 40, 48
            iov.setPointer(0, data);
            iov.setLong(8, data.size());
            message.clear();
            message.setPointer(16, iov);
            message.setLong(24, 1);
            message.setPointer(32, control);
            message.setLong(40, CONTROL);
            long n;
            for (;;) {
                try {
                    n = recvmsg(fd, message, MSG_CMSG_CLOEXEC);
                    break;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw new IOException("reading from the user's namespace holder failed (errno " + e.getErrorCode() + ")", e);
                    }
                }
            }
            long controlLength = message.getLong(40);
            for (long at = 0; at + 16 <= controlLength; ) {
                long length = control.getLong(at);
                if (length < 16) {
                    break;
                }
                if (control.getInt(at + 8) == SOL_SOCKET && control.getInt(at + 12) == SCM_RIGHTS) {
                    for (long d = at + 16; d + 4 <= at + length; d += 4) {
                        received.addLast(control.getInt(d));
                    }
                }
                at += (length + 7) & ~7L;
            }
            return (int) n;
        }
    }
}
