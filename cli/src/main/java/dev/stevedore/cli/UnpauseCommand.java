package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;

/** {@code stevedore unpause}: thaws what {@code pause} froze; prints each container as named. */
@Command(name = "unpause", description = "Unpause all processes within one or more containers.")
final class UnpauseCommand extends ContainersCommand {
    @Override
    void apply(ContainerEngine engine, String container) {
        engine.unpauseContainer(container);
        out().println(container);
    }
}
