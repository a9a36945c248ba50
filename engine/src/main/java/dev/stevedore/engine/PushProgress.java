package dev.stevedore.engine;

/**
 * One step of a push, reported to a {@link PushListener}: per blob (layers and the config) as it is checked,
 * uploaded or found in the registry already, and once for the whole image when its manifest is stored.
 *
 * <p>The Docker backend names blobs as the daemon does, by the first 12 hex digits of the layer's digest, and
 * reports no config blob.
 *
 * @param image   the reference being pushed
 * @param digest  the blob this event is about; for {@link Phase#COMPLETE} the manifest digest
 * @param phase   what happened
 * @param current bytes uploaded so far, where that means something; else 0
 * @param total   the blob's size in bytes where known; else 0 (for {@link Phase#COMPLETE} the manifest's size)
 */
public record PushProgress(ImageReference image, String digest, Phase phase, long current, long total) {

    /** The phases a push goes through, in order. */
    public enum Phase {
        /** The blob is about to be checked against the registry. */
        PREPARING,
        /** The registry has the blob in this repository already; nothing is uploaded. */
        ALREADY_EXISTS,
        /** The registry had the blob in another repository and linked it into this one; nothing is uploaded. */
        MOUNTED,
        /** Bytes are leaving. */
        PUSHING,
        /** The blob was uploaded and the registry confirmed its digest and size. */
        PUSHED,
        /** The manifest is stored in the registry under the reference. */
        COMPLETE
    }
}
