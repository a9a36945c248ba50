package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ContainerState.Status;
import dev.stevedore.engine.PortBinding;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainersTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @Test
    void statusReadsAsDockersDoes() {
        assertThat(Containers.status(state(Status.CREATED, 0, null, null), NOW)).isEqualTo("Created");
        assertThat(Containers.status(state(Status.RUNNING, 0, NOW.minusSeconds(3), null), NOW)).isEqualTo("Up 3 seconds");
        assertThat(Containers.status(state(Status.RUNNING, 0, NOW.minusMillis(200), null), NOW)).isEqualTo("Up Less than a second");
        assertThat(Containers.status(state(Status.EXITED, 0, NOW.minusSeconds(600), NOW.minusSeconds(120)), NOW))
                .isEqualTo("Exited (0) 2 minutes ago");
        assertThat(Containers.status(state(Status.EXITED, 137, NOW.minusSeconds(600), NOW.minusSeconds(7200)), NOW))
                .isEqualTo("Exited (137) 2 hours ago");
        assertThat(Containers.status(state(Status.REMOVING, 0, null, null), NOW)).isEqualTo("Removal In Progress");
        assertThat(Containers.status(state(Status.DEAD, 0, null, null), NOW)).isEqualTo("Dead");
        assertThat(Containers.statusName(state(Status.RUNNING, 0, NOW, null))).isEqualTo("running");
    }

    @Test
    void commandsAreQuotedAndShortenedToTwentyCharacters() {
        assertThat(Containers.command(List.of("sleep", "100"), false)).isEqualTo("\"sleep 100\"");
        assertThat(Containers.command(List.of("docker-entrypoint.sh", "postgres"), false))
                .isEqualTo("\"docker-entrypoint.s…\"");
        assertThat(Containers.command(List.of("docker-entrypoint.sh", "postgres"), true))
                .isEqualTo("\"docker-entrypoint.sh postgres\"");
        assertThat(Containers.command(List.of("sh", "-c", "echo \"a\\b\"\n"), true)).isEqualTo("\"sh -c 'echo \\\"a\\\\b\\\"\\n'\"");
        assertThat(Containers.command(List.of(), false)).isEqualTo("\"\"");
    }

    @Test
    void portsShowHostAddressArrowAndContainerPort() {
        assertThat(Containers.ports(List.of(
                new PortBinding(8080, "tcp", "127.0.0.1", 49154),
                new PortBinding(53, "udp", "0.0.0.0", 5353),
                new PortBinding(443, "tcp", "::1", 8443),
                new PortBinding(5432, "tcp", "127.0.0.1", 0))))
                .isEqualTo("0.0.0.0:5353->53/udp, [::1]:8443->443/tcp, 5432/tcp, 127.0.0.1:49154->8080/tcp");
        assertThat(Containers.ports(List.of())).isEmpty();
    }

    @Test
    void startFailuresGetDockersExitCodes() {
        assertThat(Containers.startFailureExitCode(failure("exec of \"nope\" in container failed: executable file not found in $PATH (/bin)")))
                .isEqualTo(127);
        assertThat(Containers.startFailureExitCode(failure("exec of \"/nope\" in container failed: no such file or directory"
                + " (is the entrypoint in the image?)"))).isEqualTo(127);
        assertThat(Containers.startFailureExitCode(failure("exec of \"/etc\" in container failed: permission denied")))
                .isEqualTo(126);
        assertThat(Containers.startFailureExitCode(failure("exec of \"/x\" in container failed: exec format error")))
                .isEqualTo(126);
        assertThat(Containers.startFailureExitCode(failure("setup of container c1 failed: cannot mount \"/proc\": device busy")))
                .isEqualTo(125);
        assertThat(Containers.startFailureExitCode(new ContainerStartException("starting container c1 failed", "c1", List.of(),
                new IllegalStateException("exec of \"x\": executable file not found in $PATH")))).isEqualTo(127);
    }

    private static ContainerStartException failure(String message) {
        return new ContainerStartException(message, "c1", List.of(), null);
    }

    private static ContainerState state(Status status, int exitCode, Instant started, Instant finished) {
        return new ContainerState(status, status == Status.RUNNING ? 42 : 0, exitCode, 0, false, "", started, finished);
    }
}
