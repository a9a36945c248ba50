package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry client against a registry on loopback that misbehaves on purpose (a tiny HTTP server of this test's):
 * one that streams a manifest without end, one whose token server does, one that redirects round a loop, one that
 * redirects from HTTPS down to plain HTTP, and one that stalls in the middle of a blob. Each is refused or timed out
 * with a message that says what happened, and nothing half-downloaded is left in the store.
 */
@Timeout(60)
class MisbehavingRegistryTest {
    @TempDir
    Path tmp;
    private TinyServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch testEnded = new CountDownLatch(1);
    private final AtomicLong bytesSent = new AtomicLong();
    private String tokenRealm;

    @BeforeEach
    void startRegistry() throws IOException {
        server = new TinyServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), false);
    }

    @AfterEach
    void stopRegistry() throws IOException {
        testEnded.countDown();
        server.close();
        handlers.shutdownNow();
    }

    /**
     * A tiny HTTP/1.1 server: one request per connection, answered by {@link #route}. A plain one answers a TLS
     * handshake with a 400, as registries written in Go do, so that the client learns at once it must speak plain HTTP.
     */
    private final class TinyServer implements AutoCloseable {
        final ServerSocket socket;

        TinyServer(ServerSocket socket, boolean tls) {
            this.socket = socket;
            handlers.submit(() -> {
                while (!socket.isClosed()) {
                    Socket connection;
                    try {
                        connection = socket.accept();
                    } catch (IOException closed) {
                        return null;
                    }
                    handlers.submit(() -> {
                        try (connection) {
                            answer(connection, tls);
                        } catch (IOException e) {
                            // the client hung up on a misbehaving answer: what the tests want
                        }
                        return null;
                    });
                }
                return null;
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void answer(Socket connection, boolean tls) throws IOException {
        InputStream in = new java.io.BufferedInputStream(connection.getInputStream());
        OutputStream out = connection.getOutputStream();
        in.mark(1);
        if (!tls && in.read() == 0x16) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        in.reset();
        String requestLine = line(in);
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            // no request here has a body; the headers tell nothing the routes need
        }
        String[] parts = requestLine.split(" ");
        java.net.URI uri = java.net.URI.create(parts[1]);
        route(parts[0], uri.getPath(), uri.getQuery(), out);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private void route(String method, String path, String query, OutputStream out) throws IOException {
        if (path.equals("/v2/")) {
            if (tokenRealm != null) {
                send(out, 401, "WWW-Authenticate: Bearer realm=\"" + tokenRealm + "\",service=\"abuse\"\r\n", "{}");
            } else {
                send(out, 200, "", "{}");
            }
        } else if (path.equals("/token")) {
            endless(out, "", "{\"token\":\"");
        } else if (path.startsWith("/v2/abuse/endless/manifests/")) {
            if (method.equals("HEAD")) {
                send(out, 405, "", "");
            } else {
                endless(out, "Content-Type: application/vnd.oci.image.manifest.v1+json\r\n", "{\"schemaVersion\":2,\"annotations\":{\"a\":\"");
            }
        } else if (path.startsWith("/v2/abuse/loop/manifests/")) {
            // latest -> hop -> latest -> ...
            String next = path.endsWith("/hop") ? "/v2/abuse/loop/manifests/latest" : "/v2/abuse/loop/manifests/hop";
            send(out, 307, "Location: " + next + "\r\n", "");
        } else if (path.startsWith("/v2/abuse/downgrade/manifests/")) {
            send(out, 307, "Location: http://127.0.0.1:" + server.port() + path + "\r\n", "");
        } else if (path.startsWith("/v2/abuse/stall/blobs/")) {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + 2 * 1024 * 1024 + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[512 * 1024]);
            out.flush();
            try {
                testEnded.await(); // a quarter of the blob, and then nothing more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            send(out, 404, "", "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}");
        }
    }

    private static void send(OutputStream out, int status, String headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " Status\r\n" + headers + "Content-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** A 200 whose body starts with {@code start} and never ends (no length: until the connection closes). */
    private void endless(OutputStream out, String headers, String start) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\n" + headers + "Connection: close\r\n\r\n" + start).getBytes(StandardCharsets.US_ASCII));
        byte[] filler = "a".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
        while (testEnded.getCount() > 0) {
            out.write(filler);
            bytesSent.addAndGet(filler.length);
        }
    }

    private RegistryClient client(Set<String> insecure, Duration readTimeout) throws IOException {
        Path config = Files.createDirectories(tmp.resolve("docker-config"));
        EngineSettings settings = new EngineSettings(tmp.resolve("state"), List.of(), insecure, config, List.of(), Platform.host());
        return new RegistryClient(settings, new DockerCredentials(config, List.of(), Duration.ofSeconds(5)),
                new RetryPolicy(2, Duration.ofMillis(10), 2, Duration.ofMillis(100)), Clock.systemUTC(), readTimeout);
    }

    private ImageReference image(String repository, int port) {
        return ImageReference.parse("127.0.0.1:" + port + "/abuse/" + repository + ":latest");
    }

    private int port() {
        return server.port();
    }

    @Test
    void aManifestThatNeverEndsIsCutAtFourMebibytes() throws IOException {
        try (RegistryClient client = client(Set.of(), Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.resolve(image("endless", port()), Platform.host()))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("larger than the " + 4 * 1024 * 1024 + " bytes accepted");
        }
        assertThat(bytesSent.get()).as("the server was stopped soon after the bound, not read to its end")
                .isLessThan(64L * 1024 * 1024);
    }

    @Test
    void aTokenAnswerThatNeverEndsIsCutAtOneMebibyte() throws IOException {
        tokenRealm = "http://127.0.0.1:" + port() + "/token";
        try (RegistryClient client = client(Set.of(), Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.resolve(image("anything", port()), Platform.host()))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("answered with more than " + (1 << 20) + " bytes");
        }
        assertThat(bytesSent.get()).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void aRedirectLoopIsRefusedAtOnce() throws IOException {
        try (RegistryClient client = client(Set.of(), Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.resolve(image("loop", port()), Platform.host()))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("refusing a redirect loop")
                    .hasMessageContaining("/v2/abuse/loop/manifests/hop redirects back to");
        }
    }

    @Test
    void aRedirectFromHttpsDownToPlainHttpIsRefusedEvenOnLoopback() throws Exception {
        SSLServerSocket socket = (SSLServerSocket) selfSignedContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (TinyServer https = new TinyServer(socket, true)) {
            String registry = "127.0.0.1:" + https.port();
            // listed as insecure: its self-signed certificate is accepted, so the redirect is what is judged
            try (RegistryClient client = client(Set.of(registry), Duration.ofSeconds(10))) {
                assertThatThrownBy(() -> client.resolve(image("downgrade", https.port()), Platform.host()))
                        .isInstanceOf(RegistryException.class)
                        .hasMessageContaining("refusing to follow a redirect from HTTPS down to plain HTTP")
                        .hasMessageContaining("-> http://127.0.0.1:" + port() + "/v2/abuse/downgrade/manifests/latest");
            }
        }
    }

    @Test
    void aRegistryThatStallsMidBlobTimesOutAndLeavesNothingStored() throws IOException {
        ContentStore store = new ContentStore(tmp.resolve("store"));
        Digest digest = Digest.of(new byte[2 * 1024 * 1024]);
        Descriptor blob = new Descriptor("application/vnd.oci.image.layer.v1.tar", digest, 2 * 1024 * 1024);
        ImageReference stalled = image("stall", port());
        ResolvedImage image = new ResolvedImage(stalled, "127.0.0.1:" + port(), null, null, null, digest, new byte[0],
                "application/vnd.oci.image.manifest.v1+json", null);
        long start = System.nanoTime();

        // a 3 s read timeout, not 1: the stalled registry runs in this JVM, and at load 15 a pause of its thread
        // before the 512 KiB were written would cut the answer short of them
        try (RegistryClient client = client(Set.of(), Duration.ofSeconds(3))) {
            assertThatThrownBy(() -> client.fetchBlob(image, blob, store, n -> { }))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("blob " + digest)
                    .hasMessageContaining("no answer from")
                    .hasMessageContaining("after " + 512 * 1024 + " bytes")
                    .hasMessageContaining("gave up after 2 attempts");
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two attempts of a 3 s read timeout, not a wait for the stalled answer")
                .isLessThan(Duration.ofSeconds(45));
        assertThat(store.hasBlob(digest)).isFalse();
        try (Stream<Path> files = Files.walk(tmp.resolve("store"))) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> !f.getParent().getFileName().toString().equals("locks")))
                    .as("no partial download left in ingest/ or blobs/").isEmpty();
        }
    }

    /** A TLS context with a fresh self-signed key for 127.0.0.1, made by the JDK's keytool. */
    private SSLContext selfSignedContext() throws Exception {
        Path keystore = tmp.resolve("registry.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool: " + output).isTrue();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
