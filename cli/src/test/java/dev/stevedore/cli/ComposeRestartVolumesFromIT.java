package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code restart:} and {@code volumes_from:} in a compose file, through {@code stevedore compose} on the embedded engine
 * and on the test bed's dockerd, where Debian's {@code docker-compose} brings up the same file beside it: the same
 * restart policy on the container, and the other service's volume mounted read-only where {@code :ro} asks for it.
 */
class ComposeRestartVolumesFromIT extends ComposeRuns {
    private static final String FILE_TEXT = """
            services:
              data:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
                volumes: ["store:/data"]
              app:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
                restart: "on-failure:3"
                volumes_from: ["data:ro"]
            volumes:
              store: {}
            """;
    private static final String POLICY = "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}";
    private static final String PROBE = "test -d /data && echo mounted; touch /data/x 2>/dev/null && echo rw || echo ro";

    private final String project = "cvf" + Long.toHexString(System.nanoTime());

    @Test
    void onTheEmbeddedEngineTheAppGetsTheDataServicesVolumeReadOnlyAndItsPolicy() throws Exception {
        Path file = file(FILE_TEXT);
        try {
            compose("embedded", file, project, "up", "-d");

            assertThat(compose("embedded", file, project, "exec", "app", "sh", "-c", PROBE).outLines())
                    .containsExactly("mounted", "ro");
            com.fasterxml.jackson.databind.JsonNode host = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(stevedore("--engine", "embedded", "inspect", project + "-app-1").out()).get(0).path("HostConfig");
            assertThat(host.path("RestartPolicy").path("Name").asText()).isEqualTo("on-failure");
            assertThat(host.path("RestartPolicy").path("MaximumRetryCount").asInt()).isEqualTo(3);
        } finally {
            compose("embedded", file, project, "down", "-v", "-t", "1");
        }
    }

    @Test
    void onDockerdItIsWhatDockerComposeMakesOfTheSameFile() throws Exception {
        besideDockerCompose(FILE_TEXT, project, (host, file, reference) -> {
            List<List<String>> seen = new ArrayList<>();
            for (String app : List.of(project + "-app-1", dockerComposeContainer(host, file, reference, "app"))) {
                List<String> lines = new ArrayList<>(run(host, "docker", "-H", host, "exec", app, "sh", "-c", PROBE).outLines());
                lines.addAll(run(host, "docker", "-H", host, "inspect", "-f", POLICY, app).outLines());
                seen.add(lines);
            }

            assertThat(seen.get(0)).isEqualTo(seen.get(1))
                    .containsExactly("mounted", "ro", "on-failure 3");
            assertThat(run(host, "docker", "-H", host, "inspect", "-f", "{{json .HostConfig.VolumesFrom}}",
                    project + "-app-1").outLines()).containsExactly("[\"" + project + "-data-1:ro\"]");
        });
    }
}
