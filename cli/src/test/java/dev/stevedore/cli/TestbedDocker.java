package dev.stevedore.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real docker CLI against the test bed's dockerd, with a configuration of the test's own under {@code scratch}. */
final class TestbedDocker {
    private TestbedDocker() {
    }

    static CliRunner.Result run(Path scratch, String host, String... args) throws IOException, InterruptedException {
        return run(scratch, host, new java.io.File("/dev/null"), args);
    }

    /** As {@link #run(Path, String, String...)}, its standard input read from {@code input}. */
    static CliRunner.Result run(Path scratch, String host, java.io.File input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "--config", scratch.resolve("docker-config").toString(), "-H", host));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "docker-out", ".txt");
        Path err = Files.createTempFile(scratch, "docker-err", ".txt");
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(input))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("docker " + String.join(" ", args) + " did not finish within 120 s");
        }
        return CliRunner.Result.of(process.exitValue(), out, err);
    }
}
