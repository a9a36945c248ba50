package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** create, start and restart, as docker's: ids and names printed, the container kept. */
@Timeout(30)
class CreateStartRestartCommandTest {
    private final InMemoryEngine engine = new InMemoryEngine()
            .store("busybox:latest", InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000));
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void createMakesAKeptContainerWithRunsOptionsAndDoesNotStartIt() {
        CliRunner.Result created = cli.run("create", "--name", "made", "-e", "A=1", "-l", "x=y", "busybox", "echo", "-n", "hi");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        String id = created.out().strip();
        assertThat(engine.inspectContainer("made").id()).isEqualTo(id);
        assertThat(engine.inspectContainer("made").state().status()).isEqualTo(Status.CREATED);
        ContainerSpec spec = engine.created.get(0);
        assertThat(spec.cmd()).containsExactly("echo", "-n", "hi");
        assertThat(spec.env()).contains("A=1");
        assertThat(spec.labels()).containsEntry("x", "y").containsEntry(ContainerSpec.KEEP_LABEL, "true");
    }

    @Test
    void startStartsWhatCreateMadeAndPrintsItAsNamed() {
        cli.run("create", "--name", "made", "busybox", "sleep", "60");

        CliRunner.Result started = cli.run("start", "made", "nope");

        assertThat(started.exitCode()).isEqualTo(1);
        assertThat(started.outLines()).containsExactly("made");
        assertThat(started.err()).contains("no such container: nope");
        assertThat(engine.inspectContainer("made").state().running()).isTrue();
    }

    @Test
    void restartStopsWithTheGracePeriodThenStartsAgain() {
        cli.run("run", "-d", "--name", "busy", "busybox", "sleep", "60");

        CliRunner.Result restarted = cli.run("restart", "-t", "2", "busy");

        assertThat(restarted.exitCode()).as(restarted.toString()).isZero();
        assertThat(restarted.outLines()).containsExactly("busy");
        String id = engine.inspectContainer("busy").id();
        assertThat(engine.stops).containsExactly(Map.entry(id, Duration.ofSeconds(2)));
        assertThat(engine.inspectContainer("busy").state().running()).isTrue();
        assertThat(cli.run("restart", "-t", "-1", "busy").exitCode()).isEqualTo(2);
    }

    @Test
    void createInteractiveOpensTheStdinThatStartAiFeeds() {
        CliRunner.Result result = cli.run("create", "-i", "--name", "fed", "busybox", "cat");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(engine.inspectContainer("fed").spec().openStdin()).isTrue();
        assertThat(engine.inspectContainer("fed").spec().stdinOnce()).isTrue();
        assertThat(cli.run("start", "-a", "fed", "busybox").exitCode()).as("attached, one container at a time").isEqualTo(2);
    }
}
