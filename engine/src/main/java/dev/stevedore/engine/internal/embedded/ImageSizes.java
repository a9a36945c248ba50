package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.layer.LayerSizes;
import dev.stevedore.engine.internal.layer.SnapshotStore;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Images' sizes as dockerd counts them, unpacked ({@link LayerSizes}), so that {@code images}, {@code history},
 * {@code system df} and inspect read as docker's do. Counted when first asked for, by manifest, and never when an
 * image is looked up to run: a layer with no kept size (a state directory pulled by an older build) is read through
 * to count it, a few hundred milliseconds for postgres, which a {@code run} must not pay.
 */
final class ImageSizes {
    private final Map<Digest, List<Long>> counted = new ConcurrentHashMap<>();
    private final ContentStore store;
    private final SnapshotStore snapshots;
    private final Function<Digest, List<Descriptor>> layers;
    private final BiFunction<Digest, IOException, RuntimeException> damaged;

    /**
     * @param layers  the layers of an image, by manifest digest, bottom first
     * @param damaged the error for an image whose layer cannot be read
     */
    ImageSizes(ContentStore store, SnapshotStore snapshots, Function<Digest, List<Descriptor>> layers,
               BiFunction<Digest, IOException, RuntimeException> damaged) {
        this.store = store;
        this.snapshots = snapshots;
        this.layers = layers;
        this.damaged = damaged;
    }

    /** The content size of each layer of the image in {@code manifest}, bottom first. */
    List<Long> layers(Digest manifest) {
        return counted.computeIfAbsent(manifest, digest -> {
            List<Long> sizes = new ArrayList<>();
            for (Descriptor layer : layers.apply(digest)) {
                try {
                    sizes.add(snapshots.sizes().size(layer.digest(), () -> store.openBlob(layer.digest())));
                } catch (IOException e) {
                    throw damaged.apply(digest, e);
                }
            }
            return List.copyOf(sizes);
        });
    }

    /** The image's size: its layers' content. */
    long total(Digest manifest) {
        return layers(manifest).stream().mapToLong(Long::longValue).sum();
    }

    /** The content size of each layer of the image in {@code manifest}, by layer digest. */
    Map<String, Long> byLayer(Digest manifest) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        List<Descriptor> descriptors = layers.apply(manifest);
        for (int i = 0; i < descriptors.size(); i++) {
            sizes.put(descriptors.get(i).digest().toString(), layers(manifest).get(i));
        }
        return sizes;
    }
}
