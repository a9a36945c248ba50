package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore rmi}: removes images by reference or by (a unique prefix of) their id. Goes on past an
 * image that cannot be removed and exits 1 at the end, as {@code docker rmi} does.
 */
@Command(name = "rmi", description = "Remove one or more images from the local store.")
final class RmiCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    private static final Pattern ID = Pattern.compile("(sha256:)?[0-9a-f]{4,64}");

    @Option(names = {"-f", "--force"},
            description = "Remove an image given by ID even when several repositories name it or a stopped container uses it.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image reference (postgres:15) or image ID.")
    List<String> images;

    @Override
    int run(ContainerEngine engine) {
        int exitCode = 0;
        for (String image : images) {
            try {
                remove(engine, image);
            } catch (ContainerEngineException e) {
                Main.report(e, root().debug(), err());
                exitCode = 1;
            }
        }
        return exitCode;
    }

    private void remove(ContainerEngine engine, String argument) {
        ImageReference reference = tryParse(argument);
        Optional<Image> tagged = reference == null ? Optional.empty() : engine.image(reference);
        if (tagged.isPresent()) {
            untag(engine, tagged.get(), List.of(reference));
            return;
        }
        if (ID.matcher(argument).matches()) {
            String hex = Ids.hex(argument);
            List<Image> matches = engine.images().stream().filter(i -> Ids.hex(i.id()).startsWith(hex)).toList();
            if (matches.size() > 1) {
                throw new ContainerEngineException("removing image " + argument + " failed: the ID prefix matches "
                        + matches.size() + " images — give more digits of the ID");
            }
            if (matches.size() == 1) {
                // by id: every reference goes, then the image; the engine holds docker's conflict rules
                Image image = matches.get(0);
                engine.removeImageById(image.id(), force);
                image.references().forEach(r -> out().println("Untagged: " + r.familiar()));
                deleted(engine, image);
                return;
            }
        }
        throw new ContainerEngineException("removing image " + argument + " failed: no such image"
                + (reference != null ? " (" + reference + ")" : "") + " — 'stevedore images' lists the local images");
    }

    private void untag(ContainerEngine engine, Image image, List<ImageReference> references) {
        PrintWriter out = out();
        for (ImageReference reference : references) {
            engine.removeImage(reference);
            out.println("Untagged: " + reference.familiar());
        }
        deleted(engine, image);
    }

    /** docker's {@code Deleted:} lines: the image and its layers no other image has, once it is gone. */
    private void deleted(ContainerEngine engine, Image image) {
        PrintWriter out = out();
        List<Image> remaining = engine.images();
        if (remaining.stream().anyMatch(other -> other.id().equals(image.id()))) {
            return;
        }
        out.println("Deleted: " + image.id());
        Set<String> stillUsed = new HashSet<>();
        remaining.forEach(other -> stillUsed.addAll(other.layers()));
        image.layers().stream().filter(layer -> !stillUsed.contains(layer)).distinct()
                .forEach(layer -> out.println("Deleted: " + layer));
    }

    private static ImageReference tryParse(String text) {
        try {
            return ImageReference.parse(text);
        } catch (InvalidImageReferenceException e) {
            return null;
        }
    }
}
