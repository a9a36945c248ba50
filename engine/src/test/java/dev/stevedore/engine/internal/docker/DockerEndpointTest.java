package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerEndpointTest {

    @Test
    void unixUrlNamesTheSocketFile() {
        DockerEndpoint endpoint = DockerEndpoint.parse("unix:///var/run/docker.sock", null, "DOCKER_HOST");

        assertThat(endpoint.kind()).isEqualTo(DockerEndpoint.Kind.UNIX);
        assertThat(endpoint.socketPath()).isEqualTo(Path.of("/var/run/docker.sock"));
        assertThat(endpoint.uri()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(endpoint.tls()).isFalse();
    }

    @Test
    void bareAbsolutePathIsAUnixSocket() {
        assertThat(DockerEndpoint.parse("/run/podman/podman.sock", null, "test").socketPath())
                .isEqualTo(Path.of("/run/podman/podman.sock"));
    }

    @Test
    void tcpWithoutPortTakesDockersPlainPortOrItsTlsPort() {
        assertThat(DockerEndpoint.parse("tcp://build-host", null, "test").address()).isEqualTo("build-host:2375");
        assertThat(DockerEndpoint.parse("tcp://build-host", Path.of("/certs"), "test").address()).isEqualTo("build-host:2376");
        assertThat(DockerEndpoint.parse("tcp://10.0.0.5:4243/", null, "test").address()).isEqualTo("10.0.0.5:4243");
        assertThat(DockerEndpoint.parse("tcp://[::1]:2375", null, "test").uri()).isEqualTo("tcp://[::1]:2375");
    }

    @Test
    void tlsDirectoryIsKeptForTcpOnly() {
        DockerEndpoint tcp = DockerEndpoint.parse("tcp://127.0.0.1:2376", Path.of("/certs"), "test");

        assertThat(tcp.tls()).isTrue();
        assertThat(tcp.tlsDirectory()).isEqualTo(Path.of("/certs"));
        assertThat(tcp.toString()).contains("TLS");
        assertThat(DockerEndpoint.parse("unix:///x.sock", Path.of("/certs"), "test").tls()).isFalse();
    }

    @Test
    void namedPipeIsRefusedOffWindowsWithWhatToUseInstead() {
        assertThatThrownBy(() -> DockerEndpoint.parse("npipe:////./pipe/docker_engine", null, "DOCKER_HOST"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("npipe:////./pipe/docker_engine")
                .hasMessageContaining("DOCKER_HOST")
                .hasMessageContaining("only on Windows")
                .hasMessageContaining("unix:///");
    }

    @Test
    void sshIsRefusedWithATunnelToUseInstead() {
        assertThatThrownBy(() -> DockerEndpoint.parse("ssh://me@host", null, "DOCKER_HOST"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("ssh -L");
    }

    @Test
    void addressesThatAreNoAddressSayHowToWriteOne() {
        assertThatThrownBy(() -> DockerEndpoint.parse("localhost:2375", null, "DOCKER_HOST"))
                .hasMessageContaining("no scheme").hasMessageContaining("tcp://host:port");
        assertThatThrownBy(() -> DockerEndpoint.parse("unix://relative.sock", null, "DOCKER_HOST"))
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> DockerEndpoint.parse("fd://", null, "DOCKER_HOST"))
                .hasMessageContaining("scheme \"fd\"");
        assertThatThrownBy(() -> DockerEndpoint.parse("tcp://", null, "DOCKER_HOST"))
                .hasMessageContaining("host[:port]");
    }
}
