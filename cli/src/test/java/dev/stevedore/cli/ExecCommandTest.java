package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecCommandTest {
    private final InMemoryEngine engine = new InMemoryEngine()
            .store("busybox:latest", InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000));
    private final CliRunner cli = new CliRunner(engine);

    @BeforeEach
    void aRunningContainer() {
        engine.runContainer(ContainerSpec.builder("busybox").name("app").build());
    }

    @Test
    void runsTheCommandWithItsOptionsAndExitsWithItsCode() {
        engine.execResults = spec -> new ExecResult(3, "out\n", "err\n", false);
        cli.environment.put("TOKEN", "secret");

        CliRunner.Result result = cli.run("exec", "-u", "nobody", "-w", "/tmp", "-e", "A=1", "-e", "TOKEN", "-e", "UNSET",
                "app", "sh", "-c", "ls -l; exit 3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("out" + System.lineSeparator());
        assertThat(result.err()).isEqualTo("err" + System.lineSeparator());
        ExecSpec spec = engine.execs.get(0);
        assertThat(spec.command()).as("options after the container belong to the command").containsExactly("sh", "-c", "ls -l; exit 3");
        assertThat(spec.user()).isEqualTo("nobody");
        assertThat(spec.workingDir()).isEqualTo("/tmp");
        assertThat(spec.env()).containsExactly("A=1", "TOKEN=secret");
        assertThat(spec.hasStdin()).as("no -i, no input").isFalse();
        assertThat(spec.timeout()).isNull();
        assertThat(spec.privileged()).isFalse();
    }

    @Test
    void privilegedReachesTheExec() {
        engine.execResults = spec -> new ExecResult(0, "", "", false);

        cli.run("exec", "--privileged", "app", "true");

        assertThat(engine.execs.get(0).privileged()).isTrue();
    }

    @Test
    void interactiveFeedsStandardInput() {
        engine.execResults = spec -> {
            try {
                return new ExecResult(0, new String(spec.stdinStream().readAllBytes(), StandardCharsets.UTF_8), "", false);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        cli.stdin("line 1\nline 2\n".getBytes(StandardCharsets.UTF_8));

        CliRunner.Result result = cli.run("exec", "-i", "app", "cat");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).containsExactly("line 1", "line 2");
    }

    @Test
    void printsCollectedOutputWhenTheEngineDidNotStreamIt() {
        CliRunner collecting = new CliRunner(new InMemoryEngine() {
            @Override
            public ExecResult exec(String container, ExecSpec spec) {
                return new ExecResult(0, "all at once\n", "", false);
            }
        });

        CliRunner.Result result = collecting.run("exec", "app", "true");

        assertThat(result.out()).isEqualTo("all at once\n");
    }

    @Test
    void missingCommandExits127AndStoppedContainerExitsOne() {
        engine.execResults = spec -> {
            throw new ContainerStartException("exec of \"nope\" in container failed: executable file not found in $PATH",
                    "app", List.of(), null);
        };
        CliRunner.Result missing = cli.run("exec", "app", "nope");
        engine.exit("app", 0);
        CliRunner.Result stopped = cli.run("exec", "app", "true");

        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.err()).startsWith("stevedore: exec of \"nope\" in container failed");
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.err()).startsWith("stevedore: exec in container app failed: it is not running");
    }

    @Test
    void aCommandIsRequired() {
        CliRunner.Result result = cli.run("exec", "app");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required parameter", "COMMAND");
    }
}
