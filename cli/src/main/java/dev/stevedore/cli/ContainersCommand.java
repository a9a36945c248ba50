package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A command that does the same to each container it names ({@code stop}, {@code kill}, {@code rm},
 * {@code wait}). Goes on past a container it cannot handle and exits 1 at the end, as Docker's do.
 */
abstract class ContainersCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    List<String> containers;

    @Override
    int run(ContainerEngine engine) {
        int exitCode = 0;
        for (String container : containers) {
            try {
                apply(engine, container);
            } catch (ContainerEngineException e) {
                Main.report(e, root().debug(), err());
                exitCode = 1;
            }
            out().flush();
        }
        return exitCode;
    }

    /** Does the command's work on one container, printing what Docker prints for it. */
    abstract void apply(ContainerEngine engine, String container);
}
