package dev.stevedore.cli;

import static dev.stevedore.cli.serve.BinaryOutput.SCRIPT;
import static dev.stevedore.cli.serve.BinaryOutput.STDERR;
import static dev.stevedore.cli.serve.BinaryOutput.STDOUT_ONLY;
import static dev.stevedore.cli.serve.BinaryOutput.stdout;
import static dev.stevedore.cli.serve.BinaryOutput.withoutTimes;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container's output through the packaged CLI on the embedded engine, byte for byte as the docker CLI gives it from
 * the test bed's dockerd: {@code run} (attached, with and without {@code --rm}), {@code logs} (whole, {@code --tail},
 * {@code -t}, {@code -f}) and {@code exec}, for output that is binary (every byte value) and ends without a newline.
 */
class OutputBytesIT extends SideBySide {
    @Test
    void runWithRmCopiesABinaryFileAsDockerRunDoes() throws Exception {
        CliRunner.Result docker = dockerResult("run", "--rm", busybox, "sh", "-c", SCRIPT);
        CliRunner.Result stevedore = stevedore("run", "--rm", busybox, "sh", "-c", SCRIPT);

        assertThat(docker.stdout()).as("what docker run prints").isEqualTo(stdout());
        assertThat(stevedore.stdout()).isEqualTo(docker.stdout());
    }

    @Test
    void runAndLogsGiveTheBytesAsTheDockerCliGivesThem() throws Exception {
        // the local driver on dockerd: its json-file gives bytes that are not UTF-8 back as U+FFFD
        String name = name("bytes-logs");
        CliRunner.Result dockerRun = dockerResult("run", "--name", name, "--log-driver", "local", busybox, "sh", "-c", STDOUT_ONLY);
        CliRunner.Result stevedoreRun = stevedore("run", "--name", name, "--log-driver", "local", busybox, "sh", "-c", STDOUT_ONLY);
        assertThat(stevedoreRun.stdout()).isEqualTo(dockerRun.stdout()).isEqualTo(stdout());

        for (List<String> logs : List.of(List.of("logs", name), List.of("logs", "-f", name), List.of("logs", "--tail", "1", name),
                List.of("logs", "--tail", "3", name))) {
            CliRunner.Result docker = dockerResult(logs.toArray(String[]::new));
            CliRunner.Result stevedore = stevedore(logs.toArray(String[]::new));
            assertThat(stevedore.stdout()).as(String.join(" ", logs)).isEqualTo(docker.stdout());
            assertThat(stevedore.err()).as(String.join(" ", logs)).isEqualTo(docker.err());
        }
        assertThat(dockerResult("logs", "--tail", "1", name).out()).isEqualTo("last");

        CliRunner.Result docker = dockerResult("logs", "-t", name);
        CliRunner.Result stevedore = stevedore("logs", "-t", name);
        assertThat(withoutTimes(stevedore.stdout())).isEqualTo(withoutTimes(docker.stdout()));
        assertThat(withoutTimes(docker.stdout())).endsWith("\nT last").startsWith("T \0");
    }

    @Test
    void execGivesTheBytesAsDockerExecDoes() throws Exception {
        String name = name("bytes-exec");
        dockerResult("run", "-d", "--name", name, busybox, "sleep", "120");
        stevedore("run", "-d", "--name", name, busybox, "sleep", "120");

        CliRunner.Result docker = dockerResult("exec", name, "sh", "-c", SCRIPT);
        CliRunner.Result stevedore = stevedore("exec", name, "sh", "-c", SCRIPT);

        assertThat(docker.stdout()).isEqualTo(stdout());
        assertThat(stevedore.stdout()).isEqualTo(docker.stdout());
        assertThat(stevedore.err()).isEqualTo(docker.err()).isEqualTo(STDERR);
    }
}
