package dev.stevedore.engine;

/**
 * One step of a pull, reported to a {@link PullListener}: per layer (and for the config blob) as it is
 * waited for, downloaded, verified and unpacked, and once for the whole image when it is done.
 *
 * @param image   the reference being pulled
 * @param digest  the blob this event is about; for {@link Phase#RESOLVED} and {@link Phase#COMPLETE} the manifest digest
 * @param phase   what happened
 * @param current bytes done so far (downloaded, or unpacked), where that means something; else 0
 * @param total   the blob's size in bytes where known; else 0
 */
public record PullProgress(ImageReference image, String digest, Phase phase, long current, long total) {

    /** The phases a pull goes through, in order. */
    public enum Phase {
        /** The manifest was resolved; {@code total} is the number of layers. */
        RESOLVED,
        /** The blob is queued for download. */
        WAITING,
        /** The blob is already in the local store; nothing will be downloaded. */
        ALREADY_EXISTS,
        /** Bytes are arriving. */
        DOWNLOADING,
        /** The blob arrived, was verified against its digest and stored. */
        DOWNLOAD_COMPLETE,
        /** The layer is being unpacked. */
        EXTRACTING,
        /** The layer is unpacked and ready to run. */
        PULL_COMPLETE,
        /** The whole image is stored and indexed under its reference. */
        COMPLETE
    }
}
