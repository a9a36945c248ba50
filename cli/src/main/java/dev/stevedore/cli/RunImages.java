package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec.PullPolicy;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import java.io.PrintWriter;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The image a {@code run} or {@code create} needs, pulled first as its {@code --pull} and {@code --platform} say, with
 * docker's pull report on {@code err} so that stdout stays the container's.
 */
final class RunImages {
    private RunImages() {
    }

    /**
     * Pulls {@code reference} unless the local store has it for the platform asked ({@code platform} null: any).
     *
     * @param reference   null for an image named by its id, which is never pulled
     * @param imageText   the image as the user wrote it
     */
    static void ensure(ContainerEngine engine, @Nullable ImageReference reference, String imageText, PullPolicy policy,
                       @Nullable Platform platform, PrintWriter err, Terminal terminal) {
        if (reference == null) {
            return;
        }
        Optional<Image> local = engine.image(reference);
        boolean present = local.isPresent() ? platform == null || matches(local.get().platform(), platform)
                : Ids.localImageId(engine, imageText);
        if (policy != PullPolicy.ALWAYS && present) {
            return;
        }
        if (policy == PullPolicy.NEVER) {
            throw new ContainerEngineException("running " + reference.familiar() + " failed: the image is not in the"
                    + " local store" + (local.isPresent() ? " for " + platform + " (it is for " + local.get().platform() + ")" : "")
                    + " and --pull never forbids pulling it — pull it first with 'stevedore pull "
                    + (platform == null ? "" : "--platform " + platform + " ") + reference.familiar() + "'");
        }
        if (policy == PullPolicy.MISSING) {
            err.println("Unable to find image '" + reference.familiar() + "' locally");
        }
        PullCommand.showingProgress(engine, reference, PullCommand.usesDefaultTag(imageText),
                PullOptions.defaults().withPlatform(platform), err, terminal);
    }

    /** Whether an image of platform {@code image} serves a request for {@code asked}; no variant asked: any variant. */
    static boolean matches(Platform image, Platform asked) {
        return image.os().equals(asked.os()) && image.architecture().equals(asked.architecture())
                && (asked.variant().isEmpty() || asked.variant().equals(image.variant()));
    }
}
