package dev.stevedore.cli;

import static dev.stevedore.cli.serve.BinaryOutput.SCRIPT;
import static dev.stevedore.cli.serve.BinaryOutput.STDERR;
import static dev.stevedore.cli.serve.BinaryOutput.STDOUT_ONLY;
import static dev.stevedore.cli.serve.BinaryOutput.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --log-driver none} through the packaged CLI on the embedded engine, as the docker CLI shows it on the test bed's
 * dockerd in the same test: the driver keeps nothing, so {@code logs} refuses, but {@code run} attached, {@code run -t}
 * and {@code attach} show the output, byte for byte, as dockerd's attach stream does.
 */
class LogDriverNoneIT extends SideBySide {
    @Test
    void runShowsTheOutputAsDockerRunDoesAndLogsRefuseAsDockerLogsDoes() throws Exception {
        String name = name("lognone-run");
        CliRunner.Result docker = dockerResult("run", "--name", name, "--log-driver", "none", busybox, "sh", "-c", SCRIPT);
        CliRunner.Result stevedore = stevedore("run", "--name", name, "--log-driver", "none", busybox, "sh", "-c", SCRIPT);

        assertThat(docker.stdout()).as("what docker run prints").isEqualTo(stdout());
        assertThat(stevedore.stdout()).isEqualTo(docker.stdout());
        assertThat(docker.err()).endsWith(STDERR);
        assertThat(stevedore.err()).endsWith(STDERR);
        CliRunner.Result dockerLogs = TestbedDocker.run(scratch, host, "logs", name);
        CliRunner.Result stevedoreLogs = new PackagedCli(home, scratch).run(stevedoreEngine(), "logs", name);
        assertThat(dockerLogs.exitCode()).isNotZero();
        assertThat(stevedoreLogs.exitCode()).isEqualTo(dockerLogs.exitCode());
        assertThat(dockerLogs.err()).contains("configured logging driver does not support reading");
        assertThat(stevedoreLogs.err()).contains("configured logging driver does not support reading");
    }

    @Test
    void runWithATtyShowsTheTerminalAsDockerRunDoes() throws Exception {
        CliRunner.Result docker = dockerResult("run", "--rm", "-t", "--log-driver", "none", busybox, "printf", "a\\nb\\377");
        CliRunner.Result stevedore = stevedore("run", "--rm", "-t", "--log-driver", "none", busybox, "printf", "a\\nb\\377");

        assertThat(docker.stdout()).as("what docker run -t prints").isEqualTo(new byte[] {'a', '\r', '\n', 'b', (byte) 0377});
        assertThat(stevedore.stdout()).isEqualTo(docker.stdout());
    }

    @Test
    void attachToARunningContainerShowsWhatItWritesFromThenOnAsDockerAttachDoes() throws Exception {
        // each container waits for a file an exec makes once its engine has recorded the attach: events say when, no
        // timer; what it wrote before the attach is not shown
        String script = "echo before; while [ ! -e /tmp/go ]; do sleep 0.1; done; " + STDOUT_ONLY + "; exit 3";
        String name = name("lognone-attach");
        dockerResult("run", "-d", "--name", name, "--log-driver", "none", busybox, "sh", "-c", script);
        stevedore("run", "-d", "--name", name, "--log-driver", "none", busybox, "sh", "-c", script);
        // whole seconds, a second back: dockerd refuses a --since past --until 0s within the same second
        String since = Long.toString(java.time.Instant.now().getEpochSecond() - 1);

        CompletableFuture<CliRunner.Result> docker = CompletableFuture.supplyAsync(() -> unchecked(
                () -> TestbedDocker.run(scratch, host, "attach", name)));
        CompletableFuture<CliRunner.Result> stevedore = CompletableFuture.supplyAsync(() -> unchecked(
                () -> new PackagedCli(home, scratch).run(stevedoreEngine(), "attach", name)));
        await("dockerd's attach event").atMost(Duration.ofSeconds(60)).until(() -> docker("events", "--since", since,
                "--until", "0s", "--filter", "container=" + name, "--format", "{{.Action}}").contains("attach"));
        dockerResult("exec", name, "touch", "/tmp/go");
        await("the embedded engine's attach event").atMost(Duration.ofSeconds(60)).until(() -> stevedore("events",
                "--since", since, "--until", "0s", "--filter", "container=" + name, "--format", "{{.Action}}").out()
                .contains("attach"));
        stevedore("exec", name, "touch", "/tmp/go");

        CliRunner.Result theirs = docker.get(2, TimeUnit.MINUTES);
        CliRunner.Result ours = stevedore.get(2, TimeUnit.MINUTES);
        assertThat(theirs.exitCode()).as(theirs.toString()).isEqualTo(3);
        assertThat(theirs.stdout()).as("what docker attach prints").isEqualTo(stdout());
        assertThat(ours.exitCode()).as(ours.toString()).isEqualTo(theirs.exitCode());
        assertThat(ours.stdout()).isEqualTo(theirs.stdout());
    }
}
