package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.PullOptions;
import picocli.CommandLine.Command;

/**
 * {@code compose pull [SERVICE...]}: the services' images pulled afresh; those with a {@code build:} are built, not
 * pulled, and skipped as docker compose skips them.
 */
@Command(name = "pull", description = "Pull the services' images.")
final class ComposePullCommand extends ComposeServicesCommand {
    @Override
    int run(ContainerEngine engine) {
        ComposeProject project = compose.project();
        ComposeProjects projects = new ComposeProjects(engine, project.name(), err());
        for (ComposeService service : project.services().values()) {
            if (service.build() != null || !services.isEmpty() && !services.contains(service.name())) {
                continue;
            }
            projects.progress("", service.name(), "Pulling");
            engine.pull(reference(service.image()), PullOptions.defaults());
            projects.progress("", service.name(), "Pulled");
        }
        return 0;
    }
}
