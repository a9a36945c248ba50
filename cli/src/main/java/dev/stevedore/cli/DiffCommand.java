package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.FileChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore diff CONTAINER}: what the container changed in its file system against its image, one line per
 * path as docker prints it: {@code C /etc} (changed), {@code A /tmp/new} (added), {@code D /etc/group} (deleted).
 */
@Command(name = "diff", description = "Inspect changes to files or directories on a container's filesystem.")
final class DiffCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Override
    int run(ContainerEngine engine) {
        for (FileChange change : engine.changes(container)) {
            out().println(change);
        }
        out().flush();
        return 0;
    }
}
