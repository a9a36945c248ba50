package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Platform;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryTransportTest {
    @TempDir
    Path tmp;

    private RegistryTransport transport(Set<String> insecure) {
        return new RegistryTransport(new EngineSettings(tmp, List.of(), insecure, tmp, List.of(tmp.resolve("certs.d")),
                Platform.parse("linux/amd64")));
    }

    @Test
    void loopbackIsRecognisedByLiteralSpellingOnly() {
        assertThat(RegistryTransport.isLoopback("localhost")).isTrue();
        assertThat(RegistryTransport.isLoopback("127.0.0.1")).isTrue();
        assertThat(RegistryTransport.isLoopback("127.3.4.5")).isTrue();
        assertThat(RegistryTransport.isLoopback("[::1]")).isTrue();
        assertThat(RegistryTransport.isLoopback("::1")).isTrue();
        assertThat(RegistryTransport.isLoopback("10.0.0.1")).isFalse();
        assertThat(RegistryTransport.isLoopback("192.168.1.1")).isFalse();
        assertThat(RegistryTransport.isLoopback("127.0.0.1.example.com")).isFalse();
        assertThat(RegistryTransport.isLoopback("localhost.example.com")).isFalse();
    }

    @Test
    void plainHttpOnlyForLoopbackAndListedRegistries() {
        try (RegistryTransport transport = transport(Set.of("build-cache:5000", "lab-registry"))) {
            assertThat(transport.plainHttpAllowed("127.0.0.1:5000")).isTrue();
            assertThat(transport.plainHttpAllowed("localhost")).isTrue();
            assertThat(transport.plainHttpAllowed("[::1]:5000")).isTrue();
            assertThat(transport.plainHttpAllowed("build-cache:5000")).isTrue();
            assertThat(transport.plainHttpAllowed("lab-registry:443")).isTrue();
            assertThat(transport.plainHttpAllowed("build-cache:6000")).isFalse();
            assertThat(transport.plainHttpAllowed("registry-1.docker.io")).isFalse();
        }
    }

    @Test
    void splitsHostFromPortIncludingIpv6() {
        assertThat(RegistryTransport.host("127.0.0.1:5000")).isEqualTo("127.0.0.1");
        assertThat(RegistryTransport.host("[::1]:5000")).isEqualTo("[::1]");
        assertThat(RegistryTransport.host("[::1]")).isEqualTo("[::1]");
        assertThat(RegistryTransport.host("example.com")).isEqualTo("example.com");
        assertThat(RegistryTransport.hostPort(HttpUrl.get("https://[::1]:5000/v2/"))).isEqualTo("[::1]:5000");
        assertThat(RegistryTransport.hostPort(HttpUrl.get("https://example.com/v2/"))).isEqualTo("example.com");
        assertThat(RegistryTransport.hostPort(HttpUrl.get("http://example.com:443/v2/"))).isEqualTo("example.com:443");
    }

    @Test
    void messagesShowUrlsWithoutCredentialsOrQuery() {
        assertThat(RegistryTransport.shown(HttpUrl.get("https://user:pw@cdn.example/blob?X-Signature=secret")))
                .isEqualTo("https://cdn.example/blob");
    }

    @Test
    void describesUntrustedCertificatesWithWhereToPutTheCa() {
        try (RegistryTransport transport = transport(Set.of())) {
            SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed");
            e.initCause(new CertificateException("unable to find valid certification path to requested target"));

            assertThat(transport.describe(e, HttpUrl.get("https://127.0.0.1:5001/v2/")))
                    .contains("the TLS certificate of 127.0.0.1:5001 is not trusted")
                    .contains(tmp.resolve("certs.d").resolve("127.0.0.1:5001").resolve("ca.crt").toString());
        }
    }

    @Test
    void describesRefusedConnectionsAndUnknownHostsWithTheUrl() {
        try (RegistryTransport transport = transport(Set.of())) {
            assertThat(transport.describe(new ConnectException("Connection refused"), HttpUrl.get("https://127.0.0.1:5999/v2/")))
                    .isEqualTo("cannot connect to https://127.0.0.1:5999/v2/: Connection refused — is the registry running and reachable?");
            assertThat(transport.describe(new UnknownHostException("nowhere.invalid"), HttpUrl.get("https://nowhere.invalid/v2/")))
                    .startsWith("unknown host nowhere.invalid (https://nowhere.invalid/v2/)");
            assertThat(transport.describe(new IOException("boom"), HttpUrl.get("http://127.0.0.1:1/v2/")))
                    .isEqualTo("the request to http://127.0.0.1:1/v2/ failed: boom");
        }
    }

    @Test
    void certificateProblemsAreToldApartFromOtherTlsFailures() {
        SSLHandshakeException untrusted = new SSLHandshakeException("x");
        untrusted.initCause(new CertificateException("y"));

        assertThat(RegistryTransport.isCertificateProblem(untrusted)).isTrue();
        assertThat(RegistryTransport.isCertificateProblem(new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message"))).isFalse();
    }
}
