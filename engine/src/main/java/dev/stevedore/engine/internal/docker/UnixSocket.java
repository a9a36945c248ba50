package dev.stevedore.engine.internal.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link Socket} over a unix domain socket, so that socket-based clients (OkHttp) can talk to a daemon's
 * {@code docker.sock}. The JDK offers unix domain sockets only as a {@link SocketChannel}, whose
 * {@code socket()} adapter is unsupported for them; this class is that adapter.
 *
 * <p>Whatever address {@link #connect(SocketAddress, int)} is given, the socket connects to the path it was
 * created for: OkHttp resolves a placeholder host name first and hands the result in. Read timeouts
 * ({@link #setSoTimeout(int)}) are honoured by waiting on a selector, so a silent peer ends a read with a
 * {@link SocketTimeoutException} as a TCP socket would; OkHttp relies on that to probe pooled connections.
 * Writes block until the peer has taken the bytes. {@link #shutdownOutput()} half-closes: the peer sees
 * end of stream while this side can still read.
 */
final class UnixSocket extends Socket {
    private final Path path;
    private final Object stateLock = new Object();
    private volatile SocketChannel channel;
    private volatile int soTimeoutMillis;
    private volatile boolean closed;
    private volatile boolean inputShut;
    private volatile boolean outputShut;
    private Selector readSelector;
    private Selector writeSelector;
    private InputStream in;
    private OutputStream out;

    UnixSocket(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The socket file this connects to. */
    Path path() {
        return path;
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
        connect(ignored, 0);
    }

    @Override
    public void connect(SocketAddress ignored, int timeoutMillis) throws IOException {
        synchronized (stateLock) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            if (channel != null) {
                throw new SocketException("already connected to " + path);
            }
            SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                // connecting a unix socket never waits for a network: it succeeds, or fails at once
                opened.connect(UnixDomainSocketAddress.of(path));
                opened.configureBlocking(false);
                readSelector = Selector.open();
                opened.register(readSelector, SelectionKey.OP_READ);
                writeSelector = Selector.open();
                opened.register(writeSelector, SelectionKey.OP_WRITE);
            } catch (IOException | RuntimeException e) {
                closeQuietly(opened);
                closeQuietly(readSelector);
                closeQuietly(writeSelector);
                throw e;
            }
            channel = opened;
            in = new ChannelInput();
            out = new ChannelOutput();
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        checkOpen();
        if (inputShut) {
            throw new SocketException("Socket input is shutdown");
        }
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        checkOpen();
        if (outputShut) {
            throw new SocketException("Socket output is shutdown");
        }
        return out;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        soTimeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return soTimeoutMillis;
    }

    @Override
    public void shutdownInput() throws IOException {
        checkOpen();
        channel.shutdownInput();
        inputShut = true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        checkOpen();
        channel.shutdownOutput();
        outputShut = true;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public boolean isConnected() {
        return channel != null;
    }

    @Override
    public boolean isBound() {
        return channel != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // closing the channel wakes a thread blocked in select(); the selectors go after it
        closeQuietly(channel);
        closeQuietly(readSelector);
        closeQuietly(writeSelector);
    }

    // TCP options mean nothing here; accepting them keeps the base class from creating a TCP socket.
    @Override
    public void setTcpNoDelay(boolean on) {
    }

    @Override
    public boolean getTcpNoDelay() {
        return true;
    }

    @Override
    public void setKeepAlive(boolean on) {
    }

    @Override
    public boolean getKeepAlive() {
        return false;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
    }

    @Override
    public int getSoLinger() {
        return -1;
    }

    @Override
    public void setSendBufferSize(int size) {
    }

    @Override
    public void setReceiveBufferSize(int size) {
    }

    @Override
    public InetAddress getInetAddress() {
        return null;
    }

    @Override
    public InetAddress getLocalAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return channel != null ? UnixDomainSocketAddress.of(path) : null;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return null;
    }

    @Override
    public String toString() {
        return "UnixSocket[" + path + (closed ? ", closed" : channel != null ? ", connected" : "") + "]";
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (channel == null) {
            throw new SocketException("Socket is not connected");
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing more can be done about a socket that fails to close
        }
    }

    private final class ChannelInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            synchronized (this) {
                if (inputShut) {
                    return -1;
                }
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                int timeout = soTimeoutMillis;
                long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : 0;
                while (true) {
                    int n = readChannel(buffer);
                    if (n != 0) {
                        return n;
                    }
                    long waitMillis = 0;
                    if (deadline != 0) {
                        long remaining = deadline - System.nanoTime();
                        if (remaining <= 0) {
                            throw new SocketTimeoutException("Read timed out after " + timeout + " ms on " + path);
                        }
                        waitMillis = Math.max(1, remaining / 1_000_000L);
                    }
                    awaitReady(readSelector, waitMillis);
                }
            }
        }

        @Override
        public int available() throws IOException {
            return 0;
        }

        @Override
        public void close() throws IOException {
            UnixSocket.this.close();
        }
    }

    private final class ChannelOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (this) {
                if (outputShut) {
                    throw new SocketException("Socket output is shutdown");
                }
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    int n;
                    try {
                        n = channel.write(buffer);
                    } catch (ClosedChannelException e) {
                        throw closedDuringIo(e);
                    }
                    if (n == 0) {
                        awaitReady(writeSelector, 0);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            UnixSocket.this.close();
        }
    }

    private int readChannel(ByteBuffer buffer) throws IOException {
        try {
            return channel.read(buffer);
        } catch (ClosedChannelException e) {
            throw closedDuringIo(e);
        }
    }

    private void awaitReady(Selector selector, long timeoutMillis) throws IOException {
        try {
            selector.select(timeoutMillis);
            selector.selectedKeys().clear();
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw closedDuringIo(e);
        }
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    private SocketException closedDuringIo(Exception cause) {
        SocketException e = new SocketException("Socket closed");
        e.initCause(cause);
        return e;
    }
}
