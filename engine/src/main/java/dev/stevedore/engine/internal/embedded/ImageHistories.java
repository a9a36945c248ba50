package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageHistory;
import dev.stevedore.engine.internal.image.ImageHistoryDocument;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code docker history} on the embedded engine: the config's history, newest first, with the ids dockerd gives it.
 * The newest step carries the image's id and tags; each step below it the id (and tags) of the next image up the
 * {@link Image#parent() parent} chain while that image is in the store, as dockerd fills them in, whatever number of
 * steps each image added; the rest are {@code <missing>}.
 */
final class ImageHistories {
    private final ContentStore store;
    private final Function<String, Optional<Image>> byId;
    private final Function<Image, List<Long>> layerSizes;

    /**
     * @param byId       the local image with an id, if there is one
     * @param layerSizes an image's layers' sizes as dockerd counts them (unpacked), bottom first
     */
    ImageHistories(ContentStore store, Function<String, Optional<Image>> byId, Function<Image, List<Long>> layerSizes) {
        this.store = store;
        this.byId = byId;
        this.layerSizes = layerSizes;
    }

    List<ImageHistory> of(Image image) {
        List<ImageHistory> steps;
        try {
            ImageManifest manifest = ImageManifest.parse(store.readBlob(Digest.parse(image.manifestDigest())), null);
            steps = new ArrayList<>(ImageHistoryDocument.parse(store.readBlob(manifest.config().digest()), image.id(),
                    image.references(), layerSizes.apply(image)));
        } catch (IOException e) {
            throw new ContainerEngineException("the local store " + store.root() + " is damaged: the config of image "
                    + image.id() + " cannot be read (" + e.getMessage() + ") — remove it with 'stevedore rmi' and pull"
                    + " again", e);
        }
        Image ancestor = image;
        for (int i = 1; i < steps.size() && !ancestor.parent().isEmpty(); i++) {
            Optional<Image> parent = byId.apply(ancestor.parent());
            if (parent.isEmpty()) {
                break; // removed since: dockerd stops there too
            }
            ancestor = parent.get();
            ImageHistory step = steps.get(i);
            steps.set(i, new ImageHistory(ancestor.id(), step.created(), step.createdBy(), step.size(), step.comment(),
                    ancestor.references()));
        }
        return List.copyOf(steps);
    }
}
