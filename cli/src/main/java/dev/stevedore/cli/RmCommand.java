package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stevedore rm}: removes containers, their writable layers and logs; prints each as named. Their anonymous
 * volumes stay (listed, dangling) unless {@code -v}, as with docker.
 */
@Command(name = "rm", description = "Remove one or more containers.")
final class RmCommand extends ContainersCommand {
    @Option(names = {"-f", "--force"}, description = "Kill a running container first.")
    boolean force;

    @Option(names = {"-v", "--volumes"}, description = "Remove the anonymous volumes associated with the container.")
    boolean volumes;

    @Override
    void apply(ContainerEngine engine, String container) {
        engine.removeContainer(container, force, volumes);
        out().println(container);
    }
}
