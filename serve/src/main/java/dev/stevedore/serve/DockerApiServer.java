package dev.stevedore.serve;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.serve.internal.ApiServer;
import dev.stevedore.serve.internal.ServerTls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A Docker Engine API endpoint in front of a {@link ContainerEngine}, so that Docker's own clients (the
 * {@code docker} CLI, docker-java, Testcontainers) drive Stevedore's engine as if it were dockerd:
 * {@code DOCKER_HOST=unix:///run/stevedore/docker.sock}.
 *
 * <p>It serves a unix socket (mode 0660, its directory created), and TCP only when asked, and then only
 * with TLS and client certificates. Containers, images, networks and volumes are the engine's; what a client creates
 * lives as long as the engine does. A container's stdin ({@code docker run -i}, {@code docker attach}) and an exec's
 * ({@code docker exec -i}) are streamed as the client sends them; over the embedded engine only for containers this
 * server's engine started. A TTY ({@code -t}) is a pseudo-terminal the engine makes in the container: its stream goes
 * raw over the hijacked connection and the {@code resize} calls size it. What the server cannot do because the engine
 * cannot: volume drivers other than {@code local}, image tagging, saving, pushing and builds; those
 * requests are answered with an error that says so. Events are found by polling the engine's containers;
 * health checks (the image's {@code HEALTHCHECK} or the request's) are the engine's, which the server shows.
 *
 * <p>No client can starve the others: at most 512 connections are served at once (the next is answered 503),
 * request heads are bounded (431), JSON bodies too (413), and a client that idles, trickles its request head or stops
 * sending a body is cut off after a timeout; docs/design.md gives the figures. The socket appears with its final mode
 * and group, never with the process's umask.
 *
 * <p>Thread-safe. {@link #close()} stops it, ends every connection and removes the socket; it does not close
 * the engine.
 */
public final class DockerApiServer implements AutoCloseable {
    private final ApiServer server;

    private DockerApiServer(ApiServer server) {
        this.server = server;
    }

    /**
     * Where to listen.
     *
     * @param socket       the unix socket file to create, or {@code null} for none
     * @param tcp          the TCP address to listen on, or {@code null} for none (port 0: any free port)
     * @param tlsDirectory for TCP: a directory with {@code ca.pem} (the CA client certificates must be signed by),
     *                     {@code cert.pem} and {@code key.pem} (the server's certificate chain and PKCS#8 key),
     *                     as {@code dockerd --tlsverify} takes them; required with {@code tcp}
     * @param publishIp    where a published port binds when the client names no address (Docker's {@code -p 8080:80},
     *                     {@code HostIp: ""}): {@code null} for 127.0.0.1, so nothing is reachable from other machines
     *                     unless asked; {@code 0.0.0.0} for Docker's every interface (a client in a container that
     *                     reaches the host through its bridge, as Testcontainers does when {@code /.dockerenv} exists,
     *                     needs that or {@code TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1})
     * @param socketGroup  the group that owns the socket (its members may use it, as dockerd's {@code -G docker});
     *                     {@code null} for the process's own
     */
    public record Options(Path socket, InetSocketAddress tcp, Path tlsDirectory, String publishIp, String socketGroup) {
        public Options {
            if (socket == null && tcp == null) {
                throw new IllegalArgumentException("a Docker API server needs a unix socket or a TCP address");
            }
            if (tcp != null && tlsDirectory == null) {
                throw new IllegalArgumentException("TCP needs TLS: give the directory of ca.pem, cert.pem and key.pem");
            }
        }

        /** A unix socket only. */
        public static Options unixSocket(Path socket) {
            return new Options(Objects.requireNonNull(socket, "socket"), null, null, null, null);
        }

        /** These options plus TCP with TLS on {@code address}. */
        public Options withTcp(InetSocketAddress address, Path tls) {
            return new Options(socket, Objects.requireNonNull(address, "address"), Objects.requireNonNull(tls, "tls"), publishIp,
                    socketGroup);
        }

        /** These options with published ports bound on {@code address} when a client names none. */
        public Options withPublishIp(String address) {
            return new Options(socket, tcp, tlsDirectory, address, socketGroup);
        }

        /** These options with the socket owned by group {@code group}. */
        public Options withSocketGroup(String group) {
            return new Options(socket, tcp, tlsDirectory, publishIp, group);
        }
    }

    /**
     * The socket {@code stevedore serve} listens on unless told otherwise: {@code docker.sock} in the engine's
     * runtime directory ({@link EngineSettings#runtimeDirectory()}), so {@code /run/stevedore/docker.sock} as root
     * and, for an ordinary user (the rootless engine), {@code $XDG_RUNTIME_DIR/stevedore/docker.sock}, else
     * {@code /tmp/stevedore-UID/docker.sock}: a directory only that user can enter.
     */
    public static Path defaultSocket() {
        return EngineSettings.runtimeDirectory().resolve("docker.sock");
    }

    /**
     * Starts serving {@code engine}; returns once it listens. A socket in the runtime directory
     * ({@link #defaultSocket()}'s) has that directory made first, private to an ordinary user.
     *
     * @throws ContainerEngineException when it cannot listen (the socket's directory is not writable, another
     *                                  server answers on the socket, the TLS files are unreadable)
     */
    public static DockerApiServer start(ContainerEngine engine, Options options) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(options, "options");
        if (options.socket() != null && EngineSettings.runtimeDirectory().equals(options.socket().toAbsolutePath().getParent())) {
            EngineSettings.createRuntimeDirectory(); // 0700 for a user before the socket goes in, not the umask's mode
        }
        return new DockerApiServer(ApiServer.start(engine, options.socket(), options.tcp(),
                options.tcp() == null ? null : ServerTls.context(options.tlsDirectory()), options.publishIp(),
                options.socketGroup()));
    }

    /** The unix socket it listens on. */
    public Optional<Path> socket() {
        return Optional.ofNullable(server.socket());
    }

    /** The TCP address it listens on, with the port actually bound. */
    public Optional<InetSocketAddress> tcpAddress() {
        return Optional.ofNullable(server.tcpAddress());
    }

    /** The value for {@code DOCKER_HOST}: {@code unix:///run/stevedore/docker.sock}, else {@code tcp://host:port}. */
    public String dockerHost() {
        if (server.socket() != null) {
            return "unix://" + server.socket();
        }
        return "tcp://" + server.tcpAddress().getHostString() + ":" + server.tcpAddress().getPort();
    }

    /** Stops listening, ends every connection and removes the socket file. The engine stays open. */
    @Override
    public void close() {
        server.close();
    }
}
