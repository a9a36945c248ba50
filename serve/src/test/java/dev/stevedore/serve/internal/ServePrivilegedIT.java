package dev.stevedore.serve.internal;

import com.github.dockerjava.api.DockerClient;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --privileged} through serve as clients send it: the docker CLI's {@code run --privileged} and
 * {@code exec --privileged}, docker-java's {@code withPrivileged(true)} (Testcontainers' {@code withPrivilegedMode}).
 * dockerd in the same run takes the same create and its inspect says Privileged, as serve's must; dockerd cannot
 * start a privileged container on this host (its root lacks CAP_SYS_RESOURCE, and runc fails "unable to apply caps"),
 * so what the container sees is asked of serve's alone, against the defaults the same container keeps without it.
 */
class ServePrivilegedIT extends DockerJavaPeers {
    private static final String STATUS = "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\\t ';"
            + " mkdir -p /mnt/t && mount -t tmpfs t /mnt/t 2>/dev/null && echo mount:ok || echo mount:denied";

    /** serve's engine runs as root here: a privileged container gets its bounding set. */
    private static String boundingSet() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                .map(l -> l.substring("CapBnd:".length()).strip()).findFirst().orElseThrow();
    }

    @Test
    void dockerRunPrivilegedTurnsTheDefaultsOffAndWithoutItTheyHold() throws IOException {
        List<String> privileged = DockerCli.run(socket, "run", "--rm", "--privileged", busybox, "sh", "-c", STATUS);
        List<String> plain = DockerCli.run(socket, "run", "--rm", busybox, "sh", "-c", STATUS);

        assertThat(privileged).containsExactly("CapEff:" + boundingSet(), "NoNewPrivs:0", "Seccomp:0", "mount:ok");
        assertThat(plain).containsExactly("CapEff:00000000a80425fb", "NoNewPrivs:1", "Seccomp:2", "mount:denied");
    }

    @Test
    void dockerExecPrivilegedGetsEveryCapabilityAsOnDockerd() throws IOException {
        String name = container("exec");
        DockerCli.run(socket, "run", "-d", "--name", name, busybox, "sleep", "600");

        List<String> privileged = DockerCli.run(socket, "exec", "--privileged", name, "grep", "CapEff", "/proc/self/status");
        List<String> plain = DockerCli.run(socket, "exec", name, "grep", "CapEff", "/proc/self/status");

        assertThat(privileged).containsExactly("CapEff:\t" + boundingSet());
        assertThat(plain).containsExactly("CapEff:\t00000000a80425fb");
    }

    @Test
    void dockerJavaWithPrivilegedIsEchoedByBothAndAppliedByServe() throws IOException {
        Map<String, String> echoed = onBoth(client -> {
            String id = create(client, "dj", c -> c.getHostConfig().withPrivileged(true), "sh", "-c", STATUS);
            var host = client.inspectContainerCmd(id).exec().getHostConfig();
            return host.getPrivileged() + " " + host.getSecurityOpts();
        });
        DockerClient serve = peers().get("serve");

        // dockerd keeps label=disable in a privileged container's options
        assertThat(echoed).containsExactly(Map.entry("serve", "true [label=disable]"),
                Map.entry("dockerd", "true [label=disable]"));
        assertThat(runToEnd(serve, prefix + "dj").lines().toList())
                .containsExactly("CapEff:" + boundingSet(), "NoNewPrivs:0", "Seccomp:0", "mount:ok");
    }
}
