package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code compose stop [SERVICE...]}: the services' running containers stopped, kept for a later {@code start}. */
@Command(name = "stop", description = "Stop the services' containers.")
final class ComposeStopCommand extends ComposeServicesCommand {
    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Seconds to wait for a stop before killing (default 10).")
    int timeout = 10;

    @Override
    int run(ContainerEngine engine) {
        ComposeProjects projects = projects(engine);
        each(projects, ComposeProjects.stopOrder(containers(engine, services)).stream().filter(c -> c.state().running()).toList(),
                "Stopping", "Stopped", c -> engine.stopContainer(c.id(), Duration.ofSeconds(timeout)));
        return 0;
    }
}
