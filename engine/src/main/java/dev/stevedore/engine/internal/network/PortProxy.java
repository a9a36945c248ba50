package dev.stevedore.engine.internal.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
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
    private static final int BACKLOG = 1024;
    private static final long TASK_TIMEOUT_SECONDS = 10;
    /** docker-proxy's UDP connection tracking timeout. */
    static final Duration UDP_IDLE = Duration.ofSeconds(90);
    private static final int DATAGRAM_SIZE = 65536;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final TcpRelay.BufferPool buffers = new TcpRelay.BufferPool();
    private final long udpIdleNanos;
    private final ConnectionCap cap; // selector thread only
    private final Set<UdpRelay.UdpPort> udpPorts = new HashSet<>(); // selector thread only
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
        TcpRelay.Listener listener = new TcpRelay.Listener(server, target, buffers, cap);
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
        UdpRelay.UdpPort port = new UdpRelay.UdpPort(channel, target);
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
                        if (key.attachment() instanceof TcpRelay.Listener listener) {
                            listener.accept(selector);
                        } else if (key.attachment() instanceof TcpRelay.Side side) {
                            side.connection.handle(side, key);
                        } else if (key.attachment() instanceof UdpRelay.UdpPort port) {
                            port.receive(selector, datagram);
                        } else if (key.attachment() instanceof UdpRelay.Flow flow) {
                            flow.receive(datagram);
                        }
                    } catch (CancelledKeyException e) {
                        // Closed while we looked at it: nothing left to do for this key.
                    } catch (RuntimeException e) {
                        // One broken connection must not stop every other port and connection.
                        LOG.warn("relaying failed: {}", e.toString(), e);
                        if (key.attachment() instanceof TcpRelay.Side side) {
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

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing after a failure: the first error is what matters.
        }
    }

    /** What a {@link PortForwarder} publishes: a tcp {@link TcpRelay.Listener} or a {@link UdpRelay.UdpPort}. Selector thread only (but for target). */
    interface Port {
        InetSocketAddress target();

        /** Closes the port and all it relays. */
        void closeAll(Selector selector);

        int connections();
    }

}
