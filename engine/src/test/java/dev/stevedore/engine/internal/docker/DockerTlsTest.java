package dev.stevedore.engine.internal.docker;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PEM keys read with the JDK alone, and TLS with client certificates as a Docker daemon started with
 * {@code --tlsverify} demands it. The peer is the JDK's HTTPS server playing the daemon's TLS front, with
 * the fixtures in {@code docker-tls/} (see its README).
 */
class DockerTlsTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) {
        try {
            return Path.of(DockerTlsTest.class.getResource("/docker-tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey key(String name) throws IOException {
        return DockerTls.privateKey(Files.readString(fixture(name)), fixture(name));
    }

    private static X509Certificate certificate(String name) throws Exception {
        return DockerTls.certificates(fixture(name)).get(0);
    }

    /** Whether the key signs what the certificate's public key verifies: that they belong together. */
    private static boolean pairs(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] data = "docker".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        return verifier.verify(signature);
    }

    @Test
    void readsRsaKeysInPkcs1AndPkcs8() throws Exception {
        PrivateKey pkcs1 = key("client-key-pkcs1.pem");
        PrivateKey pkcs8 = key("client-key-pkcs8.pem");

        assertThat(pkcs1.getAlgorithm()).isEqualTo("RSA");
        assertThat(pkcs1.getEncoded()).isEqualTo(pkcs8.getEncoded());
        assertThat(pairs(pkcs1, certificate("client-cert.pem"))).isTrue();
    }

    @Test
    void readsEcKeysInSec1AfterTheirParametersAndInPkcs8() throws Exception {
        assertThat(Files.readString(fixture("ec-key-sec1.pem"))).startsWith("-----BEGIN EC PARAMETERS-----");
        PrivateKey sec1 = key("ec-key-sec1.pem");
        PrivateKey pkcs8 = key("ec-key-pkcs8.pem");

        assertThat(sec1.getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPrivateKey) sec1).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) pkcs8).getS());
        assertThat(pairs(sec1, certificate("ec-cert.pem"))).isTrue();
        assertThat(pairs(key("server-key.pem"), certificate("server-cert.pem"))).isTrue();
    }

    @Test
    void refusesEncryptedKeysSayingHowToDecrypt() {
        assertThatThrownBy(() -> key("encrypted-key.pem"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("encrypted")
                .hasMessageContaining("openssl pkey");
    }

    @Test
    void refusesAFileWithoutAKey() {
        assertThatThrownBy(() -> DockerTls.privateKey(Files.readString(fixture("ca.pem")), fixture("ca.pem")))
                .hasMessageContaining("holds no PEM private key");
    }

    @Test
    void talksToADaemonThatDemandsAClientCertificate() throws Exception {
        assertThat(clientAsTheDaemonSeesIt("client-cert.pem", "client-key-pkcs1.pem")).isEqualTo("CN=client");
    }

    @Test
    void ecClientKeysWorkToo() throws Exception {
        assertThat(clientAsTheDaemonSeesIt("ec-cert.pem", "ec-key-sec1.pem")).isEqualTo("CN=ec-client");
    }

    /** Connects with the given client certificate and key, negotiates, and asks who the daemon saw. */
    private String clientAsTheDaemonSeesIt(String cert, String key) throws Exception {
        Path certs = certDirectory(cert, key);
        HttpsServer server = daemonFront();
        try {
            DockerEndpoint endpoint = DockerEndpoint.parse("tcp://127.0.0.1:" + server.getAddress().getPort(), certs, "test");
            try (DockerApi api = DockerConnector.connect(new DockerDiscovery.Candidates(List.of(endpoint), true))) {
                assertThat(api.version()).isEqualTo(ApiVersion.parse("1.41"));
                return api.call("GET", "/version").json().path("client").asText();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDaemonWhoseCertificateDoesNotNameTheHostIsRefused() throws Exception {
        Path certs = certDirectory("client-cert.pem", "client-key-pkcs8.pem");
        HttpsServer server = daemonFront();
        try {
            // the certificate names 127.0.0.1 and localhost, not this address
            String otherName = InetAddress.getByName("127.0.0.2").getHostAddress();
            DockerEndpoint endpoint = DockerEndpoint.parse("tcp://" + otherName + ":" + server.getAddress().getPort(), certs, "DOCKER_HOST");

            assertThatThrownBy(() -> DockerConnector.connect(new DockerDiscovery.Candidates(List.of(endpoint), true)))
                    .isInstanceOf(ContainerEngineException.class)
                    .hasMessageContaining("tcp://127.0.0.2:")
                    .hasMessageContaining("TLS handshake failed")
                    .hasMessageContaining("not verified");
        } finally {
            server.stop(0);
        }
    }

    private Path certDirectory(String cert, String key) throws IOException {
        Files.copy(fixture("ca.pem"), dir.resolve("ca.pem"));
        Files.copy(fixture(cert), dir.resolve("cert.pem"));
        Files.copy(fixture(key), dir.resolve("key.pem"));
        return dir;
    }

    /** An HTTPS server with the fixture server certificate that, like dockerd --tlsverify, needs a client certificate from the CA. */
    private static HttpsServer daemonFront() throws Exception {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("server", key("server-key.pem"), new char[0], new X509Certificate[] {certificate("server-cert.pem")});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate("ca.pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/", exchange -> {
            String client = ((javax.net.ssl.SSLSession) ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession())
                    .getPeerPrincipal().getName();
            byte[] body = exchange.getRequestURI().getPath().equals("/_ping")
                    ? "OK".getBytes(StandardCharsets.UTF_8)
                    : ("{\"client\":\"" + client + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Api-Version", "1.41");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
