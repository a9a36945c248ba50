package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private final InMemoryEngine engine = new InMemoryEngine();
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void helpListsTheCommandsAndExitsZero() {
        CliRunner.Result result = cli.run("--help");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("Usage: stevedore [OPTIONS] COMMAND [ARG...]")
                .contains("  pull ", "  images ", "  rmi ", "  load ", "--home=DIR", "--debug", "STEVEDORE_HOME")
                .contains("  run ", "  ps ", "  logs ", "  exec ", "  stop ", "  kill ", "  rm ", "  inspect ", "  port ", "  wait ");
        assertThat(result.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        assertThat(cli.opened).as("help opens no engine").isEmpty();
    }

    @Test
    void everyCommandsHelpFitsEightyColumns() {
        for (String command : List.of("run", "ps", "logs", "exec", "stop", "kill", "rm", "inspect", "port", "wait",
                "pull", "images", "rmi", "load")) {
            CliRunner.Result result = cli.run(command, "--help");

            assertThat(result.exitCode()).as(command).isZero();
            assertThat(result.out()).as(command).startsWith("Usage: stevedore " + command);
            assertThat(result.out().lines()).as(command).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        }
        assertThat(cli.run("ps", "-h").out()).as("-h is help where it does not mean something else").startsWith("Usage: stevedore ps");
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void aCommandLineBuildsOnlyTheCommandItNamesPastTheGlobalOptions() {
        assertThat(Main.commandWord(new String[] {"--debug", "-H", "unix:///x", "--home", "/h", "--engine", "docker", "run", "ps"}))
                .isEqualTo("run");
        assertThat(Main.commandWord(new String[] {"--home=/h", "images"})).isEqualTo("images");
        assertThat(Main.commandWord(new String[] {"--version"})).as("none named: the whole tree").isNull();
        assertThat(Main.commandWord(new String[] {"imgaes"})).as("a typo: the whole tree, for suggestions").isNull();
        assertThat(Main.commandWord(new String[] {"help", "run"})).isNull();

        CommandLine tree = Main.commandLine((settings, overrides) -> engine, Terminal.plain(), java.time.Clock.systemUTC(), "ps");

        assertThat(tree.getSubcommands().keySet()).containsExactly("ps");
        assertThat(Main.commandLine((settings, overrides) -> engine, Terminal.plain(), java.time.Clock.systemUTC())
                .getSubcommands().keySet()).startsWith("run", "ps", "logs").contains("info", "version", "help");
    }

    @Test
    void versionNamesTheCommand() {
        CliRunner.Result result = cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("stevedore ").contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void noCommandIsAUsageError() {
        CliRunner.Result result = cli.run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("Usage: stevedore");
    }

    @Test
    void unknownCommandIsAUsageErrorWithASuggestion() {
        CliRunner.Result result = cli.run("pul", "busybox");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("stevedore: Unmatched argument")
                .contains("'pul'", "Did you mean: stevedore pull or stevedore push?", "Run 'stevedore --help' for usage.");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void unknownOptionIsAUsageErrorNamingTheCommand() {
        CliRunner.Result result = cli.run("images", "--bogus");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--bogus'", "Run 'stevedore images --help' for usage.");
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void homeOptionBecomesTheStateDirectory(@org.junit.jupiter.api.io.TempDir Path home) {
        CliRunner.Result result = cli.run("--home", home.toString(), "images");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(cli.opened).extracting(EngineSettings::stateDirectory).containsExactly(home);
        assertThat(engine.closed).as("engine closed after the command").isTrue();
    }

    @Test
    void withoutHomeTheEnvironmentDecides() {
        cli.run("images");

        assertThat(cli.opened).extracting(EngineSettings::stateDirectory)
                .containsExactly(EngineSettings.fromEnvironment().stateDirectory());
    }

    @Test
    void engineFailuresPrintTheMessageOnlyAndExitOne() {
        CliRunner.Result result = failingToList(
                new ContainerEngineException("listing images in /x failed: disk on fire — put it out")).run("images");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("stevedore: listing images in /x failed: disk on fire — put it out"
                + System.lineSeparator());
    }

    @Test
    void debugAddsTheStackTrace() {
        CliRunner failing = new CliRunner(new InMemoryEngine() {
            @Override
            public Image pull(ImageReference reference, PullOptions options) {
                throw new ContainerEngineException("pull failed", new java.io.IOException("connection reset"));
            }
        });

        CliRunner.Result result = failing.run("--debug", "pull", "-q", "busybox");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("stevedore: pull failed")
                .contains("\tat dev.stevedore.cli.", "Caused by: java.io.IOException: connection reset");
    }

    @Test
    void unexpectedExceptionsAreReportedAsSuchWithoutATrace() {
        CliRunner.Result result = failingToList(new IllegalStateException("bug")).run("images");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("stevedore: unexpected error: java.lang.IllegalStateException: bug")
                .contains("--debug").doesNotContain("\tat ");
    }

    @Test
    void helpCommandShowsASubcommandsUsage() {
        CliRunner.Result result = cli.run("help", "pull");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: stevedore pull ").contains("--platform=OS/ARCH[/VARIANT]");
    }

    private static CliRunner failingToList(RuntimeException failure) {
        return new CliRunner(new InMemoryEngine() {
            @Override
            public List<Image> images() {
                throw failure;
            }
        });
    }
}
