package dev.stevedore.engine;

/**
 * A layer archive tried to do something an image layer must never do — write outside its directory,
 * through a link that points out, or with a name that is no name — or was not a readable archive.
 * The layer was not applied and nothing was written outside the store.
 */
public final class UnsafeLayerException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String layerDigest;
    private final String entryName;

    public UnsafeLayerException(String message, String layerDigest, String entryName, Throwable cause) {
        super(message, cause);
        this.layerDigest = layerDigest;
        this.entryName = entryName;
    }

    /** The digest of the offending layer blob, when known. */
    public String layerDigest() {
        return layerDigest;
    }

    /** The archive entry that was refused, or {@code null} for a damaged archive. */
    public String entryName() {
        return entryName;
    }
}
