package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code compose rm [-f] [-s] [-v] [SERVICE...]}: the services' stopped containers removed, after docker compose's
 * question unless {@code -f}; running ones are left alone unless {@code -s} stops them first.
 */
@Command(name = "rm", description = "Remove the services' stopped containers.")
final class ComposeRmCommand extends ComposeServicesCommand {
    @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
    boolean force;

    @Option(names = {"-s", "--stop"}, description = "Stop the containers first, if they run.")
    boolean stop;

    @Option(names = {"-v", "--volumes"}, description = "Remove the anonymous volumes of the containers too.")
    boolean volumes;

    @Override
    int run(ContainerEngine engine) {
        ComposeProjects projects = projects(engine);
        List<ContainerInfo> containers = ComposeProjects.stopOrder(containers(engine, services));
        if (stop) {
            each(projects, containers.stream().filter(c -> c.state().running()).toList(), "Stopping", "Stopped",
                    c -> engine.stopContainer(c.id(), Duration.ofSeconds(10)));
            containers = ComposeProjects.stopOrder(containers(engine, services));
        }
        List<ContainerInfo> stopped = containers.stream().filter(c -> !c.state().running()).toList();
        if (stopped.isEmpty()) {
            err().println("No stopped containers");
            return 0;
        }
        if (!force && !confirmed(stopped)) {
            return 0;
        }
        each(projects, stopped, "Removing", "Removed", c -> engine.removeContainer(c.id(), false, volumes));
        return 0;
    }

    /** docker compose's question, answered on stdin; anything but y or yes (or no answer) keeps them. */
    private boolean confirmed(List<ContainerInfo> containers) {
        err().println("Going to remove " + String.join(", ", containers.stream().map(ContainerInfo::name).toList()));
        err().print("Are you sure? [yN] ");
        err().flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(root().stdin(), StandardCharsets.UTF_8)).readLine();
            return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            return false;
        }
    }
}
