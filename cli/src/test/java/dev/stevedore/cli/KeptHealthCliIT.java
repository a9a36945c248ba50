package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code stevedore run -d --health-cmd ...}: its checks go on after the CLI has ended (the run's native watcher), so
 * {@code ps} goes {@code (healthy)}, then {@code (unhealthy)} once the checked file is removed, as {@code docker ps}
 * does for the same container on the test bed's dockerd in the same test; and {@code events --since} replays its
 * {@code health_status} changes and its {@code die} (by a user's stop) after the fact, as {@code docker events --since} does.
 */
class KeptHealthCliIT extends SideBySide {
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String SCRIPT = "mkfifo /tmp/end; touch /tmp/ok; read x < /tmp/end; exit 3";

    private final String name = "kept-health-" + Long.toHexString(System.nanoTime());

    /** The container's ps status with its "Up N seconds" cut off: "(healthy)", "(health: starting)". */
    private String stevedoreHealth() throws Exception {
        return health(stevedore("ps", "--filter", "name=" + name, "--format", "{{.Status}}").out());
    }

    private String dockerHealth() throws Exception {
        return health(docker("ps", "--filter", "name=" + name, "--format", "{{.Status}}"));
    }

    private static String health(String status) {
        int open = status.indexOf('(');
        return open < 0 ? status.strip() : status.substring(open).strip();
    }

    @Test
    void psShowsHealthAsDockerdsAfterTheCliEndedAndEventsReplayIt() throws Exception {
        String since = Long.toString(Instant.now().getEpochSecond() - 1);
        String[] run = {"run", "-d", "--name", name, "--health-cmd", "test -f /tmp/ok", "--health-interval", "1s",
                "--health-retries", "2", busybox, "sh", "-c", SCRIPT};
        try {
            stevedore(run);
            docker(run);

            await("both healthy").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stevedoreHealth().equals("(healthy)") && dockerHealth().equals("(healthy)"));
            stevedore("exec", name, "rm", "/tmp/ok");
            docker("exec", name, "rm", "/tmp/ok");
            await("both unhealthy").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stevedoreHealth().equals("(unhealthy)") && dockerHealth().equals("(unhealthy)"));
            String streak = "{{.State.Health.Status}} {{gt .State.Health.FailingStreak 1}}";
            assertThat(stevedore("inspect", "-f", streak, name).out().strip())
                    .isEqualTo(docker("inspect", "-f", streak, name)).isEqualTo("unhealthy true");

            // a user's stop ends it in both (an exec that ends it may be killed with it before it exits itself)
            stevedore("stop", "-t", "0", name);
            docker("stop", "-t", "0", name);
            await("both ended").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() ->
                    stevedore("inspect", "-f", "{{.State.Status}}", name).out().strip().equals("exited")
                            && docker("inspect", "-f", "{{.State.Status}}", name).equals("exited"));

            String until = Long.toString(Instant.now().getEpochSecond() + 1);
            String[] events = {"events", "--since", since, "--until", until, "--filter", "container=" + name,
                    "--filter", "event=health_status", "--filter", "event=die", "--format",
                    "{{.Action}} {{.Actor.Attributes.exitCode}} {{.Actor.Attributes.name}}"};
            await("the die recorded").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stevedore(events).out().contains("die"));
            assertThat(stevedore(events).out().strip()).isEqualTo(docker(events))
                    .isEqualTo(String.join("\n", "health_status: healthy <no value> " + name,
                            "health_status: unhealthy <no value> " + name, "die 137 " + name));
        } finally {
            removeBoth(name);
        }
    }
}
