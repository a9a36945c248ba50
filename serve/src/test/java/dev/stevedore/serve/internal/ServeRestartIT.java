package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restart policies through serve with the docker CLI, each scenario run against serve and against the test bed's
 * dockerd in the same test: {@code --restart on-failure:2} ends with two restarts and shows so in inspect and in
 * the events record, and a stop is not undone by {@code --restart always}.
 */
class ServeRestartIT extends ServeWithDockerCli {
    private static final Duration QUIET = Duration.ofMillis(2500);
    private final Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));
    private final String prefix = "apirestart-" + Long.toHexString(System.nanoTime()) + "-";
    private final List<String> onDockerd = new ArrayList<>();

    @BeforeAll
    void pullOnDockerd() {
        DockerCli.run(dockerd, "pull", "-q", busybox);
    }

    @AfterAll
    void removeDockerdContainers() {
        for (String name : onDockerd) {
            try {
                DockerCli.run(dockerd, "rm", "-f", name);
            } catch (AssertionError gone) {
                // the test removed it
            }
        }
    }

    private Map<String, Path> both() {
        Map<String, Path> servers = new LinkedHashMap<>();
        servers.put("serve", socket);
        servers.put("dockerd", dockerd);
        return servers;
    }

    private String runDetached(Path server, String name, String restart, String script) {
        if (server.equals(dockerd)) {
            onDockerd.add(prefix + name);
        }
        return DockerCli.run(server, "run", "-d", "--name", prefix + name, "--restart", restart, busybox, "sh", "-c", script)
                .stream().filter(l -> l.matches("[0-9a-f]{64}")).findFirst().orElseThrow();
    }

    private static String inspect(Path server, String format, String container) {
        return DockerCli.run(server, "inspect", "-f", format, container).get(0);
    }

    @Test
    void onFailureEndsAfterItsRetriesInInspectAndInTheEvents() {
        Map<String, List<String>> actions = new LinkedHashMap<>();
        both().forEach((who, server) -> {
            Instant since = Instant.now().minusSeconds(1);
            String id = runDetached(server, "fails", "on-failure:2", "exit 3");
            String format = "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}}"
                    + " {{.HostConfig.RestartPolicy.MaximumRetryCount}}";
            await(who + ": two restarts, then exited").atMost(Duration.ofSeconds(60))
                    .until(() -> inspect(server, format, prefix + "fails").equals("2 exited 3 on-failure 2"));
            AtomicReference<List<String>> seen = new AtomicReference<>();
            await(who + ": three dies in the record").atMost(Duration.ofSeconds(30)).until(() -> {
                seen.set(DockerCli.run(server, "events", "--since", Long.toString(since.getEpochSecond()), "--until",
                        Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "container=" + id, "--filter",
                        "type=container", "--format", "{{.Action}} {{.Actor.Attributes.exitCode}}"));
                return seen.get().stream().filter(l -> l.startsWith("die")).count() == 3;
            });
            actions.put(who, seen.get());
            DockerCli.run(server, "rm", prefix + "fails");
        });
        assertThat(actions.get("serve")).isEqualTo(actions.get("dockerd"))
                .containsSubsequence("start <no value>", "die 3", "start <no value>", "die 3", "start <no value>", "die 3");
    }

    @Test
    void aStopIsNotUndoneByRestartAlways() {
        both().forEach((who, server) -> {
            runDetached(server, "stopped", "always", "sleep 600");
            DockerCli.run(server, "stop", "-t", "1", prefix + "stopped");
            await(who + ": stays stopped").during(QUIET).atMost(QUIET.multipliedBy(4))
                    .until(() -> inspect(server, "{{.State.Status}} {{.RestartCount}}", prefix + "stopped").equals("exited 0"));
            DockerCli.run(server, "rm", prefix + "stopped");
        });
    }
}
