package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerMapperTest {
    /** Trimmed from dockerd 20.10's answer for a running container with one published port. */
    private static final String RUNNING = """
            {"Id":"5f0c8e0b9a1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7980f1e2d3c4b5a6978801",
             "Created":"2026-11-23T04:42:21.123456789Z","Path":"sh","Args":["-c","httpd -f"],
             "State":{"Status":"running","Running":true,"Paused":false,"OOMKilled":false,"Dead":false,"Pid":4242,
                      "ExitCode":0,"Error":"","StartedAt":"2026-11-23T04:42:21.5Z","FinishedAt":"0001-01-01T00:00:00Z"},
             "Image":"sha256:71c79dcd0a02d0d65e8fe65c76b19eaf32e91aadb04b38c57a4b1d569ab184de","Name":"/web",
             "HostConfig":{"PortBindings":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]},"NetworkMode":"default",
                           "AutoRemove":false,"ReadonlyRootfs":true,"Memory":0,"NanoCpus":500000000,"PidsLimit":null,
                           "Mounts":[{"Type":"bind","Source":"/srv","Target":"/www","ReadOnly":true}],
                           "Tmpfs":{"/run":"size=1m"}},
             "Config":{"Hostname":"5f0c8e0b9a1d","User":"","Env":["PATH=/bin","A=1"],"Cmd":["-c","httpd -f"],
                       "Image":"127.0.0.1:5000/library/busybox:latest","WorkingDir":"","Entrypoint":["sh"],
                       "Labels":{"team":"a"},"StopTimeout":3,"ExposedPorts":{"8080/tcp":{}},
                       "Tty":true,"OpenStdin":true,"StdinOnce":false},
             "NetworkSettings":{"Ports":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"49153"}]},
                                "Networks":{"bridge":{"IPAddress":"10.213.0.2"}}}}
            """;

    private static JsonNode json(String text) throws IOException {
        return DockerApi.MAPPER.readTree(text);
    }

    @Test
    void runningContainerWithItsBoundPorts() throws IOException {
        ContainerInfo info = ContainerMapper.info(json(RUNNING), null);

        assertThat(info.name()).isEqualTo("web");
        assertThat(info.image()).isEqualTo("127.0.0.1:5000/library/busybox:latest");
        assertThat(info.imageId()).startsWith("sha256:71c7");
        assertThat(info.created()).isEqualTo(Instant.parse("2026-11-23T04:42:21.123456789Z"));
        assertThat(info.command()).containsExactly("sh", "-c", "httpd -f");
        assertThat(info.env()).containsExactly("PATH=/bin", "A=1");
        assertThat(info.labels()).containsExactly(java.util.Map.entry("team", "a"));
        assertThat(info.ports()).containsExactly(new PortBinding(8080, "tcp", "127.0.0.1", 49153));
        assertThat(info.networks()).containsExactly(java.util.Map.entry("bridge", "10.213.0.2"));
        assertThat(info.state()).isEqualTo(new ContainerState(ContainerState.Status.RUNNING, 4242, 0, 0, false, "",
                Instant.parse("2026-11-23T04:42:21.5Z"), null));
    }

    @Test
    void specIsRebuiltFromTheConfigurationWhenTheOriginalIsUnknown() throws IOException {
        ContainerSpec spec = ContainerMapper.info(json(RUNNING), null).spec();

        assertThat(spec.image()).isEqualTo("127.0.0.1:5000/library/busybox:latest");
        assertThat(spec.name()).isEqualTo("web");
        assertThat(spec.entrypoint()).containsExactly("sh");
        assertThat(spec.cmd()).containsExactly("-c", "httpd -f");
        assertThat(spec.readOnlyRootfs()).isTrue();
        assertThat(spec.cpus()).isEqualTo(0.5);
        assertThat(spec.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(spec.ports()).containsExactly(PortBinding.loopback(8080));
        assertThat(spec.mounts()).containsExactly(Mount.bind("/srv", "/www", true), Mount.tmpfs("/run", "size=1m"));
        // docker run -dit, attached from another process: its stdin is fed and its stream is raw
        assertThat(spec.tty()).isTrue();
        assertThat(spec.openStdin()).isTrue();
        assertThat(spec.stdinOnce()).isFalse();
    }

    @Test
    void theOriginalSpecWinsWhenKnown() throws IOException {
        ContainerSpec original = ContainerSpec.builder("busybox").cmd("true").build();

        ContainerInfo info = ContainerMapper.info(json(RUNNING), original);

        assertThat(info.spec()).isSameAs(original);
        assertThat(info.image()).isEqualTo("busybox");
    }

    @Test
    void stoppedContainerShowsRequestedBindingsAndItsSignal() throws IOException {
        String exited = RUNNING.replace("\"Status\":\"running\",\"Running\":true", "\"Status\":\"exited\",\"Running\":false")
                .replace("\"ExitCode\":0", "\"ExitCode\":137")
                .replace("\"FinishedAt\":\"0001-01-01T00:00:00Z\"", "\"FinishedAt\":\"2026-11-23T04:43:00Z\"")
                .replace("\"Ports\":{\"8080/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"49153\"}]}", "\"Ports\":{}");

        ContainerInfo info = ContainerMapper.info(json(exited), null);

        assertThat(info.state().status()).isEqualTo(ContainerState.Status.EXITED);
        assertThat(info.state().pid()).isZero();
        assertThat(info.state().exitCode()).isEqualTo(137);
        assertThat(info.state().signal()).isEqualTo(9);
        assertThat(info.state().finishedAt()).isEqualTo(Instant.parse("2026-11-23T04:43:00Z"));
        assertThat(info.ports()).containsExactly(PortBinding.loopback(8080));
    }

    @Test
    void aContainerThatFailedToStartIsStillCreatedWithItsError() throws IOException {
        JsonNode state = json("{\"Status\":\"created\",\"Running\":false,\"ExitCode\":127,"
                + "\"Error\":\"exec: \\\"/nope\\\": stat /nope: no such file or directory\",\"StartedAt\":\"0001-01-01T00:00:00Z\"}");

        ContainerState mapped = ContainerMapper.state(state);

        assertThat(mapped.status()).isEqualTo(ContainerState.Status.CREATED);
        assertThat(mapped.exitCode()).isZero();
        assertThat(mapped.error()).contains("/nope");
        assertThat(mapped.startedAt()).isNull();
    }

    @Test
    void deviceLimitsDockerdKeptAreReadAndOnesTheEngineRefusesAreLeftOut() throws IOException {
        JsonNode host = json("{\"MemoryReservation\":67108864,\"MemorySwappiness\":-1,\"BlkioWeightDevice\":"
                + "[{\"Path\":\"/dev/vda\",\"Weight\":5},{\"Path\":\"/dev/vdb\",\"Weight\":300}],"
                + "\"BlkioDeviceReadBps\":[{\"Path\":\"vda\",\"Rate\":1},{\"Path\":\"/dev/vda\",\"Rate\":1048576}],"
                + "\"BlkioDeviceWriteIOps\":null}");

        dev.stevedore.engine.Resources r = ContainerMapper.resources(host);

        assertThat(r.memoryReservation()).isEqualTo(67108864);
        assertThat(r.memorySwappiness()).as("the docker CLI's -1: unset").isNull();
        assertThat(r.blockIo().weights()).containsExactly(new dev.stevedore.engine.BlockIoLimits.Device("/dev/vdb", 300));
        assertThat(r.blockIo().readBps()).containsExactly(new dev.stevedore.engine.BlockIoLimits.Device("/dev/vda", 1048576));
        assertThat(r.blockIo().writeIops()).isEmpty();
    }
}
