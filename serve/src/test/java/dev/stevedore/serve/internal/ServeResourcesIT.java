package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker run/update --cpu-shares --cpu-period --cpu-quota --cpuset-cpus --cpuset-mems --blkio-weight} and
 * {@code -v} modes with the docker CLI, against serve and the test bed's dockerd in the same run (#17): the CLI's
 * output (dockerd's warnings for what the host cannot apply), what inspect echoes, and what the kernel holds in the
 * container's groups, read from the host through its first process, must be dockerd's.
 */
class ServeResourcesIT extends ServeWithDockerCli {
    private static final String SETTINGS = "{{.HostConfig.CpuShares}} {{.HostConfig.CpuPeriod}} {{.HostConfig.CpuQuota}}"
            + " {{.HostConfig.CpusetCpus}} {{.HostConfig.CpusetMems}} {{.HostConfig.BlkioWeight}}";
    /** dockerd's warning for a weight its host cannot apply. */
    static final String WEIGHT_DISCARDED = "Your kernel does not support Block I/O weight or the cgroup is not mounted."
            + " Weight discarded.";

    @Test
    void runWithCpuOptionsAppliesThemLikeDockerd() throws IOException {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : peers()) {
            List<String> output = settingWarnings(DockerCli.run(server, "run", "-d", "--cpu-shares", "512", "--cpu-period",
                    "50000", "--cpu-quota", "25000", "--cpuset-cpus", "0", "--cpuset-mems", "0", "--blkio-weight", "300",
                    busybox, "sleep", "600"));
            String id = made(server, output.remove(output.size() - 1));
            output.addAll(DockerCli.run(server, "inspect", "-f", SETTINGS, id));
            output.addAll(groupFiles(server, id, "cpu/cpu.shares", "cpu/cpu.cfs_period_us", "cpu/cpu.cfs_quota_us",
                    "cpuset/cpuset.cpus", "cpuset/cpuset.mems"));
            seen.put(server, output);
        }
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd()));
        assertThat(seen.get(socket)).contains("512 50000 25000 0 0 " + (weighs() ? "300" : "0"));
        if (!weighs()) {
            assertThat(seen.get(socket)).startsWith("WARNING: " + WEIGHT_DISCARDED);
        }
    }

    @Test
    void updateChangesCpuSettingsLikeDockerd() throws IOException {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : peers()) {
            String id = made(server, last(DockerCli.run(server, "run", "-d", busybox, "sleep", "600")));
            List<String> output = settingWarnings(DockerCli.run(server, "update", "--cpu-shares", "256", "--cpu-period",
                    "100000", "--cpu-quota", "30000", "--cpuset-cpus", "0", "--blkio-weight", "200", id));
            output.remove(id); // printed first, as given; then the warnings
            output.addAll(DockerCli.run(server, "inspect", "-f", SETTINGS, id));
            output.addAll(groupFiles(server, id, "cpu/cpu.shares", "cpu/cpu.cfs_quota_us", "cpuset/cpuset.cpus"));
            seen.put(server, output);
        }
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd()));
        assertThat(seen.get(socket)).contains("256 100000 30000 0  " + (weighs() ? "200" : "0"));
        if (!weighs()) {
            assertThat(seen.get(socket)).startsWith(WEIGHT_DISCARDED);
        }
    }

    @Test
    void aCpusetTheHostLacksIsRefusedLikeDockerd() {
        Map<Path, String> answers = new LinkedHashMap<>();
        for (Path server : peers()) {
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> DockerCli.run(server, "create",
                    "--cpuset-cpus", "4095", busybox, "true"));
            assertThat(refused).as(server.toString()).isInstanceOf(AssertionError.class);
            String message = refused.getMessage();
            answers.put(server, message.substring(message.indexOf("Error response from daemon:")).strip());
        }
        assertThat(answers.get(socket)).isEqualTo(answers.get(dockerd()))
                .startsWith("Error response from daemon: Requested CPUs are not available - requested 4095, available: ");
    }

    @Test
    void mountModesAreEchoedAsAskedLikeDockerd() throws IOException {
        Path bound = Files.createTempDirectory("serve-modes");
        String volume = "modes-" + UUID.randomUUID();
        Map<Path, List<String>> modes = new LinkedHashMap<>();
        try {
            for (Path server : peers()) {
                String id = made(server, last(DockerCli.run(server, "create", "-v", bound + ":/a", "-v", bound + ":/b:ro",
                        "-v", bound + ":/c:rw", "-v", bound + ":/d:z", "-v", bound + ":/x:ro,z", "-v", volume + ":/e",
                        "-v", volume + ":/f:ro", "--mount", "type=bind,src=" + bound + ",dst=/g,readonly", "--mount",
                        "type=volume,src=" + volume + ",dst=/h", busybox, "true")));
                // dockerd lists them in its map's order: compared sorted
                modes.put(server, DockerCli.run(server, "inspect", "-f",
                        "{{range .Mounts}}{{.Destination}}={{.Mode}}|{{.RW}}\n{{end}}", id).stream()
                        .filter(l -> !l.isBlank()).sorted().toList());
                DockerCli.run(server, "rm", id);
            }
        } finally {
            for (Path server : peers()) {
                DockerCli.run(server, "volume", "rm", "-f", volume);
            }
        }
        assertThat(modes.get(socket)).isEqualTo(modes.get(dockerd())).containsExactly("/a=|true", "/b=ro|false",
                "/c=rw|true", "/d=z|true", "/e=z|true", "/f=ro|false", "/g=|false", "/h=z|true", "/x=ro,z|false");
    }

    /** dockerd then serve, busybox pulled on both. */
    private List<Path> peers() {
        return dockerdThenServe();
    }

    /** The CLI's lines without dockerd's warning about its host's IPv4 forwarding, which no setting here causes. */
    static List<String> settingWarnings(List<String> lines) {
        return new ArrayList<>(lines.stream().filter(l -> !l.contains("IPv4 forwarding")).toList());
    }

    /**
     * The container's control files (v1 names, controller/file), read from the host through its first process; where
     * the controller is v2, the v2 file runc writes instead ({@code cpu.weight}, {@code cpu.max}).
     */
    static List<String> groupFiles(Path server, String id, String... files) throws IOException {
        long pid = Long.parseLong(last(DockerCli.run(server, "inspect", "-f", "{{.State.Pid}}", id)));
        Map<String, String> groups = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] parts = line.split(":", 3);
            for (String controller : parts[1].split(",")) {
                groups.put(controller, parts[2]);
            }
        }
        List<String> values = new ArrayList<>();
        for (String file : files) {
            String controller = file.substring(0, file.indexOf('/'));
            String name = file.substring(file.indexOf('/') + 1);
            Path path = groups.containsKey(controller) && !controller.isEmpty()
                    ? Path.of("/sys/fs/cgroup", controller, groups.get(controller).substring(1), name)
                    : Path.of("/sys/fs/cgroup", groups.get("").substring(1), name.equals("cpu.shares") ? "cpu.weight"
                    : name.startsWith("cpu.cfs_") ? "cpu.max" : name);
            values.add(Files.readString(path).strip());
        }
        return values;
    }

    /** Whether this host's v1 block I/O controller weighs (BFQ or CFQ): else both drop a weight with a warning. */
    static boolean weighs() {
        Path blkio = Path.of("/sys/fs/cgroup/blkio");
        return Files.exists(blkio.resolve("blkio.weight")) || Files.exists(blkio.resolve("blkio.bfq.weight"));
    }
}
