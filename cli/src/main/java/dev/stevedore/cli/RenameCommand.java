package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code stevedore rename OLD NEW}: gives a container a new name; prints nothing, as Docker's. */
@Command(name = "rename", description = "Rename a container.")
final class RenameCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Parameters(index = "1", paramLabel = "NEW_NAME", description = "The new name.")
    String newName;

    @Override
    int run(ContainerEngine engine) {
        engine.renameContainer(container, newName);
        return 0;
    }
}
