package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stevedore rm}: removes containers with everything they own; prints each as named. */
@Command(name = "rm", description = "Remove one or more containers.")
final class RmCommand extends ContainersCommand {
    @Option(names = {"-f", "--force"}, description = "Kill a running container first.")
    boolean force;

    @Override
    void apply(ContainerEngine engine, String container) {
        engine.removeContainer(container, force);
        out().println(container);
    }
}
