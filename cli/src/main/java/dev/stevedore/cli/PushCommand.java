package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PushOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore push}: uploads a local image to the registry its reference names, with {@code docker push}'s
 * report: the repository, one line (or redrawn line) per layer, then {@code TAG: digest: sha256:... size: N}.
 */
@Command(name = "push", description = "Upload an image to a registry.")
final class PushCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-q", "--quiet"}, description = "Print only the pushed manifest's digest.")
    boolean quiet;

    @Parameters(paramLabel = "IMAGE", description = "Image reference, e.g. 127.0.0.1:5000/team/app:1.4")
    String referenceText;

    private ImageReference reference;

    @Override
    void validate() {
        reference = reference(referenceText);
    }

    @Override
    int run(ContainerEngine engine) {
        PrintWriter out = out();
        if (quiet) {
            out.println(engine.push(reference, PushOptions.defaults()));
            return 0;
        }
        if (PullCommand.usesDefaultTag(referenceText)) {
            out.println("Using default tag: " + reference.tag());
        }
        out.println("The push refers to repository [" + reference.name() + "]");
        out.flush();
        List<String> layers = engine.image(reference).map(Image::layers).orElse(List.of());
        PullProgressRenderer progress = PullProgressRenderer.create(out, root().terminal());
        AtomicLong size = new AtomicLong();
        String digest;
        try {
            digest = engine.push(reference, new PushOptions(event -> {
                if (event.phase() == dev.stevedore.engine.PushProgress.Phase.COMPLETE) {
                    size.set(event.total());
                }
                // docker push shows layers only: the config blob's events (embedded engine) are left out
                if (layers.isEmpty() || layers.stream().anyMatch(l -> l.equals(event.digest()) || Ids.shortId(l).equals(event.digest()))) {
                    progress.onPush(event);
                }
            }));
        } catch (RuntimeException e) {
            progress.abort();
            throw e;
        }
        progress.finish(layers);
        out.println(reference.identifier() + ": digest: " + digest + " size: " + size.get());
        out.flush();
        return 0;
    }
}
