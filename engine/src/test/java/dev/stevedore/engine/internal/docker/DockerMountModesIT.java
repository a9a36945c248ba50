package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code -v} mode ({@code ro,z}, propagation) on the Docker backend: sent so that dockerd applies it, and read back
 * into {@link ContainerInfo#mounts()} as dockerd's inspect shows it (#17). Asks dockerd through the docker CLI.
 */
class DockerMountModesIT {

    @Test
    void aBindsModeReachesDockerdAndComesBackInTheContainersMounts(@TempDir Path host, @TempDir Path config) {
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        String busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";
        String volume = "parity-" + UUID.randomUUID();
        try (DockerEngine engine = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"),
                EngineSettings.fromEnvironment().withDockerConfigDirectory(config))) {
            engine.pull(busybox);
            ContainerInfo created = engine.createContainer(ContainerSpec.builder(busybox).cmd("true")
                    .mount(Mount.parse(host + ":/moded:ro,z"))
                    .mount(Mount.parse(host + ":/plain"))
                    .mount(Mount.parse(volume + ":/volume"))
                    .build());
            try {
                ContainerInfo info = engine.inspectContainer(created.id());
                TreeSet<String> ours = new TreeSet<>();
                info.mounts().forEach(m -> ours.add(m.target() + " " + m.options() + " " + !m.readOnly()));
                TreeSet<String> dockerd = new TreeSet<>(DockerCli.run(socket, "inspect", "-f",
                        "{{range .Mounts}}{{println .Destination .Mode .RW}}{{end}}", created.id()));
                assertThat(ours).isEqualTo(dockerd).containsExactly("/moded ro,z false", "/plain  true", "/volume z true");
                assertThat(info.spec().mounts()).contains(new Mount(Mount.Type.BIND, host.toString(), "/moded", true, "ro,z"));
            } finally {
                engine.removeContainer(created.id(), true);
                DockerCli.run(socket, "volume", "rm", volume);
            }
        }
    }

}
