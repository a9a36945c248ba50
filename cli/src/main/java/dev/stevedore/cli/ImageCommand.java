package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stevedore image}: what concerns the image store as a whole; for now {@code prune}. */
@Command(name = "image", description = "Manage images.", subcommands = ImageCommand.Prune.class)
final class ImageCommand implements Runnable {
    @Mixin
    HelpOption help;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "'stevedore image' needs a subcommand: prune");
    }

    /**
     * {@code image prune}: frees the build cache. The embedded store keeps no dangling images (an image lives under
     * its references), so what a prune can free is the cached build steps whose layers no tagged image uses.
     */
    @Command(name = "prune", description = "Remove cached build steps whose layers no tagged image uses, and what they alone held.")
    static final class Prune extends EngineCommand {
        @Mixin
        HelpOption help;

        @Override
        int run(ContainerEngine engine) {
            out().println("Total reclaimed space: " + Sizes.human(engine.pruneBuildCache()));
            return 0;
        }
    }
}
