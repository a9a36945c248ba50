package dev.stevedore.serve.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One accepted client connection, whatever carries it: a unix socket channel or a TLS socket. Reading and
 * writing may happen on two threads at once (a hijacked exec reads stdin while it writes output), which is
 * why the channel's streams are our own: the JDK's {@code Channels.newInputStream} holds the channel's
 * blocking lock during a read, and a write would wait for it.
 */
interface ClientSocket extends Closeable {

    InputStream input();

    OutputStream output();

    /** Half-closes: the client reads the end of the stream, and may still write. */
    void shutdownOutput() throws IOException;

    /** A unix socket client. */
    static ClientSocket of(SocketChannel channel) {
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n;
                do {
                    n = read(one, 0, 1);
                } while (n == 0);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                return channel.read(ByteBuffer.wrap(buffer, offset, length));
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] data, int offset, int length) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
        return new ClientSocket() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void shutdownOutput() throws IOException {
                channel.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** A TCP (TLS) client. */
    static ClientSocket of(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        return new ClientSocket() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void shutdownOutput() throws IOException {
                // TLS 1.3 half-closes with close_notify alone; a plain close would first send user_canceled,
                // which the Go client reports as an error instead of the end of the stream
                socket.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }
}
