package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.serve.internal.DockerDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore inspect}: containers as a JSON array of the documents dockerd (and {@code stevedore serve}) answers. Prints those it found
 * even when some names match nothing (those are reported on stderr, and the exit code is 1).
 */
@Command(name = "inspect", description = "Show details of one or more containers as JSON.")
final class InspectCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Mixin
    InspectFormat format;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    List<String> containers;

    @Override
    void validate() {
        check(format);
    }

    @Override
    int run(ContainerEngine engine) {
        List<Map<String, Object>> documents = new ArrayList<>();
        int exitCode = 0;
        for (String container : containers) {
            try {
                ContainerInfo info = engine.inspectContainer(container);
                documents.add(DockerDocuments.container(engine, info, imageConfig(engine, info)));
            } catch (ContainerEngineException e) {
                Main.report(e, root().debug(), err());
                exitCode = 1;
            }
        }
        format.print(out(), documents);
        return exitCode;
    }

    /** The image's config when the image is still in the local store; the empty config otherwise. */
    private static ImageConfig imageConfig(ContainerEngine engine, ContainerInfo info) {
        try {
            return engine.image(ImageReference.parse(info.image())).map(image -> image.config()).orElse(ImageConfig.empty());
        } catch (InvalidImageReferenceException e) {
            return ImageConfig.empty();
        }
    }
}
