package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import dev.stevedore.engine.ContainerInfo;
import java.time.Instant;
import java.util.List;

/** {@code compose ps}, in docker compose's columns. */
@Command(name = "ps", description = "List the services' containers.")
final class ComposePsCommand extends ComposeSubcommand {
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
