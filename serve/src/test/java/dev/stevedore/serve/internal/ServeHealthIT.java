package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health checks (the engine's, which serve shows) as the docker CLI sees them: healthy, unhealthy, shown in ps and
 * filtered by it as dockerd does, and API 1.44's start interval (dockerd 20.10 does not know it: ours alone).
 */
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

    @Test
    void psShowsAndFiltersTheHealthAsDockerdDoes() {
        for (Path server : dockerdThenServe()) {
            String name = "checked-" + UUID.randomUUID().toString().substring(0, 8);
            made(server, last(DockerCli.run(server, "run", "-d", "--name", name, "--health-cmd", "echo hi",
                    "--health-interval", "1s", busybox, "sleep", "600")));
            await().atMost(Duration.ofSeconds(60)).until(() -> DockerCli.run(server, "ps", "--filter", "health=healthy",
                    "--filter", "name=" + name, "--format", "{{.Names}}").contains(name));

            assertThat(DockerCli.run(server, "ps", "--filter", "name=" + name, "--format", "{{.Status}}")).as("%s", server)
                    .singleElement().asString().matches("Up .* \\(healthy\\)");
            assertThat(DockerCli.run(server, "ps", "--filter", "name=" + name, "--filter", "health=none", "--format",
                    "{{.Names}}")).as("%s", server).isEmpty();
            assertThat(DockerCli.run(server, "inspect", "-f", "{{.State.Health.FailingStreak}} "
                    + "{{(index .State.Health.Log 0).ExitCode}} {{json (index .State.Health.Log 0).Output}} "
                    + "{{json .Config.Healthcheck.Test}}", name)).as("%s", server)
                    .containsExactly("0 0 \"hi\\n\" [\"CMD-SHELL\",\"echo hi\"]");
        }
    }

    @Test
    void theStartIntervalPacesTheChecksDuringTheStartPeriod() {
        // interval 10 minutes: more than one result within the wait can only come from the 200 ms start interval
        String id = made(socket, last(DockerCli.run(socket, "run", "-d", "--health-cmd", "exit 1", "--health-interval",
                "10m", "--health-start-period", "10m", "--health-start-interval", "200ms", busybox, "sleep", "600")));

        await().atMost(Duration.ofSeconds(60)).until(() -> DockerCli.run(socket, "inspect", "-f",
                "{{len .State.Health.Log}}", id).equals(List.of("3")));

        assertThat(DockerCli.run(socket, "inspect", "-f", "{{.Config.Healthcheck.StartInterval}} {{.State.Health.Status}} "
                + "{{.State.Health.FailingStreak}}", id)).containsExactly("200ms starting 0");
    }
}
