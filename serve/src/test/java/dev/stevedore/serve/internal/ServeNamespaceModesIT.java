package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
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
 * {@code --pid}, {@code --ipc}, {@code --uts}, {@code --cgroupns}, {@code --userns} and {@code --network container:}
 * with the docker CLI against serve and the test bed's dockerd in the same run: the same output of the joined
 * namespaces, the same inspect echo, the same refusals.
 */
class ServeNamespaceModesIT extends ServeWithDockerCli {
    private final Path dockerd = dockerd();

    private List<Path> servers() {
        return dockerdThenServe();
    }

    /** {@code docker run -d} of a busybox running {@code script}, named uniquely; its id. */
    private String owner(Path server, String script, String... options) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", "ns-" + UUID.randomUUID().toString().substring(0, 8)));
        args.addAll(List.of(options));
        args.addAll(List.of(busybox, "sh", "-c", script));
        return made(server, last(DockerCli.run(server, args.toArray(String[]::new))));
    }

    @Test
    void pidAndNetworkOfAnotherContainerAsOnDockerd() {
        Map<Path, List<String>> outcomes = new LinkedHashMap<>();
        for (Path server : servers()) {
            String owner = owner(server, "mkdir -p /www && echo hello-ns > /www/index.html && exec httpd -f -p 8080 -h /www");
            String hostname = last(DockerCli.run(server, "exec", owner, "hostname"));
            List<String> out = runToEnd(server, "{{.HostConfig.PidMode}} {{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}",
                    "ps -o args | grep -c '^httpd -f -p 8080'; hostname; for i in $(seq 1 150); do"
                            + " wget -qO- http://127.0.0.1:8080/index.html && exit 0; sleep 0.2; done",
                    "--pid", "container:" + owner, "--network", "container:" + owner);
            outcomes.put(server, out.stream().map(l -> l.replace(owner, "OWNER").replace(hostname, "HOSTNAME")).toList());
        }

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd))
                .containsExactly("1", "HOSTNAME", "hello-ns", "container:OWNER container:OWNER {}");
    }

    @Test
    void ipcOfAShareableContainerAsOnDockerd() {
        Map<Path, List<String>> outcomes = new LinkedHashMap<>();
        for (Path server : servers()) {
            String owner = owner(server, "echo in-shm > /dev/shm/note && exec sleep 300", "--ipc", "shareable");
            String ipc = last(DockerCli.run(server, "exec", owner, "readlink", "/proc/self/ns/ipc"));
            List<String> out = runToEnd(server, "{{.HostConfig.IpcMode}}", "cat /dev/shm/note; readlink /proc/self/ns/ipc",
                    "--ipc", "container:" + owner);
            outcomes.put(server, out.stream().map(l -> l.replace(owner, "OWNER").replace(ipc, "IPC")).toList());
        }

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd)).containsExactly("in-shm", "IPC", "container:OWNER");
    }

    @Test
    void defaultsAndHostModesEchoAsOnDockerd() {
        Map<Path, List<String>> outcomes = new LinkedHashMap<>();
        for (Path server : servers()) {
            List<String> out = new ArrayList<>(runToEnd(server, "{{json .HostConfig.PidMode}} {{json .HostConfig.IpcMode}}"
                    + " {{json .HostConfig.UTSMode}} {{json .HostConfig.UsernsMode}}", "true"));
            out.addAll(runToEnd(server, "{{.HostConfig.PidMode}} {{.HostConfig.UTSMode}} {{.HostConfig.CgroupnsMode}}"
                    + " {{.HostConfig.UsernsMode}} {{.HostConfig.IpcMode}}", "cat /proc/1/comm; hostname",
                    "--pid", "host", "--uts", "host", "--cgroupns", "private", "--userns", "host", "--ipc", "none"));
            outcomes.put(server, out);
        }

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd));
        assertThat(outcomes.get(socket)).startsWith("\"\" \"private\" \"\" \"\"")
                .endsWith("host host private host none");
    }

    @Test
    void refusalsAsOnDockerd() {
        for (Path server : servers()) {
            String owner = owner(server, "exec sleep 300");
            assertThatThrownBy(() -> DockerCli.run(server, "create", "--network", "container:" + owner, "-p", "8080:80",
                    busybox, "true")).as(server.toString())
                    .hasMessageContaining("conflicting options: port publishing and the container type network mode");
            assertThatThrownBy(() -> DockerCli.run(server, "create", "--network", "container:" + owner, "--hostname", "h",
                    busybox, "true")).as(server.toString())
                    .hasMessageContaining("conflicting options: hostname and the network mode");
            assertThatThrownBy(() -> DockerCli.run(server, "run", "--rm", "--ipc", "container:" + owner, busybox, "true"))
                    .as(server.toString()).hasMessageContaining("can't join IPC of container " + owner
                            + ": non-shareable IPC (hint: use IpcMode:shareable for the donor container)");
            DockerCli.run(server, "stop", "-t", "0", owner);
            assertThatThrownBy(() -> DockerCli.run(server, "run", "--rm", "--pid", "container:" + owner, busybox, "true"))
                    .as(server.toString()).hasMessageContaining("container " + owner + " is not running");
            assertThatThrownBy(() -> DockerCli.run(server, "run", "--rm", "--network", "container:" + owner, busybox, "true"))
                    .as(server.toString()).hasMessageContaining("cannot join network of a non running container: " + owner);
        }
    }
}
