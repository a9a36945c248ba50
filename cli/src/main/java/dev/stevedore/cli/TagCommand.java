package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ImageReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code stevedore tag}: files a local image under another reference too, as {@code docker tag} does. Prints nothing. */
@Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE.")
final class TagCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE", description = "A local image, e.g. busybox:latest")
    String sourceText;

    @Parameters(index = "1", paramLabel = "TARGET_IMAGE", description = "The new reference, e.g. 127.0.0.1:5000/team/app:1.4")
    String targetText;

    private ImageReference source;
    private ImageReference target;

    @Override
    void validate() {
        source = reference(sourceText);
        target = reference(targetText);
        if (target.digest() != null) {
            throw usageError("TARGET_IMAGE " + targetText + " has a digest: a tag can be created, a digest cannot");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        engine.tag(source, target);
        return 0;
    }
}
