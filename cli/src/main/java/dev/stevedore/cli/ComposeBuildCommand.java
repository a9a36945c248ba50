package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;

/** {@code compose build [SERVICE...]}: the images of the services with a {@code build:}, built and tagged. */
@Command(name = "build", description = "Build the services' images.")
final class ComposeBuildCommand extends ComposeServicesCommand {
    @Override
    int run(ContainerEngine engine) {
        ComposeProject project = compose.project();
        ComposeProjects projects = new ComposeProjects(engine, project.name(), err());
        for (ComposeService service : project.services().values()) {
            if (services.isEmpty() || services.contains(service.name())) {
                projects.imageFor(service, ComposeProjects.Build.ALWAYS);
            }
        }
        return 0;
    }
}
