package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stevedore load}: imports a {@code docker save} archive or an OCI image layout (directory or tar). */
@Command(name = "load", description = "Load images from a docker save archive or an OCI image layout.")
final class LoadCommand extends EngineCommand {
    @Mixin
    HelpOption help;


    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Archive or OCI layout to load.")
    Path input;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The same as --input.")
    Path file;

    private Path archive;

    @Override
    void validate() {
        if (input != null && file != null) {
            throw usageError("give the archive once: either -i FILE or FILE");
        }
        if (input == null && file == null) {
            throw usageError("missing the archive to load: stevedore load -i FILE");
        }
        archive = input != null ? input : file;
        if (!Files.exists(archive)) {
            throw new ContainerEngineException("loading images from " + archive + " failed: no such file or directory"
                    + " — give the path of a docker save archive or an OCI image layout");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        PrintWriter out = out();
        for (Image image : engine.load(archive)) {
            if (image.references().isEmpty()) {
                out.println("Loaded image ID: " + image.id());
            }
            for (ImageReference reference : image.references()) {
                out.println("Loaded image: " + reference.familiar());
            }
        }
        return 0;
    }
}
