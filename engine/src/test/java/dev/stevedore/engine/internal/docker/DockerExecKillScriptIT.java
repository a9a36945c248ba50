package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The script a timed-out exec's processes are killed with, run inside a busybox container on the test bed's
 * dockerd with the docker CLI: it must find a process by the marker in its environment (NUL-separated in
 * {@code /proc/PID/environ}, which a plain {@code grep} reads only up to the first NUL) and leave others alone.
 */
class DockerExecKillScriptIT {
    private Path socket;
    private String container;

    @BeforeEach
    void startContainer() {
        Testbed testbed = Testbed.get();
        socket = testbed.dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up` (testbed.env has no DOCKER_SOCKET)"));
        container = "stevedore-killscript-" + UUID.randomUUID().toString().substring(0, 8);
        DockerCli.run(socket, "run", "-d", "--name", container, testbed.plainRegistry() + "/library/busybox:latest",
                "sleep", "300");
    }

    @AfterEach
    void removeContainer() {
        if (container != null) {
            DockerCli.run(socket, "rm", "-f", container);
        }
    }

    @Test
    void killsTheProcessesCarryingTheMarkerAndNoOthers() {
        String marker = DockerExec.MARKER + "=" + UUID.randomUUID();
        DockerCli.run(socket, "exec", "-d", "-e", marker, "-e", "OTHER=1", container, "sleep", "201");
        DockerCli.run(socket, "exec", "-d", "-e", DockerExec.MARKER + "=someone-else", container, "sleep", "202");
        await().until(() -> sleeps().containsAll(List.of("sleep 201", "sleep 202")));

        DockerCli.run(socket, "exec", container, "sh", "-c", DockerExec.killScript(), "sh", marker);

        await().untilAsserted(() -> assertThat(sleeps()).doesNotContain("sleep 201").contains("sleep 202", "sleep 300"));
    }

    private List<String> sleeps() {
        return DockerCli.run(socket, "exec", container, "ps", "-o", "args").stream()
                .map(String::trim).filter(l -> l.startsWith("sleep")).toList();
    }
}
