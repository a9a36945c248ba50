package dev.stevedore.engine.internal.layer;

/**
 * Why a layer was refused, raised deep inside the unpacker and turned into an
 * {@link dev.stevedore.engine.UnsafeLayerException} (with the layer digest) at its boundary.
 */
final class LayerFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String entry;

    /** @param entry the archive entry's name for messages, or {@code null} when the archive itself is bad */
    LayerFault(String entry, String reason) {
        super(reason);
        this.entry = entry;
    }

    LayerFault(String entry, String reason, Throwable cause) {
        super(reason, cause);
        this.entry = entry;
    }

    String entry() {
        return entry;
    }
}
