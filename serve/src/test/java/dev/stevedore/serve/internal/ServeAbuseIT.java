package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server against clients that do not play fair — one that sends its head a byte at a time, one with a huge head,
 * one whose body never ends or stops halfway, hundreds that connect and say nothing — while the docker CLI, a fair
 * client, keeps getting its answers. Each test runs its own server over one embedded engine, with timeouts short
 * enough to watch them act.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ServeAbuseIT {
    private static final Duration SHORT = Duration.ofSeconds(1);

    @TempDir
    static Path directory;
    private ContainerEngine engine;
    private ApiServer server;
    private Path socket;
    private final List<SocketChannel> clients = new ArrayList<>();

    @BeforeAll
    void startEngine() {
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(directory.resolve("state")));
    }

    @AfterAll
    void closeEngine() {
        engine.close();
    }

    @AfterEach
    void stopServer() throws IOException {
        for (SocketChannel client : clients) {
            client.close();
        }
        clients.clear();
        if (server != null) {
            server.close();
        }
    }

    private void serve(ServerLimits limits) {
        socket = directory.resolve("abuse.sock");
        server = ApiServer.start(engine, socket, null, null, null, null, limits);
    }

    private static ServerLimits limits(int connections, Duration idle, Duration head, Duration body) {
        ServerLimits defaults = ServerLimits.defaults();
        return new ServerLimits(connections, defaults.maxHeaderLine(), defaults.maxHead(), defaults.maxJsonBody(), idle, head,
                body);
    }

    private SocketChannel connect() throws IOException {
        SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        clients.add(client);
        return client;
    }

    private static void send(SocketChannel client, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (bytes.hasRemaining()) {
            client.write(bytes);
        }
    }

    /** The status line of the next answer, or {@code null} when the server closed the connection first. */
    private static String statusLine(SocketChannel client) throws IOException {
        InputStream in = Channels.newInputStream(client);
        try {
            return HttpParser.readLine(in, 8192);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads until the server closes the connection; true if it did (a reset counts), with whatever came before. */
    private static boolean closedByServer(SocketChannel client) {
        try {
            InputStream in = Channels.newInputStream(client);
            in.readAllBytes();
        } catch (IOException e) {
            // a reset: closed all the same
        }
        return true;
    }

    private void dockerCliStillAnswers() {
        assertThat(DockerCli.run(socket, "version", "--format", "{{.Server.Os}}")).containsExactly("linux");
        assertThat(DockerCli.run(socket, "ps", "-a", "--format", "{{.ID}}")).isNotNull();
    }

    @Test
    void aSlowLorisClientIsCutAfterTheHeadTimeoutWhileTheDockerCliIsServed() throws Exception {
        serve(limits(512, Duration.ofSeconds(60), SHORT, Duration.ofSeconds(60)));
        SocketChannel loris = connect();
        send(loris, "GET /_ping HTTP/1.1\r\n");
        CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; ; i++) {
                    send(loris, "X-" + i + ": y\r\n");
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: what the test waits for
            }
        });
        long start = System.nanoTime();

        dockerCliStillAnswers();

        assertThat(closedByServer(loris)).isTrue();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        // The bound tells the head timeout (1 s) from the idle and body ones (60 s), nothing finer: two docker CLI
        // runs come first, and at load 15 those take seconds each.
        assertThat(tookMillis).as("cut by the 1 s head timeout, not the 60 s ones").isLessThan(45_000);
        trickle.get();
        assertThat(trickle).isCompleted();
        await().untilAsserted(() -> assertThat(server.connections()).isZero());
    }

    @Test
    void anOversizedHeaderLineOrHeadIsAnswered431AndTheConnectionClosed() throws IOException {
        serve(ServerLimits.defaults());
        SocketChannel longLine = connect();
        send(longLine, "GET /_ping HTTP/1.1\r\nX-Big: " + "a".repeat(ServerLimits.defaults().maxHeaderLine() + 1) + "\r\n\r\n");
        SocketChannel manyLines = connect();
        StringBuilder head = new StringBuilder("GET /_ping HTTP/1.1\r\n");
        for (int i = 0; head.length() <= ServerLimits.defaults().maxHead(); i++) {
            head.append("X-Line-").append(i).append(": ").append("b".repeat(1000)).append("\r\n");
        }
        send(manyLines, head.append("\r\n").toString());

        assertThat(statusLine(longLine)).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(statusLine(manyLines)).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(closedByServer(longLine)).isTrue();
        dockerCliStillAnswers();
    }

    @Test
    void aJsonBodyThatNeverEndsIsAnswered413AndCut() throws Exception {
        serve(ServerLimits.defaults());
        SocketChannel endless = connect();
        send(endless, "POST /v1.44/containers/create HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        String chunk = "1000\r\n" + " ".repeat(0x1000) + "\r\n";
        CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
            long sent = 0;
            try {
                for (;;) {
                    send(endless, chunk);
                    sent += 0x1000;
                }
            } catch (IOException e) {
                return sent;
            }
        });

        assertThat(statusLine(endless)).isEqualTo("HTTP/1.1 413 Payload Too Large");
        assertThat(closedByServer(endless)).isTrue();
        assertThat(sender.get()).as("the sender was stopped by the close").isLessThan(64L * 1024 * 1024);
        dockerCliStillAnswers();
    }

    @Test
    void aChunkedBodyThatStopsHalfwayIsCutAfterTheBodyTimeout() throws IOException {
        serve(limits(512, Duration.ofSeconds(60), Duration.ofSeconds(60), SHORT));
        SocketChannel stalled = connect();
        send(stalled, "POST /v1.44/containers/create HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n");
        long start = System.nanoTime();

        dockerCliStillAnswers();
        assertThat(closedByServer(stalled)).isTrue();

        assertThat((System.nanoTime() - start) / 1_000_000).as("cut by the 1 s body timeout, not the 60 s ones")
                .isLessThan(45_000);
        await().untilAsserted(() -> assertThat(server.connections()).isZero());
    }

    @Test
    void fiveHundredIdleConnectionsAreHeldTheDockerCliIsServedAndTheExcessIsAnswered503() throws IOException {
        long before = connectionThreads();
        serve(limits(510, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(60)));
        for (int i = 0; i < 500; i++) {
            connect();
        }
        await().untilAsserted(() -> assertThat(server.connections()).isEqualTo(500));

        dockerCliStillAnswers();

        await().untilAsserted(() -> assertThat(server.connections()).isEqualTo(500));
        List<SocketChannel> late = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            late.add(connect());
        }
        int served = 0;
        int refused = 0;
        for (SocketChannel client : late) {
            try {
                send(client, "GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n");
            } catch (IOException e) {
                // refused and closed before the request went out: the 503 is there to read all the same
            }
            String status = statusLine(client);
            if ("HTTP/1.1 200 OK".equals(status)) {
                served++;
            } else if ("HTTP/1.1 503 Service Unavailable".equals(status)) {
                refused++;
            }
        }
        assertThat(served).as("up to the cap of 510").isEqualTo(10);
        assertThat(refused).as("past the cap, answered 503").isEqualTo(10);
        assertThat(connectionThreads() - before).as("a thread per served connection, no more").isLessThanOrEqualTo(510);
    }

    /**
     * The connection threads of every server in this JVM, counted against a baseline: other classes' servers and
     * containers (health checks, detached execs) have threads named alike that may still be ending.
     */
    private static long connectionThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().matches("stevedore-serve-\\d+")).count();
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeoutAndFreeTheirPlaces() throws IOException {
        // Idle after 5 s, not 1: the ninth connection must find the eight still held, and at load 15 connecting
        // them and seeing them counted can take longer than a short idle time.
        serve(limits(8, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60)));
        for (int i = 0; i < 8; i++) {
            connect();
        }
        await().untilAsserted(() -> assertThat(server.connections()).isEqualTo(8));
        SocketChannel refusedNow = connect();
        assertThat(statusLine(refusedNow)).isEqualTo("HTTP/1.1 503 Service Unavailable");

        for (SocketChannel idle : clients.subList(0, 8)) {
            assertThat(closedByServer(idle)).isTrue();
        }
        await().untilAsserted(() -> assertThat(server.connections()).isZero());
        dockerCliStillAnswers();
    }
}
