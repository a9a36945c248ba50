package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path directory;

    private final InMemoryEngine engine = new InMemoryEngine()
            .store("busybox:latest", InMemoryEngine.image("busybox", Instant.parse("2024-01-01T00:00:00Z"), 1000))
            .publish("alpine:3", InMemoryEngine.image("alpine", Instant.parse("2024-02-01T00:00:00Z"), 2000, 3000));

    /** One request on a connection of its own, closed after the answer: the whole answer, head and body. */
    private static String request(Path socket, String method, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(channel);
            out.write((method + " " + path + " HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = Channels.newInputStream(channel);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheEngineOnTheSocketUntilInterruptedThenRemovesItAndClosesTheEngine() throws IOException {
        Path socket = directory.resolve("run/docker.sock");
        CliRunner cli = new CliRunner(engine);

        CliRunner.Running running = cli.start("serve", "--socket", socket.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> running.out().toString().contains("export DOCKER_HOST="));

        assertThat(running.out().toString()).contains("export DOCKER_HOST=unix://" + socket);
        assertThat(Files.getPosixFilePermissions(socket)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "GROUP_READ", "GROUP_WRITE");
        assertThat(request(socket, "GET", "/v1.41/_ping")).startsWith("HTTP/1.1 200 OK").contains("Api-Version: ").endsWith("OK");
        assertThat(request(socket, "GET", "/v1.41/images/json")).contains("\"RepoTags\":[\"busybox:latest\"]");
        assertThat(request(socket, "POST", "/v1.41/images/create?fromImage=docker.io%2Flibrary%2Falpine&tag=3"))
                .contains("Transfer-Encoding: chunked").contains("\"status\":\"Pulling fs layer\"")
                .contains("Status: Downloaded newer image for alpine:3");
        assertThat(request(socket, "GET", "/v1.41/containers/nothing/json"))
                .startsWith("HTTP/1.1 404").contains("{\"message\":\"No such container: nothing\"}");

        cli.interrupt();

        assertThat(running.result().exitCode()).isZero();
        assertThat(socket).doesNotExist();
        assertThat(engine.closed).isTrue();
    }

    @Test
    void tcpWithoutTlsIsAUsageError() {
        CliRunner.Result result = new CliRunner(engine).run("serve", "--socket", directory.resolve("d.sock").toString(),
                "--tcp", "127.0.0.1:2376");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--tcp needs --tls-dir");
        assertThat(engine.closed).as("no engine is opened for a wrong command line").isFalse();
    }

    @Test
    void theSocketBelongsToTheGroupAsked() throws IOException {
        Path socket = directory.resolve("grouped.sock");
        String group = Files.readAttributes(directory, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        CliRunner cli = new CliRunner(engine);
        CliRunner.Running running = cli.start("serve", "--socket", socket.toString(), "--group", group);
        await().atMost(Duration.ofSeconds(20)).until(() -> running.out().toString().contains("export DOCKER_HOST="));

        assertThat(Files.readAttributes(socket, java.nio.file.attribute.PosixFileAttributes.class).group().getName()).isEqualTo(group);
        cli.interrupt();
        assertThat(running.result().exitCode()).isZero();

        CliRunner.Result missing = new CliRunner(new InMemoryEngine()).run("serve", "--socket", socket.toString(),
                "--group", "no-such-group-here");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("there is no group named \"no-such-group-here\"");
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSocketAnotherServerAnswersOnIsNotTakenOver() {
        Path socket = directory.resolve("d.sock");
        CliRunner first = new CliRunner(engine);
        CliRunner.Running running = first.start("serve", "--socket", socket.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> running.out().toString().contains("export DOCKER_HOST="));

        CliRunner.Result second = new CliRunner(new InMemoryEngine()).run("serve", "--socket", socket.toString());

        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err()).contains("another server already listens there");
        assertThat(socket).exists();
        first.interrupt();
        assertThat(running.result().exitCode()).isZero();
    }
}
