package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top of the command tree: global options and what every subcommand shares (how to open the engine,
 * what the output is attached to, the clock). Subcommands reach it through {@code spec.root()}; {@link Main}
 * adds them ({@link #SUBCOMMANDS}).
 */
@Command(name = "stevedore", versionProvider = VersionProvider.class,
        description = "Pull, run and manage OCI images and containers, with or without a Docker daemon.",
        customSynopsis = "stevedore [OPTIONS] COMMAND [ARG...]",
        footerHeading = "%nEnvironment (or as system properties: STEVEDORE_HOME is -Dstevedore.home):%n",
        footer = {
            "  STEVEDORE_ENGINE               embedded or docker (default: Docker when DOCKER_HOST",
            "                                 or a docker context is set, else embedded where",
            "                                 it can run, else a Docker or Podman socket)",
            "  DOCKER_HOST, DOCKER_CONTEXT    the Docker daemon to use (DOCKER_TLS_VERIFY and",
            "                                 DOCKER_CERT_PATH for TLS)",
            "  STEVEDORE_HOME                 state directory (default: /var/lib/stevedore",
            "                                 as root, else $XDG_DATA_HOME/stevedore)",
            "  STEVEDORE_PLATFORM             platform to pull, e.g. linux/arm64/v8",
            "  STEVEDORE_REGISTRY_MIRROR      mirrors for docker.io images, comma separated",
            "  STEVEDORE_INSECURE_REGISTRIES  registries allowed over plain HTTP",
            "  STEVEDORE_CERTS_D              certs.d directory of registry CA certificates",
            "  DOCKER_CONFIG                  directory of config.json (registry logins)",
            "",
            "Run 'stevedore COMMAND --help' for more information on a command.",
        })
final class StevedoreCommand implements Callable<Integer> {
    /** The subcommands' names, in the order help lists them; {@link #subcommand} makes one. */
    static final List<String> SUBCOMMANDS = List.of(
            "run", "ps", "logs", "exec", "attach", "create", "start", "stop", "restart", "kill", "pause", "unpause",
            "rename", "update", "stats", "top", "rm", "inspect", "port", "wait", "container", "network", "volume", "pull",
            "images", "rmi", "history", "image", "system", "cp", "diff", "commit", "export", "load", "tag", "save",
            "push", "login", "logout", "build", "builder", "compose", "serve", "events", "info", "version", "help");

    @Option(names = "--home", paramLabel = "DIR",
            description = "State directory for this run (overrides STEVEDORE_HOME).")
    Path home;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "Engine to use: embedded or docker (overrides STEVEDORE_ENGINE).")
    String engine;

    @Option(names = {"-H", "--host"}, paramLabel = "HOST",
            description = "Docker daemon to use, e.g. unix:///var/run/docker.sock or tcp://host:2376 "
                    + "(overrides DOCKER_HOST; implies the docker engine).")
    String host;

    @Option(names = "--progress", paramLabel = "MODE",
            description = "Progress of pulls and pushes: auto (bars on a terminal, plain lines elsewhere), plain, or tty.")
    String progress;

    @Option(names = "--debug", description = "Show stack traces and the engine's debug log.")
    boolean debug;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Show the version and exit.")
    boolean version;

    @Spec
    CommandSpec spec;

    private final EngineFactory engines;
    private final Terminal terminal;
    private final Clock clock;
    private InputStream stdin = System.in;
    private OutputStream stdout = System.out;
    private OutputStream stderr = System.err;
    private ShutdownHooks shutdownHooks = ShutdownHooks.RUNTIME;
    private UnaryOperator<String> environment = System::getenv;

    StevedoreCommand(EngineFactory engines, Terminal terminal, Clock clock) {
        this.engines = engines;
        this.terminal = terminal;
        this.clock = clock;
    }

    /**
     * A new instance of the subcommand {@code name} (one of {@link #SUBCOMMANDS}). A switch rather than a map of
     * constructor references: each reference is a call site the JVM links on first use, and building the map linked
     * all 46 in every run, though a run builds one subcommand.
     */
    static Object subcommand(String name) {
        return switch (name) {
            case "run" -> new RunCommand();
            case "ps" -> new PsCommand();
            case "logs" -> new LogsCommand();
            case "exec" -> new ExecCommand();
            case "attach" -> new AttachCommand();
            case "create" -> new CreateCommand();
            case "start" -> new StartCommand();
            case "stop" -> new StopCommand();
            case "restart" -> new RestartCommand();
            case "kill" -> new KillCommand();
            case "pause" -> new PauseCommand();
            case "unpause" -> new UnpauseCommand();
            case "rename" -> new RenameCommand();
            case "update" -> new UpdateCommand();
            case "stats" -> new StatsCommand();
            case "top" -> new TopCommand();
            case "rm" -> new RmCommand();
            case "inspect" -> new InspectCommand();
            case "port" -> new PortCommand();
            case "wait" -> new WaitCommand();
            case "network" -> new NetworkCommand();
            case "volume" -> new VolumeCommand();
            case "pull" -> new PullCommand();
            case "images" -> new ImagesCommand();
            case "rmi" -> new RmiCommand();
            case "history" -> new HistoryCommand();
            case "image" -> ManagementCommands.image();
            case "container" -> ManagementCommands.container();
            case "system" -> new SystemCommand();
            case "cp" -> new CpCommand();
            case "diff" -> new DiffCommand();
            case "commit" -> new CommitCommand();
            case "export" -> new ExportCommand();
            case "load" -> new LoadCommand();
            case "tag" -> new TagCommand();
            case "save" -> new SaveCommand();
            case "push" -> new PushCommand();
            case "login" -> new LoginCommand();
            case "logout" -> new LogoutCommand();
            case "build" -> new BuildCommand();
            case "builder" -> new BuilderCommand();
            case "compose" -> ComposeCommand.commandLine();
            case "serve" -> new ServeCommand();
            case "events" -> new EventsCommand();
            case "info" -> new InfoCommand();
            case "version" -> new VersionCommand();
            case "help" -> new HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    /** Without a command there is nothing to do: show what there is, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return picocli.CommandLine.ExitCode.USAGE;
    }

    /** The settings from the environment, with this run's global options applied. */
    EngineSettings settings() {
        EngineSettings settings;
        try {
            settings = EngineSettings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("reading Stevedore's settings from the environment failed: "
                    + e.getMessage() + " — correct STEVEDORE_PLATFORM (or the other STEVEDORE_* variable named)", e);
        }
        return home != null ? settings.withStateDirectory(home.toAbsolutePath()) : settings;
    }

    /** Opens the engine the options, environment and machine select; the caller closes it. */
    ContainerEngine openEngine() {
        return engines.open(settings(), selectionOverrides());
    }

    /** The selection variables this run's options set, for {@link ContainerEngine#detect(EngineSettings, Map)}. */
    Map<String, String> selectionOverrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (engine != null) {
            String name = engine.strip().toLowerCase(Locale.ROOT);
            if (!name.equals("embedded") && !name.equals("docker")) {
                throw new ParameterException(spec.commandLine(),
                        "--engine is \"" + engine + "\", which names no engine; use embedded or docker");
            }
            if (host != null && name.equals("embedded")) {
                throw new ParameterException(spec.commandLine(),
                        "--host names a Docker daemon, which the embedded engine does not use; leave out one of them");
            }
            overrides.put("STEVEDORE_ENGINE", name);
        }
        if (host != null) {
            overrides.put("DOCKER_HOST", host);
            // -H is an explicit choice of a daemon: an engine named in the environment does not override it
            overrides.putIfAbsent("STEVEDORE_ENGINE", "");
        }
        return overrides;
    }

    /** Where output goes, as detected and then as {@code --progress} says. */
    Terminal terminal() {
        try {
            return terminal.withProgress(progress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    Clock clock() {
        return clock;
    }

    boolean debug() {
        return debug;
    }

    /** What {@code exec -i} feeds to the command: this JVM's standard input unless a test says otherwise. */
    InputStream stdin() {
        return stdin;
    }

    /** The byte streams under the command line's stdout and stderr writers, for a container's output as it wrote it. */
    OutputStream stdout() {
        return stdout;
    }

    OutputStream stderr() {
        return stderr;
    }

    /** Replaces the byte streams under stdout and stderr, for tests that also set the command line's writers over them. */
    StevedoreCommand output(OutputStream newStdout, OutputStream newStderr) {
        this.stdout = newStdout;
        this.stderr = newStderr;
        return this;
    }

    /** Where commands register what must happen when the user interrupts them (Ctrl-C). */
    ShutdownHooks shutdownHooks() {
        return shutdownHooks;
    }

    /** The command's own environment, where {@code -e KEY} finds the value of {@code KEY}. */
    UnaryOperator<String> environment() {
        return environment;
    }

    /** Replaces standard input, for tests that run the command line in their JVM. */
    StevedoreCommand stdin(InputStream newStdin) {
        this.stdin = newStdin;
        return this;
    }

    /** Replaces the JVM's shutdown hooks, for tests that interrupt a command. */
    StevedoreCommand shutdownHooks(ShutdownHooks newShutdownHooks) {
        this.shutdownHooks = newShutdownHooks;
        return this;
    }

    /** Replaces the environment, for tests. */
    StevedoreCommand environment(UnaryOperator<String> newEnvironment) {
        this.environment = newEnvironment;
        return this;
    }
}
