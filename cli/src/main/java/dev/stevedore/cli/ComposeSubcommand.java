package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.ParentCommand;

/** What the {@code stevedore compose} subcommands share: the project and its layout on the engine. */
abstract class ComposeSubcommand extends EngineCommand {
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

    /**
     * The project's containers of {@code services} (all of them when empty), running or not; {@link #checkServices}
     * has checked the names.
     */
    List<ContainerInfo> containers(ContainerEngine engine, List<String> services) {
        return projects(engine).containers(true).stream()
                .filter(c -> services.isEmpty() || services.contains(c.labels().get(ComposeProjects.SERVICE))).toList();
    }

    /** Checks the service names against the file before the engine is opened. */
    void checkServices(List<String> services) {
        if (services.isEmpty()) {
            return;
        }
        ComposeProject project = compose.project();
        for (String service : services) {
            if (!project.services().containsKey(service)) {
                throw usageError("no such service: " + service + " (the file has " + project.services().keySet() + ")");
            }
        }
    }

    /**
     * Does {@code action} to each of {@code containers}, in order, with docker compose's progress before and after
     * ({@code  Container shop-web-1  Stopping}, {@code  ...  Stopped}).
     */
    void each(ComposeProjects projects, List<ContainerInfo> containers, String doing, String done, Consumer<ContainerInfo> action) {
        for (ContainerInfo container : containers) {
            projects.progress("Container", container.name(), doing);
            action.accept(container);
            projects.progress("Container", container.name(), done);
        }
    }
}
