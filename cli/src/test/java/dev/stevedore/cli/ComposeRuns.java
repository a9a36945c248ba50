package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the compose ITs that compare with Debian's {@code docker-compose} share: {@code stevedore compose} on the
 * embedded engine or a dockerd, the packaged CLI, and docker or docker-compose against the test bed's dockerd; each
 * must succeed. {@code ${BUSYBOX}} in a compose file is the test bed's busybox.
 */
abstract class ComposeRuns {
    protected static LocalTestbed testbed;
    protected static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void findTestbed() {
        testbed = LocalTestbed.load();
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    /** {@code text} as {@code compose.yaml} in the scratch directory. */
    Path file(String text) throws IOException {
        Path file = scratch.resolve("compose.yaml");
        Files.writeString(file, text);
        return file;
    }

    /** What a test checks once both tools brought the same file up ({@link #besideDockerCompose}). */
    interface BothUp {
        void check(String host, Path file, String reference) throws Exception;
    }

    /**
     * Brings {@code text} up on the test bed's dockerd with {@code stevedore compose} as {@code project} and with
     * Debian's docker-compose beside it as {@code project + "ref"}, runs {@code test}, then brings both down.
     */
    void besideDockerCompose(String text, String project, BothUp test) throws Exception {
        Path file = file(text);
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        String reference = project + "ref";
        try {
            compose(host, file, project, "up", "-d");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d");
            test.check(host, file, reference);
        } finally {
            compose(host, file, project, "down", "-v", "-t", "1");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "down", "-v", "-t", "1");
        }
    }

    /** The id of {@code service}'s container in docker-compose's project {@code reference} (1.x names them its way). */
    String dockerComposeContainer(String host, Path file, String reference, String service)
            throws IOException, InterruptedException {
        return run(host, "docker-compose", "-f", file.toString(), "-p", reference, "ps", "-q", service).outLines().get(0);
    }

    /** {@code stevedore compose -f FILE -p NAME ARGS} on {@code engine}: {@code embedded}, or a dockerd's address. */
    CliRunner.Result compose(String engine, Path file, String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(engine.equals("embedded") ? List.of("--engine", "embedded") : List.of("-H", engine));
        command.addAll(List.of("compose", "-f", file.toString(), "-p", name));
        command.addAll(List.of(args));
        return stevedore(command.toArray(String[]::new));
    }

    CliRunner.Result stevedore(String... command) throws IOException, InterruptedException {
        CliRunner.Result result = stevedoreAttempt(command);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    /** The packaged {@code stevedore COMMAND}, whatever its exit status. */
    CliRunner.Result stevedoreAttempt(String... command) throws IOException, InterruptedException {
        return new PackagedCli(home, scratch).run(Map.of("BUSYBOX", busybox), command);
    }

    /** Runs docker or docker-compose against the test bed's dockerd; must succeed. */
    CliRunner.Result run(String host, String... command) throws IOException, InterruptedException {
        CliRunner.Result result = attempt(host, command);
        assertThat(result.exitCode()).as("%s: %s", List.of(command), result).isZero();
        return result;
    }

    /** Runs docker or docker-compose against the test bed's dockerd, whatever its exit status. */
    CliRunner.Result attempt(String host, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(Map.of("DOCKER_HOST", host, "BUSYBOX", busybox));
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
        return new CliRunner.Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
