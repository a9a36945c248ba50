package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;

/** {@code stevedore pause}: freezes every process of each container (the cgroup freezer); prints each as named. */
@Command(name = "pause", description = "Pause all processes within one or more containers.")
final class PauseCommand extends ContainersCommand {
    @Override
    void apply(ContainerEngine engine, String container) {
        engine.pauseContainer(container);
        out().println(container);
    }
}
