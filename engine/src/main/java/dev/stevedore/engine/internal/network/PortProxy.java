package dev.stevedore.engine.internal.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A userland TCP and UDP proxy: listens on host ports and relays every accepted connection (every
 * client's datagrams) to a target address (a container's), like Docker's {@code docker-proxy}, but in the
 * JVM and on one thread for all ports and connections (a NIO selector).
 *
 * <p>Each direction of a connection has its own buffer; reading from one side stops while the other
 * side cannot take more, so a slow reader slows the writer instead of filling memory (backpressure).
 * An end-of-stream is passed on as a half-close ({@code shutdownOutput}) once the buffered bytes are
 * written, and the connection closes when both directions ended; a reset on one side resets the other.
 * Bytes are never dropped or reordered.
 *
 * <p>UDP: each client address gets a flow, a socket connected to the target; what comes back on it goes to
 * that client from the published port. A flow without traffic either way for the idle time (90 s, as
 * docker-proxy) is closed. Datagrams are dropped, as a busy network would, when the target or the client
 * cannot take them at once. Thread-safe; the selector thread starts with the first forwarder and ends with
 * {@link #close()}.
 */
public final class PortProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortProxy.class);
    private static final int BUFFER_SIZE = 128 * 1024;
    private static final int BACKLOG = 1024;
    private static final long TASK_TIMEOUT_SECONDS = 10;
    /** docker-proxy's UDP connection tracking timeout. */
    static final Duration UDP_IDLE = Duration.ofSeconds(90);
    private static final int MAX_FLOWS = 4096;
    private static final int DATAGRAM_SIZE = 65536;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final BufferPool buffers = new BufferPool();
    private final long udpIdleNanos;
    private final ConnectionCap cap; // selector thread only
    private final Set<UdpPort> udpPorts = new HashSet<>(); // selector thread only
    private ByteBuffer datagram; // selector thread only
    private final Object lifecycle = new Object();
    private Selector selector;
    private Thread thread;
    private volatile boolean closed;

    public PortProxy() {
        this(UDP_IDLE);
    }

    /** A proxy whose UDP flows close after {@code udpIdle} without traffic. */
    PortProxy(Duration udpIdle) {
        this(udpIdle, ConnectionCap.DEFAULT);
    }

    /** A proxy that relays at most {@code maxConnections} tcp connections at once (past that: reset at accept). */
    PortProxy(Duration udpIdle, int maxConnections) {
        this.udpIdleNanos = udpIdle.toNanos();
        this.cap = new ConnectionCap(maxConnections);
    }

    /**
     * Binds {@code listen} now (so a port in use fails here, before anything starts) and relays each
     * connection accepted there to {@code target}. Port 0 in {@code listen} takes a free port; the
     * forwarder says which.
     */
    public PortForwarder forward(InetSocketAddress listen, InetSocketAddress target) throws IOException {
        return forward("tcp", listen, target);
    }

    /**
     * As {@link #forward(InetSocketAddress, InetSocketAddress)} for {@code protocol}: {@code tcp}, or {@code udp}
     * (datagrams of each client relayed in a flow of its own).
     */
    public PortForwarder forward(String protocol, InetSocketAddress listen, InetSocketAddress target) throws IOException {
        if (protocol.equals("udp")) {
            return forwardUdp(listen, target);
        }
        if (!protocol.equals("tcp")) {
            throw new IOException("publishing " + target.getPort() + "/" + protocol + " failed: the port proxy relays tcp and udp only");
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen, BACKLOG);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw bindFailed(listen, target, "tcp", e);
        }
        Listener listener = new Listener(server, target, buffers, cap);
        try {
            onSelector(() -> {
                try {
                    server.register(selector, SelectionKey.OP_ACCEPT, listener);
                } catch (ClosedChannelException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new PortForwarder(this, listener, (InetSocketAddress) server.getLocalAddress(), target);
    }

    private PortForwarder forwardUdp(InetSocketAddress listen, InetSocketAddress target) throws IOException {
        DatagramChannel channel = DatagramChannel.open(listen.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            // no SO_REUSEADDR: for udp it would let this socket share a port another socket uses, not fail
            channel.bind(listen);
            channel.configureBlocking(false);
        } catch (IOException e) {
            channel.close();
            throw bindFailed(listen, target, "udp", e);
        }
        UdpPort port = new UdpPort(channel, target);
        try {
            onSelector(() -> {
                try {
                    if (datagram == null) {
                        datagram = ByteBuffer.allocateDirect(DATAGRAM_SIZE);
                    }
                    channel.register(selector, SelectionKey.OP_READ, port);
                    udpPorts.add(port);
                } catch (ClosedChannelException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new PortForwarder(this, port, (InetSocketAddress) channel.getLocalAddress(), target);
    }

    private static IOException bindFailed(InetSocketAddress listen, InetSocketAddress target, String protocol, IOException e) {
        return new IOException("binding " + listen.getAddress().getHostAddress() + ":" + listen.getPort() + "/" + protocol
                + " to publish " + target.getAddress().getHostAddress() + ":" + target.getPort() + " failed: "
                + e.getMessage() + (listen.getPort() != 0 ? " — choose another host port, or 0 for a free one" : ""), e);
    }

    /** Closes the port and every connection (flow) it relays; the port is free when this returns. */
    void close(Port port) {
        if (closed) {
            return; // closing the proxy closed every port
        }
        try {
            onSelector(() -> {
                udpPorts.remove(port);
                port.closeAll(selector);
            });
        } catch (IOException e) {
            LOG.warn("closing the forwarder to {} did not finish: {}", port.target(), e.getMessage());
        }
    }

    /** The number of open connections (udp: flows) of {@code port}. */
    int connections(Port port) {
        try {
            CompletableFuture<Integer> count = new CompletableFuture<>();
            onSelector(() -> count.complete(port.connections()));
            return count.getNow(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code task} on the selector thread (starting it if needed) and waits for it to finish. */
    private void onSelector(Runnable task) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lifecycle) {
            if (closed) {
                throw new IOException("the port proxy is closed");
            }
            if (thread == null) {
                selector = Selector.open();
                thread = new Thread(this::loop, "stevedore-port-proxy");
                thread.setDaemon(true);
                thread.start();
            }
            tasks.add(() -> {
                try {
                    task.run();
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            selector.wakeup();
        }
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("onSelector called from the selector thread");
        }
        try {
            done.get(TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the port proxy", e);
        } catch (TimeoutException e) {
            throw new IOException("the port proxy did not answer within " + TASK_TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IOException("the port proxy failed", e.getCause());
        }
    }

    private void loop() {
        long nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        try {
            while (!closed) {
                selector.select(1000);
                runTasks();
                if (System.nanoTime() - nextSweep >= 0) {
                    nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    udpPorts.forEach(p -> p.expire(System.nanoTime() - udpIdleNanos));
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.attachment() instanceof Listener listener) {
                            listener.accept(selector);
                        } else if (key.attachment() instanceof Side side) {
                            side.connection.handle(side, key);
                        } else if (key.attachment() instanceof UdpPort port) {
                            port.receive(selector, datagram);
                        } else if (key.attachment() instanceof Flow flow) {
                            flow.receive(datagram);
                        }
                    } catch (CancelledKeyException e) {
                        // Closed while we looked at it: nothing left to do for this key.
                    } catch (RuntimeException e) {
                        // One broken connection must not stop every other port and connection.
                        LOG.warn("relaying failed: {}", e.toString(), e);
                        if (key.attachment() instanceof Side side) {
                            side.connection.abort();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("the port proxy stopped: {}", e.toString(), e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
            runTasks();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Closes every listener and connection and ends the selector thread. */
    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            if (selector != null) {
                selector.wakeup();
            }
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(TASK_TIMEOUT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing after a failure: the first error is what matters.
        }
    }

    /** What a {@link PortForwarder} publishes: a tcp {@link Listener} or a {@link UdpPort}. Selector thread only (but for target). */
    interface Port {
        InetSocketAddress target();

        /** Closes the port and all it relays. */
        void closeAll(Selector selector);

        int connections();
    }

    /** A listening port and the connections it accepted; touched only on the selector thread (but for target). */
    static final class Listener implements Port {
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
                            closeQuietly(upstream);
                        }
                    }
                }
            }
        }

        @Override
        public void closeAll(Selector selector) {
            closeQuietly(server);
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

    /** A published udp port and its flows, one per client address; touched only on the selector thread (but for target). */
    static final class UdpPort implements Port {
        final DatagramChannel channel;
        final InetSocketAddress target;
        final Map<SocketAddress, Flow> flows = new HashMap<>();

        UdpPort(DatagramChannel channel, InetSocketAddress target) {
            this.channel = channel;
            this.target = target;
        }

        @Override
        public InetSocketAddress target() {
            return target;
        }

        @Override
        public int connections() {
            return flows.size();
        }

        /** Relays what clients sent, each client's datagrams through its own flow (opened on its first). */
        void receive(Selector selector, ByteBuffer buffer) {
            for (int i = 0; i < 256; i++) {
                buffer.clear();
                SocketAddress client;
                try {
                    client = channel.receive(buffer);
                } catch (IOException e) {
                    LOG.debug("receiving on {} failed: {}", channel, e.toString());
                    return;
                }
                if (client == null) {
                    return;
                }
                Flow flow = flows.get(client);
                if (flow == null) {
                    if (flows.size() >= MAX_FLOWS) {
                        continue;
                    }
                    try {
                        flow = open(selector, client);
                    } catch (IOException e) {
                        LOG.debug("relaying datagrams to {} failed: {}", target, e.toString());
                        continue;
                    }
                }
                flow.last = System.nanoTime();
                buffer.flip();
                try {
                    flow.channel.write(buffer);
                } catch (IOException e) {
                    // an earlier datagram was refused (nothing listens yet): this one is lost too, as it would be
                    LOG.debug("relaying a datagram to {} failed: {}", target, e.toString());
                }
            }
        }

        private Flow open(Selector selector, SocketAddress client) throws IOException {
            DatagramChannel upstream = DatagramChannel.open(target.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                upstream.configureBlocking(false);
                upstream.connect(target);
                Flow flow = new Flow(this, upstream, client);
                upstream.register(selector, SelectionKey.OP_READ, flow);
                flows.put(client, flow);
                return flow;
            } catch (IOException | RuntimeException e) {
                closeQuietly(upstream);
                throw e;
            }
        }

        /** Closes the flows idle since before {@code before} (a {@link System#nanoTime()}). */
        void expire(long before) {
            flows.values().removeIf(flow -> {
                if (flow.last - before < 0) {
                    closeQuietly(flow.channel);
                    return true;
                }
                return false;
            });
        }

        @Override
        public void closeAll(Selector selector) {
            closeQuietly(channel);
            flows.values().forEach(flow -> closeQuietly(flow.channel));
            flows.clear();
            try {
                selector.selectNow();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One client's datagrams to a udp port: a socket connected to the target, whose replies go back to the client. */
    static final class Flow {
        final UdpPort port;
        final DatagramChannel channel;
        final SocketAddress client;
        long last = System.nanoTime();

        Flow(UdpPort port, DatagramChannel channel, SocketAddress client) {
            this.port = port;
            this.channel = channel;
            this.client = client;
        }

        void receive(ByteBuffer buffer) {
            for (int i = 0; i < 256; i++) {
                buffer.clear();
                try {
                    if (channel.receive(buffer) == null) {
                        return;
                    }
                } catch (IOException e) {
                    // a refusal of an earlier datagram (ICMP port unreachable): the client may try again
                    continue;
                }
                last = System.nanoTime();
                buffer.flip();
                try {
                    port.channel.send(buffer, client);
                } catch (IOException e) {
                    LOG.debug("relaying a reply to {} failed: {}", client, e.toString());
                }
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
    private static final class BufferPool {
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
            closeQuietly(clientSide.channel);
            closeQuietly(upstreamSide.channel);
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
        closeQuietly(channel);
    }
}
