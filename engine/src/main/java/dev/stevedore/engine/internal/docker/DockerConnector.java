package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerEngineException;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Finds a Docker daemon that answers and agrees on an API version with it: {@code GET /_ping} without a
 * version, the daemon's {@code API-Version} header (or {@code GET /version} when a daemon sends none), then
 * the lower of that and {@link ApiVersion#MAXIMUM}. A daemon below {@link ApiVersion#MINIMUM} is refused.
 *
 * <p>When nothing usable answers, the exception lists every endpoint tried and what happened at each,
 * and leads with the most telling problem: a daemon that is too old, then a socket the user may not
 * open, then daemons that are down.
 */
public final class DockerConnector {
    /** How long discovery waits for one endpoint's {@code /_ping}. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    /** What happened when one endpoint was tried. */
    enum Outcome {
        /** The socket file does not exist. */
        MISSING,
        /** Nothing listens there (a stale socket file, a stopped daemon, a closed port). */
        REFUSED,
        /** The socket exists but this user may not connect to it. */
        PERMISSION_DENIED,
        /** Something answered, but not as a Docker Engine API does. */
        NOT_DOCKER,
        /** A Docker daemon answered, but speaks an API older than {@link ApiVersion#MINIMUM}. */
        TOO_OLD,
        /** Anything else: timeouts, TLS failures, unknown hosts. */
        FAILED
    }

    /**
     * One endpoint tried.
     *
     * @param endpoint the endpoint
     * @param outcome  what happened
     * @param detail   the specifics in words ({@code no such socket file}, {@code API 1.24 (Docker/1.12.6)})
     */
    record Attempt(DockerEndpoint endpoint, Outcome outcome, String detail) {
    }

    private DockerConnector() {
    }

    /**
     * Connects to the first candidate that answers with a usable API.
     *
     * @throws ContainerEngineException listing every endpoint tried when none is usable
     */
    static DockerApi connect(DockerDiscovery.Candidates candidates) {
        List<Attempt> attempts = new ArrayList<>();
        for (DockerEndpoint endpoint : candidates.endpoints()) {
            Result result = tryEndpoint(endpoint, PING_TIMEOUT);
            if (result.api != null) {
                return result.api;
            }
            attempts.add(result.attempt);
        }
        throw failure(attempts, candidates.explicit());
    }

    /**
     * What probing well-known sockets found: the first that answers with a usable API, if any, and what
     * happened at each one tried before it.
     *
     * @param answering the endpoint that answered, or empty
     * @param tried     one line per endpoint that did not ({@code unix:///var/run/docker.sock (default socket): no such socket file})
     */
    public record Probe(Optional<DockerEndpoint> answering, List<String> tried) {
        public Probe {
            tried = List.copyOf(tried);
        }
    }

    /**
     * Tries {@code candidates} in order until one answers with a usable API; for engine selection, which
     * falls back to Docker only when a daemon is really there. Closes what it opened.
     */
    public static Probe probe(DockerDiscovery.Candidates candidates, Duration timeout) {
        List<String> tried = new ArrayList<>();
        for (DockerEndpoint endpoint : candidates.endpoints()) {
            Result result = tryEndpoint(endpoint, timeout);
            if (result.api != null) {
                result.api.close();
                return new Probe(Optional.of(endpoint), tried);
            }
            tried.add(endpoint.uri() + " (" + endpoint.source() + "): " + result.attempt.detail());
        }
        return new Probe(Optional.empty(), tried);
    }

    private record Result(DockerApi api, Attempt attempt) {
    }

    private static Result tryEndpoint(DockerEndpoint endpoint, Duration timeout) {
        if (endpoint.kind() == DockerEndpoint.Kind.UNIX) {
            Path socket = endpoint.socketPath();
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !Files.exists(socket)) {
                return new Result(null, new Attempt(endpoint, Outcome.MISSING, "no such socket file"));
            }
        }
        DockerHttp http;
        try {
            http = DockerHttp.open(endpoint);
        } catch (ContainerEngineException e) {
            return new Result(null, new Attempt(endpoint, Outcome.FAILED, e.getMessage()));
        }
        try {
            Result result = negotiate(http, timeout);
            if (result.api == null) {
                http.close();
            }
            return result;
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /** Pings and picks the version: a ready {@link DockerApi}, or the failed attempt. */
    private static Result negotiate(DockerHttp http, Duration timeout) {
        DockerEndpoint endpoint = http.endpoint();
        var client = http.client().newBuilder().readTimeout(timeout).callTimeout(timeout.multipliedBy(2)).build();
        String server;
        String apiHeader;
        try (Response ping = client.newCall(new Request.Builder().url(http.url("/_ping").build()).get().build()).execute()) {
            server = Optional.ofNullable(ping.header("Server")).orElse("");
            apiHeader = ping.header("API-Version");
            if (ping.code() != 200) {
                String body = DockerApi.errorMessage(ping);
                return failed(endpoint, Outcome.NOT_DOCKER, "GET /_ping answered " + ping.code()
                        + (body.isEmpty() ? "" : " " + body) + ", so this is not a Docker Engine API");
            }
        } catch (IOException e) {
            return new Result(null, classify(endpoint, e));
        }
        ApiVersion daemon;
        try {
            daemon = apiHeader != null ? ApiVersion.parse(apiHeader) : versionFromVersionCall(client, http);
        } catch (IOException e) {
            return new Result(null, classify(endpoint, e));
        } catch (IllegalArgumentException e) {
            return failed(endpoint, Outcome.NOT_DOCKER, "the daemon's API version is unreadable: " + e.getMessage());
        }
        if (!daemon.atLeast(ApiVersion.MINIMUM)) {
            return failed(endpoint, Outcome.TOO_OLD, "speaks Docker Engine API " + daemon + " at most"
                    + (server.isEmpty() ? "" : " (" + server + ")"));
        }
        return new Result(new DockerApi(http, ApiVersion.negotiate(daemon), server), null);
    }

    private static Result failed(DockerEndpoint endpoint, Outcome outcome, String detail) {
        return new Result(null, new Attempt(endpoint, outcome, detail));
    }

    /** For daemons that send no {@code API-Version} on {@code /_ping}: {@code ApiVersion} of {@code GET /version}. */
    private static ApiVersion versionFromVersionCall(okhttp3.OkHttpClient client, DockerHttp http) throws IOException {
        try (Response version = client.newCall(new Request.Builder().url(http.url("/version").build()).get().build()).execute();
             ResponseBody body = version.body()) {
            JsonNode json = version.isSuccessful() && body != null ? DockerApi.MAPPER.readTree(body.byteStream()) : null;
            String api = json == null ? null : json.path("ApiVersion").asText(null);
            if (api == null) {
                // the docker CLI's rule: a daemon that names no version takes the newest
                return ApiVersion.MAXIMUM;
            }
            return ApiVersion.parse(api);
        }
    }

    static Attempt classify(DockerEndpoint endpoint, IOException e) {
        String reason = reason(e);
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("permission denied") || lower.contains("access denied")) {
            return new Attempt(endpoint, Outcome.PERMISSION_DENIED, "permission denied" + owner(endpoint));
        }
        if (lower.contains("no such file")) {
            return new Attempt(endpoint, Outcome.MISSING, "no such socket file");
        }
        if (lower.contains("connection refused")) {
            return new Attempt(endpoint, Outcome.REFUSED, endpoint.kind() == DockerEndpoint.Kind.UNIX
                    ? "connection refused: the socket file exists but no daemon listens on it" : "connection refused");
        }
        if (hasCause(e, SocketTimeoutException.class)) {
            return new Attempt(endpoint, Outcome.FAILED, "no answer within the timeout (" + reason + ")");
        }
        if (hasCause(e, UnknownHostException.class)) {
            return new Attempt(endpoint, Outcome.FAILED, "unknown host (" + reason + ")");
        }
        if (hasCause(e, SSLException.class)) {
            return new Attempt(endpoint, Outcome.FAILED, "TLS handshake failed (" + reason + ")");
        }
        return new Attempt(endpoint, Outcome.FAILED, reason);
    }

    /** The innermost useful message of an I/O failure: OkHttp wraps the socket's own words. */
    static String reason(Throwable e) {
        String best = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank() && !(t instanceof ConnectException
                    && t.getMessage().startsWith("Failed to connect to") && t.getCause() != null)) {
                best = t.getMessage();
                if (t.getCause() == null || t.getCause() == t) {
                    break;
                }
            }
        }
        return best;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The group to join for a unix socket: the one that owns it, or {@code docker} as Docker's packages make it when that
     * cannot be read or is root's own (joining root's group is no advice to give).
     */
    private static String group(DockerEndpoint endpoint) {
        if (endpoint.kind() == DockerEndpoint.Kind.UNIX) {
            try {
                String group = Files.readAttributes(endpoint.socketPath(), PosixFileAttributes.class).group().getName();
                return group.equals("root") ? "docker" : group;
            } catch (IOException | UnsupportedOperationException e) {
                // the usual one, then
            }
        }
        return "docker";
    }

    /** {@code ; the socket is root:docker srw-rw----} when the file's attributes can be read. */
    private static String owner(DockerEndpoint endpoint) {
        if (endpoint.kind() != DockerEndpoint.Kind.UNIX) {
            return "";
        }
        try {
            PosixFileAttributes attributes = Files.readAttributes(endpoint.socketPath(), PosixFileAttributes.class);
            return " (the socket is owned by " + attributes.owner().getName() + ":" + attributes.group().getName()
                    + " with mode " + PosixFilePermissions.toString(attributes.permissions()) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /**
     * The exception for when no endpoint was usable: a headline for the most telling problem, every
     * attempt, and what to do.
     */
    static ContainerEngineException failure(List<Attempt> attempts, boolean explicit) {
        StringBuilder message = new StringBuilder();
        Attempt tooOld = first(attempts, Outcome.TOO_OLD);
        Attempt denied = first(attempts, Outcome.PERMISSION_DENIED);
        if (tooOld != null) {
            message.append("The Docker daemon at ").append(tooOld.endpoint().uri()).append(" (").append(tooOld.endpoint().source())
                    .append(") ").append(tooOld.detail()).append("; Stevedore needs API ").append(ApiVersion.MINIMUM)
                    .append(" (Docker 19.03) or newer. Upgrade the daemon, or point DOCKER_HOST at a newer one.");
        } else if (denied != null) {
            String user = System.getProperty("user.name");
            message.append("Cannot use the Docker daemon at ").append(denied.endpoint().uri()).append(" (")
                    .append(denied.endpoint().source()).append("): ").append(denied.detail()).append(". ")
                    .append("User '").append(user).append("' may not open that socket: add the user to the group that owns it")
                    .append(" ('").append(group(denied.endpoint())).append("': sudo usermod -aG ").append(group(denied.endpoint()))
                    .append(" ").append(user)
                    .append(", then log in again), run as root, or use rootless Docker or Podman and set DOCKER_HOST to its socket.");
        } else if (explicit && attempts.size() == 1) {
            Attempt only = attempts.get(0);
            message.append("Cannot connect to the Docker daemon at ").append(only.endpoint().uri()).append(" (")
                    .append(only.endpoint().source()).append("): ").append(only.detail()).append(". ")
                    .append(only.outcome() == Outcome.NOT_DOCKER
                            ? "Check that this address is a Docker Engine API endpoint."
                            : "Is the daemon running? Start it (sudo systemctl start docker, Docker Desktop, or"
                                    + " 'podman system service'), or " + remedy(only.endpoint()) + ".");
        } else {
            message.append("No Docker daemon answered. ")
                    .append("Start Docker (sudo systemctl start docker, or Docker Desktop) or Podman ('systemctl --user start podman.socket'),")
                    .append(" or set DOCKER_HOST to the daemon's address (unix:///path/to/docker.sock or tcp://host:2376).");
        }
        message.append("\nTried:");
        for (Attempt attempt : attempts) {
            message.append("\n  - ").append(attempt.endpoint().uri()).append(" (").append(attempt.endpoint().source())
                    .append("): ").append(attempt.detail());
        }
        return new ContainerEngineException(message.toString());
    }

    private static String remedy(DockerEndpoint endpoint) {
        if (endpoint.source().equals("DOCKER_HOST")) {
            return "correct DOCKER_HOST";
        }
        if (endpoint.source().startsWith("docker context")) {
            return "switch to a context whose daemon runs ('docker context use default'), or set DOCKER_HOST";
        }
        return "set DOCKER_HOST to the daemon's address";
    }

    private static Attempt first(List<Attempt> attempts, Outcome outcome) {
        return attempts.stream().filter(a -> a.outcome() == outcome).findFirst().orElse(null);
    }
}
