package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore compose}: a compose file's services on either engine, read natively (no docker compose binary),
 * laid out on the engine as docker compose lays them out ({@link ComposeProjects}).
 */
@Command(name = "compose", description = "Run a compose file's services.",
        subcommands = {
            ComposeCommand.Up.class,
            ComposeCommand.Down.class,
            ComposeCommand.Ps.class,
            ComposeCommand.Logs.class,
            ComposeCommand.Exec.class,
        })
final class ComposeCommand implements Runnable {
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
    java.util.List<String> profiles = new java.util.ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "'stevedore compose' needs a subcommand: up, down, ps, logs or exec");
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
        return ComposeProject.read(found, projectName, java.util.Map.of(), profiles);
    }

    /** The project's name: {@code -p}, else what its file says. */
    String name() {
        if (projectName != null) {
            return projectName;
        }
        return project().name();
    }

    /** What the subcommands share: the project and its layout on the engine. */
    abstract static class Sub extends EngineCommand {
        @ParentCommand
        ComposeCommand compose;

        ComposeProjects projects(ContainerEngine engine) {
            return new ComposeProjects(engine, compose.name(), err());
        }

        /** The running container of {@code service}, or an error saying how to start it. */
        ContainerInfo running(ComposeProjects projects, String service) {
            return projects.container(service).filter(c -> c.state().running()).orElseThrow(() -> new ContainerEngineException(
                    "service \"" + service + "\" is not running — start it with 'stevedore compose up -d'"));
        }
    }

    /** {@code compose up}. */
    @Command(name = "up", description = "Create and start the services' containers.")
    static final class Up extends Sub {
        @Mixin
        HelpOption help;

        @Option(names = {"-d", "--detach"}, description = "Start them in the background and return.")
        boolean detach;

        @Override
        int run(ContainerEngine engine) {
            ComposeProject project = compose.project();
            ComposeProjects projects = new ComposeProjects(engine, project.name(), err());
            List<String> started = projects.up(project);
            if (detach) {
                return 0;
            }
            // attached, as docker compose up: their output until they all exit; Ctrl-C stops them
            ShutdownHooks.Registration registration = root().shutdownHooks().register("compose-up", () -> {
                err().println("Gracefully stopping... (press Ctrl+C again to force)");
                err().flush();
                // a service before what it depends on, as docker compose stops them
                new java.util.ArrayDeque<>(started).descendingIterator().forEachRemaining(id -> engine.stopContainer(id, Duration.ofSeconds(10)));
            });
            try {
                follow(engine, projects.containers(true).stream().filter(c -> started.contains(c.id())).toList(),
                        LogOptions.all().following(), true, false, outBytes());
                started.forEach(id -> Containers.awaitExit(engine, id));
            } finally {
                registration.cancel();
            }
            return 0;
        }
    }

    /** {@code compose down}. */
    @Command(name = "down", description = "Stop and remove the services' containers and networks.")
    static final class Down extends Sub {
        @Mixin
        HelpOption help;

        @Option(names = {"-v", "--volumes"}, description = "Remove the named volumes too.")
        boolean volumes;

        @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Seconds to wait for a stop before killing (default 10).")
        int timeout = 10;

        @Override
        int run(ContainerEngine engine) {
            projects(engine).down(volumes, Duration.ofSeconds(timeout));
            return 0;
        }
    }

    /** {@code compose ps}, in docker compose's columns. */
    @Command(name = "ps", description = "List the services' containers.")
    static final class Ps extends Sub {
        @Mixin
        HelpOption help;

        @Option(names = {"-a", "--all"}, description = "Show stopped containers too.")
        boolean all;

        @Option(names = {"-q", "--quiet"}, description = "Only show IDs.")
        boolean quiet;

        @Option(names = "--services", description = "Only show the services' names.")
        boolean services;

        @Override
        int run(ContainerEngine engine) {
            List<ContainerInfo> containers = projects(engine).containers(all);
            if (quiet || services) {
                containers.forEach(c -> out().println(quiet ? c.id() : c.labels().get(ComposeProjects.SERVICE)));
                return 0;
            }
            Instant now = root().clock().instant();
            Table table = new Table("NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS");
            for (ContainerInfo c : containers) {
                table.row(c.name(), c.image(), Containers.command(c.command(), false), c.labels().get(ComposeProjects.SERVICE),
                        Durations.ago(c.created(), now), Containers.status(c, now), Containers.ports(c.ports()));
            }
            table.print(out());
            return 0;
        }
    }

    /** {@code compose logs}, each line prefixed with its container as docker compose does ({@code web-1  | ...}). */
    @Command(name = "logs", description = "Show the services' output.")
    static final class Logs extends Sub {
        @Mixin
        HelpOption help;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new output.")
        boolean follow;

        @Option(names = {"-t", "--timestamps"}, description = "Prefix each line with the time it was written.")
        boolean timestamps;

        @Option(names = "--no-log-prefix", description = "Do not prefix lines with the container's name.")
        boolean noPrefix;

        @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services (default: all).")
        List<String> services = new ArrayList<>();

        @Override
        int run(ContainerEngine engine) {
            List<ContainerInfo> containers = projects(engine).containers(true).stream()
                    .filter(c -> services.isEmpty() || services.contains(c.labels().get(ComposeProjects.SERVICE))).toList();
            follow(engine, containers, follow ? LogOptions.all().following() : LogOptions.all(), !noPrefix, timestamps, outBytes());
            return 0;
        }
    }

    /** {@code compose exec}: {@code exec} in a service's container. */
    @Command(name = "exec", description = "Run a command in a service's running container.",
            customSynopsis = "stevedore compose exec [OPTIONS] SERVICE COMMAND [ARG...]")
    static final class Exec extends Sub {
        @Mixin
        HelpOption help;

        @Option(names = {"-T", "--no-TTY"}, description = "Accepted for docker compose's scripts: there is no terminal anyway.")
        boolean noTty;

        @Mixin
        ExecOptions options = new ExecOptions();

        @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
        String service;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
        List<String> command;

        @Override
        int run(ContainerEngine engine) {
            List<String> entries;
            try {
                entries = options.entries(root().environment());
            } catch (IllegalArgumentException e) {
                throw usageError("-e: " + e.getMessage());
            }
            String id = running(projects(engine), service).id();
            return ExecCommand.exec(engine, id, command, entries, options.user, options.workingDir, options.privileged, null, outBytes(), errBytes(), err(),
                    root().debug());
        }
    }

    /**
     * Copies the containers' logs to {@code out}, each container on a thread of its own, lines whole, their bytes as
     * the containers wrote them; an unterminated last line is ended with a newline, as docker compose ends it, so the
     * next container's line starts on a line of its own. Returns when every stream has ended (with {@code options}
     * following: when every container has exited).
     */
    static void follow(ContainerEngine engine, List<ContainerInfo> containers, LogOptions options, boolean prefix,
                       boolean timestamps, ByteOutput out) {
        int width = containers.stream().mapToInt(c -> ComposeProjects.shortName(c).length()).max().orElse(0);
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, containers.size()));
        try {
            List<Future<?>> copies = new ArrayList<>();
            for (ContainerInfo container : containers) {
                String head = prefix ? String.format("%-" + width + "s  | ", ComposeProjects.shortName(container)) : "";
                copies.add(threads.submit(() -> {
                    try (ContainerLogs logs = engine.logs(container.id(), options)) {
                        logs.lines().forEach((LogLine line) -> {
                            synchronized (out) {
                                out.writeLine(head + (timestamps ? LogsCommand.TIMESTAMP.format(line.time()) + " " : ""), line);
                                out.flush();
                            }
                        });
                    }
                }));
            }
            for (Future<?> copy : copies) {
                copy.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new ContainerEngineException("reading logs failed", e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }
}
