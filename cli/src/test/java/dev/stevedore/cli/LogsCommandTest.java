package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogLine.Stream;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LogsCommandTest {
    private final InMemoryEngine engine = new InMemoryEngine()
            .store("busybox:latest", InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000));
    private final CliRunner cli = new CliRunner(engine);

    @BeforeEach
    void aContainerThatWrote() {
        engine.runContainer(ContainerSpec.builder("busybox").name("app").build());
        engine.now = CliRunner.NOW.minusSeconds(3600);
        engine.emit("app", Stream.STDOUT, "starting");
        engine.emit("app", Stream.STDERR, "warning: no config");
        engine.now = CliRunner.NOW.minusSeconds(60);
        engine.emit("app", Stream.STDOUT, "ready");
        engine.now = CliRunner.NOW.minusSeconds(1).plusNanos(123_456_789);
        engine.emit("app", Stream.STDOUT, "request 1");
    }

    @Test
    void printsStdoutToStdoutAndStderrToStderr() {
        CliRunner.Result result = cli.run("logs", "app");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly("starting", "ready", "request 1");
        assertThat(result.errLines()).containsExactly("warning: no config");
    }

    @Test
    void tailTakesTheLastLines() {
        CliRunner.Result result = cli.run("logs", "--tail", "2", "app");

        assertThat(result.outLines()).containsExactly("ready", "request 1");
        assertThat(result.err()).isEmpty();
        assertThat(cli.run("logs", "-n", "all", "app").outLines()).hasSize(3);
    }

    @Test
    void sinceTakesADurationOrATimestamp() {
        assertThat(cli.run("logs", "--since", "5m", "app").outLines()).containsExactly("ready", "request 1");
        assertThat(cli.run("logs", "--since", "2025-06-01T11:59:00Z", "app").outLines()).containsExactly("ready", "request 1");
        assertThat(cli.run("logs", "--since", "2025-06-01T13:59:00+02:00", "app").outLines()).containsExactly("ready", "request 1");
        assertThat(cli.run("logs", "--since", "2025-06-01T11:59:59", "app").outLines()).containsExactly("request 1");
        assertThat(cli.run("logs", "--since", String.valueOf(CliRunner.NOW.getEpochSecond() - 30), "app").outLines())
                .containsExactly("request 1");
        assertThat(cli.run("logs", "--since", "2025-06-01", "app").outLines()).hasSize(3);
    }

    @Test
    void timestampsPrefixEachLineWithNanoseconds() {
        CliRunner.Result result = cli.run("logs", "-t", "--tail", "1", "app");

        assertThat(result.outLines()).containsExactly("2025-06-01T11:59:59.123456789Z request 1");
    }

    @Test
    void malformedTailAndSinceAreUsageErrors() {
        CliRunner.Result tail = cli.run("logs", "--tail", "few", "app");
        CliRunner.Result since = cli.run("logs", "--since", "yesterday", "app");

        assertThat(tail.exitCode()).isEqualTo(2);
        assertThat(tail.err()).contains("--tail must be a number of lines or all");
        assertThat(since.exitCode()).isEqualTo(2);
        assertThat(since.err()).contains("--since 'yesterday' is neither a duration");
    }

    @Test
    void followPrintsNewLinesUntilTheContainerExits() {
        CliRunner.Running running = cli.start("logs", "-f", "--tail", "0", "app");
        await().until(() -> engine.logStreams.get() == 1);
        engine.emit("app", Stream.STDOUT, "request 2");
        await().until(() -> running.out().toString().contains("request 2"));
        assertThat(running.exitCode()).isNotDone();

        engine.exit("app", 0);

        CliRunner.Result result = running.result();
        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).containsExactly("request 2");
    }

    @Test
    void missingContainerExitsOne() {
        CliRunner.Result result = cli.run("logs", "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("stevedore: no such container: nope" + System.lineSeparator());
    }
}
