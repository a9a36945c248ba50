package dev.stevedore.engine.internal.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * The tcp side of {@link PortProxy}: a listening port, the connections it accepts, and the buffers their two
 * directions relay through. Everything here is touched on the proxy's selector thread only (but for a target).
 */
final class TcpRelay {
    private static final Logger LOG = LoggerFactory.getLogger(PortProxy.class);
    private static final int BUFFER_SIZE = 128 * 1024;

    private TcpRelay() {
    }

    /** A listening port and the connections it accepted; touched only on the selector thread (but for target). */
    static final class Listener implements PortProxy.Port {
        final ServerSocketChannel server;
        final InetSocketAddress target;
        final BufferPool buffers;
        final ConnectionCap cap;
        final Set<Connection> connections = new HashSet<>();

        Listener(ServerSocketChannel server, InetSocketAddress target, BufferPool buffers, ConnectionCap cap) {
            this.server = server;
            this.target = target;
            this.buffers = buffers;
            this.cap = cap;
        }

        @Override
        public InetSocketAddress target() {
            return target;
        }

        @Override
        public int connections() {
            return connections.size();
        }

        void accept(Selector selector) throws IOException {
            for (int i = 0; i < 256; i++) {
                SocketChannel client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    LOG.debug("accepting on {} failed: {}", server, e.toString());
                    return;
                }
                if (client == null) {
                    return;
                }
                if (!cap.admit(server.socket().getLocalSocketAddress())) {
                    reset(client);
                    continue;
                }
                SocketChannel upstream = null;
                Connection c = null;
                try {
                    client.configureBlocking(false);
                    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    upstream = SocketChannel.open();
                    upstream.configureBlocking(false);
                    upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c = new Connection(this, client, upstream);
                    connections.add(c); // from here its close() gives its place back
                    if (upstream.connect(target)) {
                        c.connected(selector, null);
                    } else {
                        upstream.register(selector, SelectionKey.OP_CONNECT, c.upstreamSide);
                    }
                } catch (IOException e) {
                    LOG.debug("connecting to {} failed: {}", target, e.toString());
                    reset(client);
                    if (c != null) {
                        c.close();
                    } else {
                        cap.release();
                        if (upstream != null) {
                            PortProxy.closeQuietly(upstream);
                        }
                    }
                }
            }
        }

