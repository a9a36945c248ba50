package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code docker run --init --group-add --domainname --sysctl} with the docker CLI, on serve and on the test bed's
 * dockerd in the same run: what the container sees inside ({@code id -G}, its domain name, the sysctls, whether the
 * command is pid 1), inspect's echo, the exit code when the stop signal reaches a command under the init, and the
 * refusal of a group the image does not know.
 */
class ServeProcessOptionsIT extends ServeWithDockerCli {
    private final Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));

    @Test
    void theOptionsActAndAreEchoedAsOnDockerd() {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : List.of(dockerd, socket)) {
            List<String> containers = new ArrayList<>();
            try {
                seen.put(server, exercise(server, containers));
            } finally {
                containers.forEach(id -> DockerCli.run(server, "rm", "-f", id));
            }
        }

        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd)).containsExactly(
                "groups 0 1234 65534",
                "example.org",
                "web",
                "80",
                "2048",
                "not-pid-1",
                "0 [\"nobody\",\"1234\"] {\"kernel.shmmni\":\"2048\",\"net.ipv4.ip_unprivileged_port_start\":\"80\"} true example.org",
                "stopped 143",
                "Unable to find group no-such-group");
    }

    private List<String> exercise(Path server, List<String> containers) {
        List<String> lines = new ArrayList<>();
        String name = "opts-" + UUID.randomUUID().toString().substring(0, 8);
        containers.add(name);
        DockerCli.run(server, "run", "--name", name, "--init", "--group-add", "nobody", "--group-add", "1234",
                "--hostname", "web", "--domainname", "example.org", "--sysctl", "net.ipv4.ip_unprivileged_port_start=80",
                "--sysctl", "kernel.shmmni=2048", busybox, "sh", "-c", "echo groups $(id -G | tr ' ' '\\n' | sort -n | tr '\\n' ' ');"
                        + " cat /proc/sys/kernel/domainname; hostname; cat /proc/sys/net/ipv4/ip_unprivileged_port_start"
                        + " /proc/sys/kernel/shmmni; [ $$ != 1 ] && echo not-pid-1");
        DockerCli.run(server, "logs", name).forEach(line -> lines.add(line.strip()));
        lines.addAll(DockerCli.run(server, "inspect", "-f", "{{.State.ExitCode}} {{json .HostConfig.GroupAdd}}"
                + " {{json .HostConfig.Sysctls}} {{.HostConfig.Init}} {{.Config.Domainname}}", name));

        String sleeper = "opts-" + UUID.randomUUID().toString().substring(0, 8);
        containers.add(sleeper);
        DockerCli.run(server, "run", "-d", "--name", sleeper, "--init", busybox, "sleep", "600");
        // sleep as pid 1 would ignore SIGTERM and wait out the grace period for SIGKILL (137)
        DockerCli.run(server, "stop", "-t", "60", sleeper);
        lines.add("stopped " + DockerCli.run(server, "inspect", "-f", "{{.State.ExitCode}}", sleeper).get(0));

        String refused = "opts-" + UUID.randomUUID().toString().substring(0, 8);
        containers.add(refused); // both create it and fail its start
        assertThatThrownBy(() -> DockerCli.run(server, "run", "--name", refused, "--group-add", "no-such-group", busybox,
                "true")).as(server.toString()).hasMessageContaining("nable to find group no-such-group");
        lines.add("Unable to find group no-such-group");
        return lines;
    }
}
