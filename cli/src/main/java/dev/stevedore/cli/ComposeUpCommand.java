package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.LogOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compose up [SERVICE...]}: the services named (all without names) and what they depend on, created where
 * missing, recreated where the file or the image changed, started where they do not run.
 */
@Command(name = "up", description = "Create and start the services' containers.")
final class ComposeUpCommand extends ComposeSubcommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-d", "--detach"}, description = "Start them in the background and return.")
    boolean detach;

    @Option(names = "--build", description = "Build the images of services with a build: first, even when they exist.")
    boolean build;

    @Option(names = "--no-build", description = "Do not build missing images.")
    boolean noBuild;

    @Option(names = "--force-recreate", description = "Recreate the containers even when nothing changed.")
    boolean forceRecreate;

    @Option(names = "--no-recreate", description = "Leave existing containers as they are, even when the file changed.")
    boolean noRecreate;

    @Option(names = "--no-deps", description = "Do not start the services the named ones depend on.")
    boolean noDeps;

    @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services and what they depend on (default: all).")
    List<String> services = new ArrayList<>();

    @Override
    void validate() {
        if (build && noBuild) {
            throw usageError("--build and --no-build are incompatible");
        }
        if (forceRecreate && noRecreate) {
            throw usageError("--force-recreate and --no-recreate are incompatible");
        }
        checkServices(services);
    }

    @Override
    int run(ContainerEngine engine) {
        ComposeProject project = compose.project();
        ComposeProjects projects = new ComposeProjects(engine, project.name(), err());
        ComposeProjects.UpOptions options = new ComposeProjects.UpOptions(services, noDeps,
                build ? ComposeProjects.Build.ALWAYS : noBuild ? ComposeProjects.Build.NEVER : ComposeProjects.Build.MISSING,
                forceRecreate ? ComposeProjects.Recreate.ALWAYS : noRecreate ? ComposeProjects.Recreate.NEVER
                        : ComposeProjects.Recreate.CHANGED);
        List<String> started = List.copyOf(projects.up(project, options).values());
        if (detach) {
            return 0;
        }
        // attached, as docker compose up: their output until they all exit; Ctrl-C stops them
        ShutdownHooks.Registration registration = root().shutdownHooks().register("compose-up", () -> {
            err().println("Gracefully stopping... (press Ctrl+C again to force)");
            err().flush();
            // a service before what it depends on, as docker compose stops them
            new ArrayDeque<>(started).descendingIterator().forEachRemaining(id -> engine.stopContainer(id, Duration.ofSeconds(10)));
        });
        try {
            ComposeLogsCommand.follow(engine, projects.containers(true).stream().filter(c -> started.contains(c.id())).toList(),
                    LogOptions.all().following(), true, false, outBytes());
            started.forEach(id -> Containers.awaitExit(engine, id));
        } finally {
            registration.cancel();
        }
        return 0;
    }
}
