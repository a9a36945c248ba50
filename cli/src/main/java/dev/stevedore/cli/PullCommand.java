package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stevedore pull}: downloads an image, showing progress per layer as {@code docker pull} does. */
@Command(name = "pull", description = "Download an image from a registry.")
final class PullCommand extends EngineCommand {

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", converter = PlatformConverter.class,
            description = "Platform to pull from a multi-platform image (default: STEVEDORE_PLATFORM, else this host's).")
    Platform platform;

    @Option(names = {"-q", "--quiet"}, description = "Print only the image's full reference.")
    boolean quiet;

    @Parameters(paramLabel = "REF", description = "Image reference, e.g. postgres:15 or host:5000/team/app:1.4")
    String referenceText;

    private ImageReference reference;

    @Override
    void validate() {
        reference = reference(referenceText);
    }

    @Override
    int run(ContainerEngine engine) {
        PrintWriter out = out();
        PullOptions options = PullOptions.defaults().withPlatform(platform);
        if (quiet) {
            engine.pull(reference, options);
            out.println(reference);
            return 0;
        }
        Optional<Image> before = engine.image(reference);
        if (usesDefaultTag(referenceText)) {
            out.println("Using default tag: " + reference.tag());
        }
        out.println(reference.identifier() + ": Pulling from " + reference.repository());
        out.flush();
        PullProgressRenderer progress = PullProgressRenderer.create(out, root().terminal());
        Image image;
        try {
            image = engine.pull(reference, options.withListener(progress));
        } catch (RuntimeException e) {
            progress.abort();
            throw e;
        }
        progress.finish(image.layers());
        out.println("Digest: " + (reference.digest() != null ? reference.digest() : image.manifestDigest()));
        boolean upToDate = before.isPresent() && before.get().id().equals(image.id());
        out.println("Status: " + (upToDate ? "Image is up to date for " : "Downloaded newer image for ")
                + reference.familiar());
        out.println(reference);
        return 0;
    }

    private static boolean usesDefaultTag(String text) {
        int slash = text.lastIndexOf('/');
        return !text.contains("@") && text.indexOf(':', slash + 1) < 0;
    }
}
