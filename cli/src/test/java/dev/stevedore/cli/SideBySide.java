package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of tests that do the same with the packaged CLI on the embedded engine (a state directory of the test's
 * own; a subclass may choose the Docker backend, {@link #stevedoreEngine()}) and with the docker CLI on the test bed's
 * dockerd, in one test, and compare: each call fails the test unless the command exits 0.
 */
abstract class SideBySide {
    private static final LocalTestbed TESTBED = LocalTestbed.load();

    @TempDir
    Path home;
    @TempDir
    Path scratch;
    /** The test bed's dockerd, where the docker CLI runs its side. */
    final String host = "unix://" + TESTBED.get("DOCKER_SOCKET");
    /** The test bed's busybox, for both. */
    final String busybox = TESTBED.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    private final List<String> names = new ArrayList<>();

    /** The environment that chooses stevedore's engine: the embedded one unless a subclass says otherwise. */
    Map<String, String> stevedoreEngine() {
        return Map.of("STEVEDORE_ENGINE", "embedded");
    }

    CliRunner.Result stevedore(String... args) throws Exception {
        CliRunner.Result result = new PackagedCli(home, scratch).run(stevedoreEngine(), args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    String docker(String... args) throws Exception {
        return dockerResult(args).out().strip();
    }

    /** What the docker CLI printed, its stdout as bytes too; fails unless it exits 0. */
    CliRunner.Result dockerResult(String... args) throws Exception {
        CliRunner.Result result = TestbedDocker.run(scratch, host, args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    /** Both commands as they end, whatever their exit codes, each with its standard input read from {@code input}. */
    CliRunner.Result[] bothFed(java.io.File input, String... args) throws Exception {
        return new CliRunner.Result[] {
                new PackagedCli(home, scratch).run(stevedoreEngine(), input, args),
                TestbedDocker.run(scratch, host, input, args)};
    }

    /** A container name of the test's own ({@code PREFIX-} and 8 random hex digits), removed from both after it. */
    String name(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        names.add(name);
        return name;
    }

    @AfterEach
    void removeNamedContainers() throws Exception {
        for (String name : names) {
            removeBoth(name);
        }
    }

    /** A call that may throw, for {@link #unchecked}. */
    interface Call<T> {
        T call() throws Exception;
    }

    /** The call's result, what it throws wrapped for a {@link java.util.concurrent.CompletableFuture}. */
    static <T> T unchecked(Call<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /** Removes the container of that name from both, whatever state it is in (or none). */
    void removeBoth(String name) throws Exception {
        new PackagedCli(home, scratch).run(stevedoreEngine(), "rm", "-f", name);
        TestbedDocker.run(scratch, host, "rm", "-f", name);
    }
}
