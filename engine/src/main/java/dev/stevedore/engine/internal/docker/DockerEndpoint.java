package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a Docker Engine API listens and how to reach it: a unix socket, or TCP with or without TLS.
 *
 * @param kind           unix socket or TCP
 * @param address        the socket file for {@link Kind#UNIX}; {@code host:port} for {@link Kind#TCP}
 * @param tlsDirectory   for TCP with TLS, the directory holding {@code ca.pem}, {@code cert.pem} and
 *                       {@code key.pem} (Docker's {@code DOCKER_CERT_PATH} layout); {@code null} for plain
 * @param source         where this endpoint came from, for messages: {@code DOCKER_HOST},
 *                       {@code docker context "colima"}, {@code default socket}, ...
 */
public record DockerEndpoint(Kind kind, String address, Path tlsDirectory, String source) {

    /** How the daemon is reached. */
    public enum Kind { UNIX, TCP }

    private static final int PLAIN_PORT = 2375;
    private static final int TLS_PORT = 2376;

    public DockerEndpoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(source, "source");
        if (kind == Kind.UNIX && tlsDirectory != null) {
            throw new IllegalArgumentException("TLS is not used over a unix socket: " + address);
        }
    }

    /** A unix socket endpoint. */
    public static DockerEndpoint unix(Path socket, String source) {
        return new DockerEndpoint(Kind.UNIX, socket.toString(), null, source);
    }

    /**
     * Parses a Docker host address as {@code DOCKER_HOST} holds it: {@code unix:///path},
     * {@code tcp://host[:port]} (port 2375, or 2376 with TLS), or an absolute socket path.
     *
     * @param tlsDirectory the TLS material to use for {@code tcp://}, or {@code null} for plain TCP
     * @throws ContainerEngineException naming the address and what Stevedore accepts, for anything else
     *                                  ({@code npipe://} on this OS, {@code ssh://}, {@code fd://}, garbage)
     */
    public static DockerEndpoint parse(String host, Path tlsDirectory, String source) {
        String value = host.strip();
        if (value.startsWith("/")) {
            return unix(Path.of(value), source);
        }
        int schemeEnd = value.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid(value, source, "it has no scheme");
        }
        String scheme = value.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = value.substring(schemeEnd + 3);
        switch (scheme) {
            case "unix" -> {
                if (rest.isEmpty() || !rest.startsWith("/")) {
                    throw invalid(value, source, "a unix socket needs an absolute path, as in unix:///var/run/docker.sock");
                }
                return unix(Path.of(rest), source);
            }
            case "tcp", "http", "https" -> {
                URI uri;
                try {
                    uri = new URI("tcp://" + rest);
                } catch (URISyntaxException e) {
                    throw invalid(value, source, "the host part is not host[:port]");
                }
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw invalid(value, source, "the host part is not host[:port]");
                }
                boolean tls = tlsDirectory != null;
                int port = uri.getPort() > 0 ? uri.getPort() : tls ? TLS_PORT : PLAIN_PORT;
                return new DockerEndpoint(Kind.TCP, uri.getHost() + ":" + port, tlsDirectory, source);
            }
            case "npipe" -> throw new ContainerEngineException("Docker host \"" + value + "\" (from " + source
                    + ") is a Windows named pipe, " + (System.getProperty("os.name").startsWith("Windows")
                            ? "which Stevedore does not speak yet; expose the daemon on tcp://localhost:2375 (Docker Desktop:"
                                    + " Settings, General) and set DOCKER_HOST to it"
                            : "which exists only on Windows; on " + System.getProperty("os.name")
                                    + " use unix:///path/to/docker.sock or tcp://host:port"));
            case "ssh" -> throw new ContainerEngineException("Docker host \"" + value + "\" (from " + source
                    + ") uses ssh://, which Stevedore does not speak; forward the remote socket instead"
                    + " (ssh -L /tmp/docker.sock:/var/run/docker.sock host) and set DOCKER_HOST=unix:///tmp/docker.sock");
            default -> throw invalid(value, source, "scheme \"" + scheme + "\" is not one of unix://, tcp://");
        }
    }

    /** The socket file of a unix endpoint. */
    public Path socketPath() {
        if (kind != Kind.UNIX) {
            throw new IllegalStateException("not a unix socket endpoint: " + this);
        }
        return Path.of(address);
    }

    /** Whether the connection uses TLS. */
    public boolean tls() {
        return tlsDirectory != null;
    }

    /** The address as {@code DOCKER_HOST} would hold it: {@code unix:///var/run/docker.sock}, {@code tcp://host:2376}. */
    public String uri() {
        return kind == Kind.UNIX ? "unix://" + address : "tcp://" + address;
    }

    @Override
    public String toString() {
        return uri() + (tls() ? " (TLS)" : "") + " from " + source;
    }

    private static ContainerEngineException invalid(String value, String source, String reason) {
        return new ContainerEngineException("Docker host \"" + value + "\" (from " + source + ") is not usable: " + reason
                + "; write it as unix:///path/to/docker.sock or tcp://host:port");
    }
}
