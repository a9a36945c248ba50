package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code create -i} then {@code start -ai}, and {@code start -a}, with the packaged CLI on the embedded engine beside
 * the docker CLI on the test bed's dockerd: each start feeds this command's stdin to the container and ends with its
 * exit code, and prints that run's output only.
 */
class StartAttachedIT extends SideBySide {
    @Test
    void eachStartAiFeedsItsStdinAndEndsWithTheExitCode() throws Exception {
        String name = "start-ai-" + UUID.randomUUID().toString().substring(0, 8);
        Path first = Files.writeString(scratch.resolve("first.txt"), "hello\n");
        Path second = Files.writeString(scratch.resolve("second.txt"), "again\n");
        try {
            stevedore("create", "-i", "--name", name, busybox, "sh", "-c", "cat; exit 3");
            dockerResult("create", "-i", "--name", name, busybox, "sh", "-c", "cat; exit 3");

            for (Path input : new Path[] {first, second}) {
                CliRunner.Result[] both = bothFed(input.toFile(), "start", "-ai", name);

                for (CliRunner.Result result : both) {
                    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
                    assertThat(result.out()).as(result.toString()).isEqualTo(Files.readString(input));
                }
            }
        } finally {
            removeBoth(name);
        }
    }

    @Test
    void startAPrintsThisRunsOutputOnly() throws Exception {
        String name = "start-a-" + UUID.randomUUID().toString().substring(0, 8);
        Path none = Files.writeString(scratch.resolve("none.txt"), "");
        try {
            stevedore("create", "--name", name, busybox, "sh", "-c", "date +%N; echo ran");
            dockerResult("create", "--name", name, busybox, "sh", "-c", "date +%N; echo ran");
            bothFed(none.toFile(), "start", "-a", name);

            CliRunner.Result[] again = bothFed(none.toFile(), "start", "-a", name);

            for (CliRunner.Result result : again) {
                assertThat(result.exitCode()).as(result.toString()).isZero();
                assertThat(result.outLines()).as(result.toString()).hasSize(2).last().isEqualTo("ran");
            }
        } finally {
            removeBoth(name);
        }
    }
}
