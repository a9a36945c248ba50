package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code compose kill [-s SIGNAL] [SERVICE...]}: a signal to the services' running containers (SIGKILL by default). */
@Command(name = "kill", description = "Send a signal to the services' running containers.")
final class ComposeKillCommand extends ComposeServicesCommand {
    @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", description = "The signal (default SIGKILL).")
    String signal = "SIGKILL";

    @Override
    int run(ContainerEngine engine) {
        each(projects(engine), ComposeProjects.stopOrder(containers(engine, services)).stream().filter(c -> c.state().running()).toList(),
                "Killing", "Killed", c -> engine.killContainer(c.id(), signal));
        return 0;
    }
}
