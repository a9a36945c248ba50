package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stevedore pull}: downloads an image, showing progress per layer as {@code docker pull} does. */
@Command(name = "pull", description = "Download an image from a registry.")
final class PullCommand extends EngineCommand {
    @Mixin
    HelpOption help;


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
        showingProgress(engine, reference, usesDefaultTag(referenceText), options, out, root().terminal());
        out.println(reference);
        return 0;
    }

    /**
     * Pulls {@code reference} writing Docker's pull report to {@code out}: the tag being pulled, one line (or
     * redrawn line) per layer, the digest and whether the image was new. {@code run} uses it too.
     */
    static Image showingProgress(ContainerEngine engine, ImageReference reference, boolean defaultTag,
                                 PullOptions options, PrintWriter out, Terminal terminal) {
        Optional<Image> before = engine.image(reference);
        if (defaultTag) {
            out.println("Using default tag: " + reference.tag());
        }
        out.println(reference.identifier() + ": Pulling from " + reference.repository());
        out.flush();
        PullProgressRenderer progress = PullProgressRenderer.create(out, terminal);
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
        out.flush();
        return image;
    }

    static boolean usesDefaultTag(String text) {
        int slash = text.lastIndexOf('/');
        return !text.contains("@") && text.indexOf(':', slash + 1) < 0;
    }
}
