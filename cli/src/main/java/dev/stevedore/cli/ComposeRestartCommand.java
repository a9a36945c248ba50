package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code compose restart [SERVICE...]}: the services' containers stopped and started again, running or not. */
@Command(name = "restart", description = "Restart the services' containers.")
final class ComposeRestartCommand extends ComposeServicesCommand {
    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Seconds to wait for a stop before killing (default 10).")
    int timeout = 10;

    @Override
    int run(ContainerEngine engine) {
        // what a service depends on first, as up started them (the reverse of the stop order)
        List<dev.stevedore.engine.ContainerInfo> order = new ArrayList<>(ComposeProjects.stopOrder(containers(engine, services)));
        java.util.Collections.reverse(order);
        each(projects(engine), order, "Restarting", "Started", c -> engine.restartContainer(c.id(), Duration.ofSeconds(timeout)));
        return 0;
    }
}
