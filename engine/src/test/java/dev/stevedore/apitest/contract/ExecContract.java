package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Commands run in a running container: exit codes and both output streams, env/user/working directory,
 * stdin, output streamed while the command runs, and a timeout that kills the command and what it started.
 */
public abstract class ExecContract extends EngineContract {
    private ContainerInfo target;

    @BeforeAll
    void startTarget() {
        target = started(busybox("sleep 3600"));
    }

    @Test
    void execReturnsTheExitCodeAndBothStreams() {
        ExecResult result = engine.exec(target.id(), ExecSpec.of("sh", "-c", "echo out; echo err >&2; exit 5"));

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void execUsesItsEnvUserAndWorkingDirectory() {
        ExecResult result = engine.exec(target.id(), ExecSpec.of("sh", "-c", "echo \"$GREETING\"; id -u; pwd")
                .withEnv(List.of("GREETING=hello exec")).withUser("65534").withWorkingDir("/tmp"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("hello exec\n65534\n/tmp\n");
    }

    @Test
    void execFeedsStdinAndClosesIt() {
        ExecResult echoed = engine.exec(target.id(), ExecSpec.of("cat").withStdin("line one\nline two\n".getBytes(StandardCharsets.UTF_8)));
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'y');
        ExecResult counted = engine.exec(target.id(), ExecSpec.of("wc", "-c").withStdin(big));

        assertThat(echoed.stdout()).isEqualTo("line one\nline two\n");
        assertThat(echoed.exitCode()).isZero();
        assertThat(counted.stdout().strip()).isEqualTo(Integer.toString(1 << 20));
    }

    @Test
    void execStreamsOutputWhileTheCommandRuns() {
        List<LogLine> lines = new CopyOnWriteArrayList<>();
        Map<String, Instant> arrivals = new ConcurrentHashMap<>();

        ExecResult result = engine.exec(target.id(), ExecSpec.of("sh", "-c", "echo first; echo oops >&2; sleep 1; echo second")
                .withOutput(line -> {
                    lines.add(line);
                    arrivals.put(line.text(), Instant.now());
                }));
        Instant returned = Instant.now();

        assertThat(result.succeeded()).isTrue();
        assertThat(lines).filteredOn(l -> l.stream() == LogLine.Stream.STDOUT).extracting(LogLine::text)
                .containsExactly("first", "second");
        assertThat(lines).filteredOn(l -> l.stream() == LogLine.Stream.STDERR).extracting(LogLine::text).containsExactly("oops");
        assertThat(Duration.between(arrivals.get("first"), returned)).isGreaterThan(Duration.ofMillis(700));
        assertThat(result.stdout()).isEqualTo("first\nsecond\n");
    }

    @Test
    void timeoutKillsTheCommandAndWhatItStarted() {
        long start = System.nanoTime();

        ExecResult result = engine.exec(target.id(), ExecSpec.of("sh", "-c", "echo started; sleep 517 & sleep 518")
                .withTimeout(Duration.ofSeconds(1)));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(60));
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.stdout()).isEqualTo("started\n");
        String processes = engine.exec(target.id(), ExecSpec.of("ps", "-o", "args")).stdout();
        assertThat(processes).contains("sleep 3600").doesNotContain("sleep 517").doesNotContain("sleep 518");
    }

    @Test
    void aCommandThatEndsBeforeItsTimeoutIsNotTimedOut() {
        ExecResult result = engine.exec(target.id(), ExecSpec.of("true").withTimeout(Duration.ofSeconds(20)));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isTrue();
    }

    @Test
    void execNeedsARunningContainer() {
        ContainerInfo created = engine.createContainer(busybox("sleep 600").build());
        String nobody = uniqueName("no-such-container");

        assertThatThrownBy(() -> engine.exec(created.id(), ExecSpec.of("true")))
                .isInstanceOf(ContainerEngineException.class)
                .isNotInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.exec(nobody, ExecSpec.of("true"))).isInstanceOf(ContainerNotFoundException.class);
    }
}
