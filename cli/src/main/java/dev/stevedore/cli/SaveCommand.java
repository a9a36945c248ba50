package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore save}: writes images to a tar archive that {@code docker load} and {@code stevedore load} read.
 * With {@code -o} the file appears whole or not at all (written beside it, then renamed); without it the archive
 * goes to standard output, which must not be a terminal.
 */
@Command(name = "save", description = "Save one or more images to a tar archive (standard output by default).")
final class SaveCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to a file instead of standard output.")
    Path output;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image references, e.g. busybox:latest")
    List<String> imageTexts;

    private List<ImageReference> images; // null where the text is a full image id

    @Override
    void validate() {
        // a full id (or sha256:…) is never a name; anything else is read as one first (see run)
        images = imageTexts.stream().map(text -> Ids.fullImageId(text) ? null : reference(text)).toList();
        if (output == null && root().terminal().interactive()) {
            throw usageError("refusing to write an archive to a terminal: use -o FILE or redirect standard output");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        // as dockerd reads each: a name when a local image has it, else the id (or id prefix) of a local image, saved
        // without a name (docker save ID), so that a dangling image can be saved
        List<ImageReference> named = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            String text = imageTexts.get(i);
            if (images.get(i) == null || engine.image(images.get(i)).isEmpty() && Ids.localImageId(engine, text)) {
                ids.add(text);
            } else {
                named.add(images.get(i));
            }
        }
        if (output == null) {
            engine.save(named, ids, System.out);
            System.out.flush();
            return 0;
        }
        try {
            OutputFile.write(output, "save", out -> engine.save(named, ids, out));
        } catch (IOException e) {
            throw new ContainerEngineException("saving " + imageTexts + " to " + output + " failed: " + e.getMessage(), e);
        }
        return 0;
    }
}
