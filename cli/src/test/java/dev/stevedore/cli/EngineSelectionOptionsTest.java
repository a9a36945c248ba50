package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** {@code --engine}, {@code -H/--host} and what {@code info} and {@code version} say of the engine in use. */
class EngineSelectionOptionsTest {
    private final InMemoryEngine engine = new InMemoryEngine() {
        @Override
        public EngineInfo info() {
            return new EngineInfo("docker", "unix:///run/test.sock", "Docker/20.10.24 (linux), API 1.41",
                    "DOCKER_HOST is set (unix:///run/test.sock)", false);
        }
    };
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void withoutOptionsTheSelectionIsLeftToTheEnvironment() {
        assertThat(cli.run("ps").exitCode()).isZero();

        assertThat(cli.overrides).containsExactly(Map.of());
    }

    @Test
    void engineOptionSetsStevedoreEngine() {
        assertThat(cli.run("--engine", "Docker", "ps").exitCode()).isZero();

        assertThat(cli.overrides).containsExactly(Map.of("STEVEDORE_ENGINE", "docker"));
    }

    @Test
    void hostOptionSetsDockerHostAndClearsAnEngineNamedInTheEnvironment() {
        CliRunner.Result result = cli.run("-H", "tcp://10.0.0.5:2375", "images");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(cli.overrides).containsExactly(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2375", "STEVEDORE_ENGINE", ""));
        cli.overrides.clear();
        assertThat(cli.run("--host=unix:///run/d.sock", "--engine=docker", "ps").exitCode()).isZero();
        assertThat(cli.overrides).containsExactly(Map.of("DOCKER_HOST", "unix:///run/d.sock", "STEVEDORE_ENGINE", "docker"));
    }

    @Test
    void anUnknownEngineIsAUsageErrorNamingTheChoices() {
        CliRunner.Result result = cli.run("--engine", "podman", "ps");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--engine is \"podman\"", "embedded or docker");
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void theEmbeddedEngineWithADockerHostIsAUsageError() {
        CliRunner.Result result = cli.run("--engine", "embedded", "-H", "unix:///run/d.sock", "ps");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--host names a Docker daemon");
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void infoSaysWhichEngineWhyAndWhereThenWhatItHolds() {
        CliRunner.Result result = cli.run("info");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsSubsequence(
                "Server:",
                " Engine:",
                "  Name:             docker",
                "  Version:          Docker/20.10.24 (linux), API 1.41",
                "  Endpoint:         unix:///run/test.sock",
                "  Selected because: DOCKER_HOST is set (unix:///run/test.sock)",
                " Containers: 0",
                "  Running: 0",
                "  Stopped: 0",
                " Images: 0");
    }

    @Test
    void versionShowsTheClientThenTheEngine() {
        CliRunner.Result result = cli.run("version");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsSubsequence(
                "Client:",
                " Java:             " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                "Engine:",
                " Name:             docker",
                " Endpoint:         unix:///run/test.sock");
    }

    @Test
    void versionStillShowsTheClientWhenNoEngineCanBeOpened() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine((settings, overrides) -> {
            throw new ContainerEngineException("No container engine is usable here.");
        }, Terminal.plain(), Clock.systemUTC());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        int exitCode = commandLine.execute("version");

        assertThat(exitCode).isEqualTo(1);
        assertThat(out.toString()).startsWith("Client:\n Version:").doesNotContain("Engine:");
        assertThat(err.toString()).isEqualTo("stevedore: No container engine is usable here.\n");
    }
}
