package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker system df} through the server (dockerd's {@code GET /system/df}), the same container and volume made on
 * the test bed's dockerd and on the server: the docker CLI's verbose rows for them read the same on both (what the
 * container wrote, the volume's size and users), and the summary counts what the server holds.
 */
class ServeDiskUsageIT extends ServeWithDockerCli {

    @Test
    void theDockerCliReadsTheSameSizesFromServeAsFromDockerd() {
        String run = Long.toHexString(System.nanoTime());
        String name = "df" + run;
        String volume = "df" + run + "-vol";
        Map<Path, List<String>> rows = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            try {
                DockerCli.run(server, "create", "--name", name, "-v", volume + ":/data", busybox, "sh", "-c",
                        "dd if=/dev/zero of=/written bs=1024 count=1024 && dd if=/dev/zero of=/data/f bs=1024 count=512");
                DockerCli.run(server, "start", name);
                assertThat(DockerCli.run(server, "wait", name)).containsExactly("0");
                List<String> verbose = DockerCli.run(server, "system", "df", "-v");
                List<String> ours = new ArrayList<>();
                // CONTAINER ID  IMAGE  COMMAND  LOCAL VOLUMES  SIZE  CREATED  STATUS  NAMES: volumes, size, status's word
                String[] container = columns(verbose, name);
                ours.add("container volumes=" + container[3] + " size=" + container[4] + " status=" + container[6].split(" ")[0]);
                // VOLUME NAME  LINKS  SIZE
                String[] kept = columns(verbose, volume);
                ours.add("volume links=" + kept[1] + " size=" + kept[2]);
                rows.put(server, ours);
                if (server.equals(socket)) {
                    assertThat(DockerCli.run(server, "system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}} {{.Size}} {{.Reclaimable}}"))
                            .as("the server holds this container and volume only").contains(
                                    "Containers 1 0 1.049MB 1.049MB (100%)",
                                    "Local Volumes 1 1 524.3kB 0B (0%)");
                }
            } finally {
                DockerCli.run(server, "rm", "-f", name);
                DockerCli.run(server, "volume", "rm", "-f", volume);
            }
        }
        assertThat(rows.get(socket)).as("serve's rows, dockerd's rows").isEqualTo(rows.get(dockerd()))
                .containsExactly("container volumes=1 size=1.05MB status=Exited", "volume links=1 size=524.3kB");
    }

    /** The columns (split at runs of two or more spaces) of the one line of {@code lines} that names {@code name}. */
    private static String[] columns(List<String> lines, String name) {
        List<String> matching = lines.stream().filter(l -> l.contains(name + " ") || l.endsWith(name)).toList();
        assertThat(matching).as("the row of " + name + " in\n" + String.join("\n", lines)).hasSize(1);
        return matching.get(0).trim().split(" {2,}");
    }
}
