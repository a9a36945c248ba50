package dev.stevedore.cli;

import static dev.stevedore.cli.serve.BinaryOutput.SCRIPT;
import static dev.stevedore.cli.serve.BinaryOutput.STDERR;
import static dev.stevedore.cli.serve.BinaryOutput.STDOUT_ONLY;
import static dev.stevedore.cli.serve.BinaryOutput.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A container's output through the packaged CLI on the Docker backend (the test bed's dockerd), byte for byte as the
 * docker CLI gives it from the same dockerd in the same test: {@code run} (with dockerd's default json-file driver,
 * which would give bytes that are not UTF-8 back as U+FFFD were the output read from the log, and with {@code
 * --log-driver none}, which keeps nothing), {@code start -a}, {@code attach}, {@code run -i} and {@code run -t}. Each side's containers
 * have names of their own, as both live in one daemon.
 */
class OutputBytesDockerIT extends SideBySide {
    @Override
    Map<String, String> stevedoreEngine() {
        return Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", host);
    }

    @Test
    void runGivesTheBytesAsDockerRunDoesThoughTheLogIsJsonFile() throws Exception {
        assertThat(docker("info", "--format", "{{.LoggingDriver}}")).as("dockerd's default log driver").isEqualTo("json-file");

        CliRunner.Result docker = dockerResult("run", "--rm", busybox, "sh", "-c", SCRIPT);
        CliRunner.Result stevedore = stevedore("run", "--rm", busybox, "sh", "-c", SCRIPT);

        assertThat(docker.stdout()).as("what docker run prints").isEqualTo(stdout());
        assertThat(stevedore.stdout()).isEqualTo(docker.stdout());
        // both print the daemon's warnings at create first (in words of their own)
        assertThat(stevedore.err()).endsWith(STDERR);
        assertThat(docker.err()).endsWith(STDERR);
    }

    @Test
    void runWithLogDriverNoneShowsTheOutputAsDockerRunDoes() throws Exception {
        CliRunner.Result docker = dockerResult("run", "--rm", "--log-driver", "none", busybox, "sh", "-c", SCRIPT);
        CliRunner.Result stevedore = stevedore("run", "--rm", "--log-driver", "none", busybox, "sh", "-c", SCRIPT);

        assertThat(docker.stdout()).as("what docker run prints").isEqualTo(stdout());
        assertThat(stevedore.stdout()).isEqualTo(docker.stdout());
        // both print the daemon's warnings at create first (in words of their own)
        assertThat(stevedore.err()).endsWith(STDERR);
        assertThat(docker.err()).endsWith(STDERR);
    }

    @Test
    void startAGivesEachRunsBytesAsDockerStartADoes() throws Exception {
        String ours = name("attach-start-ours");
        String theirs = name("attach-start-docker");
        stevedore("create", "--name", ours, busybox, "sh", "-c", STDOUT_ONLY);
        dockerResult("create", "--name", theirs, busybox, "sh", "-c", STDOUT_ONLY);

        for (int run = 1; run <= 2; run++) {
            CliRunner.Result docker = dockerResult("start", "-a", theirs);
            CliRunner.Result stevedore = stevedore("start", "-a", ours);

            assertThat(docker.stdout()).as("docker start -a, run %d", run).isEqualTo(stdout());
            assertThat(stevedore.stdout()).as("stevedore start -a, run %d", run).isEqualTo(docker.stdout());
        }
    }

    @Test
    void attachGivesWhatARunningContainerWritesAsDockerAttachDoes() throws Exception {
        // each container waits for a file an exec makes once dockerd has recorded the attach: events say when, no timer
        String script = "while [ ! -e /tmp/go ]; do sleep 0.1; done; " + STDOUT_ONLY;
        String ours = name("attach-ours");
        String theirs = name("attach-docker");
        stevedore("run", "-d", "--name", ours, busybox, "sh", "-c", script);
        dockerResult("run", "-d", "--name", theirs, busybox, "sh", "-c", script);
        // whole seconds, a second back: dockerd refuses a --since (its SystemTime has nanoseconds) past --until 0s (now,
        // in whole seconds) within the same second; the names are this test's own, so an earlier event cannot match
        String since = Long.toString(java.time.Instant.now().getEpochSecond() - 1);

        CompletableFuture<CliRunner.Result> stevedore = CompletableFuture.supplyAsync(() -> unchecked(() -> stevedore("attach", ours)));
        CompletableFuture<CliRunner.Result> docker = CompletableFuture.supplyAsync(() -> unchecked(() -> dockerResult("attach", theirs)));
        for (String name : List.of(ours, theirs)) {
            await("dockerd's attach event of " + name).atMost(Duration.ofSeconds(60)).until(() -> !docker("events", "--since", since,
                    "--until", "0s", "--filter", "container=" + name, "--filter", "event=attach", "--format", "{{.Action}}").isEmpty());
            dockerResult("exec", name, "touch", "/tmp/go");
        }

        assertThat(docker.get(2, TimeUnit.MINUTES).stdout()).as("what docker attach prints").isEqualTo(stdout());
        assertThat(stevedore.get(2, TimeUnit.MINUTES).stdout()).isEqualTo(stdout());
    }

    @Test
    void runInteractiveEchoesItsStdinAsDockerRunDoes() throws Exception {
        Path input = Files.write(scratch.resolve("input.bin"), stdout());

        CliRunner.Result[] both = bothFed(input.toFile(), "run", "-i", "--rm", busybox, "cat");

        for (CliRunner.Result result : both) {
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).as(result.toString()).isEqualTo(stdout());
        }
    }

    @Test
    void runWithATtyGivesTheTerminalsBytesAsDockerRunDoes() throws Exception {
        CliRunner.Result docker = dockerResult("run", "--rm", "-t", busybox, "printf", "a\\nb\\377");
        CliRunner.Result stevedore = stevedore("run", "--rm", "-t", busybox, "printf", "a\\nb\\377");

        assertThat(docker.stdout()).as("what docker run -t prints").isEqualTo(new byte[] {'a', '\r', '\n', 'b', (byte) 0377});
        assertThat(stevedore.stdout()).isEqualTo(docker.stdout());
    }
}
