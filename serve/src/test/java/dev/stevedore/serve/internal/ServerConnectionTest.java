package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP side of the server on a real unix socket, with handlers of the test's own. */
@Timeout(20)
class ServerConnectionTest {
    @TempDir
    Path directory;
    private ServerSocketChannel listener;
    private SocketChannel client;
    private InputStream in;
    private OutputStream out;

    private final Watchdog watchdog = new Watchdog();
    private final Router router = new Router()
            .add("GET", "/_ping", x -> x.response().send(200, "text/plain; charset=utf-8", "OK".getBytes(StandardCharsets.US_ASCII)))
            .add("POST", "/echo", x -> x.response().send(200, "text/plain", x.request().bodyBytes()))
            .add("POST", "/ignore", x -> x.response().empty(204))
            .add("GET", "/stream", x -> {
                OutputStream body = x.response().stream(200, HttpResponse.JSON);
                body.write("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
                body.write("{\"b\":2}\n".getBytes(StandardCharsets.UTF_8));
            })
            .add("POST", "/missing-body", x -> {
                throw new ContainerNotFoundException("ghost");
            })
            .add("GET", "/missing", x -> {
                throw new ContainerNotFoundException("ghost");
            })
            .add("POST", "/hijack", x -> {
                OutputStream raw = x.hijack(Frames.MULTIPLEXED);
                byte[] stdin = x.connection().input().readAllBytes();
                Frames.write(raw, Frames.STDOUT, ("got " + new String(stdin, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                x.connection().shutdownOutput();
            });

    @BeforeEach
    void connect() throws IOException {
        Path socket = directory.resolve("test.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(() -> {
            try {
                SocketChannel accepted = listener.accept();
                new ServerConnection(ClientSocket.of(accepted), router, ServerLimits.defaults(), watchdog, c -> { }).run();
            } catch (IOException e) {
                // the test ended
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        in = Channels.newInputStream(client);
        out = Channels.newOutputStream(client);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        listener.close();
        watchdog.close();
    }

    private record Reply(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private void send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one reply: Content-Length or chunked body, or none for HEAD, 101, 204. */
    private Reply reply(boolean head) throws IOException {
        String status = HttpParser.readLine(in, 8192);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = HttpParser.readLine(in, 8192); !line.isEmpty(); line = HttpParser.readLine(in, 8192)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        byte[] body = new byte[0];
        if (!head && code != 100 && code != 101 && code != 204) {
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                body = new ChunkedInputStream(in).readAllBytes();
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            }
        }
        return new Reply(code, headers, body);
    }

    @Test
    void oneConnectionServesRequestAfterRequest() throws IOException {
        send("GET /v1.41/_ping HTTP/1.1\r\nHost: x\r\n\r\n");
        Reply first = reply(false);
        send("HEAD /_ping HTTP/1.1\r\nHost: x\r\n\r\n");
        Reply head = reply(true);
        send("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n");
        Reply third = reply(false);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.text()).isEqualTo("OK");
        assertThat(first.headers()).containsEntry("api-version", DockerApiVersions.CURRENT).containsEntry("ostype", "linux")
                .containsEntry("docker-experimental", "false");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers()).containsEntry("content-length", "2");
        assertThat(third.text()).isEqualTo("OK");
    }

    @Test
    void chunkedAndSizedBodiesAreReadAndAnUnreadBodyIsSkipped() throws IOException {
        send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        Reply chunked = reply(false);
        send("POST /ignore HTTP/1.1\r\nContent-Length: 11\r\n\r\nnot read at");
        Reply ignored = reply(false);
        send("POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\nnext");
        Reply next = reply(false);

        assertThat(chunked.text()).isEqualTo("abcde");
        assertThat(ignored.status()).isEqualTo(204);
        assertThat(next.text()).isEqualTo("next");
    }

    @Test
    void anAnswerThatEndsTheConnectionStillReadsTheBodyTheClientIsSending() throws IOException, InterruptedException {
        // a client that sends the head, then the body (as Go's and Java's clients do with two writes), to a route
        // that answers without reading the body: the connection must not end under the client's second write
        send("POST /missing-body HTTP/1.1\r\nConnection: close\r\nContent-Length: 11\r\n\r\n");
        Reply early = reply(false);
        Thread.sleep(200); // room for a server that closes right after its answer to do so
        send("late bytes!");
        client.shutdownOutput();

        assertThat(early.status()).isEqualTo(404);
        assertThat(in.read()).as("the connection ends after the body").isEqualTo(-1);
    }

    @Test
    void aClientThatExpectsContinueIsToldToSendItsBody() throws IOException {
        send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        Reply interim = reply(true);
        send("body");

        assertThat(interim.status()).isEqualTo(100);
        assertThat(reply(false).text()).isEqualTo("body");
    }

    @Test
    void aStreamIsChunkedAndTheConnectionStaysOpenAfterIt() throws IOException {
        send("GET /stream HTTP/1.1\r\n\r\n");
        Reply stream = reply(false);
        send("GET /_ping HTTP/1.1\r\n\r\n");

        assertThat(stream.headers()).containsEntry("transfer-encoding", "chunked").containsEntry("content-type", "application/json");
        assertThat(stream.text()).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
        assertThat(reply(false).text()).isEqualTo("OK");
    }

    @Test
    void failuresAreDockersJsonErrors() throws IOException {
        send("GET /missing HTTP/1.1\r\n\r\n");
        Reply missing = reply(false);
        send("GET /nowhere HTTP/1.1\r\n\r\n");
        Reply nowhere = reply(false);

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.headers()).containsEntry("content-type", "application/json");
        assertThat(missing.text()).isEqualTo("{\"message\":\"No such container: ghost\"}");
        assertThat(nowhere.text()).isEqualTo("{\"message\":\"page not found\"}");
    }

    @Test
    void anUpgradedConnectionReadsStdinUntilTheClientHalfClosesAndThenAnswers() throws IOException {
        send("POST /hijack HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n{}");
        Reply upgraded = reply(false);
        out.write("stdin bytes".getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();

        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        in.transferTo(rest);

        assertThat(upgraded.status()).isEqualTo(101);
        assertThat(upgraded.headers()).containsEntry("upgrade", "tcp").containsEntry("content-type", Frames.MULTIPLEXED);
        byte[] frame = rest.toByteArray();
        assertThat(frame[0]).isEqualTo((byte) 1);
        assertThat(new String(frame, 8, frame.length - 8, StandardCharsets.UTF_8)).isEqualTo("got stdin bytes");
    }

    @Test
    void withoutAnUpgradeTheRawStreamIsA200ThatEndsWithTheConnection() throws IOException {
        send("POST /hijack HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        Reply plain = reply(true);
        client.shutdownOutput();

        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        in.transferTo(rest);

        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.headers()).doesNotContainKeys("content-length", "transfer-encoding").containsEntry("connection", "close");
        assertThat(new String(rest.toByteArray(), 8, rest.size() - 8, StandardCharsets.UTF_8)).isEqualTo("got ");
    }
}
