package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
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
    void pullsAndInspectsOverTlsWithAClientCertificate(@TempDir Path certs) throws Exception {
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
                pump(client.getInputStream(), upstream, upstream.getOutputStream());
                pump(upstream.getInputStream(), client, client.getOutputStream());
            } catch (IOException e) {
                // the front closed, or one connection failed; the test's assertions tell which mattered
            }
        }
    }

    private static void pump(InputStream from, Socket to, OutputStream out) {
        Thread pump = new Thread(() -> {
            try (to) {
                from.transferTo(out);
            } catch (IOException e) {
                // one side went away; closing the other ends the pair
            }
        }, "tls-front-pump");
        pump.setDaemon(true);
        pump.start();
    }
}
