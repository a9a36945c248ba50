package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerDiscoveryTest {
    @TempDir
    Path home;

    private Path config() {
        return home.resolve(".docker");
    }

    private DockerDiscovery.Candidates candidates(Map<String, String> variables) {
        return DockerDiscovery.candidates(variables::get, config(), home, 1000);
    }

    @Test
    void withoutAnySettingTriesTheWellKnownSocketsInOrder() {
        DockerDiscovery.Candidates candidates = candidates(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"));

        assertThat(candidates.explicit()).isFalse();
        assertThat(candidates.endpoints()).extracting(DockerEndpoint::uri).containsExactly(
                "unix:///var/run/docker.sock",
                "unix:///run/user/1000/docker.sock",
                "unix://" + home + "/.docker/run/docker.sock",
                "unix:///run/podman/podman.sock",
                "unix:///run/user/1000/podman/podman.sock");
        assertThat(candidates.endpoints()).extracting(DockerEndpoint::source)
                .containsExactly("default socket", "rootless Docker", "Docker Desktop", "Podman (rootful)", "Podman (rootless)");
    }

    @Test
    void withoutXdgRuntimeDirTheUsersRunDirectoryStandsIn() {
        assertThat(DockerDiscovery.candidates(Map.<String, String>of()::get, config(), home, 1234).endpoints())
                .extracting(DockerEndpoint::uri)
                .contains("unix:///run/user/1234/docker.sock", "unix:///run/user/1234/podman/podman.sock");
    }

    @Test
    void dockerHostIsTheOnlyCandidateWhenSet() throws IOException {
        writeContext("colima", "unix:///colima.sock", false);

        DockerDiscovery.Candidates candidates = candidates(Map.of("DOCKER_HOST", "unix:///tmp/mine.sock"));

        assertThat(candidates.explicit()).isTrue();
        assertThat(candidates.endpoints()).singleElement()
                .satisfies(e -> {
                    assertThat(e.uri()).isEqualTo("unix:///tmp/mine.sock");
                    assertThat(e.source()).isEqualTo("DOCKER_HOST");
                });
    }

    @Test
    void tlsVerifyTakesTheCertificatesFromDockerCertPath() throws IOException {
        Path certs = tlsFiles(home.resolve("certs"));

        DockerEndpoint endpoint = candidates(Map.of("DOCKER_HOST", "tcp://10.1.2.3",
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.toString())).endpoints().get(0);

        assertThat(endpoint.tls()).isTrue();
        assertThat(endpoint.tlsDirectory()).isEqualTo(certs);
        assertThat(endpoint.address()).isEqualTo("10.1.2.3:2376");
    }

    @Test
    void tlsVerifyWithoutCertPathUsesTheDockerConfigDirectory() throws IOException {
        tlsFiles(config());

        DockerEndpoint endpoint = candidates(Map.of("DOCKER_HOST", "tcp://10.1.2.3:2376", "DOCKER_TLS_VERIFY", "1"))
                .endpoints().get(0);

        assertThat(endpoint.tlsDirectory()).isEqualTo(config());
    }

    @Test
    void tlsVerifyWithMissingFilesSaysWhichAreMissingAndWhere() throws IOException {
        Path certs = Files.createDirectories(home.resolve("certs"));
        Files.writeString(certs.resolve("ca.pem"), "x");

        assertThatThrownBy(() -> candidates(Map.of("DOCKER_HOST", "tcp://10.1.2.3",
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.toString())))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining(certs.toString())
                .hasMessageContaining("cert.pem, key.pem are missing")
                .hasMessageContaining("DOCKER_CERT_PATH");
    }

    @Test
    void tlsVerifyDoesNotMatterForAUnixSocket() {
        assertThat(candidates(Map.of("DOCKER_HOST", "unix:///tmp/d.sock", "DOCKER_TLS_VERIFY", "1")).endpoints().get(0).tls())
                .isFalse();
    }

    @Test
    void currentContextOfConfigJsonIsFollowed() throws IOException {
        writeContext("colima", "unix://" + home + "/.colima/default/docker.sock", false);
        Files.writeString(config().resolve("config.json"), "{\"auths\":{},\"currentContext\":\"colima\"}");

        DockerDiscovery.Candidates candidates = candidates(Map.of());

        assertThat(candidates.explicit()).isTrue();
        assertThat(candidates.endpoints()).singleElement().satisfies(e -> {
            assertThat(e.uri()).isEqualTo("unix://" + home + "/.colima/default/docker.sock");
            assertThat(e.source()).contains("docker context \"colima\"").contains("config.json");
        });
    }

    @Test
    void dockerContextVariableWinsOverConfigJson() throws IOException {
        writeContext("remote", "tcp://192.0.2.7:2375", false);
        writeContext("colima", "unix:///colima.sock", false);
        Files.writeString(config().resolve("config.json"), "{\"currentContext\":\"colima\"}");

        DockerEndpoint endpoint = candidates(Map.of("DOCKER_CONTEXT", "remote")).endpoints().get(0);

        assertThat(endpoint.uri()).isEqualTo("tcp://192.0.2.7:2375");
        assertThat(endpoint.source()).contains("DOCKER_CONTEXT");
    }

    @Test
    void theDefaultContextMeansTheWellKnownSockets() throws IOException {
        Files.createDirectories(config());
        Files.writeString(config().resolve("config.json"), "{\"currentContext\":\"default\"}");

        assertThat(candidates(Map.of()).explicit()).isFalse();
    }

    @Test
    void contextWithStoredTlsMaterialUsesIt() throws IOException {
        writeContext("secure", "tcp://192.0.2.8:2376", false);
        Path tls = tlsFiles(config().resolve("contexts/tls").resolve(DockerDiscovery.sha256Hex("secure")).resolve("docker"));

        DockerEndpoint endpoint = candidates(Map.of("DOCKER_CONTEXT", "secure")).endpoints().get(0);

        assertThat(endpoint.tlsDirectory()).isEqualTo(tls);
    }

    @Test
    void contextThatSkipsTlsVerificationIsRefused() throws IOException {
        writeContext("lax", "tcp://192.0.2.9:2376", true);
        tlsFiles(config().resolve("contexts/tls").resolve(DockerDiscovery.sha256Hex("lax")).resolve("docker"));

        assertThatThrownBy(() -> candidates(Map.of("DOCKER_CONTEXT", "lax")))
                .hasMessageContaining("skip TLS verification");
    }

    @Test
    void missingContextSaysHowToGetBackToTheDefault() throws IOException {
        Files.createDirectories(config());
        Files.writeString(config().resolve("config.json"), "{\"currentContext\":\"gone\"}");

        assertThatThrownBy(() -> candidates(Map.of()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("\"gone\"")
                .hasMessageContaining(DockerDiscovery.sha256Hex("gone"))
                .hasMessageContaining("docker context use default");
    }

    @Test
    void contextIdIsTheSha256OfItsName() {
        // computed with: echo -n colima | sha256sum
        assertThat(DockerDiscovery.sha256Hex("colima"))
                .isEqualTo("f24fd3749c1368328e2b149bec149cb6795619f244c5b584e844961215dadd16");
    }

    @Test
    void unreadableConfigJsonMeansNoContext() throws IOException {
        Files.createDirectories(config());
        Files.writeString(config().resolve("config.json"), "{ not json");

        assertThat(candidates(new HashMap<>()).explicit()).isFalse();
    }

    private void writeContext(String name, String host, boolean skipTlsVerify) throws IOException {
        Path dir = Files.createDirectories(config().resolve("contexts/meta").resolve(DockerDiscovery.sha256Hex(name)));
        Files.writeString(dir.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
                + "{\"Host\":\"" + host + "\",\"SkipTLSVerify\":" + skipTlsVerify + "}}}");
    }

    private static Path tlsFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String file : new String[] {"ca.pem", "cert.pem", "key.pem"}) {
            Files.writeString(dir.resolve(file), "placeholder");
        }
        return dir;
    }
}
