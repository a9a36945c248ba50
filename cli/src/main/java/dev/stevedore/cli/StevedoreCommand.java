package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
    /** The subcommands, in the order help lists them. */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

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
    private ShutdownHooks shutdownHooks = ShutdownHooks.RUNTIME;
    private UnaryOperator<String> environment = System::getenv;

    StevedoreCommand(EngineFactory engines, Terminal terminal, Clock clock) {
        this.engines = engines;
        this.terminal = terminal;
        this.clock = clock;
    }

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("run", RunCommand::new);
        commands.put("ps", PsCommand::new);
        commands.put("logs", LogsCommand::new);
        commands.put("exec", ExecCommand::new);
        commands.put("attach", AttachCommand::new);
        commands.put("create", CreateCommand::new);
        commands.put("start", StartCommand::new);
        commands.put("stop", StopCommand::new);
        commands.put("restart", RestartCommand::new);
        commands.put("kill", KillCommand::new);
        commands.put("pause", PauseCommand::new);
        commands.put("unpause", UnpauseCommand::new);
        commands.put("rename", RenameCommand::new);
        commands.put("update", UpdateCommand::new);
        commands.put("stats", StatsCommand::new);
        commands.put("top", TopCommand::new);
        commands.put("rm", RmCommand::new);
        commands.put("inspect", InspectCommand::new);
        commands.put("port", PortCommand::new);
        commands.put("wait", WaitCommand::new);
        commands.put("network", NetworkCommand::new);
        commands.put("volume", VolumeCommand::new);
        commands.put("pull", PullCommand::new);
        commands.put("images", ImagesCommand::new);
        commands.put("rmi", RmiCommand::new);
        commands.put("history", HistoryCommand::new);
        commands.put("image", ImageCommand::new);
        commands.put("system", SystemCommand::new);
        commands.put("cp", CpCommand::new);
        commands.put("diff", DiffCommand::new);
        commands.put("commit", CommitCommand::new);
        commands.put("export", ExportCommand::new);
        commands.put("load", LoadCommand::new);
        commands.put("tag", TagCommand::new);
        commands.put("save", SaveCommand::new);
        commands.put("push", PushCommand::new);
        commands.put("login", LoginCommand::new);
        commands.put("logout", LogoutCommand::new);
        commands.put("build", BuildCommand::new);
        commands.put("builder", BuilderCommand::new);
        commands.put("compose", ComposeCommand::new);
        commands.put("serve", ServeCommand::new);
        commands.put("events", EventsCommand::new);
        commands.put("info", InfoCommand::new);
        commands.put("version", VersionCommand::new);
        commands.put("help", HelpCommand::new);
        return Collections.unmodifiableMap(commands);
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
