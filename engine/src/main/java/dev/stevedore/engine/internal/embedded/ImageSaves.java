package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.image.ArchiveWriter;
import dev.stevedore.engine.internal.layer.StoreCollector;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code docker save} on the embedded engine: the images named by reference, under those names, and the images named
 * by id, under none (dockerd's {@code RepoTags: null}), each written once, while the collector is held off.
 */
final class ImageSaves {
    private final ContentStore store;
    private final StoreCollector collector;
    private final Function<ImageReference, Optional<Image>> find;
    private final Function<String, Optional<Image>> findById;
    private final Path stateDirectory;

    ImageSaves(ContentStore store, StoreCollector collector, Function<ImageReference, Optional<Image>> find,
               Function<String, Optional<Image>> findById, Path stateDirectory) {
        this.store = store;
        this.collector = collector;
        this.find = find;
        this.findById = findById;
        this.stateDirectory = stateDirectory;
    }

    /**
     * Writes the images {@code references} name, and those with {@code ids} under no name (as {@code docker save ID}),
     * as a docker save archive (see {@code ContainerEngine#save}).
     */
    void save(List<ImageReference> references, List<String> ids, java.io.OutputStream out) {
        String what = "save of " + java.util.stream.Stream.concat(references.stream().map(ImageReference::familiar),
                ids.stream()).toList() + " failed: ";
        try (CrossProcessLock ignored = collector.protect()) {
            Map<Digest, List<ImageReference>> images = new LinkedHashMap<>();
            for (ImageReference reference : references) {
                Image image = find.apply(reference).orElseThrow(() -> new ImageNotFoundException(what + "no image "
                        + reference.familiar() + " in the local store " + stateDirectory, reference.registry(), reference, 0));
                List<ImageReference> names = images.computeIfAbsent(Digest.parse(image.manifestDigest()), d -> new ArrayList<>());
                if (reference.tag() != null) {
                    names.add(ImageService.withoutDigestIfTagged(reference));
                }
            }
            for (String id : ids) {
                Image image = findById.apply(id).orElseThrow(() -> new ImageNotFoundException(what + "no image with id " + id
                        + " in the local store " + stateDirectory, null, null, 0));
                images.computeIfAbsent(Digest.parse(image.manifestDigest()), d -> new ArrayList<>());
            }
            List<ArchiveWriter.Entry> entries = new ArrayList<>();
            images.forEach((digest, names) -> entries.add(new ArchiveWriter.Entry(digest, names)));
            ArchiveWriter.write(entries, store, out);
        } catch (IOException e) {
            throw new ContainerEngineException(what + e.getMessage(), e);
        }
    }
}
