package dev.stevedore.serve.internal;

import dev.stevedore.apitest.BlockDisks;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.stevedore.serve.internal.ServeResourcesIT.groupFiles;
import static dev.stevedore.serve.internal.ServeResourcesIT.settingWarnings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker run --memory-reservation --memory-swappiness --blkio-weight-device --device-read-bps
 * --device-write-iops} and {@code docker update --memory-reservation} with the docker CLI, against serve and the test
 * bed's dockerd in the same run (#17), on the host's root disk picked from {@code /sys/block}: the CLI's warnings,
 * inspect's echo and the values in the container's v1 memory and blkio groups (this host's layout) must be dockerd's.
 */
class ServeBlockIoIT extends ServeWithDockerCli {
    private static final String SETTINGS = "{{json .HostConfig.MemoryReservation}} {{json .HostConfig.MemorySwappiness}}"
            + " {{json .HostConfig.BlkioWeightDevice}} {{json .HostConfig.BlkioDeviceReadBps}}"
            + " {{json .HostConfig.BlkioDeviceWriteBps}} {{json .HostConfig.BlkioDeviceReadIOps}}"
            + " {{json .HostConfig.BlkioDeviceWriteIOps}}";

    @Test
    void runWithMemoryAndDeviceOptionsAppliesThemLikeDockerd() throws IOException {
        String disk = BlockDisks.root();
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> output = settingWarnings(DockerCli.run(server, "run", "-d", "--memory-reservation", "64m",
                    "--memory-swappiness", "10", "--blkio-weight-device", disk + ":300", "--device-read-bps", disk + ":1mb",
                    "--device-write-iops", disk + ":100", busybox, "sleep", "600"));
            String id = made(server, output.remove(output.size() - 1));
            output.addAll(DockerCli.run(server, "inspect", "-f", SETTINGS, id));
            output.addAll(groupFiles(server, id, "memory/memory.soft_limit_in_bytes", "memory/memory.swappiness",
                    "blkio/blkio.throttle.read_bps_device", "blkio/blkio.throttle.write_iops_device"));
            seen.put(server, output);
        }
        String numbers = BlockDisks.numbers(disk);
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd())).contains("67108864", "10", numbers + " 1048576",
                numbers + " 100");
        String weights = weighsDevices() ? "[{\"Path\":\"" + disk + "\",\"Weight\":300}]" : "[]";
        assertThat(seen.get(socket)).contains("67108864 10 " + weights + " [{\"Path\":\"" + disk + "\",\"Rate\":1048576}] [] []"
                + " [{\"Path\":\"" + disk + "\",\"Rate\":100}]");
        if (!weighsDevices()) {
            assertThat(seen.get(socket)).startsWith("WARNING: Your kernel does not support Block I/O weight_device or the"
                    + " cgroup is not mounted. Weight-device discarded.");
        }
    }

    @Test
    void updateChangesTheReservationLikeDockerd() throws IOException {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            String id = made(server, last(DockerCli.run(server, "run", "-d", "-m", "256m", "--memory-reservation", "64m",
                    busybox, "sleep", "600")));
            List<String> output = settingWarnings(DockerCli.run(server, "update", "--memory-reservation", "32m", id));
            output.remove(id); // printed as given
            output.addAll(DockerCli.run(server, "inspect", "-f", "{{json .HostConfig.MemoryReservation}}", id));
            output.addAll(groupFiles(server, id, "memory/memory.soft_limit_in_bytes"));
            seen.put(server, output);
        }
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd())).endsWith("33554432", "33554432");
    }

    /** dockerd takes any path at create and fails at start ("no such device"); serve refuses it at create, naming it. */
    @Test
    void aPathThatIsNotABlockDeviceIsRefusedAtCreateNamingIt() {
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> DockerCli.run(socket, "create",
                "--device-read-bps", "/dev/null:1mb", busybox, "true"));
        assertThat(refused).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Error response from daemon: block I/O limit on /dev/null: /dev/null is not a block device");
    }

    /** Whether this host's v1 block I/O controller takes per-device weights (CFQ or BFQ). */
    private static boolean weighsDevices() {
        Path blkio = Path.of("/sys/fs/cgroup/blkio");
        return java.nio.file.Files.exists(blkio.resolve("blkio.weight_device"))
                || java.nio.file.Files.exists(blkio.resolve("blkio.bfq.weight_device"));
    }
}