        @Override
        public void closeAll(Selector selector) {
            PortProxy.closeQuietly(server);
            for (Connection c : new ArrayList<>(connections)) {
                c.close();
            }
            connections.clear();
            try {
                // A channel closed while registered keeps its socket until the selector deregisters it.
                selector.selectNow();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One end of a connection: the channel, and the buffer of bytes read from it, waiting for the other end. */
    static final class Side {
        final Connection connection;
        final SocketChannel channel;
        final ByteBuffer incoming; // bytes read from this side, in write mode
        boolean endOfStream;       // this side will send nothing more
        boolean shutdownSent;      // ...and the other side was told so
        SelectionKey key;

        Side(Connection connection, SocketChannel channel) {
            this.connection = connection;
            this.channel = channel;
            this.incoming = connection.listener.buffers.take();
        }
    }

    /**
     * Direct buffers for reuse, touched only on the selector thread: allocating (and zeroing) 128 KiB per
     * side per connection would cost more than relaying a short exchange, and leaves freeing to the GC.
     */
    static final class BufferPool {
        private static final int KEEP = 256;
        private final java.util.ArrayDeque<ByteBuffer> free = new java.util.ArrayDeque<>();

        ByteBuffer take() {
            ByteBuffer b = free.poll();
            return b != null ? b : ByteBuffer.allocateDirect(BUFFER_SIZE);
        }

        void give(ByteBuffer b) {
            if (free.size() < KEEP) {
                b.clear();
                free.push(b);
            }
        }
    }

    /** A relayed connection: the client (accepted) and upstream (the container) sides. */
    static final class Connection {
        final Listener listener;
        final SocketChannel client;
        final Side clientSide;
        final Side upstreamSide;
        private boolean closed;

        Connection(Listener listener, SocketChannel client, SocketChannel upstream) {
            this.listener = listener;
            this.client = client;
            this.clientSide = new Side(this, client);
            this.upstreamSide = new Side(this, upstream);
        }

        private Side other(Side side) {
            return side == clientSide ? upstreamSide : clientSide;
        }

        /** Starts relaying; {@code upstreamKey} is the key the connect waited on, or null when it connected at once. */
        void connected(Selector selector, SelectionKey upstreamKey) throws IOException {
            clientSide.key = client.register(selector, SelectionKey.OP_READ, clientSide);
            if (upstreamKey == null) {
                upstreamSide.key = upstreamSide.channel.register(selector, SelectionKey.OP_READ, upstreamSide);
            } else {
                upstreamSide.key = upstreamKey;
                upstreamKey.interestOps(SelectionKey.OP_READ);
            }
        }

        void handle(Side side, SelectionKey key) {
            try {
                if (key.isConnectable()) {
                    if (side.channel.finishConnect()) {
                        connected(key.selector(), key);
                    }
                    return;
                }
                if (key.isWritable()) {
                    flush(other(side));
                }
                if (key.isValid() && key.isReadable()) {
                    read(side);
                }
                if (!closed) {
                    update();
                }
            } catch (IOException e) {
                LOG.debug("relaying to {} failed: {}", listener.target, e.toString());
                abort();
            }
        }

        /** Reads what {@code from} offers into its buffer, then passes as much as possible on. */
        private void read(Side from) throws IOException {
            if (from.endOfStream || !from.incoming.hasRemaining()) {
                return;
            }
            // Read and pass on while both sides keep up, a bounded number of rounds: fewer trips through the selector.
            for (int round = 0; round < 4; round++) {
                int n = from.channel.read(from.incoming);
                if (n < 0) {
                    from.endOfStream = true;
                }
                flush(from);
                if (n <= 0 || from.incoming.position() > 0) {
                    return;
                }
            }
        }

        /** Writes the bytes read from {@code from} to the other side; sends the half-close once they are all out. */
        private void flush(Side from) throws IOException {
            Side to = other(from);
            ByteBuffer buffer = from.incoming;
            if (buffer.position() > 0) {
                buffer.flip();
                try {
                    to.channel.write(buffer);
                } finally {
                    buffer.compact();
                }
            }
            if (from.endOfStream && buffer.position() == 0 && !from.shutdownSent) {
                from.shutdownSent = true;
                to.channel.shutdownOutput();
            }
        }

        private void update() {
            if (clientSide.shutdownSent && upstreamSide.shutdownSent) {
                close();
                return;
            }
            interest(clientSide);
            interest(upstreamSide);
        }

        private void interest(Side side) {
            if (side.key == null || !side.key.isValid()) {
                return;
            }
            int ops = 0;
            if (!side.endOfStream && side.incoming.hasRemaining()) {
                ops |= SelectionKey.OP_READ;
            }
            if (other(side).incoming.position() > 0) {
                ops |= SelectionKey.OP_WRITE;
            }
            if (side.key.interestOps() != ops) {
                side.key.interestOps(ops);
            }
        }

        /** Ends both sides with a reset, so each peer learns the relay broke instead of seeing a clean end. */
        void abort() {
            reset(clientSide.channel);
            reset(upstreamSide.channel);
            close();
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            PortProxy.closeQuietly(clientSide.channel);
            PortProxy.closeQuietly(upstreamSide.channel);
            listener.buffers.give(clientSide.incoming);
            listener.buffers.give(upstreamSide.incoming);
            listener.connections.remove(this);
            listener.cap.release();
        }
    }

    private static void reset(SocketChannel channel) {
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException ignored) {
            // Not connected: a plain close is all there is.
        }
        PortProxy.closeQuietly(channel);
    }
}
