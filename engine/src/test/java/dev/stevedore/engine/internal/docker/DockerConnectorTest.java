package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Discovery failures and version negotiation. The daemons here are tiny HTTP responders on unix sockets
 * in test code: no real daemon can be had that is too old (API 1.24 is Docker 1.12, from 2016) or that
 * answers {@code /_ping} as something other than Docker, and a daemon that is down needs no daemon at all.
 * A socket the user may not open is met for real in {@link DockerPermissionIT} (a JVM run as {@code nobody});
 * here the message is checked from the failure it is built from.
 */
class DockerConnectorTest {
    @TempDir
    Path dir;

    private static DockerDiscovery.Candidates explicit(Path socket) {
        return new DockerDiscovery.Candidates(List.of(DockerEndpoint.unix(socket, "DOCKER_HOST")), true);
    }

    /** Answers every request on a connection with what {@code answer} makes of its request line, then closes. */
    private static UnixSocketServer.Handler http(Function<String, String> answer) {
        return connection -> {
            String request = readHead(connection);
            String requestLine = request.substring(0, request.indexOf("\r\n"));
            connection.write(ByteBuffer.wrap(answer.apply(requestLine).getBytes(StandardCharsets.US_ASCII)));
        };
    }

    private static String readHead(SocketChannel connection) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            one.clear();
            if (connection.read(one) < 0) {
                throw new IOException("client went away");
            }
            head.write(one.array()[0]);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String response(int status, String headers, String body) {
        return "HTTP/1.1 " + status + " X\r\n" + headers + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    }

    @Test
    void aDaemonThatIsDownIsNamedWithWhatToDo() {
        Path socket = dir.resolve("docker.sock");

        assertThatThrownBy(() -> DockerConnector.connect(explicit(socket)))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("unix://" + socket + " (DOCKER_HOST): no such socket file")
                .hasMessageContaining("Is the daemon running?")
                .hasMessageContaining("systemctl start docker")
                .hasMessageContaining("correct DOCKER_HOST");
    }

    @Test
    void aSocketFileWithNobodyListeningIsConnectionRefused() throws IOException {
        Path socket = dir.resolve("stale.sock");
        UnixSocketServer.start(socket, http(line -> "")).closeKeepingFile();

        assertThatThrownBy(() -> DockerConnector.connect(explicit(socket)))
                .hasMessageContaining("connection refused: the socket file exists but no daemon listens on it");
    }

    @Test
    void whenNoWellKnownSocketAnswersEveryOneTriedIsListed() throws IOException {
        Path stale = dir.resolve("stale.sock");
        UnixSocketServer.start(stale, http(line -> "")).closeKeepingFile();
        DockerDiscovery.Candidates candidates = new DockerDiscovery.Candidates(List.of(
                DockerEndpoint.unix(dir.resolve("missing.sock"), "default socket"),
                DockerEndpoint.unix(stale, "rootless Docker")), false);

        assertThatThrownBy(() -> DockerConnector.connect(candidates))
                .hasMessageStartingWith("No Docker daemon answered.")
                .hasMessageContaining("set DOCKER_HOST")
                .hasMessageContaining("Tried:\n  - unix://" + dir.resolve("missing.sock") + " (default socket): no such socket file\n"
                        + "  - unix://" + stale + " (rootless Docker): connection refused");
    }

    /** A daemon of Docker 1.12's age; none can be run here, so a responder plays it. */
    @Test
    void aDaemonThatIsTooOldIsNamedWithItsVersionAndTheMinimum() throws IOException {
        Path socket = dir.resolve("old.sock");
        try (UnixSocketServer old = UnixSocketServer.start(socket, http(line ->
                response(200, "API-Version: 1.24\r\nServer: Docker/1.12.6 (linux)\r\n", "OK")))) {

            assertThatThrownBy(() -> DockerConnector.connect(explicit(socket)))
                    .isInstanceOf(ContainerEngineException.class)
                    .hasMessageContaining("The Docker daemon at unix://" + socket + " (DOCKER_HOST) speaks Docker Engine API 1.24 at most")
                    .hasMessageContaining("Docker/1.12.6")
                    .hasMessageContaining("needs API 1.40 (Docker 19.03) or newer")
                    .hasMessageContaining("Upgrade the daemon");
        }
    }

    @Test
    void aTooOldDaemonAmongWellKnownSocketsStillLeadsTheMessage() throws IOException {
        Path socket = dir.resolve("old.sock");
        try (UnixSocketServer old = UnixSocketServer.start(socket, http(line -> response(200, "API-Version: 1.30\r\n", "OK")))) {
            DockerDiscovery.Candidates candidates = new DockerDiscovery.Candidates(List.of(
                    DockerEndpoint.unix(dir.resolve("missing.sock"), "default socket"),
                    DockerEndpoint.unix(socket, "Podman (rootful)")), false);

            assertThatThrownBy(() -> DockerConnector.connect(candidates))
                    .hasMessageStartingWith("The Docker daemon at unix://" + socket + " (Podman (rootful)) speaks Docker Engine API 1.30")
                    .hasMessageContaining("no such socket file");
        }
    }

