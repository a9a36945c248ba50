package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code compose start [SERVICE...]}: the services' existing containers started again (after {@code stop}); a service
 * with no container is an error, as with docker compose: {@code up} makes them.
 */
@Command(name = "start", description = "Start the services' existing containers.")
final class ComposeStartCommand extends ComposeServicesCommand {
    @Override
    int run(ContainerEngine engine) {
        List<ContainerInfo> containers = new ArrayList<>(ComposeProjects.stopOrder(containers(engine, services)));
        for (String service : services) {
            if (containers.stream().noneMatch(c -> service.equals(c.labels().get(ComposeProjects.SERVICE)))) {
                throw new ContainerEngineException("service \"" + service + "\" has no container to start — create it with "
                        + "'stevedore compose up -d " + service + "'");
            }
        }
        if (containers.isEmpty()) {
            throw new ContainerEngineException("no containers to start — create them with 'stevedore compose up -d'");
        }
        java.util.Collections.reverse(containers); // what a service depends on first
        each(projects(engine), containers.stream().filter(c -> !c.state().running() && !oneOff(c)).toList(), "Starting", "Started",
                c -> engine.startContainer(c.id()));
        return 0;
    }

    private static boolean oneOff(ContainerInfo container) {
        return "True".equals(container.labels().get(ComposeSpecs.ONEOFF));
    }
}
