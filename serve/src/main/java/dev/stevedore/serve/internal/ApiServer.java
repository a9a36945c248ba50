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
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
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
    /** Connections served at once; more are refused (closed at once) rather than queued. */
    static final int MAX_CONNECTIONS = 512;

    private final ServeState state;
    private final Router router = new Router();
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final List<Closeable> listeners = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger threads = new AtomicInteger();
    private Path socket;
    private InetSocketAddress tcpAddress;

    private ApiServer(ContainerEngine engine, String defaultHostIp) {
        this.state = new ServeState(engine, defaultHostIp);
        new SystemRoutes(state).register(router);
        new ImageRoutes(state).register(router);
        ContainerRoutes containers = new ContainerRoutes(state);
        new ExecRoutes(state, containers).register(router);
        new ArchiveRoutes(state, containers).register(router);
        containers.register(router);
        new NetworkRoutes(state, containers).register(router);
        new VolumeRoutes(state).register(router);
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
        if (socket == null && tcp == null) {
            throw new IllegalArgumentException("the Docker API server needs a unix socket or a TCP address to listen on");
        }
        if (tcp != null && tls == null) {
            throw new IllegalArgumentException("the Docker API server listens on TCP only with TLS: plain TCP would give"
                    + " anyone who can reach " + tcp + " root on this machine");
        }
        ApiServer server = new ApiServer(engine, defaultHostIp);
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

    private void listenUnix(Path path, String group) {
        Path file = path.toAbsolutePath();
        ServerSocketChannel channel;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                if (answers(file)) {
                    throw new ContainerEngineException("cannot serve the Docker API on " + file + ": another server already"
                            + " listens there; stop it or choose another socket with --socket");
                }
                Files.delete(file);
            }
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(file));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
            if (group != null) {
                GroupPrincipal owner;
                try {
                    owner = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                    channel.close();
                    Files.deleteIfExists(file);
                    throw new ContainerEngineException("cannot serve the Docker API on " + file + ": there is no group named \""
                            + group + "\" to own the socket; create it or name another with --group", e);
                }
                Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(owner);
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot serve the Docker API on " + file + ": " + e.getMessage()
                    + "; check that its directory is writable (or choose another socket with --socket)", e);
        }
        socket = file;
        listeners.add(channel);
        startAcceptor("unix " + file, () -> {
            SocketChannel client = channel.accept();
            return ClientSocket.of(client);
        });
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
        });
    }

    private interface Acceptor {
        ClientSocket accept() throws IOException;
    }

    private void startAcceptor(String where, Acceptor acceptor) {
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
                serve(client);
            }
        }, "stevedore-serve-accept");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(ClientSocket client) {
        if (closed.get() || connections.size() >= MAX_CONNECTIONS) {
            try {
                client.close();
            } catch (IOException e) {
                // refused anyway
            }
            return;
        }
        ServerConnection connection = new ServerConnection(client, router, connections::remove);
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
