package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ImageReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore tag}: files a local image (by reference, or by id: a dangling one is named so) under another
 * reference too, as {@code docker tag} does. Prints nothing.
 */
@Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE.")
final class TagCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE", description = "A local image, e.g. busybox:latest, or its ID")
    String sourceText;

    @Parameters(index = "1", paramLabel = "TARGET_IMAGE", description = "The new reference, e.g. 127.0.0.1:5000/team/app:1.4")
    String targetText;

    private ImageReference source;
    private ImageReference target;

    @Override
    void validate() {
        // an id in full is no reference (docker refuses 64 hex digits as a name); a prefix may be either
        source = Ids.fullImageId(sourceText) ? null : reference(sourceText);
        target = reference(targetText);
        if (target.digest() != null) {
            throw usageError("TARGET_IMAGE " + targetText + " has a digest: a tag can be created, a digest cannot");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        if (source == null || engine.image(source).isEmpty() && Ids.IMAGE_ID.matcher(sourceText).matches()) {
            engine.tagById(sourceText, target);
        } else {
            engine.tag(source, target);
        }
        return 0;
    }
}
