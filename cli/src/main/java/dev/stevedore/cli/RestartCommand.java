package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;

/**
 * {@code stevedore restart}: stops each container as {@code stop} does (its {@code -t}), then starts it again, as one
 * restart (its events end with {@code restart}); prints each as named.
 */
@Command(name = "restart", description = "Restart one or more containers.")
final class RestartCommand extends StopCommand {

    @Override
    void apply(ContainerEngine engine, String container) {
        engine.restartContainer(container, grace());
        out().println(container);
    }
}
