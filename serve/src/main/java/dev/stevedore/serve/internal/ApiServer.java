package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Docker Engine API server: listens on a unix socket (and, when asked, on TCP with TLS and client
 * certificates), serves each connection on a daemon thread of its own, and routes requests to the endpoint
 * classes over one {@link ContainerEngine}. Closing it stops listening, ends every connection (streams and
 * hijacked ones included) and removes the socket file; the engine stays open, it belongs to the caller.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ServerLimits limits;
    private final Watchdog watchdog = new Watchdog();
    private final Refusals refusals = new Refusals();
    private final ServeState state;
    private final Router router = new Router();
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final List<Closeable> listeners = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger threads = new AtomicInteger();
    private Path socket;
    private InetSocketAddress tcpAddress;

    private ApiServer(ContainerEngine engine, String defaultHostIp, ServerLimits limits) {
        this.limits = limits;
        this.state = new ServeState(engine, defaultHostIp);
        new SystemRoutes(state).register(router);
        new ImageRoutes(state).register(router);
        new BuildRoutes(state).register(router);
        ContainerRoutes containers = new ContainerRoutes(state);
        new ExecRoutes(state, containers).register(router);
        new ArchiveRoutes(state, containers).register(router);
        containers.register(router);
        new NetworkRoutes(state, containers).register(router);
        new VolumeRoutes(state).register(router);
        new ContainerControlRoutes(state, containers).register(router);
        new ChangesRoutes(state, containers).register(router);
        new DiskUsageRoutes(state, containers).register(router);
        new UnsupportedRoutes().register(router);
    }

    /**
     * Starts serving {@code engine}.
     *
     * @param socket the unix socket to create (its directory too), or {@code null} for none
     * @param tcp    the TCP address to listen on, or {@code null} for none
     * @param tls    for TCP: the server's TLS context (clients must present a certificate it trusts)
     * @param defaultHostIp where published ports bind when a client names no address ({@code HostIp: ""}, which
     *                      Docker reads as every interface); {@code null} for loopback
     * @param socketGroup   the group to own the socket, or {@code null} for the process's own
     */
    public static ApiServer start(ContainerEngine engine, Path socket, InetSocketAddress tcp, SSLContext tls,
                                  String defaultHostIp, String socketGroup) {
        return start(engine, socket, tcp, tls, defaultHostIp, socketGroup, ServerLimits.defaults());
    }

    /** As {@link #start(ContainerEngine, Path, InetSocketAddress, SSLContext, String, String)}, within {@code limits}. */
    static ApiServer start(ContainerEngine engine, Path socket, InetSocketAddress tcp, SSLContext tls,
                           String defaultHostIp, String socketGroup, ServerLimits limits) {
        if (socket == null && tcp == null) {
            throw new IllegalArgumentException("the Docker API server needs a unix socket or a TCP address to listen on");
        }
        if (tcp != null && tls == null) {
            throw new IllegalArgumentException("the Docker API server listens on TCP only with TLS: plain TCP would give"
                    + " anyone who can reach " + tcp + " root on this machine");
        }
        ApiServer server = new ApiServer(engine, defaultHostIp, limits);
        try {
            if (socket != null) {
                server.listenUnix(socket, socketGroup);
            }
            if (tcp != null) {
                server.listenTcp(tcp, tls);
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The unix socket file, or {@code null}. */
    public Path socket() {
        return socket;
    }

    /** The TCP address actually bound (its port resolved when 0 was asked), or {@code null}. */
    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    /** The connections being served now. */
    int connections() {
        return connections.size();
    }

    private void listenUnix(Path path, String group) {
        Path file = path.toAbsolutePath();
        ServerSocketChannel channel;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file) && answers(file)) {
                throw new ContainerEngineException("cannot serve the Docker API on " + file + ": another server already"
                        + " listens there; stop it or choose another socket with --socket");
            }
            channel = UnixSocketFile.bind(file, group);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot serve the Docker API on " + file + ": " + e.getMessage()
                    + "; check that its directory is writable (or choose another socket with --socket)", e);
        }
        socket = file;
        listeners.add(channel);
        startAcceptor("unix " + file, () -> {
            SocketChannel client = channel.accept();
            return ClientSocket.of(client);
        }, true);
    }

    private static boolean answers(Path file) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(file))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void listenTcp(InetSocketAddress address, SSLContext tls) {
        SSLServerSocket server;
        try {
            server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(address.getPort(), 50, address.getAddress());
            server.setNeedClientAuth(true);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot serve the Docker API on tcp://" + address.getHostString() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        tcpAddress = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        listeners.add(server);
        startAcceptor("tcp " + tcpAddress, () -> {
            Socket client = server.accept();
            return ClientSocket.of(client);
        }, false);
    }

    private interface Acceptor {
        ClientSocket accept() throws IOException;
    }

    /**
     * @param answerRefusals whether a refused client is told so with a 503: only where writing it cannot block the
     *                       acceptor (a unix socket's buffer takes it at once; TLS would first need a handshake)
     */
    private void startAcceptor(String where, Acceptor acceptor, boolean answerRefusals) {
        Thread thread = new Thread(() -> {
            while (!closed.get()) {
                ClientSocket client;
                try {
                    client = acceptor.accept();
                } catch (ClosedChannelException | java.net.SocketException e) {
                    return;
                } catch (IOException e) {
                    if (!closed.get()) {
                        LOG.warn("accepting a connection on {} failed: {}", where, e.toString());
                    }
                    continue;
                }
                serve(client, where, answerRefusals);
            }
        }, "stevedore-serve-accept");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(ClientSocket client, String where, boolean answerRefusals) {
        if (closed.get() || connections.size() >= limits.maxConnections()) {
            if (!closed.get()) {
                refusals.refuse(client, where, limits.maxConnections(), answerRefusals);
            } else {
                Refusals.closeQuietly(client);
            }
            return;
        }
        ServerConnection connection = new ServerConnection(client, router, limits, watchdog, connections::remove);
        connections.add(connection);
        Thread thread = new Thread(connection, "stevedore-serve-" + threads.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state.close();
        watchdog.close();
        for (Closeable listener : listeners) {
            try {
                listener.close();
            } catch (IOException e) {
                // stops listening either way
            }
        }
        for (ServerConnection connection : List.copyOf(connections)) {
            connection.close();
        }
        if (socket != null) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warn("removing the socket {} failed: {}", socket, e.toString());
            }
        }
    }
}
