package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;

/** {@code stevedore start}: starts created or stopped containers; prints each as named, as {@code docker start} does. */
@Command(name = "start", description = "Start one or more stopped containers.")
final class StartCommand extends ContainersCommand {
    @Override
    void apply(ContainerEngine engine, String container) {
        engine.startContainer(container);
        out().println(container);
    }
}
