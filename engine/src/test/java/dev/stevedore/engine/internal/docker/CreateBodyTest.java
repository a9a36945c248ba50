package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CreateBodyTest {
    private static final ImageConfig EXPOSES_5432 = new ImageConfig(List.of(), List.of("postgres"), List.of(), "", "",
            Set.of("5432/tcp"), Set.of(), Map.of(), "", null);
    private static final Map<String, String> LABELS = Map.of("team", "a", Labels.SESSION, "s-1", Labels.OWNER, "h/1/2");

    private static JsonNode body(ContainerSpec spec) {
        return CreateBody.of(spec, "docker.io/library/postgres:16", EXPOSES_5432, LABELS);
    }

    @Test
    void unsetFieldsAreLeftToTheImage() {
        JsonNode body = body(ContainerSpec.builder("postgres:16").build());

        assertThat(body.path("Image").asText()).isEqualTo("docker.io/library/postgres:16");
        for (String field : List.of("Entrypoint", "Cmd", "WorkingDir", "User", "Hostname", "StopSignal", "StopTimeout", "Env", "ExposedPorts")) {
            assertThat(body.has(field)).as(field).isFalse();
        }
        JsonNode host = body.path("HostConfig");
        for (String field : List.of("PortBindings", "Mounts", "Tmpfs", "Memory", "NanoCpus", "PidsLimit", "ShmSize", "NetworkMode", "AutoRemove")) {
            assertThat(host.has(field)).as(field).isFalse();
        }
        assertThat(body.path("Tty").asBoolean(true)).isFalse();
    }

    @Test
    void everySpecFieldReachesTheBody() {
        ContainerSpec spec = ContainerSpec.builder("postgres:16")
                .entrypoint("/bin/sh", "-c").cmd("echo hi").env("A", "1").workingDir("/w").user("999:999").hostname("db")
                .label("team", "a").readOnlyRootfs(true).shmSizeBytes(128 << 20).memoryBytes(256 << 20).cpus(1.5)
                .pidsLimit(100).networkMode("backend").networkAlias("db").networkAlias("postgres")
                .stopSignal("SIGINT").stopTimeout(Duration.ofMillis(1500)).autoRemove(true)
                .mount(Mount.bind("/host/data", "/data", true)).mount(Mount.volume("cache", "/cache", false))
                .mount(Mount.volume("", "/anon", false)).mount(Mount.tmpfs("/run", "size=64m"))
                .build();

        JsonNode body = body(spec);
        JsonNode host = body.path("HostConfig");

        assertThat(body.path("Entrypoint").toString()).isEqualTo("[\"/bin/sh\",\"-c\"]");
        assertThat(body.path("Cmd").toString()).isEqualTo("[\"echo hi\"]");
        assertThat(body.path("Env").toString()).isEqualTo("[\"A=1\"]");
        assertThat(body.path("WorkingDir").asText()).isEqualTo("/w");
        assertThat(body.path("User").asText()).isEqualTo("999:999");
        assertThat(body.path("Hostname").asText()).isEqualTo("db");
        assertThat(body.path("StopSignal").asText()).isEqualTo("SIGINT");
        assertThat(body.path("StopTimeout").asLong()).isEqualTo(2);
        assertThat(body.path("Labels").path("team").asText()).isEqualTo("a");
        assertThat(body.path("Labels").path(Labels.SESSION).asText()).isEqualTo("s-1");
        assertThat(host.path("ReadonlyRootfs").asBoolean()).isTrue();
        assertThat(host.path("ShmSize").asLong()).isEqualTo(128L << 20);
        assertThat(host.path("Memory").asLong()).isEqualTo(256L << 20);
        assertThat(host.path("NanoCpus").asLong()).isEqualTo(1_500_000_000L);
        assertThat(host.path("PidsLimit").asLong()).isEqualTo(100);
        assertThat(host.path("NetworkMode").asText()).isEqualTo("backend");
        assertThat(host.path("AutoRemove").asBoolean()).isTrue();
        assertThat(host.path("Tmpfs").toString()).isEqualTo("{\"/run\":\"size=64m\"}");
        assertThat(host.path("Mounts").get(0).toString())
                .isEqualTo("{\"Type\":\"bind\",\"Source\":\"/host/data\",\"Target\":\"/data\",\"ReadOnly\":true}");
        JsonNode named = host.path("Mounts").get(1);
        assertThat(named.path("Type").asText()).isEqualTo("volume");
        assertThat(named.path("Source").asText()).isEqualTo("cache");
        assertThat(named.path("VolumeOptions").path("Labels").path(Labels.SESSION).asText()).isEqualTo("s-1");
        assertThat(named.path("VolumeOptions").path("Labels").has("team")).isFalse();
        assertThat(host.path("Mounts").get(2).has("Source")).isFalse();
        assertThat(body.path("NetworkingConfig").path("EndpointsConfig").path("backend").path("Aliases").toString())
                .isEqualTo("[\"db\",\"postgres\"]");
    }

    @Test
    void portsArePublishedOnLoopbackWithAnEmptyHostPortForAFreeOne() {
        JsonNode body = body(ContainerSpec.builder("postgres:16").port(PortBinding.loopback(5432))
                .port(PortBinding.parse("0.0.0.0:8080:80")).port(PortBinding.parse("53/udp")).build());

        JsonNode bindings = body.path("HostConfig").path("PortBindings");
        assertThat(bindings.path("5432/tcp").toString()).isEqualTo("[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]");
        assertThat(bindings.path("80/tcp").toString()).isEqualTo("[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]");
        assertThat(bindings.path("53/udp").toString()).isEqualTo("[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]");
        assertThat(body.path("ExposedPorts").fieldNames()).toIterable().containsExactlyInAnyOrder("5432/tcp", "80/tcp", "53/udp");
    }

    @Test
    void publishAllPortsBindsEveryExposedPortOnLoopbackInsteadOfTheDaemonsDefaultAddress() {
        JsonNode body = body(ContainerSpec.builder("postgres:16").publishAllPorts(true).expose("9000")
                .port(new PortBinding(5432, "tcp", "127.0.0.1", 15432)).build());

        JsonNode bindings = body.path("HostConfig").path("PortBindings");
        assertThat(body.path("HostConfig").has("PublishAllPorts")).isFalse();
        assertThat(bindings.path("5432/tcp").toString()).isEqualTo("[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"15432\"}]");
        assertThat(bindings.path("9000/tcp").toString()).isEqualTo("[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]");
    }

    @Test
    void exposedPortsAreValidated() {
        assertThat(CreateBody.portKey("8080")).isEqualTo("8080/tcp");
        assertThat(CreateBody.portKey("53/udp")).isEqualTo("53/udp");
        assertThatThrownBy(() -> CreateBody.portKey("http")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"http\"");
        assertThatThrownBy(() -> CreateBody.portKey("70000")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsRoundUpToWholeSeconds() {
        assertThat(CreateBody.seconds(Duration.ZERO)).isZero();
        assertThat(CreateBody.seconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(CreateBody.seconds(Duration.ofSeconds(10))).isEqualTo(10);
        assertThat(CreateBody.seconds(Duration.ofMillis(-5))).isZero();
    }
}
