package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.serve.DockerApiServer;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server on TCP with TLS, certificates made by openssl for the test: Stevedore's Docker backend with a
 * client certificate talks to it (hijacked streams end with a clean TLS close); a client without one is refused
 * in the handshake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeTlsIT {
    @TempDir
    static Path directory;
    private ContainerEngine embedded;
    private DockerApiServer server;
    private Path clientTls;

    @BeforeAll
    void start() throws Exception {
        Path ca = directory.resolve("ca");
        Path serverTls = directory.resolve("server");
        clientTls = directory.resolve("client");
        Files.createDirectories(ca);
        Files.createDirectories(serverTls);
        Files.createDirectories(clientTls);
        openssl(ca, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=serve test CA",
                "-keyout", "ca-key.pem", "-out", "ca.pem");
        issue(ca, serverTls, "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        issue(ca, clientTls, "/CN=client", "extendedKeyUsage=clientAuth");
        embedded = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(directory.resolve("state")));
        server = DockerApiServer.start(embedded, DockerApiServer.Options.unixSocket(directory.resolve("docker.sock"))
                .withTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), serverTls));
    }

    /** A key and a certificate signed by the CA in {@code target}, with the CA's certificate beside them. */
    private static void issue(Path ca, Path target, String subject, String extensions) throws Exception {
        openssl(target, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem");
        openssl(target, "req", "-new", "-key", "key.pem", "-subj", subject, "-out", "request.csr");
        Files.writeString(target.resolve("extensions.cnf"), extensions + "\n");
        openssl(target, "x509", "-req", "-in", "request.csr", "-CA", ca.resolve("ca.pem").toString(), "-CAkey",
                ca.resolve("ca-key.pem").toString(), "-CAcreateserial", "-days", "1", "-extfile", "extensions.cnf", "-out", "cert.pem");
        Files.copy(ca.resolve("ca.pem"), target.resolve("ca.pem"));
    }

    private static void openssl(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl %s finished", command).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", command, output).isZero();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    @Test
    void aClientWithACertificateTalksToTheServerOverTls() {
        InetSocketAddress address = server.tcpAddress().orElseThrow();
        try (ContainerEngine client = DockerEngine.open(DockerEndpoint.parse("tcp://127.0.0.1:" + address.getPort(), clientTls,
                "test"), EngineSettings.fromEnvironment())) {
            assertThat(client.networks()).extracting(NetworkInfo::name).contains("bridge", "host", "none");
            assertThat(client.containers(true, java.util.Map.of("no.such.label", ""))).isEmpty();
        }
        assertThat(server.dockerHost()).startsWith("unix://");
    }

    @Test
    void execStreamsEndCleanlyOverTls() {
        InetSocketAddress address = server.tcpAddress().orElseThrow();
        try (ContainerEngine client = DockerEngine.open(DockerEndpoint.parse("tcp://127.0.0.1:" + address.getPort(), clientTls,
                "test"), EngineSettings.fromEnvironment())) {
            String id = client.runContainer(ContainerSpec.builder(Testbed.get().plainRegistry() + "/library/busybox:latest")
                    .cmd("sleep", "600").build()).id();

            ExecResult plain = client.exec(id, ExecSpec.of("sh", "-c", "echo out; exit 4"));
            ExecResult hijacked = client.exec(id, ExecSpec.of("cat").withStdin("over tls\n".getBytes(StandardCharsets.UTF_8)));

            assertThat(plain.exitCode()).isEqualTo(4);
            assertThat(plain.stdout()).isEqualTo("out\n");
            assertThat(hijacked.exitCode()).isZero();
            assertThat(hijacked.stdout()).isEqualTo("over tls\n");
            client.removeContainer(id, true);
        }
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        InetSocketAddress address = server.tcpAddress().orElseThrow();
        SSLContext trustingOnly = SSLContext.getInstance("TLS");
        trustingOnly.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);

        assertThatThrownBy(() -> {
            try (SSLSocket socket = (SSLSocket) trustingOnly.getSocketFactory().createSocket("127.0.0.1", address.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                if (in.read() < 0) {
                    throw new IOException("closed without an answer");
                }
            }
        }).isInstanceOf(IOException.class);
    }
}