    @Test
    void somethingThatIsNotDockerIsSaidToBeSo() throws IOException {
        Path socket = dir.resolve("web.sock");
        try (UnixSocketServer web = UnixSocketServer.start(socket, http(line -> response(404, "", "page not found")))) {

            assertThatThrownBy(() -> DockerConnector.connect(explicit(socket)))
                    .hasMessageContaining("GET /_ping answered 404 page not found, so this is not a Docker Engine API")
                    .hasMessageContaining("Check that this address is a Docker Engine API endpoint");
        }
    }

    @Test
    void negotiatesDownToTheDaemonAndPrefixesEveryPath() throws IOException {
        Path socket = dir.resolve("docker.sock");
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (UnixSocketServer daemon = UnixSocketServer.start(socket, http(line -> {
                 seen.add(line);
                 return line.startsWith("GET /_ping ")
                         ? response(200, "Api-Version: 1.41\r\nServer: Docker/20.10.24\r\n", "OK")
                         : response(200, "Content-Type: application/json\r\n", "{\"ok\":true}");
             }));
             DockerApi api = DockerConnector.connect(explicit(socket))) {

            assertThat(api.version()).isEqualTo(ApiVersion.parse("1.41"));
            assertThat(api.server()).isEqualTo("Docker/20.10.24");
            assertThat(api.call("GET", "/images/127.0.0.1:5000/library/busybox:latest/json").json().path("ok").asBoolean()).isTrue();
            assertThat(seen).containsExactly("GET /_ping HTTP/1.1", "GET /v1.41/images/127.0.0.1:5000/library/busybox:latest/json HTTP/1.1");
        }
    }

    @Test
    void aNewerDaemonIsSpokenToAtTheNewestVersionStevedoreKnows() throws IOException {
        Path socket = dir.resolve("docker.sock");
        try (UnixSocketServer daemon = UnixSocketServer.start(socket, http(line -> response(200, "Api-Version: 1.51\r\n", "OK")));
             DockerApi api = DockerConnector.connect(explicit(socket))) {

            assertThat(api.version()).isEqualTo(ApiVersion.MAXIMUM);
        }
    }

    @Test
    void aDaemonWithoutApiVersionHeaderIsAskedForItsVersion() throws IOException {
        Path socket = dir.resolve("docker.sock");
        try (UnixSocketServer daemon = UnixSocketServer.start(socket, http(line -> line.startsWith("GET /version ")
                     ? response(200, "Content-Type: application/json\r\n", "{\"ApiVersion\":\"1.40\"}")
                     : response(200, "", "OK")));
             DockerApi api = DockerConnector.connect(explicit(socket))) {

            assertThat(api.version()).isEqualTo(ApiVersion.parse("1.40"));
        }
    }

    @Test
    void errorAnswersCarryTheDaemonsMessage() throws IOException {
        Path socket = dir.resolve("docker.sock");
        try (UnixSocketServer daemon = UnixSocketServer.start(socket, http(line -> line.startsWith("GET /_ping ")
                     ? response(200, "Api-Version: 1.41\r\n", "OK")
                     : response(404, "Content-Type: application/json\r\n", "{\"message\":\"No such image: nope:latest\"}")));
             DockerApi api = DockerConnector.connect(explicit(socket))) {

            assertThatThrownBy(() -> api.call("GET", "/images/nope:latest/json").json())
                    .isInstanceOfSatisfying(DockerApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.daemonMessage()).isEqualTo("No such image: nope:latest");
                    })
                    .hasMessage("GET /images/nope:latest/json on the Docker daemon at unix://" + socket
                            + " failed: 404 No such image: nope:latest");
        }
    }

    @Test
    void permissionDeniedSaysWhoMayNotOpenWhichSocketAndHowToBeAllowed() throws IOException {
        Path socket = Files.createFile(dir.resolve("docker.sock"));
        DockerEndpoint endpoint = DockerEndpoint.unix(socket, "default socket");
        IOException asOkHttpReportsIt = new ConnectException("Failed to connect to docker/127.0.0.1:80");
        asOkHttpReportsIt.initCause(new SocketException("Permission denied"));
        DockerConnector.Attempt denied = DockerConnector.classify(endpoint, asOkHttpReportsIt);

        ContainerEngineException failure = DockerConnector.failure(List.of(
                new DockerConnector.Attempt(DockerEndpoint.unix(dir.resolve("none.sock"), "rootless Docker"),
                        DockerConnector.Outcome.MISSING, "no such socket file"),
                denied), false);

        assertThat(denied.outcome()).isEqualTo(DockerConnector.Outcome.PERMISSION_DENIED);
        assertThat(failure.getMessage())
                .startsWith("Cannot use the Docker daemon at unix://" + socket + " (default socket): permission denied")
                .contains("(the socket is owned by ")
                .contains("User '" + System.getProperty("user.name") + "' may not open that socket")
                .contains("sudo usermod -aG docker")
                .contains("run as root")
                .contains("Tried:\n  - unix://" + dir.resolve("none.sock") + " (rootless Docker): no such socket file");
    }

    @Test
    void reasonLooksThroughOkHttpsWrapping() {
        IOException wrapped = new ConnectException("Failed to connect to docker/127.0.0.1:80");
        wrapped.initCause(new SocketException("Connection refused"));

        assertThat(DockerConnector.reason(wrapped)).isEqualTo("Connection refused");
        assertThat(DockerConnector.reason(new IOException("plain"))).isEqualTo("plain");
    }
}
