package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static dev.stevedore.apitest.ContainerTestbed.exited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commands run in running containers: user, environment, working directory, stdin, timeout, streamed output. */
class ContainerExecIT extends ContainerTestBase {
    private static ContainerInfo box;

    @BeforeAll
    static void startContainer() {
        box = engine.runContainer(ContainerSpec.builder(busybox()).env("FROM_CONTAINER", "yes").workingDir("/srv")
                .hostname("exec-box").cmd("sleep", "1000").build());
    }

    @AfterAll
    static void removeContainer() {
        engine.removeContainer(box.id(), true);
    }

    @Test
    void execRunsInTheContainerWithItsEnvironmentAndWorkingDirectory() {
        ExecResult result = engine.exec(box.id(), ExecSpec.of("sh", "-c", "pwd; hostname; id -u; echo $FROM_CONTAINER; echo oops >&2; exit 4"));

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stdout()).isEqualTo("/srv\nexec-box\n0\nyes\n");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void execTakesItsOwnUserEnvironmentAndWorkingDirectory() {
        ExecResult result = engine.exec(box.id(), ExecSpec.of("sh", "-c", "pwd; id; echo $EXTRA $FROM_CONTAINER; echo $HOME")
                .withUser("nobody").withEnv(List.of("EXTRA=added", "FROM_CONTAINER=overridden")).withWorkingDir("/tmp"));

        assertThat(result.stdout()).isEqualTo("/tmp\nuid=65534(nobody) gid=65534(nobody) groups=65534(nobody)\n"
                + "added overridden\n/nonexistent\n");
        assertThat(engine.exec(box.id(), ExecSpec.of("id", "-u").withUser("1234:1234")).stdout()).isEqualTo("1234\n");
    }

    @Test
    void stdinIsFedToTheCommandThenClosed() {
        byte[] input = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);

        ExecResult result = engine.exec(box.id(), ExecSpec.of("sh", "-c", "wc -l; echo done").withStdin(input));

        assertThat(result.stdout()).isEqualTo("2\ndone\n");
        byte[] large = new byte[3 << 20];
        java.util.Arrays.fill(large, (byte) 'x');
        assertThat(engine.exec(box.id(), ExecSpec.of("wc", "-c").withStdin(large)).stdout().trim())
                .as("stdin larger than the pipes").isEqualTo(Integer.toString(3 << 20));
        assertThat(engine.exec(box.id(), ExecSpec.of("cat")).stdout()).as("no stdin is an empty one").isEmpty();
    }

    @Test
    void aTimeoutKillsTheCommandAndItsChildren() {
        long start = System.nanoTime();
        ExecResult result = engine.exec(box.id(), ExecSpec.of("sh", "-c", "echo started; sleep 100 & sleep 100")
                .withTimeout(Duration.ofMillis(500)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.stdout()).isEqualTo("started\n");
        // the upper bound only tells the kill from the sleeps ending on their own (100 s): at load 15 it takes seconds
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(60));
        // killed processes stay as zombies: the container's pid 1 (sleep) reaps nobody, as without Docker's --init
        assertThat(engine.exec(box.id(), ExecSpec.of("sh", "-c", "ps -o stat,comm | grep -v '^Z' | grep -c sleep")).stdout())
                .as("only the container's own sleep is left").isEqualTo("1\n");
    }

    @Test
    void outputIsStreamedLineByLineAsItComes() {
        List<LogLine> lines = new CopyOnWriteArrayList<>();
        List<Instant> received = new CopyOnWriteArrayList<>();

        ExecResult result = engine.exec(box.id(), ExecSpec.of("sh", "-c", "echo first; sleep 0.3; echo second >&2; printf tail")
                .withOutput(line -> {
                    lines.add(line);
                    received.add(Instant.now());
                }));

        assertThat(lines).extracting(LogLine::stream, LogLine::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDOUT, "first"),
                org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDERR, "second"),
                org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDOUT, "tail"));
        assertThat(Duration.between(received.get(0), received.get(1))).as("the first line came before the sleep ended")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(result.stdout()).isEqualTo("first\ntail");
    }

    @Test
    void aMissingCommandGivesDockersExitCodeAndMessage() {
        ExecResult result = engine.exec(box.id(), ExecSpec.of("no-such-tool", "arg"));

        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(result.stderr()).contains("exec: \"no-such-tool\": executable file not found in $PATH");
        assertThat(engine.exec(box.id(), ExecSpec.of("true").withWorkingDir("/no/such/dir")).exitCode()).isEqualTo(126);
        assertThat(engine.exec(box.id(), ExecSpec.of("true").withUser("ghost")).stderr())
                .contains("unable to find user ghost: no matching entries in passwd file");
    }

    @Test
    void execIntoAStoppedContainerIsAClearError() {
        ContainerInfo done = run(ContainerSpec.builder(busybox()).cmd("true"));
        exited(engine, done.id());

        assertThatThrownBy(() -> engine.exec(done.id(), ExecSpec.of("true")))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("it is not running (exited, exit code 0) — start it first");
    }

    @Test
    void anExecEndsWhenItsContainerEnds() {
        ContainerInfo shortLived = run(ContainerSpec.builder(busybox()).cmd("sleep", "1"));
        long start = System.nanoTime();

        ExecResult result = engine.exec(shortLived.id(), ExecSpec.of("sleep", "100"));

        assertThat(result.exitCode()).isEqualTo(137);
        // tells the container's end from the sleep's (100 s), nothing finer: at load 15 an exec takes seconds
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }
}
