package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code stevedore run -d --restart on-failure:2} of a command that fails: the restarts happen after the CLI has
 * ended, with no command of the user's, and end where dockerd's end — the same {@code RestartCount} and status, read
 * by the docker CLI from the test bed's dockerd in the same test.
 */
class KeptRestartCliIT extends SideBySide {
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String FORMAT = "{{.RestartCount}} {{.State.Status}}";

    private final String name = "kept-restart-" + Long.toHexString(System.nanoTime());

    /** No process names the container: its watchers and the JVMs restarting it have ended. */
    private static boolean nothingRestartsIt(String id) {
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")).noneMatch(line -> line.contains(id));
    }

    @Test
    void onFailureRestartsAfterTheCliEndedAndStopsWhereDockerdStops() throws Exception {
        try {
            String id = stevedore("run", "-d", "--name", name, "--restart", "on-failure:2", busybox, "sh", "-c", "exit 3")
                    .out().strip();
            docker("run", "-d", "--name", name, "--restart", "on-failure:2", busybox, "sh", "-c", "exit 3");

            await("stevedore's restarts").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stevedore("inspect", "-f", FORMAT, name).out().strip(), "2 exited"::equals);
            await("dockerd's restarts").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> docker("inspect", "-f", FORMAT, name), "2 exited"::equals);
            await("the restarting JVMs end").atMost(PATIENCE).until(() -> nothingRestartsIt(id));

            assertThat(stevedore("inspect", "-f", FORMAT + " {{.State.ExitCode}}", name).out().strip())
                    .isEqualTo(docker("inspect", "-f", FORMAT + " {{.State.ExitCode}}", name))
                    .isEqualTo("2 exited 3");
        } finally {
            removeBoth(name);
        }
    }
}
