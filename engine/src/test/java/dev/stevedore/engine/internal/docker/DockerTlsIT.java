package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker backend over TCP with TLS and a client certificate, as {@code DOCKER_TLS_VERIFY} and
 * {@code DOCKER_CERT_PATH} set it up, to the test bed's real dockerd. That daemon listens on a unix socket
 * only, so a TLS front in test code (demanding a client certificate from the fixture CA, as
 * {@code dockerd --tlsverify} does) passes the bytes through to it.
 */
class DockerTlsIT {

    @Test
    void pullsInspectsAndExecsWithStdinOverTlsWithAClientCertificate(@TempDir Path certs) throws Exception {
        Testbed testbed = Testbed.get();
        Path socket = testbed.dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        Files.copy(fixture("ca.pem"), certs.resolve("ca.pem"));
        Files.copy(fixture("client-cert.pem"), certs.resolve("cert.pem"));
        Files.copy(fixture("client-key-pkcs1.pem"), certs.resolve("key.pem"));

        try (SSLServerSocket front = tlsFront()) {
            Thread relay = new Thread(() -> relay(front, socket), "tls-front");
            relay.setDaemon(true);
            relay.start();
            var candidates = DockerDiscovery.candidates(java.util.Map.of(
                    "DOCKER_HOST", "tcp://127.0.0.1:" + front.getLocalPort(),
                    "DOCKER_TLS_VERIFY", "1",
                    "DOCKER_CERT_PATH", certs.toString())::get, certs, certs, 0);

            try (DockerEngine engine = DockerEngine.open(candidates, EngineSettings.fromEnvironment().withDockerConfigDirectory(certs))) {
                Image image = engine.pull(testbed.plainRegistry() + "/library/busybox:latest");

                assertThat(engine.endpoint().tls()).isTrue();
                assertThat(engine.endpoint().uri()).isEqualTo("tcp://127.0.0.1:" + front.getLocalPort());
                assertThat(engine.image(ImageReference.parse(testbed.plainRegistry() + "/library/busybox:latest")))
                        .hasValueSatisfying(i -> assertThat(i.id()).isEqualTo(image.id()));

                // exec with stdin takes over a connection of its own: TLS handshake, host name check, half-close
                ContainerInfo box = engine.runContainer(ContainerSpec.builder(testbed.plainRegistry() + "/library/busybox:latest")
                        .cmd("sleep", "600").build());
                ExecResult echoed = engine.exec(box.id(), ExecSpec.of("cat").withStdin("over TLS\n".getBytes(StandardCharsets.UTF_8)));
                assertThat(echoed.stdout()).isEqualTo("over TLS\n");
                assertThat(echoed.exitCode()).isZero();
            }
        }
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(DockerTlsIT.class.getResource("/docker-tls/" + name).toURI());
    }

    private static SSLServerSocket tlsFront() throws Exception {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("server", DockerTls.privateKey(Files.readString(fixture("server-key.pem")), fixture("server-key.pem")),
                new char[0], new X509Certificate[] {DockerTls.certificates(fixture("server-cert.pem")).get(0)});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", DockerTls.certificates(fixture("ca.pem")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.setNeedClientAuth(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    /** Accepts TLS connections until the front closes and pipes each to the daemon's unix socket. */
    private static void relay(SSLServerSocket front, Path daemon) {
        while (!front.isClosed()) {
            try {
                Socket client = front.accept();
                Socket upstream = new UnixSocket(daemon);
                upstream.connect(null);
                java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);
                pump(client.getInputStream(), upstream, client, open);
                pump(upstream.getInputStream(), client, upstream, open);
            } catch (IOException e) {
                // the front closed, or one connection failed; the test's assertions tell which mattered
            }
        }
    }

    /**
     * Copies one direction; at its end half-closes the other side (a client that ends stdin still reads the
     * output), and closes both sockets once both directions have ended.
     */
    private static void pump(InputStream from, Socket to, Socket fromSocket, java.util.concurrent.atomic.AtomicInteger open) {
        Thread pump = new Thread(() -> {
            try {
                from.transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException | UnsupportedOperationException e) {
                // one side went away; closing both below ends the pair
                open.set(1);
            }
            if (open.decrementAndGet() == 0) {
                closeQuietly(to);
                closeQuietly(fromSocket);
            }
        }, "tls-front-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
