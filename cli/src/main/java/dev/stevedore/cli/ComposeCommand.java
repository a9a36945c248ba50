package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.engine.ContainerEngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stevedore compose}: a compose file's services on either engine, read natively (no docker compose binary),
 * laid out on the engine as docker compose lays them out ({@link ComposeProjects}). Each subcommand is a class of its
 * own ({@link #subcommand}); this one holds the options they share.
 */
@Command(name = "compose", description = "Run a compose file's services.")
final class ComposeCommand implements Runnable {
    /** The subcommands' names, in the order help lists them; {@link #subcommand} makes one. */
    static final List<String> SUBCOMMANDS = List.of("up", "down", "ps", "logs", "exec", "run", "port", "start", "stop",
            "restart", "kill", "rm", "build", "pull", "config");

    private static final List<String> DEFAULT_FILES = List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");

    @Mixin
    HelpOption help;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The compose file (default: compose.yaml, "
            + "compose.yml, docker-compose.yaml or docker-compose.yml here).")
    Path file;

    @Option(names = {"-p", "--project-name"}, paramLabel = "NAME", description = "The project's name (default: the file's "
            + "name:, else its directory's name).")
    String projectName;

    @Option(names = "--profile", paramLabel = "NAME", description = "Enable the services of this profile (repeatable; "
            + "default: those COMPOSE_PROFILES lists).")
    List<String> profiles = new ArrayList<>();

    @Spec
    CommandSpec spec;

    /** {@code stevedore compose} with its subcommands. */
    static CommandLine commandLine() {
        CommandLine group = new CommandLine(new ComposeCommand());
        SUBCOMMANDS.forEach(name -> group.addSubcommand(name, subcommand(name)));
        return group;
    }

    /**
     * A new instance of the subcommand {@code name}: a switch, as {@code StevedoreCommand.subcommand}, so a call site is
     * linked only for the command that runs.
     */
    static Object subcommand(String name) {
        return switch (name) {
            case "up" -> new ComposeUpCommand();
            case "down" -> new ComposeDownCommand();
            case "ps" -> new ComposePsCommand();
            case "logs" -> new ComposeLogsCommand();
            case "exec" -> new ComposeExecCommand();
            case "run" -> new ComposeRunCommand();
            case "port" -> new ComposePortCommand();
            case "start" -> new ComposeStartCommand();
            case "stop" -> new ComposeStopCommand();
            case "restart" -> new ComposeRestartCommand();
            case "kill" -> new ComposeKillCommand();
            case "rm" -> new ComposeRmCommand();
            case "build" -> new ComposeBuildCommand();
            case "pull" -> new ComposePullCommand();
            case "config" -> new ComposeConfigCommand();
            default -> throw new IllegalArgumentException("no compose subcommand " + name);
        };
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "'stevedore compose' needs a subcommand: " + String.join(", ", SUBCOMMANDS));
    }

    /** The file named by {@code -f}, else the first of the default names here; {@code null} when there is none. */
    Path fileOrNull() {
        if (file != null) {
            return file;
        }
        return DEFAULT_FILES.stream().map(Path::of).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    /** The project, read from its file. */
    ComposeProject project() {
        Path found = fileOrNull();
        if (found == null) {
            throw new ContainerEngineException("no compose file here: name one with -f, or add one of " + DEFAULT_FILES);
        }
        return ComposeProject.read(found, projectName, Map.of(), profiles);
    }

    /** The project's name: {@code -p}, else what its file says. */
    String name() {
        if (projectName != null) {
            return projectName;
        }
        return project().name();
    }
}
