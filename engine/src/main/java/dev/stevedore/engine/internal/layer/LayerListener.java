package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.internal.store.Digest;

/**
 * Hears how unpacking goes, layer by layer: {@link PullProgress.Phase#EXTRACTING} as blob bytes are
 * consumed (first with 0), then {@link PullProgress.Phase#PULL_COMPLETE} once the layer is in place, or
 * only {@code PULL_COMPLETE} when it was unpacked before. Called on the unpacking thread; must be quick
 * and must not throw.
 */
@FunctionalInterface
public interface LayerListener {
    /** Hears nothing. */
    LayerListener NONE = (layer, phase, bytes) -> { };

    /**
     * @param layerDigest the layer blob's digest
     * @param phase       {@code EXTRACTING} or {@code PULL_COMPLETE}
     * @param bytes       blob bytes unpacked so far (for {@code PULL_COMPLETE}: the blob's size)
     */
    void onLayer(Digest layerDigest, PullProgress.Phase phase, long bytes);
}
