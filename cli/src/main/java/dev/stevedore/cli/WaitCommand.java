package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;

/** {@code stevedore wait}: blocks until each container exits and prints its exit code. */
@Command(name = "wait", description = "Wait for one or more containers to exit, then print their exit codes.")
final class WaitCommand extends ContainersCommand {
    @Override
    void apply(ContainerEngine engine, String container) {
        out().println(Containers.awaitExit(engine, container).exitCode());
    }
}
