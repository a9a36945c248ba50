package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker's {@code run -dit} habit with the packaged CLI on the embedded engine beside the docker CLI on the test bed's
 * dockerd: the detached shell waits on a stdin nobody feeds instead of ending at its end of file, {@code exec} works
 * in it, and a later {@code attach} from another process types into it; on a terminal (python3's pty module plays the
 * user) the detach keys then end the attach as docker's (it says so, exit 1) and leave the shell running and reading;
 * without a terminal {@code run -di} takes a later attach's input. {@link DetachedStdinDockerIT} runs the same on the
 * Docker backend. Each side's containers have names of their own, as on the Docker backend both live in one daemon.
 */
class DetachedStdinIT extends SideBySide {
    /** The options that choose stevedore's engine on a terminal, where the environment is the user's. */
    List<String> engineOptions() {
        return List.of("--engine", "embedded");
    }

    /** Whether stevedore's container runs, asked of what runs it (dockerd, for the Docker backend). */
    String stevedoreSideRunning(String name) throws Exception {
        return stevedore("inspect", "-f", "{{.State.Running}}", name).out().strip();
    }

    /** Its log, asked of what runs it. */
    String stevedoreSideLogs(String name) throws Exception {
        return stevedore("logs", name).out();
    }

    @Test
    void runDitLeavesAShellThatAnAttachTypesIntoAndTheDetachKeysLeaveRunning() throws Exception {
        String mine = name("dit");
        String theirs = name("dit");
        runShellsWaitingOnStdin("-dit", mine, theirs);

        // the attach may still be connecting when the first line is typed: typed again until the answer shows
        List<String> steps = List.of("repeat hi-42 ;; echo hi-$((40+2))\\r", "send \\x10\\x11", "exit");
        List<String> attachMine = new ArrayList<>(engineOptions());
        attachMine.addAll(List.of("attach", mine));
        PtyDriver.Terminal stevedore = new PackagedCli(home, scratch).onTerminal(24, 80, steps,
                attachMine.toArray(String[]::new));
        PtyDriver.Terminal docker = PtyDriver.run(scratch, Map.of("DOCKER_CONFIG", scratch.resolve("docker-config").toString()),
                24, 80, steps, List.of("docker", "-H", host, "attach", theirs));

        for (PtyDriver.Terminal terminal : List.of(stevedore, docker)) {
            assertThat(terminal.failed()).as(terminal.screen()).isNull();
            // docker's attach (unlike its run) takes the detach keys for an error: it says so and exits 1
            assertThat(terminal.screen()).contains("hi-42").contains("read escape sequence");
            assertThat(terminal.exitCode()).as(terminal.screen()).isEqualTo(1);
            assertThat(terminal.restored()).isTrue();
        }
        assertThat(stevedoreSideRunning(mine)).as("it runs on after the detach keys")
                .isEqualTo(docker("inspect", "-f", "{{.State.Running}}", theirs)).isEqualTo("true");
        assertThat(stevedore("exec", mine, "sh", "-c", "echo again-$((2+2))").out()).isEqualTo("again-4\n");
    }

    @Test
    void runDiTakesALaterAttachsInputFromAnotherProcess() throws Exception {
        String mine = name("di");
        String theirs = name("di");
        runShellsWaitingOnStdin("-di", mine, theirs);

        // without a terminal docker's attach stays until the container ends, whatever its input: the input ends it
        Path input = Files.writeString(scratch.resolve("input.txt"), "echo fed-$((1+1))\nexit 3\n");
        CliRunner.Result mineEnded = new PackagedCli(home, scratch).run(stevedoreEngine(), input.toFile(), "attach", mine);
        CliRunner.Result theirsEnded = TestbedDocker.run(scratch, host, input.toFile(), "attach", theirs);

        assertThat(mineEnded.exitCode()).as(mineEnded.toString()).isEqualTo(theirsEnded.exitCode()).isEqualTo(3);
        assertThat(stevedoreSideLogs(mine)).isEqualTo(docker("logs", theirs) + "\n").isEqualTo("fed-2\n");
    }

    /** A detached shell on each side that still runs once an exec in it has run. */
    private void runShellsWaitingOnStdin(String options, String mine, String theirs) throws Exception {
        stevedore("run", options, "--name", mine, busybox, "sh");
        docker("run", options, "--name", theirs, busybox, "sh");
        // an exec takes a while: the shell had all that time to read an end of file, had its stdin one
        assertThat(stevedore("exec", mine, "sh", "-c", "echo exec-$((1+2))").out()).isEqualTo("exec-3\n");
        assertThat(docker("exec", theirs, "sh", "-c", "echo exec-$((1+2))")).isEqualTo("exec-3");
        assertThat(stevedoreSideRunning(mine)).isEqualTo(docker("inspect", "-f", "{{.State.Running}}", theirs))
                .isEqualTo("true");
    }
}
