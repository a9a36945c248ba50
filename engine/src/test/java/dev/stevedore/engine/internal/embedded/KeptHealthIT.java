package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link KeptHealthScenarios} as root, and the same kept checked container run by the test bed's dockerd in the same
 * test: both go healthy, then unhealthy with a failing streak once the file the check tests is removed.
 */
class KeptHealthIT extends KeptHealthScenarios {
    @Test
    void healthGoesAsDockerdsDoesForTheSameContainer() throws Exception {
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up` (testbed.env has no DOCKER_SOCKET)"));
        String name = "stevedore-kepthealth-" + UUID.randomUUID().toString().substring(0, 8);
        DockerCli.run(socket, "run", "-d", "--name", name, "--health-cmd", CHECK, "--health-interval", "1s",
                "--health-retries", "2", image(), "sh", "-c", SCRIPT);
        try {
            runKeptInChildJvm(SCRIPT, CHECK, 1000, 30_000, 2);

            await("both healthy").atMost(PATIENCE).until(() -> dockerd(socket, name, "{{.State.Health.Status}}").equals("healthy")
                    && engine.inspectContainer(id).health().status() == ContainerHealth.Status.HEALTHY);
            DockerCli.run(socket, "exec", name, "rm", "/tmp/ok");
            assertThat(engine.exec(id, ExecSpec.of("rm", "/tmp/ok")).exitCode()).isZero();
            await("both unhealthy").atMost(PATIENCE).until(() -> dockerd(socket, name, "{{.State.Health.Status}}")
                    .equals("unhealthy") && engine.inspectContainer(id).health().status() == ContainerHealth.Status.UNHEALTHY);

            ContainerHealth ours = engine.inspectContainer(id).health();
            int streak = Integer.parseInt(dockerd(socket, name, "{{.State.Health.FailingStreak}}"));
            List<String> codes = List.of(dockerd(socket, name, "{{range .State.Health.Log}}{{.ExitCode}} {{end}}").split(" "));
            assertThat(streak).as("dockerd's streak").isGreaterThanOrEqualTo(2);
            assertThat(ours.failingStreak()).as("ours").isGreaterThanOrEqualTo(2);
            // each keeps its last five results (the success before the failures may have left them on a loaded machine)
            assertThat(codes).as("dockerd's log").endsWith("1", "1").hasSizeLessThanOrEqualTo(5);
            assertThat(ours.log()).extracting(r -> Integer.toString(r.exitCode())).endsWith("1", "1")
                    .hasSizeLessThanOrEqualTo(5);
            assertThat(dockerd(socket, name, "{{(index .State.Health.Log 0).Output}}")).isEmpty();
            assertThat(ours.log().get(0).output()).isEmpty();
        } finally {
            DockerCli.run(socket, "rm", "-f", name);
        }
    }

    private static String dockerd(Path socket, String name, String format) {
        List<String> lines = DockerCli.run(socket, "inspect", "--format", format, name);
        return lines.isEmpty() ? "" : lines.get(0).strip();
    }
}
