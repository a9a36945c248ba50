package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health checks run by the server, as the docker CLI sees them: healthy, unhealthy, and shown in ps. */
class ServeHealthIT extends ServeWithDockerCli {

    private String health(String container) {
        List<String> lines = DockerCli.run(socket, "inspect", "-f", "{{.State.Health.Status}}", container);
        return lines.isEmpty() ? "" : lines.get(0);
    }

    @Test
    void aPassingCheckMakesTheContainerHealthyAndAFailingOneUnhealthy() {
        DockerCli.run(socket, "run", "-d", "--name", "fine", "--health-cmd", "test -e /tmp", "--health-interval", "200ms", busybox,
                "sleep", "600");
        DockerCli.run(socket, "run", "-d", "--name", "sick", "--health-cmd", "exit 1", "--health-interval", "200ms",
                "--health-retries", "2", busybox, "sleep", "600");

        assertThat(health("fine")).isIn("starting", "healthy");
        await().atMost(Duration.ofSeconds(30)).until(() -> health("fine").equals("healthy"));
        await().atMost(Duration.ofSeconds(30)).until(() -> health("sick").equals("unhealthy"));
        assertThat(DockerCli.run(socket, "ps", "--format", "{{.Names}} {{.Status}}"))
                .anyMatch(l -> l.startsWith("fine ") && l.endsWith("(healthy)"))
                .anyMatch(l -> l.startsWith("sick ") && l.endsWith("(unhealthy)"));
        assertThat(DockerCli.run(socket, "inspect", "-f", "{{(index .State.Health.Log 0).ExitCode}}", "sick")).containsExactly("1");

        DockerCli.run(socket, "rm", "-f", "fine", "sick");
    }

    @Test
    void aContainerWithoutACheckHasNoHealth() {
        DockerCli.run(socket, "run", "-d", "--name", "plain", busybox, "sleep", "600");

        assertThat(DockerCli.run(socket, "inspect", "-f", "{{json .State.Health}}", "plain")).containsExactly("null");

        DockerCli.run(socket, "rm", "-f", "plain");
    }
}
